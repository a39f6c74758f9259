#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""gwprobe.py CAFILE PWFILE: exercises tests/gateway/gpgw.py itself, from
the client namespace, with hand-made requests (standard library only, no
client code): the error paths the real clients never take (missing login
fields, wrong password, no cookie jar, bad tunnel cookie, incomplete
logout) and GPST frames split across TLS records or packed several to a
record. Prints one TAP line per check."""

import http.client
import re
import socket
import ssl
import struct
import sys
import time
import urllib.parse

GW = "198.18.0.1"
LAN_HOST = "198.18.64.2"
MAGIC = b"\x1a\x2b\x3c\x4d"
KEEPALIVE = MAGIC + bytes(12)
TIMEOUT_S = 5
fails = 0


def check(desc, cond, detail=""):
    global fails
    if cond:
        print("ok - gateway: " + desc)
    else:
        fails += 1
        print("not ok - gateway: " + desc)
        if detail:
            print("#   " + str(detail)[:300])


class Client:
    def __init__(self, ctx):
        self.ctx = ctx
        self.jar = None

    def post(self, path, fields, jar=True):
        body = urllib.parse.urlencode(fields, quote_via=urllib.parse.quote)
        c = http.client.HTTPSConnection(GW, 443, context=self.ctx,
                                        timeout=TIMEOUT_S)
        hdrs = {"User-Agent": "PAN GlobalProtect",
                "Content-Type": "application/x-www-form-urlencoded"}
        if jar and self.jar:
            hdrs["Cookie"] = self.jar
        c.request("POST", path, body, hdrs)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        sc = r.getheader("Set-Cookie")
        if sc:
            self.jar = sc.split(";")[0]
        c.close()
        return r.status, data


def login_fields(user, pw):
    return [("jnlpReady", "jnlpReady"), ("ok", "Login"), ("direct", "yes"),
            ("clientVer", "4100"), ("prot", "https:"), ("internal", "no"),
            ("ipv6-support", "no"), ("clientos", "Linux"),
            ("os-version", "linux-64"), ("server", GW),
            ("computer", "probe"), ("user", user), ("passwd", pw)]


def jnlp_args(xml):
    return [urllib.parse.unquote(a) if i == 7 else a for i, a in
            enumerate(re.findall(r"<argument>(.*?)</argument>", xml))]


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp_echo(src, dst, ident, seq):
    payload = b"gwprobe" + bytes(9)
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), ident,
                      0x4000, 64, 1, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + icmp


def frame(pkt):
    return MAGIC + struct.pack("!HH", 0x0800, len(pkt)) + b"\x01" + \
        bytes(7) + pkt


def tunnel_open(ctx, cookie, user):
    raw = socket.create_connection((GW, 443), TIMEOUT_S)
    s = ctx.wrap_socket(raw, server_hostname=GW)
    q = urllib.parse.urlencode([("authcookie", cookie), ("user", user)])
    s.sendall(("GET /ssl-tunnel-connect.sslvpn?%s HTTP/1.1\r\n\r\n"
               % q).encode())
    return s


def read_exact(s, n, buf):
    while len(buf) < n:
        d = s.recv(65536)
        if not d:
            raise EOFError("gateway closed the tunnel")
        buf += d
    out = bytes(buf[:n])
    del buf[:n]
    return out


def read_frames(s, want, buf):
    """Collect frames until want(frames) or the timeout."""
    frames = []
    deadline = time.monotonic() + TIMEOUT_S
    while not want(frames) and time.monotonic() < deadline:
        hdr = read_exact(s, 16, buf)
        if hdr[:4] != MAGIC:
            raise ValueError("bad magic " + hdr[:4].hex())
        etype, n = struct.unpack("!HH", hdr[4:8])
        frames.append((etype, hdr[8:16], read_exact(s, n, buf)))
    return frames


def is_reply(f, src, seq):
    et, _, p = f
    return et == 0x0800 and len(p) >= 28 and p[9] == 1 and p[20] == 0 and \
        p[12:16] == socket.inet_aton(src) and \
        struct.unpack("!H", p[26:28])[0] == seq


def tunnel_checks(ctx, cookie, user, tip):
    s = tunnel_open(ctx, cookie, user)
    buf = bytearray()
    check("tunnel answers START_TUNNEL",
          read_exact(s, 12, buf) == b"START_TUNNEL")
    # A keepalive split over two TLS records.
    s.sendall(KEEPALIVE[:7])
    time.sleep(0.05)
    s.sendall(KEEPALIVE[7:])
    fr = read_frames(s, lambda f: len(f) >= 1, buf)
    check("keepalive split across TLS records is echoed",
          fr and fr[0][0] == 0 and fr[0][1] == bytes(8) and not fr[0][2])
    # A ping split mid-header, then a ping + keepalive in one record.
    f1 = frame(icmp_echo(tip, LAN_HOST, 0x4242, 1))
    f2 = frame(icmp_echo(tip, LAN_HOST, 0x4242, 2))
    s.sendall(f1[:10])
    time.sleep(0.05)
    s.sendall(f1[10:])
    s.sendall(f2 + KEEPALIVE)
    fr = read_frames(s, lambda f: sum(1 for x in f if is_reply(x, LAN_HOST, 2))
                     and sum(1 for x in f if x[0] == 0), buf)
    check("echo reply through tun for a frame split mid-header",
          any(is_reply(x, LAN_HOST, 1) for x in fr), fr)
    check("two frames in one TLS record both handled",
          any(is_reply(x, LAN_HOST, 2) for x in fr) and
          any(x[0] == 0 for x in fr))
    check("data frames carry the 01 00.. trailer",
          all(x[1] == b"\x01" + bytes(7) for x in fr if x[0]))
    # A spoofed source is dropped: no reply comes back for seq 3.
    s.sendall(frame(icmp_echo("198.18.128.250", LAN_HOST, 0x4242, 3)))
    s.sendall(KEEPALIVE)
    fr = read_frames(s, lambda f: any(x[0] == 0 for x in f), buf)
    check("spoofed inner source dropped",
          not any(is_reply(x, LAN_HOST, 3) for x in fr))
    # A bad magic closes the tunnel.
    s.sendall(b"\xde\xad\xbe\xef" + bytes(12))
    try:
        closed = s.recv(100) == b""
    except (OSError, ssl.SSLError):
        closed = True
    check("bad frame magic closes the tunnel", closed)
    s.close()


def tunnel_rejected(ctx, cookie, user):
    s = tunnel_open(ctx, cookie, user)
    data = b""
    try:
        while len(data) < 64:
            d = s.recv(64)
            if not d:
                break
            data += d
    except (OSError, ssl.SSLError):
        pass
    s.close()
    return data.startswith(b"HTTP/1.1 502 ")


def session(ctx, pw):
    """Log in and fetch the config: (authcookie, tunnel address)."""
    c = Client(ctx)
    c.post("/ssl-vpn/prelogin.esp", [])
    st, body = c.post("/ssl-vpn/login.esp", login_fields("alice", pw))
    a = jnlp_args(body)
    cookie = [("authcookie", a[1]), ("portal", a[3]), ("user", a[4]),
              ("domain", a[7]), ("preferred-ip", a[15]),
              ("computer", "probe")]
    st, body = c.post("/ssl-vpn/getconfig.esp", [("client-type", "1"),
                      ("protocol-version", "p1")] + cookie)
    ip = re.search(r"<ip-address>([0-9.]+)</ip-address>", body).group(1)
    return c, cookie, ip


def two_clients(ctx, pw):
    """Two sessions at once: each reply goes back on its own tunnel."""
    ca, cka, ipa = session(ctx, pw)
    cb, ckb, ipb = session(ctx, pw)
    check("two sessions get two addresses", ipa != ipb, (ipa, ipb))
    sa = tunnel_open(ctx, cka[0][1], "alice")
    sb = tunnel_open(ctx, ckb[0][1], "alice")
    bufa, bufb = bytearray(), bytearray()
    read_exact(sa, 12, bufa)
    read_exact(sb, 12, bufb)
    sa.sendall(frame(icmp_echo(ipa, LAN_HOST, 0x4343, 7)) + KEEPALIVE)
    sb.sendall(frame(icmp_echo(ipb, LAN_HOST, 0x4444, 8)) + KEEPALIVE)

    def done(f):
        return any(x[0] == 0 for x in f) and any(x[0] for x in f)
    fa = read_frames(sa, done, bufa)
    fb = read_frames(sb, done, bufb)
    check("each tunnel gets its own replies (dispatch by address)",
          any(is_reply(x, LAN_HOST, 7) for x in fa) and
          any(is_reply(x, LAN_HOST, 8) for x in fb) and
          not any(is_reply(x, LAN_HOST, 8) for x in fa) and
          not any(is_reply(x, LAN_HOST, 7) for x in fb))
    sa.close()
    sb.close()
    for c, ck in ((ca, cka), (cb, ckb)):
        c.post("/ssl-vpn/logout.esp", ck)


def main(argv):
    ctx = ssl.create_default_context(cafile=argv[1])
    pw = open(argv[2]).readline().rstrip("\n")
    c = Client(ctx)
    st, body = c.post("/global-protect/prelogin.esp", [])
    check("portal prelogin says the portal does not exist",
          st == 200 and "portal does not exist" in body, body)
    c.jar = None
    st, body = c.post("/ssl-vpn/prelogin.esp?tmp=tmp&clientVer=4100", [])
    check("prelogin Success and a Set-Cookie",
          st == 200 and "<status>Success</status>" in body and c.jar)
    bad = [kv for kv in login_fields("alice", pw) if kv[0] != "direct"]
    st, body = c.post("/ssl-vpn/login.esp", bad)
    check("login without direct=yes refused (400)", st == 400, st)
    st, body = c.post("/ssl-vpn/login.esp", login_fields("alice", "nope"))
    check("wrong password gives HTTP 512", st == 512, st)
    st, body = c.post("/ssl-vpn/login.esp", login_fields("alice", pw))
    a = jnlp_args(body)
    check("login JNLP: tunnel at 12, 4100 at 14, decoded domain at 7",
          st == 200 and len(a) >= 19 and a[12] == "tunnel" and
          a[14] == "4100" and a[7] == "(empty_domain)", a)
    ok = st == 200 and len(a) >= 19 and re.fullmatch("[0-9a-f]{32}", a[1])
    check("login JNLP: hex authcookie, preferred-ip at 15", ok and a[15])
    if not ok:
        return 1
    cookie = [("authcookie", a[1]), ("portal", a[3]), ("user", a[4]),
              ("domain", a[7]), ("preferred-ip", a[15]),
              ("computer", "probe")]
    gc = [("client-type", "1"), ("protocol-version", "p1"),
          ("app-version", "6.3.0-33"), ("clientos", "Linux"),
          ("os-version", "linux-64"), ("hmac-algo", "sha1"),
          ("enc-algo", "aes-128-cbc")] + cookie
    st, body = c.post("/ssl-vpn/getconfig.esp", gc, jar=False)
    check("getconfig without the session cookie refused (403)", st == 403)
    st, body = c.post("/ssl-vpn/getconfig.esp", gc)
    tip = re.search(r"<ip-address>([0-9.]+)</ip-address>", body)
    check("getconfig: address, mtu 0, tunnel url, ipsec keys",
          st == 200 and tip and "<mtu>0</mtu>" in body and
          "<ssl-tunnel-url>" in body and "<ekey-c2s><bits>128</bits>"
          in body and "<akey-s2c><bits>160</bits>" in body, body)
    if not tip:
        return 1
    tip = tip.group(1)
    check("tunnel with a wrong cookie answers HTTP/1.1 502",
          tunnel_rejected(ctx, "0" * 32, "alice"))
    tunnel_checks(ctx, a[1], "alice", tip)
    two_clients(ctx, pw)
    st, body = c.post("/ssl-vpn/logout.esp",
                      [kv for kv in cookie if kv[0] != "computer"])
    check("logout without computer= refused",
          'status="success"' not in body, body)
    st, body = c.post("/ssl-vpn/logout.esp", cookie)
    check("logout with every cookie field succeeds",
          st == 200 and 'status="success"' in body, body)
    check("the cookie is dead after logout",
          tunnel_rejected(ctx, a[1], "alice"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
