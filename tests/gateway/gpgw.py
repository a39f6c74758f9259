#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""gpgw: a GlobalProtect test gateway for gpvpn's tests and demo.

It speaks the gateway side of PROTOCOL.md (prelogin, login, getconfig, HIP
check, logout, the HTTPS tunnel and ESP over UDP) with the Python standard
library and python3-cryptography (ESP, in gpesp.py), and shares no code
with the client on purpose: a bug copied into both sides would pass every
test. Tunnel packets, HTTPS or ESP, are bridged onto a tun device in the
gateway's namespace, so they route to a LAN behind it. Every request and
tunnel event goes to a JSON-lines log (--log) with secrets redacted, so the
tests can assert what the client sent; the counters (at exit and on
SIGUSR1) say per session which transport carried its traffic.

ESP rules (PROTOCOL.md §7, §1): each getconfig issues fresh keys; the
gateway sends with the newest SA the client has used, accepts an older
one for ESP_SA_GRACE_S after a new getconfig, and routes a session's
packets over ESP while the client sent a valid datagram in the last
ESP_UP_S; opening the HTTPS tunnel kills the session's keys until its next
getconfig. Fault switches: --udp-drop, --udp-drop-after (with
--udp-drop-old-keys: only the keys issued before the silence go silent),
--esp-replay, --esp-corrupt; rekey switches (second and later getconfig
of a session): --rekey-new-ip, --rekey-extra-route, --rekey-exclude-route,
--rekey-dns, --rekey-reverse-routes. For make bench only,
--esp-external leaves the ESP data path to bench/esppeer.

HTTP as servers speak it (gphttp.py): --chunked, --gzip, --deflate (when
the client's Accept-Encoding lists it), --connection-close, --http10 (no
Content-Length, the close ends the body), --require-cookie (a cookie set
at the first prelogin must come back at login and getconfig) and
--gzip-bomb (prelogin answers 1 GiB of zeros, gzipped). Cookie sizes:
--authcookie-len N and --authcookie-alphabet hand out longer cookies.

Sessions live in this process's memory only: a restarted gateway has
forgotten them and answers an old cookie's tunnel connect with 502, as a
gateway that has ended the session does (netmove_test.sh relies on it).
Each request that names a session logs its number ("session"), so a test
can tell that a reconnect brought the same cookie.
"""

import argparse
import collections
import errno
import fcntl
import ipaddress
import json
import os
import secrets
import selectors
import signal
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import traceback
import urllib.parse
from xml.sax.saxutils import escape as xml_escape

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpesp  # noqa: E402  (our own ESP, next to this file)
import gpauthx  # noqa: E402  (2FA, client certificates, HIP)
import gpportal  # noqa: E402  (portal, gateway list, SAML)
import gphttp  # noqa: E402  (HTTP framing and encoding switches)

# Limits and timers, with their units.
MAX_HEADER_BYTES = 16 * 1024
MAX_BODY_BYTES = 1024 * 1024
HANDSHAKE_TIMEOUT_S = 10
HTTP_IDLE_TIMEOUT_S = 60
TLS_CLOSE_TIMEOUT_S = 2
TUNNEL_IDLE_TIMEOUT_S = 60  # clients send a keepalive every 10 s
TUNNEL_MAX_PAYLOAD_BYTES = 16384
TUNNEL_MAX_OUTBUF_BYTES = 4 * 1024 * 1024
TLS_WRITE_CHUNK_BYTES = 16384
TUN_READ_BURST = 64
POOL_FIRST_HOST = 10  # tunnel addresses start at .10 of the pool
DROP_LOG_MAX = 5  # dropped packets logged with their head, per tunnel
UDP_READ_BURST = 64
UDP_MAX_BYTES = 65535
UDP_RCVBUF_BYTES = 8 * 1024 * 1024
ESP_SA_GRACE_S = 10  # an old SA still works this long after a new one
ESP_UP_S = 30  # ESP is "up" while the client sent a valid ESP this recently
ESP_INSTALL_WAIT_S = 2

# PROTOCOL.md §8.3: the 16-byte GPST header.
GPST_MAGIC = b"\x1a\x2b\x3c\x4d"
GPST_HDR_BYTES = 16
GPST_DATA_TRAILER = b"\x01" + bytes(7)
GPST_KEEPALIVE = GPST_MAGIC + bytes(12)
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD

# Linux <linux/if_tun.h>.
TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

JAR_COOKIE = "GPGWSESS"
START_TUNNEL = b"START_TUNNEL"
REDACT = "<redacted>"
SECRET_FIELDS = {
    "passwd", "authcookie", "prelogin-cookie", "portal-userauthcookie",
    "portal-prelogonuserauthcookie", "token", "persistent-cookie",
}
# PROTOCOL.md §7.6: OpenConnect's test-gateway ESP keys (--fixed-esp-keys).
FIXED_ESP = {
    "c2s-spi": 0xA5A5A5A5, "s2c-spi": 0x5A5A5A5A,
    "ekey-c2s": "deadbeefdeadbeefdeadbeefdeadbee1",
    "ekey-s2c": "deadbeefdeadbeefdeadbeefdeadbee2",
    "akey-c2s": "deadbeefdeadbeefdeadbeefdeadbeefdeadbee1",
    "akey-s2c": "deadbeefdeadbeefdeadbeefdeadbeefdeadbee2",
}
# PROTOCOL.md §5.1: login fields OpenConnect's test gateway insists on.
LOGIN_EXACT = (("jnlpReady", "jnlpReady"), ("ok", "Login"),
               ("direct", "yes"), ("clientVer", "4100"), ("prot", "https:"))
LOGIN_NONEMPTY = ("clientos", "os-version", "server", "computer")
# PROTOCOL.md §5.3/§13: the cookie fields that come back on every request.
COOKIE_FIELDS = ("authcookie", "portal", "user", "domain", "preferred-ip",
                 "computer")


def now():
    return round(time.time(), 6)


def xml_reply(body):
    return '<?xml version="1.0" encoding="UTF-8" ?>\n' + body + "\n"


def error_xml(text):
    return xml_reply('<response status="error"><error>%s</error></response>'
                     % xml_escape(text))


class EventLog:
    """JSON lines, one per request or tunnel event; thread safe."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.fp = open(path, "a", encoding="utf-8") if path else None

    def write(self, rec):
        rec = dict(ts=now(), **rec)
        line = json.dumps(rec, sort_keys=False)
        with self.lock:
            if self.fp:
                self.fp.write(line + "\n")
                self.fp.flush()


