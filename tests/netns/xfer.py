#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""xfer.py serve|connect ADDR PORT SENDFILE READYFILE: one TCP connection
that sends SENDFILE while it receives whatever the peer sends, then prints
JSON with byte counts and sha256 of both directions. `serve` touches
READYFILE once it listens. Every step has a timeout."""

import hashlib
import json
import socket
import sys
import threading

TIMEOUT_S = 30


def sender(sock, path, result):
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fp:
        while True:
            chunk = fp.read(65536)
            if not chunk:
                break
            sock.sendall(chunk)
            h.update(chunk)
            n += len(chunk)
    sock.shutdown(socket.SHUT_WR)
    result.update(sent_bytes=n, sent_sha256=h.hexdigest())


def exchange(sock, path):
    sock.settimeout(TIMEOUT_S)
    result = {}
    th = threading.Thread(target=sender, args=(sock, path, result))
    th.start()
    h = hashlib.sha256()
    n = 0
    while True:
        data = sock.recv(65536)
        if not data:
            break
        h.update(data)
        n += len(data)
    th.join(TIMEOUT_S)
    result.update(recv_bytes=n, recv_sha256=h.hexdigest())
    return result


def main(argv):
    mode, addr, port, path, ready = argv[1:6]
    if mode == "serve":
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((addr, int(port)))
        ls.listen(1)
        ls.settimeout(TIMEOUT_S)
        open(ready, "w").close()
        sock, _ = ls.accept()
    else:
        sock = socket.create_connection((addr, int(port)), TIMEOUT_S)
    res = exchange(sock, path)
    sock.close()
    if "sent_bytes" not in res:
        return 1
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
