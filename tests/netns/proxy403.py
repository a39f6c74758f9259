#!/usr/bin/python3
# SPDX-License-Identifier: ISC
# proxy403.py ADDR PORT LOG: a small HTTP CONNECT proxy for proxy_test.sh.
# A CONNECT that carries a User-Agent (libcurl sends one: gp-auth's) is
# relayed; one without (gp-tunnel's) is answered "403 Forbidden", so the
# test sees how the tunnel reports a proxy that refuses it. Writes one
# JSON line per CONNECT to LOG, and {"event": "ready"} once it listens.
# Test code: it trusts nothing it reads and bounds every wait.
import json
import select
import socket
import sys
import threading

HEAD_MAX = 8192
lock = threading.Lock()


def log(path, rec):
    with lock, open(path, "a") as fp:
        fp.write(json.dumps(rec) + "\n")


def read_head(c):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < HEAD_MAX:
        chunk = c.recv(1)
        if not chunk:
            return None
        data += chunk
    return data.decode("latin-1")


def relay(a, b):
    socks = [a, b]
    while True:
        r, _, _ = select.select(socks, [], [], 60)
        if not r:
            return
        for s in r:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def handle(c, path):
    c.settimeout(10)
    try:
        head = read_head(c)
        if head is None:
            return
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        ua = any(ln.lower().startswith("user-agent:") for ln in lines[1:])
        log(path, {"event": "connect", "request": lines[0], "ua": ua})
        if len(parts) != 3 or parts[0] != "CONNECT" or not ua:
            c.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0"
                      b"\r\n\r\n")
            return
        host, port = parts[1].rsplit(":", 1)
        up = socket.create_connection((host.strip("[]"), int(port)), 10)
        c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        c.settimeout(None)
        relay(c, up)
        up.close()
    except OSError as err:
        log(path, {"event": "error", "error": str(err)})
    finally:
        c.close()


def main():
    addr, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    log(path, {"event": "ready"})
    while True:
        c, _ = s.accept()
        threading.Thread(target=handle, args=(c, path), daemon=True).start()


main()