class SecretLog:
    """Issued secrets, for tests only (mode 0600): JSON lines."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.fd = None
        if path:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                              0o600)
            os.fchmod(self.fd, 0o600)

    def write(self, rec):
        if self.fd is None:
            return
        line = (json.dumps(dict(ts=now(), **rec)) + "\n").encode()
        with self.lock:
            os.write(self.fd, line)


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.c = {}

    def add(self, name, n=1):
        with self.lock:
            self.c[name] = self.c.get(name, 0) + n

    def snapshot(self):
        with self.lock:
            return dict(sorted(self.c.items()))


class Session:
    """One authenticated user session (authcookie and its cookie fields)."""

    def __init__(self, user, portal, domain, computer, ip4, ip6,
                 authcookie):
        self.authcookie = authcookie
        self.persistent = secrets.token_hex(20)
        self.user = user
        self.portal = portal
        self.domain = domain
        self.computer = computer
        self.ip4 = ip4
        self.ip6 = ip6
        self.jar = None
        self.esp = None
        self.getconfigs = 0
        self.id = 0  # set by State.login
        # ESP state: owned by the event loop thread (Loop.esp_*).
        self.pairs = []  # EspPair, oldest first; [] = keys dead
        self.esp_peer = None  # (addr, port) of the last valid datagram
        self.esp_first_rx = None  # monotonic time of the first one
        self.esp_last_rx = 0.0
        self.est = dict.fromkeys(SESSION_STATS, 0)
        self.edrops = {}


SESSION_STATS = ("esp_in_pkts", "esp_in_bytes", "esp_out_pkts",
                 "esp_out_bytes", "esp_in_data_pkts", "esp_out_data_pkts",
                 "magic_replies", "magic_replies_v6", "https_c2s_pkts",
                 "https_s2c_pkts",
                 "sas_issued", "sas_used", "keys_killed", "replays_sent",
                 "corrupt_sent")


class EspPair:
    """One getconfig's keys: the gateway's inbound (c2s) and outbound
    (s2c) SAs."""

    def __init__(self, keys, enc, mac, gen):
        h = bytes.fromhex
        self.inb = gpesp.Sa(keys["c2s-spi"], enc, h(keys["ekey-c2s"]), mac,
                            h(keys["akey-c2s"]))
        self.out = gpesp.Sa(keys["s2c-spi"], enc, h(keys["ekey-s2c"]), mac,
                            h(keys["akey-s2c"]))
        self.gen = gen
        self.issued = time.monotonic()
        self.superseded = None  # monotonic time a newer pair came
        self.used = False  # the client sent a valid datagram with it

    def alive(self, t):
        return self.superseded is None or t - self.superseded < \
            ESP_SA_GRACE_S


class State:
    """Sessions, the address pool and the cookie jar; guarded by one lock."""

    def __init__(self, opts, log, secret_log, counters):
        self.opts = opts
        self.log = log
        self.secret_log = secret_log
        self.counters = counters
        self.lock = threading.Lock()
        self.sessions = {}  # authcookie -> Session
        self.all_sessions = []  # for the counters, logged out or not
        self.jars = {}  # jar token -> authcookie or None
        self.gw_prelogin_jars = set()  # jars seen at the gateway prelogin
        net = ipaddress.ip_network(opts.pool, strict=False)
        reserved = {ipaddress.ip_interface(opts.tun_addr).ip} \
            if opts.tun_addr else set()
        self.pool4 = [a for i, a in enumerate(net.hosts())
                      if i + 1 >= POOL_FIRST_HOST and a not in reserved]
        self.net6 = ipaddress.ip_network(opts.ipv6_pool, strict=False) \
            if opts.ipv6_pool else None
        self.loop = None

    def new_jar(self):
        token = secrets.token_hex(16)
        with self.lock:
            self.jars[token] = None
        return token

    def jar_known(self, token):
        with self.lock:
            return token in self.jars

    def gw_prelogin_mark(self, token):
        with self.lock:
            self.gw_prelogin_jars.add(token)

    def gw_prelogin_seen(self, token):
        with self.lock:
            return token in self.gw_prelogin_jars

    def jar_owner(self, token):
        with self.lock:
            return self.jars.get(token)

    def login(self, user, computer, jar):
        with self.lock:
            used = {s.ip4 for s in self.sessions.values()}
            free = [a for a in self.pool4 if a not in used]
            if not free:
                return None
            ip4 = free[0]
            ip6 = None
            if self.net6 is not None:
                ip6 = self.net6.network_address + int(ip4) % 65536 + 0x100
            s = Session(user, self.opts.portal_name, self.opts.domain,
                        computer, ip4, ip6, gphttp.new_authcookie(self.opts))
            s.jar = jar
            s.id = len(self.all_sessions) + 1
            self.all_sessions.append(s)
            self.jars[jar] = s.authcookie
            self.sessions[s.authcookie] = s
        self.secret_log.write({"event": "login", "user": user,
                               "authcookie": s.authcookie,
                               "persistent-cookie": s.persistent})
        return s

    def find(self, authcookie):
        with self.lock:
            return self.sessions.get(authcookie)

    def other_ip4(self, s):
        """--rekey-new-ip: a pool address other than s.ip4, not in use
        (s keeps its own, which its cookie names)."""
        with self.lock:
            used = {x.ip4 for x in self.sessions.values()}
            free = [a for a in self.pool4 if a not in used]
        return free[0] if free else s.ip4

    SAVED = ("authcookie", "persistent", "user", "portal", "domain",
             "computer", "id", "jar")

    def save(self, path):
        """--state: the live sessions, for a restart that keeps them
        (their ESP keys are not kept: a restarted gateway has none)."""
        with self.lock:
            recs = [dict({k: getattr(s, k) for k in self.SAVED},
                         ip4=str(s.ip4),
                         ip6=str(s.ip6) if s.ip6 else None)
                    for s in self.sessions.values()]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fp:
            json.dump(recs, fp)

    def load(self, path):
        try:
            with open(path, encoding="utf-8") as fp:
                recs = json.load(fp)
        except FileNotFoundError:
            return 0
        with self.lock:
            for r in recs:
                s = Session(r["user"], r["portal"], r["domain"],
                            r["computer"], ipaddress.ip_address(r["ip4"]),
                            ipaddress.ip_address(r["ip6"]) if r["ip6"]
                            else None, r["authcookie"])
                s.persistent, s.id, s.jar = r["persistent"], r["id"], \
                    r["jar"]
                self.all_sessions.append(s)
                self.sessions[s.authcookie] = s
                if s.jar:
                    self.jars[s.jar] = s.authcookie
        return len(recs)

    def logout(self, s):
        with self.lock:
            self.sessions.pop(s.authcookie, None)
            if s.jar in self.jars:
                self.jars[s.jar] = None


class BadRequest(Exception):
    def __init__(self, status, text):
        super().__init__(text)
        self.status = status
        self.text = text


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # list of (lower-case name, value)
        self.body = body
        parts = urllib.parse.urlsplit(target)
        self.path = parts.path
        self.query = parse_form(parts.query)
        self.form = parse_form(body.decode("utf-8", "replace"))

    def header(self, name):
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def cookies(self):
        jar = {}
        for k, v in self.headers:
            if k != "cookie":
                continue
            for item in v.split(";"):
                n, sep, val = item.strip().partition("=")
                if sep:
                    jar.setdefault(n, val)
        return jar


def parse_form(text):
    """Form fields as an ordered list of (name, value) pairs."""
    if not text:
        return []
    return urllib.parse.parse_qsl(text, keep_blank_values=True,
                                  errors="replace")


def form_get(pairs, name):
    for k, v in pairs:
        if k == name:
            return v
    return None


def redact(pairs):
    out = {}
    for k, v in pairs:
        key = k if k not in out else k + "#dup"
        out[key] = REDACT if k in SECRET_FIELDS else v
    return out


class Reply:
    def __init__(self, status, body, ctype="application/xml; charset=UTF-8",
                 reason=None, **logextra):
        self.status = status
        self.reason = reason
        self.body = body.encode() if isinstance(body, str) else body
        self.ctype = ctype
        self.logextra = logextra
        self.set_cookie = None
        self.cookies = []  # more (name, value) to set (gphttp.py)
        self.encoding = None  # Content-Encoding applied (gphttp.py)
        self.raw = None  # bytes sent instead of an HTTP response


REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 405: "Method Not Allowed",
           411: "Length Required", 500: "Internal Server Error",
           502: "Bad Gateway", 512: "Custom error"}


class HttpConn:
    """One client TLS connection: control requests, or a tunnel hand-off."""

    def __init__(self, gw, sock, peer):
        self.gw = gw
        self.sock = sock
        self.peer = peer
        self.buf = bytearray()

    def run(self):
        try:
            self.sock.settimeout(HANDSHAKE_TIMEOUT_S)
            tls = self.gw.ctx.wrap_socket(self.sock, server_side=True)
        except (OSError, ssl.SSLError) as e:
            self.gw.counters.add("tls_handshake_failed")
            self.gw.log.write({"event": "tls_error", "peer": self.peer,
                               "error": str(e)})
            self.sock.close()
            return
        self.sock = tls
        self.gw.log.write({"event": "tls", "peer": self.peer,
                           "version": tls.version(),
                           "cipher": tls.cipher()[0]})
        try:
            self.serve()
        except (OSError, ssl.SSLError, ValueError) as e:
            self.gw.log.write({"event": "conn_error", "peer": self.peer,
                               "error": str(e)})
        if self.sock is not None:
            try:
                # close_notify first: with --http10 it ends the body, and
                # a client must not take a bare TCP close for the end.
                self.sock.settimeout(TLS_CLOSE_TIMEOUT_S)
                self.sock.unwrap()
            except (OSError, ValueError):
                pass
            try:
                self.sock.close()
            except OSError:
                pass
        # Tests wait for this instead of sleeping: after it, the
        # connection can log nothing more.
        self.gw.log.write({"event": "conn_end", "peer": self.peer,
                           "tunnel": self.sock is None})

    def serve(self):
        self.sock.settimeout(HTTP_IDLE_TIMEOUT_S)
        while True:
            try:
                req = self.read_request()
            except BadRequest as e:
                self.send(Reply(e.status, error_xml(e.text)), close=True)
                self.gw.log.write({"event": "bad_request", "peer": self.peer,
                                   "status": e.status, "error": e.text})
                return
            if req is None:
                return
            rep = self.gw.dispatch(req, self)
            if rep is None:  # the tunnel loop owns the socket now
                self.sock = None
                return
            close = (req.header("connection") or "").lower() == "close" \
                or req.version != "HTTP/1.1" or rep.raw is not None \
                or gphttp.must_close(self.gw.opts)
            self.send(rep, close)
            if close:
                return

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            return False
        self.buf += data
        return True

    def read_request(self):
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > MAX_HEADER_BYTES:
                raise BadRequest(400, "header section too long")
            if not self.fill():
                if self.buf:
                    raise BadRequest(400, "truncated request")
                return None
        end = self.buf.index(b"\r\n\r\n")
        if end > MAX_HEADER_BYTES:
            raise BadRequest(400, "header section too long")
        head = bytes(self.buf[:end]).decode("latin-1")
        del self.buf[:end + 4]
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise BadRequest(400, "bad request line")
        headers = []
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise BadRequest(400, "bad header line")
            headers.append((name.lower(), value.strip()))
        body = self.read_body(parts[0], headers)
        return Request(parts[0], parts[1], parts[2], headers, body)

    def read_body(self, method, headers):
        names = [k for k, _ in headers]
        if "transfer-encoding" in names:
            raise BadRequest(411, "chunked bodies are not accepted")
        lens = [v for k, v in headers if k == "content-length"]
        if len(lens) > 1:
            raise BadRequest(400, "several Content-Length headers")
        if not lens:
            return b""
        if not lens[0].isdigit() or int(lens[0]) > MAX_BODY_BYTES:
            raise BadRequest(400, "bad Content-Length")
        n = int(lens[0])
        while len(self.buf) < n:
            if not self.fill():
                raise BadRequest(400, "truncated body")
        body = bytes(self.buf[:n])
        del self.buf[:n]
        return body

    def send(self, rep, close=False):
        if rep.raw is not None:
            self.sock.sendall(rep.raw)
            return
        reason = rep.reason or REASONS.get(rep.status, "Error")
        cookies = ([(JAR_COOKIE, rep.set_cookie)] if rep.set_cookie
                   else []) + rep.cookies
        head, writes = gphttp.head_and_body(self.gw.opts, rep, reason,
                                            close, cookies)
        self.sock.sendall(head + writes[0])
        for w in writes[1:]:  # chunks in writes (records) of their own
            self.sock.sendall(w)


class Tunnel:
    """An HTTPS tunnel connection, owned by the event loop thread."""

    next_id = 1

    def __init__(self, sock, session, leftover, peer):
        self.id = Tunnel.next_id
        Tunnel.next_id += 1
        self.sock = sock
        self.session = session
        self.peer = peer
        self.inbuf = bytearray(leftover)
        # Frames waiting for the socket. Each goes out in its own TLS
        # record, as real gateways do: OpenConnect 9.01 assumes one frame
        # per TLS read (PROTOCOL.md §8.3). --coalesce-frames packs them.
        self.outq = collections.deque()
        self.outq_bytes = 0
        self.pending = None  # record that hit WANT_WRITE; retry it as is
        self.last_rx = time.monotonic()
        self.st = dict(c2s_pkts=0, c2s_bytes=0, s2c_pkts=0, s2c_bytes=0,
                       keepalives=0, drops=0)
        self.closed = False


class Loop:
    """The main thread: accepts, reads tun, moves tunnel packets."""

    def __init__(self, gw, listener, tun_fd, udp=None):
        self.gw = gw
        self.udp = udp
        self.by_spi = {}  # inbound (c2s) SPI -> (Session, EspPair)
        self.sess_by_ip = {}  # packed tunnel address -> Session (ESP)
        self.esp_gen = 0
        self.spi_drops = 0
        self.sel = selectors.DefaultSelector()
        self.listener = listener
        self.tun_fd = tun_fd
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        self.inbox = []
        self.inbox_lock = threading.Lock()
        self.by_ip = {}  # packed tunnel address -> Tunnel
        self.tunnels = set()
        self.stop = False
        self.dump = False
        self.no_tunnel_drops = 0
        self.sel.register(listener, selectors.EVENT_READ, "accept")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        if tun_fd is not None:
            self.sel.register(tun_fd, selectors.EVENT_READ, "tun")
        if udp is not None:
            self.sel.register(udp, selectors.EVENT_READ, "udp")

    def post(self, item):
        """Called from other threads: adopt a tunnel or close a session."""
        with self.inbox_lock:
            self.inbox.append(item)
        self.poke()

    def poke(self):
        try:
            os.write(self.wake_w, b"x")
        except BlockingIOError:
            pass

    def run(self):
        while not self.stop:
            for key, ev in self.sel.select(timeout=1.0):
                self.event(key, ev)
            if self.dump:
                self.dump = False
                self.gw.print_counters("SIGUSR1")
            self.expire_idle()
        for t in list(self.tunnels):
            self.close(t, "gateway shutdown")

    def event(self, key, ev):
        what = key.data
        if what == "accept":
            self.accept()
        elif what == "wake":
            self.drain_inbox()
        elif what == "tun":
            self.read_tun()
        elif what == "udp":
            self.read_udp()
        elif isinstance(what, Tunnel):
            if ev & selectors.EVENT_READ:
                self.read_tunnel(what)
            if ev & selectors.EVENT_WRITE and not what.closed:
                self.flush(what)

    def accept(self):
        try:
            sock, peer = self.listener.accept()
        except OSError:
            return
        self.gw.counters.add("connections")
        conn = HttpConn(self.gw, sock, "%s:%d" % peer[:2])
        threading.Thread(target=conn.run, daemon=True).start()

    def drain_inbox(self):
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass
        with self.inbox_lock:
            items, self.inbox = self.inbox, []
        for kind, obj in items:
            if kind == "adopt":
                self.adopt(obj)
            elif kind == "logout":
                for t in list(self.tunnels):
                    if t.session is obj:
                        self.close(t, "logout")
                self.esp_kill(obj, "logout")
                for k in [k for k, v in self.sess_by_ip.items()
                          if v is obj]:
                    del self.sess_by_ip[k]
            elif kind == "call":  # (function, args, threading.Event)
                fn, args, done = obj
                try:
                    fn(*args)
                finally:
                    done.set()

    def call(self, fn, *args):
        """Run fn(*args) in the loop thread and wait for it (bounded)."""
        done = threading.Event()
        self.post(("call", (fn, args, done)))
        return done.wait(ESP_INSTALL_WAIT_S)

    def adopt(self, t):
        t.sock.setblocking(False)
        for old in list(self.tunnels):
            if old.session is t.session:
                self.close(old, "replaced by a new tunnel")
        self.tunnels.add(t)
        # PROTOCOL.md §1: the HTTPS tunnel kills the session's ESP keys
        # until its next getconfig.
        self.esp_kill(t.session, "https tunnel connect")
        for ip in (t.session.ip4, t.session.ip6):
            if ip is not None:
                self.by_ip[ip.packed] = t
        self.sel.register(t.sock, selectors.EVENT_READ, t)
        self.gw.counters.add("tunnels")
        self.gw.log.write({"event": "tunnel_connect", "tunnel": t.id,
                           "peer": t.peer, "user": t.session.user,
                           "ip": str(t.session.ip4)})
        # Bytes may already sit decrypted inside the TLS object.
        self.parse_frames(t)
        self.read_tunnel(t)

    def close(self, t, why):
        if t.closed:
            return
        t.closed = True
        self.tunnels.discard(t)
        for k in [k for k, v in self.by_ip.items() if v is t]:
            del self.by_ip[k]
        try:
            self.sel.unregister(t.sock)
        except (KeyError, ValueError):
            pass
        try:
            t.sock.close()
        except OSError:
            pass
        self.gw.log.write(dict(event="tunnel_disconnect", tunnel=t.id,
                               user=t.session.user, reason=why, **t.st))

    def read_tunnel(self, t):
        for _ in range(64):
            if t.closed:
                return
            try:
                data = t.sock.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError,
                    BlockingIOError):
                return
            except (OSError, ssl.SSLError) as e:
                self.close(t, "read error: %s" % e)
                return
            if not data:
                self.close(t, "client closed")
                return
            t.last_rx = time.monotonic()
            t.inbuf += data
            self.parse_frames(t)

    def parse_frames(self, t):
        buf = t.inbuf
        while len(buf) >= GPST_HDR_BYTES and not t.closed:
            if buf[:4] != GPST_MAGIC:
                self.gw.counters.add("tunnel_bad_magic")
                self.close(t, "bad frame magic %s" % bytes(buf[:4]).hex())
                return
            etype, plen = struct.unpack(">HH", buf[4:8])
            if plen > TUNNEL_MAX_PAYLOAD_BYTES:
                self.close(t, "frame length %d too large" % plen)
                return
            if len(buf) < GPST_HDR_BYTES + plen:
                return
            trailer = bytes(buf[8:16])
            pkt = bytes(buf[16:16 + plen])
            del buf[:16 + plen]
            self.frame(t, etype, trailer, pkt)

    def frame(self, t, etype, trailer, pkt):
        if etype == 0:
            if pkt or trailer != bytes(8):
                self.gw.counters.add("tunnel_bad_keepalive")
            t.st["keepalives"] += 1
            self.gw.counters.add("keepalives")
            self.gw.log.write({"event": "keepalive", "tunnel": t.id})
            self.queue(t, GPST_KEEPALIVE)
            return
        if etype not in (ETH_P_IP, ETH_P_IPV6):
            self.close(t, "unknown ethertype 0x%04x" % etype)
            return
        if trailer != GPST_DATA_TRAILER:
            self.gw.counters.add("tunnel_bad_trailer")
        if not self.source_ok(t, etype, pkt):
            t.st["drops"] += 1
            self.gw.counters.add("drop_c2s_bad_source")
            if t.st["drops"] <= DROP_LOG_MAX:
                self.gw.log.write({"event": "drop", "tunnel": t.id,
                                   "why": "c2s bad source",
                                   "head": pkt[:48].hex()})
            return
        t.st["c2s_pkts"] += 1
        t.st["c2s_bytes"] += len(pkt)
        t.session.est["https_c2s_pkts"] += 1
        self.gw.counters.add("c2s_pkts")
        self.gw.counters.add("c2s_bytes", len(pkt))
        if self.tun_fd is None:
            return
        try:
            os.write(self.tun_fd, pkt)
        except OSError:
            self.gw.counters.add("drop_tun_write")

    def source_ok(self, t, etype, pkt):
        """The inner packet must come from the session's tunnel address."""
        if etype == ETH_P_IP:
            if len(pkt) < 20 or pkt[0] >> 4 != 4:
                return False
            tot = struct.unpack(">H", pkt[2:4])[0]
            return tot == len(pkt) and pkt[12:16] == t.session.ip4.packed
        if len(pkt) < 40 or pkt[0] >> 4 != 6 or t.session.ip6 is None:
            return False
        return pkt[8:24] == t.session.ip6.packed

    def read_tun(self):
        """Read a burst of packets, then flush each tunnel they went to
        (so --coalesce-frames has several frames to pack)."""
        touched = set()
        for _ in range(TUN_READ_BURST):
            t = self.tun_packet()
            if t is False:
                break
            if t is not None:
                touched.add(t)
        for t in touched:
            self.flush(t)

    def tun_packet(self):
        """One packet from tun onto its tunnel's queue: the Tunnel, None
        if dropped, False if tun had nothing."""
        try:
            pkt = os.read(self.tun_fd, 65536)
        except (BlockingIOError, InterruptedError):
            return False
        if not pkt:
            return False
        ver = pkt[0] >> 4
        if ver == 4 and len(pkt) >= 20:
            dst, etype = pkt[16:20], ETH_P_IP
        elif ver == 6 and len(pkt) >= 40:
            dst, etype = pkt[24:40], ETH_P_IPV6
        else:
            self.gw.counters.add("drop_s2c_malformed")
            return None
        t = self.by_ip.get(bytes(dst))
        s = self.sess_by_ip.get(bytes(dst))
        pair = self.esp_out_pair(s) if s is not None else None
        if pair is not None and (t is None or time.monotonic() -
                                 s.esp_last_rx < ESP_UP_S):
            s.est["esp_out_data_pkts"] += 1
            self.esp_send(s, pair, pkt)
            return None
        if t is None:
            self.gw.counters.add("drop_s2c_no_tunnel")
            self.no_tunnel_drops += 1
            if self.no_tunnel_drops <= DROP_LOG_MAX:
                self.gw.log.write({"event": "drop", "why": "s2c no tunnel",
                                   "head": pkt[:48].hex()})
            return None
        if t.outq_bytes > TUNNEL_MAX_OUTBUF_BYTES:
            t.st["drops"] += 1
            self.gw.counters.add("drop_s2c_outbuf_full")
            return None
        t.st["s2c_pkts"] += 1
        t.st["s2c_bytes"] += len(pkt)
        t.session.est["https_s2c_pkts"] += 1
        self.gw.counters.add("s2c_pkts")
        self.gw.counters.add("s2c_bytes", len(pkt))
        hdr = GPST_MAGIC + struct.pack(">HH", etype, len(pkt))
        self.queue(t, hdr + GPST_DATA_TRAILER + pkt, flush=False)
        return t

    def queue(self, t, data, flush=True):
        t.outq.append(data)
        t.outq_bytes += len(data)
        if flush:
            self.flush(t)

    def flush(self, t):
        while not t.closed and (t.pending or t.outq):
            if t.pending is None:
                t.pending = self.next_record(t)
            try:
                n = t.sock.send(t.pending)
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError,
                    BlockingIOError):
                self.want_write(t, True)
                return
            except (OSError, ssl.SSLError) as e:
                self.close(t, "write error: %s" % e)
                return
            t.pending = t.pending[n:] or None
        if not t.closed:
            self.want_write(t, False)

    def next_record(self, t):
        rec = t.outq.popleft()
        if self.gw.opts.coalesce_frames:
            n = 1
            while t.outq and len(rec) + len(t.outq[0]) <= \
                    TLS_WRITE_CHUNK_BYTES:
                rec += t.outq.popleft()
                n += 1
            if n > 1:
                self.gw.counters.add("s2c_coalesced_records")
        t.outq_bytes -= len(rec)
        return rec

    def want_write(self, t, on):
        ev = selectors.EVENT_READ | (selectors.EVENT_WRITE if on else 0)
        if self.sel.get_key(t.sock).events != ev:
            self.sel.modify(t.sock, ev, t)

    # ---- ESP (PROTOCOL.md §7) ----

    def esp_install(self, s, keys, enc, mac, peer):
        """A getconfig issued keys: the older pairs get a grace period."""
        t = time.monotonic()
        for p in s.pairs:
            if p.superseded is None:
                p.superseded = t
        self.esp_gen += 1
        pair = EspPair(keys, enc, mac, self.esp_gen)
        s.pairs.append(pair)
        self.by_spi[pair.inb.spi] = (s, pair)
        for ip in (s.ip4, s.ip6):
            if ip is not None:
                self.sess_by_ip[ip.packed] = s
        s.est["sas_issued"] += 1
        self.gw.counters.add("esp_sas_issued")
        self.esp_prune(s)
        self.gw.log.write({"event": "esp_keys", "session": s.id,
                           "gen": pair.gen, "enc": enc, "hmac": mac,
                           "c2s_spi": "0x%08x" % pair.inb.spi,
                           "s2c_spi": "0x%08x" % pair.out.spi,
                           "client": peer, "live_sas": len(s.pairs)})

    def esp_kill(self, s, why):
        if not s.pairs:
            return
        for p in s.pairs:
            self.by_spi.pop(p.inb.spi, None)
        s.pairs = []
        s.est["keys_killed"] += 1
        self.gw.counters.add("esp_keys_killed")
        self.gw.log.write({"event": "esp_keys_killed", "session": s.id,
                           "reason": why})

    def esp_prune(self, s):
        t = time.monotonic()
        for p in [p for p in s.pairs if not p.alive(t)]:
            s.pairs.remove(p)
            self.by_spi.pop(p.inb.spi, None)

    def esp_udp_dead(self, s, pair=None):
        """--udp-drop, or --udp-drop-after's silence has begun (with
        --udp-drop-old-keys, only for pairs issued before it began)."""
        o = self.gw.opts
        if o.udp_drop:
            return True
        if o.udp_drop_after is None or s.esp_first_rx is None:
            return False
        start = s.esp_first_rx + o.udp_drop_after
        if time.monotonic() <= start:
            return False
        return not (o.udp_drop_old_keys and pair is not None and
                    pair.issued > start)

    def esp_out_pair(self, s):
        """The SA to send with: the newest the client has used."""
        if s.esp_peer is None or not s.pairs:
            return None
        t = time.monotonic()
        for p in reversed(s.pairs):
            if p.used and p.alive(t):
                return None if self.esp_udp_dead(s, p) else p
        return None

    def esp_drop(self, s, why, data=None):
        self.gw.counters.add("esp_drop_" + why)
        if s is not None:
            s.edrops[why] = s.edrops.get(why, 0) + 1
        elif data is not None:
            self.spi_drops += 1
            if self.spi_drops <= DROP_LOG_MAX:
                self.gw.log.write({"event": "esp_drop", "why": why,
                                   "head": data[:16].hex()})

    def read_udp(self):
        for _ in range(UDP_READ_BURST):
            try:
                data, addr = self.udp.recvfrom(UDP_MAX_BYTES)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # e.g. ICMP errors from a vanished client
                self.gw.counters.add("udp_recv_error")
                return
            try:
                self.esp_datagram(data, addr[:2])
            except Exception:  # a gateway bug: log it, keep serving
                traceback.print_exc()
                self.gw.counters.add("esp_internal_error")

    def esp_datagram(self, data, addr):
        s, pair = self.by_spi.get(gpesp.spi_of(data), (None, None))
        if self.gw.opts.udp_drop:
            self.esp_drop(s, "udp_drop")
            return
        if s is None or not pair.alive(time.monotonic()):
            self.esp_drop(None, "spi", data)
            return
        if self.esp_udp_dead(s, pair):
            self.esp_drop(s, "udp_drop")
            return
        inner, why = pair.inb.decrypt(data)
        if inner is None:
            self.esp_drop(s, why)
            return
        if not self.inner_source_ok(s, inner):
            self.esp_drop(s, "source")
            if s.edrops["source"] <= DROP_LOG_MAX:
                self.gw.log.write({"event": "esp_drop", "session": s.id,
                                   "why": "source",
                                   "head": inner[:48].hex()})
            return
        self.esp_valid(s, pair, addr, len(inner))
        reply = gpesp.magic_reply(inner, self.gw.gw4, self.gw.gw6)
        if reply is not None:
            s.est["magic_replies"] += 1
            if reply[0] >> 4 == 6:
                s.est["magic_replies_v6"] += 1
            self.gw.counters.add("magic_replies")
            self.esp_send(s, self.esp_out_pair(s) or pair, reply)
            return
        s.est["esp_in_data_pkts"] += 1
        if self.tun_fd is not None:
            try:
                os.write(self.tun_fd, inner)
            except OSError:
                self.gw.counters.add("drop_tun_write")

    def inner_source_ok(self, s, pkt):
        if pkt[0] >> 4 == 4:
            return len(pkt) >= 20 and pkt[12:16] == s.ip4.packed
        return s.ip6 is not None and len(pkt) >= 40 and \
            pkt[8:24] == s.ip6.packed

    def esp_valid(self, s, pair, addr, n):
        t = time.monotonic()
        if s.esp_first_rx is None:
            s.esp_first_rx = t
        s.esp_last_rx = t
        if s.esp_peer != addr:
            s.esp_peer = addr
            self.gw.log.write({"event": "esp_peer", "session": s.id,
                               "peer": "%s:%d" % addr})
        if not pair.used:
            pair.used = True
            s.est["sas_used"] += 1
            self.gw.log.write({"event": "esp_sa_used", "session": s.id,
                               "gen": pair.gen})
        s.est["esp_in_pkts"] += 1
        s.est["esp_in_bytes"] += n
        self.gw.counters.add("esp_in_pkts")
        self.gw.counters.add("esp_in_bytes", n)

    def esp_send(self, s, pair, pkt):
        """Encrypt and send, with the --esp-corrupt/--esp-replay faults:
        bad copies go before the good datagram, the replay after it."""
        o = self.gw.opts
        dgram = pair.out.encrypt(pkt)
        if s.est["corrupt_sent"] < o.esp_corrupt:
            kind = s.est["corrupt_sent"] % 3
            s.est["corrupt_sent"] += 1
            self.gw.counters.add("esp_corrupt_sent")
            self.udp_send(s, self.corrupted(pair, dgram, pkt, kind))
        self.udp_send(s, dgram)
        s.est["esp_out_pkts"] += 1
        s.est["esp_out_bytes"] += len(pkt)
        self.gw.counters.add("esp_out_pkts")
        self.gw.counters.add("esp_out_bytes", len(pkt))
        if s.est["replays_sent"] < o.esp_replay:
            s.est["replays_sent"] += 1
            self.gw.counters.add("esp_replays_sent")
            self.udp_send(s, dgram)

    @staticmethod
    def corrupted(pair, dgram, pkt, kind):
        if kind == 0:  # one ICV bit flipped
            return dgram[:-1] + bytes([dgram[-1] ^ 1])
        if kind == 1:  # valid ICV, bad padding (its own sequence number)
            return pair.out.encrypt(pkt, bad_pad=True)
        return bytes([dgram[0] ^ 0xFF]) + dgram[1:]  # unknown SPI

    def udp_send(self, s, dgram):
        try:
            self.udp.sendto(dgram, s.esp_peer)
        except OSError:
            self.gw.counters.add("udp_send_error")

    def expire_idle(self):
        limit = time.monotonic() - self.gw.opts.tunnel_idle_timeout
        for t in list(self.tunnels):
            if t.last_rx < limit:
                self.close(t, "idle timeout")


