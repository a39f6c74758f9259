#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# A tiny HTTPS-tunnel gateway on 127.0.0.1 for tests/unit/tunnel_https_test.c
# (test code only). The request path picks the behaviour; every connection
# is logged so the test can tell whether the GET arrived. It exits when its
# stdin closes or after LIFETIME_S, whichever comes first.
import hashlib
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings

from cryptography import x509
from cryptography.hazmat.primitives import serialization

LIFETIME_S = 120
IO_TIMEOUT_S = 10
START = b"START_TUNNEL"
KEEPALIVE = bytes.fromhex("1a2b3c4d000000000000000000000000")
BAD_FRAME = bytes.fromhex("deadbeef080000140100000000000000") + bytes(20)
# A 100-byte IPv4 packet as the C test's make_packet(p, 100, 7) makes it.
BEHIND_PKT = bytes([0x45, 8, 0, 100]) + bytes((7 + i) & 0xff
                                             for i in range(4, 100))
BEHIND_FRAME = (bytes.fromhex("1a2b3c4d08000064") + bytes([1]) + bytes(7) +
                BEHIND_PKT)
REQ_RE = re.compile(rb"^GET (\S+) HTTP/1\.1\r\n\r\n$")

workdir = sys.argv[1]
# The TLS 1.0/1.1 listener exists to be refused; hush its deprecation.
warnings.filterwarnings("ignore", category=DeprecationWarning)
log_lock = threading.Lock()
counts_lock = threading.Lock()
counts = {}
tls = threading.local()


def log(line):
    with log_lock:
        with open(os.path.join(workdir, "log"), "a") as f:
            f.write(line + "\n")


def make_cert():
    key = os.path.join(workdir, "key.pem")
    crt = os.path.join(workdir, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", crt, "-days", "1",
                    "-subj", "/CN=gw.example.test"],
                   check=True, timeout=20, capture_output=True)
    with open(crt, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, crt, hashlib.sha256(spki).hexdigest()


def on_sni(sock, name, ctx):
    tls.sni = name


def contexts(key, crt):
    new = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    new.load_cert_chain(crt, key)
    new.sni_callback = on_sni
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    old.load_cert_chain(crt, key)
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    old.minimum_version = ssl.TLSVersion.TLSv1
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    v12 = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    v12.load_cert_chain(crt, key)
    v12.maximum_version = ssl.TLSVersion.TLSv1_2
    return new, old, v12


def read_request(s):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 4096:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def echo(s):
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return
        s.sendall(chunk)
        for _ in range(chunk.count(KEEPALIVE)):
            log("KEEPALIVE-ECHO")


def nth(path):
    with counts_lock:
        counts[path] = counts.get(path, 0) + 1
        return counts[path]


def act(s, path):
    n = nth(path)
    if path == "/ok":
        s.sendall(START + KEEPALIVE)
        echo(s)
    elif path == "/split":
        s.sendall(START[:5])
        time.sleep(0.05)
        s.sendall(START[5:])
        echo(s)
    elif path == "/502":
        s.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
    elif path == "/404":
        s.sendall(b"HTTP/1.1 404 Not Found\r\n\r\n")
    elif path == "/garbage":
        s.sendall(b"\x00\x01junk\xff not http\r\n")
    elif path == "/long":
        s.sendall(b"H" * 3000)
    elif path == "/eof":
        pass
    elif path == "/silent":
        time.sleep(5)
    elif path == "/mute":
        if n > 1:
            s.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
            return
        s.sendall(START)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return
            if KEEPALIVE in chunk:
                log("KEEPALIVE-IN")
    elif path == "/flap":
        if n == 1:
            s.sendall(START)
            time.sleep(0.3)
        else:
            s.sendall(b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
    elif path == "/behind":
        # START_TUNNEL and a packet in two records of one TCP segment:
        # a client with read-ahead takes both in its first read.
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        s.sendall(START)
        s.sendall(BEHIND_FRAME)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 0)
        echo(s)
    elif path == "/badmagic":
        s.sendall(START + (BAD_FRAME if n == 1 else KEEPALIVE))
        echo(s)


def handle(raw, ctx, port):
    raw.settimeout(IO_TIMEOUT_S)
    tls.sni = None
    try:
        s = ctx.wrap_socket(raw, server_side=True)
    except (ssl.SSLError, OSError) as e:
        log("HANDSHAKE-FAIL %d %s" % (port, type(e).__name__))
        raw.close()
        return
    try:
        log("SNI %s" % tls.sni)
        req = read_request(s)
        m = REQ_RE.match(req)
        if not req:
            log("NOREQ")
            return
        if not m:
            log("BADREQ %r" % req)
            return
        target = m.group(1).decode()
        log("GET %s" % target)
        act(s, target.split("?")[0])
    except (ssl.SSLError, OSError) as e:
        log("IOERR %s" % type(e).__name__)
    finally:
        s.close()


def serve(lsock, ctx, port):
    while True:
        raw, _ = lsock.accept()
        threading.Thread(target=handle, args=(raw, ctx, port),
                         daemon=True).start()


def listener(family=socket.AF_INET, addr="127.0.0.1"):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((addr, 0))
    s.listen(16)
    return s, s.getsockname()[1]


def main():
    key, crt, pin = make_cert()
    ports = []
    ctxs = contexts(key, crt)
    for ctx in ctxs:
        ls, port = listener()
        threading.Thread(target=serve, args=(ls, ctx, port),
                         daemon=True).start()
        ports.append(port)
    try:
        ls, port = listener(socket.AF_INET6, "::1")
        threading.Thread(target=serve, args=(ls, ctxs[0], port),
                         daemon=True).start()
        ports.append(port)
    except OSError:
        ports.append(0)     # no IPv6 loopback here: the test skips
    threading.Timer(LIFETIME_S, lambda: os._exit(3)).start()
    sys.stdout.write("READY %d %d %d %d %s\n" % (*ports, pin))
    sys.stdout.flush()
    sys.stdin.read()    # EOF when the test process goes away
    os._exit(0)


main()