class Gateway:
    def __init__(self, opts):
        self.opts = opts
        self.log = EventLog(opts.log)
        self.counters = Counters()
        self.state = State(opts, self.log, SecretLog(opts.secrets),
                           self.counters)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(opts.cert, opts.key)
        gpauthx.setup_tls(self.ctx, opts)
        self.authx = gpauthx.AuthX(opts)
        self.portalx = gpportal.PortalX(opts)
        self.reqck = gphttp.RequireCookie(opts)
        self.bomb = gphttp.make_bomb() if opts.gzip_bomb else None
        self.loop = None
        self.gw4 = ipaddress.IPv4Address(opts.gw_address).packed
        self.gw6 = ipaddress.IPv6Address(opts.gw_address_v6).packed \
            if opts.gw_address_v6 else None
        self.routes = {
            "/ssl-vpn/prelogin.esp": self.h_prelogin,
            "/global-protect/prelogin.esp": self.h_portal_prelogin,
            "/global-protect/getconfig.esp": self.h_portal_config,
            "/ssl-vpn/login.esp": self.h_login,
            "/ssl-vpn/getconfig.esp": self.h_getconfig,
            "/ssl-vpn/hipreportcheck.esp": self.h_hipcheck,
            "/ssl-vpn/hipreport.esp": self.h_hipreport,
            "/ssl-vpn/logout.esp": self.h_logout,
            opts.tunnel_path: self.h_tunnel,
        }

    # ---- request plumbing ----

    def dispatch(self, req, conn):
        handler = self.routes.get(req.path)
        self.counters.add("req " + (req.path if handler else "(unknown)"))
        jar, jar_state = self.jar_of(req)
        try:
            if handler is None:
                rep = Reply(404, error_xml("no such page"))
            else:
                rep = handler(req, conn, jar)
        except Exception as e:  # keep serving; the log tells the story
            traceback.print_exc()
            rep = Reply(500, error_xml("gateway error"), error=str(e))
        if rep is None:
            return None
        if rep.raw is None:
            rep.encoding = gphttp.encode(self.opts, req, rep)
            rep.logextra["encoding"] = rep.encoding
            rep.logextra["req_cookie"] = self.reqck.state(req)
        self.log_request(req, conn, rep, jar_state)
        return rep

    def jar_of(self, req):
        tok = req.cookies().get(JAR_COOKIE)
        if tok is None:
            return None, "missing"
        if not self.state.jar_known(tok):
            return None, "unknown"
        return tok, "ok"

    def give_jar(self, rep, jar):
        """Every answer to a request without our cookie sets one."""
        if jar is None:
            jar = self.state.new_jar()
            rep.set_cookie = jar
        return jar

    def log_request(self, req, conn, rep, jar_state, **extra):
        hdrs = {}
        for k, v in req.headers:
            hdrs[k] = "<%s>" % JAR_COOKIE if k == "cookie" else v
        rec = {"event": "request", "peer": conn.peer, "method": req.method,
               "path": req.path, "query": redact(req.query),
               "fields": redact(req.form),
               "field_order": [k for k, _ in req.form],
               "headers": hdrs, "jar": jar_state,
               "status": 200 if rep.raw == START_TUNNEL else rep.status}
        rec.update(rep.logextra)
        rec.update(extra)
        self.log.write(rec)

    def session_of(self, pairs):
        """The session named by the authcookie in pairs, and a check of
        the other cookie fields against it."""
        ck = form_get(pairs, "authcookie")
        s = self.state.find(ck) if ck else None
        info = {"authcookie_valid": s is not None}
        if s is None:
            return None, info
        info["session"] = s.id  # which login's cookie (tests: the same)
        want = {"authcookie": s.authcookie, "portal": s.portal,
                "user": s.user, "domain": s.domain,
                "preferred-ip": str(s.ip4), "computer": s.computer}
        missing = [k for k in COOKIE_FIELDS if form_get(pairs, k) is None]
        bad = [k for k in COOKIE_FIELDS if form_get(pairs, k) is not None
               and form_get(pairs, k) != want[k]]
        info["cookie_missing"] = missing
        info["cookie_mismatch"] = bad
        return s, info

    def jar_check(self, jar, s):
        if self.opts.no_jar_check:
            return True
        return jar is not None and self.state.jar_owner(jar) == s.authcookie

    # ---- prelogin and portal ----

    def h_prelogin(self, req, conn, jar, iface="gateway"):
        if req.method not in ("POST", "GET"):
            return Reply(405, error_xml("method"))
        body = ("<prelogin-response><status>Success</status>"
                "<ccusername/><autosubmit>false</autosubmit><msg/>"
                "<newmsg/><authentication-message>Enter login credentials"
                "</authentication-message>"
                "<username-label>Username</username-label>"
                "<password-label>Password</password-label>"
                "<panos-version>1</panos-version>"
                "<region>%s</region>%s</prelogin-response>"
                % (xml_escape(self.opts.region),
                   self.portalx.prelogin_extra(iface)))
        rep = Reply(200, xml_reply(body))
        if self.bomb is not None:
            rep.body, rep.bomb = self.bomb, True
        jar = self.give_jar(rep, jar)
        if iface == "gateway":
            self.state.gw_prelogin_mark(jar)
        if self.reqck.sets_at(iface):
            self.reqck.give(req, rep)
        return rep

    def refuse_without_cookie(self, req):
        """--require-cookie: a 403 Reply, or None to go on."""
        why = self.reqck.refuse(req)
        if why is None:
            return None
        self.counters.add("req_cookie_refused")
        return Reply(403, error_xml("gpgw: no session cookie (%s)" % why),
                     req_cookie_refused=True)

    def h_portal_prelogin(self, req, conn, jar):
        if self.opts.portal:
            return self.h_prelogin(req, conn, jar, "portal")
        # A gateway-only box answers like a real one: the client then
        # retries as a gateway (PROTOCOL.md §2 error classes).
        body = ("<prelogin-response><status>Error</status>"
                "<msg>GlobalProtect portal does not exist</msg>"
                "</prelogin-response>")
        rep = Reply(200, xml_reply(body))
        self.give_jar(rep, jar)
        return rep

    def h_portal_config(self, req, conn, jar):
        if not self.opts.portal:
            return Reply(200, error_xml("GlobalProtect portal does not exist"))
        refused = self.refuse_without_cookie(req)
        if refused is not None:
            return refused
        verified = False
        if self.opts.twofa and self.opts.twofa_at == "portal":
            gate = self.authx.twofa_gate(self, req, Reply, error_xml,
                                         form_get)
            if isinstance(gate, Reply):
                self.give_jar(gate, jar)
                return gate
            verified = True
        rep = self.portalx.portal_config(req, Reply, error_xml, form_get,
                                         verified)
        self.give_jar(rep, jar)
        return rep

    # ---- login ----

    def h_login(self, req, conn, jar):
        f = req.form
        bad = [k for k, v in LOGIN_EXACT if form_get(f, k) != v]
        bad += [k for k in LOGIN_NONEMPTY if not form_get(f, k)]
        if bad:
            return Reply(400, error_xml("bad or missing login fields: "
                                        + ", ".join(bad)), bad_fields=bad)
        refused = self.refuse_without_cookie(req)
        if refused is not None:
            return refused
        gate = self.authx.login_gate(self, req, conn, Reply, error_xml,
                                     form_get)
        if isinstance(gate, Reply):
            return gate
        if gate is None and self.opts.login_needs_jar and \
                not self.state.gw_prelogin_seen(jar):
            # The portal's cookies come back here on the same origin:
            # what fails is a login without a gateway prelogin first.
            return Reply(512, error_xml("Invalid username or password"),
                         passwd_ok=False, jar_ok=False)
        if gate is None:    # portal cookie, SAML (gpportal.py)
            gate = self.portalx.login_gate(req, jar, Reply, error_xml,
                                           form_get)
            if isinstance(gate, Reply):
                return gate
        user = form_get(f, "user")
        if user != self.opts.user or (gate is not True and
                                      form_get(f, "passwd") !=
                                      self.opts.password):
            self.counters.add("login_failed")
            return Reply(512, error_xml("Invalid username or password"),
                         passwd_ok=False)
        rep = Reply(200, "")
        jar = self.give_jar(rep, jar)
        s = self.state.login(user, form_get(f, "computer"), jar)
        if s is None:
            return Reply(200, error_xml("address pool exhausted"))
        self.counters.add("logins")
        rep.body = xml_reply(self.jnlp(s)).encode()
        rep.logextra = {"passwd_ok": True, "assigned_ip": str(s.ip4)}
        return rep

    def jnlp(self, s):
        """PROTOCOL.md §5.2: the positional argument list."""
        dom = urllib.parse.quote(s.domain, safe="")
        # Arguments are %-encoded (base64's + / = become %2B %2F %3D).
        ck = urllib.parse.quote(s.authcookie, safe="")
        args = ["(null)", ck, s.persistent, s.portal, s.user,
                "LDAP-auth", "vsys1", dom, "", "", "", "", "tunnel", "-1",
                "4100", str(s.ip4), "", "",
                str(s.ip6) if s.ip6 else "", "4", "unknown"]
        body = "".join("<argument>%s</argument>" % xml_escape(a)
                       for a in args)
        return "<jnlp><application-desc>%s</application-desc></jnlp>" % body

    # ---- getconfig, HIP, logout ----

    def h_getconfig(self, req, conn, jar):
        refused = self.refuse_without_cookie(req)
        if refused is not None:
            return refused
        s, info = self.session_of(req.form)
        if s is None or info["cookie_mismatch"] or \
                "authcookie" in info["cookie_missing"]:
            return Reply(200, "errors getting SSL/VPN config",
                         ctype="text/plain", **info)
        if not self.jar_check(jar, s):
            return Reply(403, error_xml("gpgw: no session cookie (%s)"
                                        % JAR_COOKIE), jar_ok=False, **info)
        want = (("client-type", "1"), ("protocol-version", "p1"))
        info["warnings"] = [k for k, v in want if form_get(req.form, k) != v]
        info["warnings"] += [k for k in ("app-version", "clientos",
                                         "os-version", "enc-algo",
                                         "hmac-algo")
                             if not form_get(req.form, k)]
        s.getconfigs += 1
        s.esp = None
        info["esp"] = self.esp_offer_ok(req.form)
        if info["esp"] == "yes":
            s.esp = self.esp_keys()
            self.state.secret_log.write(dict(
                event="esp-keys", user=s.user, session=s.id,
                enc=self.opts.esp_enc, hmac=self.opts.esp_hmac,
                gateway=self.opts.gw_udp_host, client=conn.peer,
                udp_port=self.opts.udp_port, **s.esp))
            if not self.loop.call(self.loop.esp_install, s, s.esp,
                                  gpesp.enc_canon(self.opts.esp_enc),
                                  self.opts.esp_hmac, conn.peer):
                return Reply(500, error_xml("gateway busy"), **info)
        else:
            self.loop.post(("call", (self.loop.esp_kill,
                                     (s, "getconfig without ESP"),
                                     threading.Event())))
        info["assigned_ip"] = str(s.ip4)
        return Reply(200, xml_reply(self.config_xml(s)), jar_ok=True, **info)

    def esp_offer_ok(self, form):
        """'yes', or why this getconfig gets no <ipsec>: the gateway's
        suite must be in the client's enc-algo/hmac-algo offer."""
        if self.opts.no_esp:
            return "off (--no-esp)"
        encs = [gpesp.enc_canon(a.strip()) for a in
                (form_get(form, "enc-algo") or "").split(",")]
        macs = [a.strip() for a in
                (form_get(form, "hmac-algo") or "").split(",")]
        if gpesp.enc_canon(self.opts.esp_enc) not in encs or \
                self.opts.esp_hmac not in macs:
            self.counters.add("esp_suite_not_offered")
            return "suite not offered"
        return "yes"

    def esp_keys(self):
        if self.opts.fixed_esp_keys:
            return dict(FIXED_ESP)
        elen = gpesp.ENC_KEY_BYTES[self.opts.esp_enc]
        alen = gpesp.MAC_ALGS[self.opts.esp_hmac][1]
        return {"c2s-spi": secrets.randbits(31) | 1 << 31,
                "s2c-spi": secrets.randbits(31) | 1 << 31,
                "ekey-c2s": secrets.token_hex(elen),
                "ekey-s2c": secrets.token_hex(elen),
                "akey-c2s": secrets.token_hex(alen),
                "akey-s2c": secrets.token_hex(alen)}

    def config_xml(self, s):
        o = self.opts
        rekey = s.getconfigs >= 2
        ip4 = self.state.other_ip4(s) if rekey and o.rekey_new_ip \
            else s.ip4
        routes = o.route + (o.rekey_extra_route if rekey else [])
        if rekey and o.rekey_reverse_routes:
            routes = routes[::-1]
        excludes = o.rekey_exclude_route if rekey else []
        dns = o.dns
        if rekey and o.rekey_dns is not None:
            dns = [d for d in o.rekey_dns.split(",") if d]

        def members(items):
            return "".join("<member>%s</member>" % xml_escape(i)
                           for i in items)

        def key(name):
            val = s.esp[name]
            return "<%s><bits>%d</bits><val>%s</val></%s>" % (
                name, len(val) * 4, val, name)
        parts = [
            "<response>",
            "<need-tunnel>yes</need-tunnel>",
            "<ssl-tunnel-url>%s</ssl-tunnel-url>" % xml_escape(
                o.tunnel_path),
            "<portal>%s</portal>" % xml_escape(s.portal),
            "<user>%s</user>" % xml_escape(s.user),
            "<lifetime>%d</lifetime>" % o.lifetime,
            "<timeout>%d</timeout>" % o.timeout,
            "<disconnect-on-idle>10800</disconnect-on-idle>",
            "<bw-c2s>1000</bw-c2s><bw-s2c>1000</bw-s2c>",
            "<gw-address>%s</gw-address>" % xml_escape(o.gw_address),
            "<gw-address-v6>%s</gw-address-v6>" % xml_escape(
                o.gw_address_v6) if o.gw_address_v6 else "",
            "<ip-address>%s</ip-address>" % ip4,
            "<netmask>%s</netmask>" % o.netmask,
            "<ip-address-preferred>yes</ip-address-preferred>",
            "<dns>%s</dns>" % members(dns),
            "<wins/>",
            "<dns-suffix>%s</dns-suffix>" % members(o.dns_suffix),
            "<default-gateway>%s</default-gateway>" % ip4,
            "<mtu>%d</mtu>" % o.mtu,
            "<no-direct-access-to-local-network>no"
            "</no-direct-access-to-local-network>",
            "<access-routes>%s</access-routes>" % members(routes),
            "<exclude-access-routes>%s</exclude-access-routes>"
            % members(excludes) if excludes else
            "<exclude-access-routes/>",
        ]
        if s.ip6 is not None:
            parts += ["<ip-address-v6>%s</ip-address-v6>" % s.ip6,
                      "<access-routes-v6>%s</access-routes-v6>"
                      % members([str(self.state.net6)])]
        if s.esp is not None:
            parts += [
                "<ipsec><udp-port>%d</udp-port>" % o.udp_port,
                "<ipsec-mode>esp-tunnel</ipsec-mode>",
                "<enc-algo>%s</enc-algo>" % o.esp_enc,
                "<hmac-algo>%s</hmac-algo>" % o.esp_hmac,
                "<c2s-spi>0x%08x</c2s-spi>" % s.esp["c2s-spi"],
                "<s2c-spi>0x%08x</s2c-spi>" % s.esp["s2c-spi"],
                key("akey-s2c"), key("ekey-s2c"), key("akey-c2s"),
                key("ekey-c2s"), "</ipsec>",
            ]
        parts.append("</response>")
        return "".join(parts)

    def h_hipcheck(self, req, conn, jar):
        s, info = self.session_of(req.form)
        if s is None:
            return Reply(200, error_xml("Invalid authentication cookie"),
                         **info)
        info["jar_ok"] = self.jar_check(jar, s)
        info["md5"] = form_get(req.form, "md5")
        info["md5_ok"] = info["md5"] == self.authx.hip_md5(s)
        body = "<response><hip-report-needed>%s</hip-report-needed>" \
            "</response>" % ("yes" if self.authx.hip_needed(s) else "no")
        return Reply(200, xml_reply(body), **info)

    def h_hipreport(self, req, conn, jar):
        s, info = self.session_of(req.form)
        if s is None:
            return Reply(200, error_xml("Invalid authentication cookie"),
                         **info)
        info.update(self.authx.hip_report(s, req.form, form_get))
        return Reply(200, xml_reply('<response status="success"/>'), **info)

    def h_logout(self, req, conn, jar):
        s, info = self.session_of(req.form)
        ok = s is not None and not info["cookie_missing"] and \
            not info["cookie_mismatch"]
        if ok and not self.jar_check(jar, s):
            info["jar_ok"] = False
            ok = False
        info["logout_ok"] = ok
        if not ok:
            self.counters.add("logout_failed")
            return Reply(200, error_xml("Invalid authentication cookie"),
                         **info)
        self.state.logout(s)
        self.loop.post(("logout", s))
        self.counters.add("logouts")
        return Reply(200, xml_reply('<response status="success"/>'), **info)

    # ---- the HTTPS tunnel ----

    def h_tunnel(self, req, conn, jar):
        s, info = self.session_of(req.query)
        info["header_count"] = len(req.headers)
        info["query_order"] = [k for k, _ in req.query]
        bad = s is None or form_get(req.query, "user") != s.user
        if self.opts.reject_cookie or bad or req.method != "GET":
            self.counters.add("tunnel_rejected")
            rep = Reply(502, "", ctype="text/html", reason="Bad Gateway",
                        **info)
            rep.raw = b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n" \
                b"Connection: close\r\n\r\n"
            return rep
        conn.sock.sendall(START_TUNNEL)
        rep = Reply(200, "", **info)
        rep.raw = START_TUNNEL
        self.log_request(req, conn, rep, "n/a")
        t = Tunnel(conn.sock, s, bytes(conn.buf), conn.peer)
        self.loop.post(("adopt", t))
        return None

    # ---- counters ----

    def print_counters(self, why):
        """Global counters and, per session, ESP and HTTPS packets, drops
        by reason and the transport that carried its traffic."""
        snap = self.counters.snapshot()
        with self.state.lock:
            sessions = list(self.state.all_sessions)
        per = [session_summary(s) for s in sessions]
        self.log.write({"event": "counters", "why": why, "counters": snap,
                        "sessions": per})
        lines = ["gpgw counters (%s):" % why]
        lines += ["  %-28s %d" % kv for kv in snap.items()]
        for p in per:
            lines.append("  session %d (%s): transport %s, ESP in %d pkts "
                         "%d B, out %d pkts %d B, magic replies %d, "
                         "SAs issued %d used %d, HTTPS c2s %d s2c %d, "
                         "drops %s" % (
                             p["session"], p["user"], p["transport"],
                             p["esp_in_pkts"], p["esp_in_bytes"],
                             p["esp_out_pkts"], p["esp_out_bytes"],
                             p["magic_replies"], p["sas_issued"],
                             p["sas_used"], p["https_c2s_pkts"],
                             p["https_s2c_pkts"],
                             json.dumps(p["esp_drops"], sort_keys=True)))
        print("\n".join(lines), file=sys.stderr, flush=True)


def session_summary(s):
    e = s.est
    esp = e["esp_in_data_pkts"] + e["esp_out_data_pkts"]
    https = e["https_c2s_pkts"] + e["https_s2c_pkts"]
    transport = {(True, False): "esp", (False, True): "https",
                 (True, True): "esp+https"}.get((esp > 0, https > 0), "none")
    return dict(session=s.id, user=s.user, transport=transport,
                getconfigs=s.getconfigs, esp_drops=dict(s.edrops), **e)


def tun_open(name, addrs, mtu):
    """Create the tun device (no packet info header) and configure it."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    ifr = struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    os.set_blocking(fd, False)
    if not any(":" in a for a in addrs):
        # No IPv6 in the tunnel: keep router solicitations off the counters.
        try:
            with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % name,
                      "w") as f:
                f.write("1")
        except OSError:
            pass
    for a in addrs:
        subprocess.run(["ip", "addr", "add", a, "dev", name], check=True)
    subprocess.run(["ip", "link", "set", name, "mtu", str(mtu), "up"],
                   check=True)
    return fd


def listen(addr):
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit():
        raise SystemExit("gpgw: --listen wants ADDR:PORT")
    host = host.strip("[]")
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(64)
    s.setblocking(False)
    return s


def udp_listen(opts):
    """The ESP socket, on the HTTPS address, unless --no-esp."""
    if opts.no_esp or opts.esp_external:
        return None
    host = opts.gw_udp_host
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    # Python is slower than the client: a deep queue, so that a TCP burst
    # through ESP does not overflow it (root may exceed rmem_max).
    for opt in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
        try:
            if opt is not None:
                s.setsockopt(socket.SOL_SOCKET, opt, UDP_RCVBUF_BYTES)
                break
        except OSError:
            pass
    s.bind((host, opts.udp_port))
    s.setblocking(False)
    return s


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="gpgw.py",
        description="GlobalProtect test gateway (gpvpn tests and demo).")
    a = p.add_argument
    a("--listen", default="198.18.0.1:443", metavar="ADDR:PORT",
      help="HTTPS address (default %(default)s)")
    a("--cert", required=True, help="server certificate chain (PEM)")
    a("--key", required=True, help="server private key (PEM)")
    a("--user", default="alice", help="accepted user (default %(default)s)")
    a("--password-file", required=True, metavar="FILE",
      help="the accepted password is the first line of FILE")
    a("--tun", metavar="NAME", help="bridge tunnels onto this tun device")
    a("--tun-addr", default="198.18.128.1/24", metavar="CIDR",
      help="address of the tun device (default %(default)s)")
    a("--tun-mtu", type=int, default=1500)
    a("--mtu", type=int, default=0,
      help="getconfig <mtu> (default 0: the client computes it)")
    a("--pool", default="198.18.128.0/24", metavar="CIDR",
      help="tunnel address pool (default %(default)s, from .10 up)")
    a("--ipv6-pool", metavar="CIDR",
      help="also hand out IPv6 tunnel addresses from this /64")
    a("--netmask", default="255.255.255.255")
    a("--gw-address", default="198.18.0.1",
      help="<gw-address> (ESP magic-ping target)")
    a("--gateway-name", default="198.18.0.1",
      help="gateway entry name in the portal config")
    a("--portal-name", default="gpvpn-gw", help="JNLP portal field")
    a("--domain", default="(empty_domain)", help="JNLP domain field")
    a("--region", default="XX")
    a("--dns", action="append", default=None, metavar="ADDR")
    a("--dns-suffix", action="append", default=None, metavar="NAME")
    a("--route", action="append", default=None, metavar="CIDR",
      help="access route (repeatable; default 198.18.64.0/24)")
    a("--timeout", type=int, default=3600, help="getconfig <timeout> (s)")
    a("--lifetime", type=int, default=86400, help="getconfig <lifetime> (s)")
    a("--state", metavar="FILE",
      help="keep the sessions across a restart: load FILE at start, "
      "save it at exit")
    a("--tunnel-path", default="/ssl-tunnel-connect.sslvpn")
    a("--tunnel-idle-timeout", type=int, default=TUNNEL_IDLE_TIMEOUT_S,
      help="close a tunnel silent for this long (s)")
    a("--gw-address-v6", metavar="ADDR",
      help="<gw-address-v6> (IPv6 magic-ping target; default none)")
    a("--udp-port", type=int, default=4501,
      help="ESP UDP port, on the --listen address (default %(default)s)")
    a("--log", metavar="FILE", help="JSON-lines event log")
    a("--secrets", metavar="FILE",
      help="write issued cookies and ESP keys here (mode 0600; tests)")
    g = p.add_argument_group("modes")
    g.add_argument("--reject-cookie", action="store_true",
                   help="tunnel connect always answers 502")
    g.add_argument("--portal", action="store_true",
                   help="also act as a portal (default: 'portal does not "
                   "exist')")
    g.add_argument("--no-jar-check", action="store_true",
                   help="do not require the %s cookie back" % JAR_COOKIE)
    g.add_argument("--coalesce-frames", action="store_true",
                   help="pack several tunnel frames into one TLS record "
                   "(clients must reassemble; breaks OpenConnect 9.01)")
    g.add_argument("--fixed-esp-keys", action="store_true",
                   help="send the PROTOCOL.md §7.6 test-vector keys")
    e = p.add_argument_group("ESP")
    e.add_argument("--no-esp", action="store_true",
                   help="no <ipsec> in getconfig (HTTPS tunnel only)")
    e.add_argument("--esp-enc", default="aes-128-cbc",
                   choices=sorted(gpesp.ENC_KEY_BYTES),
                   help="the gateway's cipher (default %(default)s)")
    e.add_argument("--esp-hmac", default="sha1",
                   choices=sorted(gpesp.MAC_ALGS),
                   help="the gateway's HMAC (default %(default)s)")
    e.add_argument("--esp-external", action="store_true",
                   help="benchmark only (bench/): offer ESP but open no "
                   "UDP socket; bench/esppeer owns --udp-port and knows "
                   "the --fixed-esp-keys, which this requires")
    e.add_argument("--udp-drop", action="store_true",
                   help="issue ESP keys but ignore every datagram")
    e.add_argument("--udp-drop-after", type=float, metavar="SECONDS",
                   help="a session's ESP goes silent this long after its "
                   "first valid datagram")
    e.add_argument("--udp-drop-old-keys", action="store_true",
                   help="with --udp-drop-after: keys issued after the "
                   "silence began work (a fresh getconfig revives ESP)")
    e.add_argument("--esp-replay", type=int, default=0, metavar="N",
                   help="send each of a session's first N ESP datagrams "
                   "twice")
    e.add_argument("--esp-corrupt", type=int, default=0, metavar="N",
                   help="send N bad datagrams (flipped ICV bit, bad "
                   "padding, unknown SPI, in turn) before good ones")
    r = p.add_argument_group("rekey (second and later getconfig of a "
                             "session)")
    r.add_argument("--rekey-new-ip", action="store_true",
                   help="hand out another address from the pool")
    r.add_argument("--rekey-extra-route", action="append", default=[],
                   metavar="CIDR", help="add this access route "
                   "(repeatable)")
    r.add_argument("--rekey-exclude-route", action="append", default=[],
                   metavar="CIDR", help="add this exclude route "
                   "(repeatable)")
    r.add_argument("--rekey-dns", metavar="ADDR[,ADDR...]",
                   help="these DNS servers instead of --dns ('' for "
                   "none)")
    r.add_argument("--rekey-reverse-routes", action="store_true",
                   help="the same access routes in reverse order")
    gpauthx.add_args(p)
    gpportal.add_args(p)
    gphttp.add_args(p)
    o = p.parse_args(argv)
    if o.fixed_esp_keys and (gpesp.enc_canon(o.esp_enc) != "aes-128-cbc"
                             or o.esp_hmac != "sha1"):
        p.error("--fixed-esp-keys is for aes-128-cbc with sha1")
    if o.esp_external and not o.fixed_esp_keys:
        p.error("--esp-external needs --fixed-esp-keys (the peer's SA)")
    o.dns = o.dns or ["198.18.64.53"]
    o.dns_suffix = o.dns_suffix or ["gpvpn.test"]
    o.route = o.route or ["198.18.64.0/24"]
    o.gw_udp_host = o.listen.rpartition(":")[0].strip("[]")
    with open(o.password_file, encoding="utf-8") as fp:
        o.password = fp.readline().rstrip("\r\n")
    if not o.password:
        p.error("empty password in --password-file")
    if o.authcookie_len < 4:
        p.error("--authcookie-len: at least 4")
    return o


def main(argv):
    opts = parse_args(argv)
    gw = Gateway(opts)
    tun_fd = None
    if opts.tun:
        addrs = [opts.tun_addr]
        if opts.ipv6_pool:
            net6 = ipaddress.ip_network(opts.ipv6_pool, strict=False)
            addrs.append("%s/%d" % (net6.network_address + 1,
                                    net6.prefixlen))
        tun_fd = tun_open(opts.tun, addrs, opts.tun_mtu)
    lsock = listen(opts.listen)
    udp = udp_listen(opts)
    loop = Loop(gw, lsock, tun_fd, udp)
    gw.loop = loop
    gw.state.loop = loop
    restored = gw.state.load(opts.state) if opts.state else 0

    def on_stop(signum, frame):
        loop.stop = True
        loop.poke()

    def on_usr1(signum, frame):
        loop.dump = True
        loop.poke()
    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGHUP, on_stop)
    signal.signal(signal.SIGUSR1, on_usr1)
    gw.log.write({"event": "ready", "listen": opts.listen, "tun": opts.tun,
                  "pid": os.getpid(), "restored_sessions": restored,
                  "modes": [m for m in ("reject_cookie", "portal",
                                        "no_jar_check", "fixed_esp_keys",
                                        "coalesce_frames", "no_esp",
                                        "esp_external",
                                        "udp_drop", "udp_drop_after",
                                        "udp_drop_old_keys",
                                        "rekey_new_ip", "rekey_extra_route",
                                        "rekey_exclude_route",
                                        "rekey_reverse_routes",
                                        "esp_replay", "esp_corrupt")
                            if getattr(opts, m)] +
                  (["rekey_dns"] if opts.rekey_dns is not None else []) +
                  gpauthx.modes(opts) +
                  gpportal.modes(opts) + gphttp.modes(opts),
                  "esp": None if opts.no_esp else
                  {"enc": opts.esp_enc, "hmac": opts.esp_hmac,
                   "udp_port": opts.udp_port}})
    print("gpgw: ready on %s (pid %d)" % (opts.listen, os.getpid()),
          file=sys.stderr, flush=True)
    loop.run()
    if opts.state:
        gw.state.save(opts.state)
    gw.print_counters("exit")
    gw.log.write({"event": "exit"})
    if tun_fd is not None:
        os.close(tun_fd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except OSError as e:
        if e.errno in (errno.EPERM, errno.EACCES):
            print("gpgw: %s (root is needed for --tun)" % e, file=sys.stderr)
        else:
            print("gpgw: %s" % e, file=sys.stderr)
        sys.exit(1)
