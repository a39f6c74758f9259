#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""udpburst.py recv ADDR PORT COUNT SIZE READYFILE | send|gsend ADDR PORT
COUNT SIZE: COUNT UDP datagrams of SIZE bytes (the last one SIZE/2, so
that a run ends short), sent in bursts so that the tunnel gets them back
to back; gsend sends runs of GSO_RUN as one UDP_SEGMENT write, which
reaches a tun with USO as one super-packet.
Each carries its number and a pattern made from it; the receiver checks
every datagram it gets (its length, its number, its bytes, no duplicate)
and prints JSON with what it got. It exits 0 if nothing was wrong and at
least 99 % arrived. Every step has a timeout."""

import json
import socket
import struct
import sys
import time

TIMEOUT_S = 20
BURST = 32
GSO_RUN = 40
UDP_SEGMENT = 103  # <linux/udp.h>


def payload(i, count, size):
    n = size // 2 if i == count - 1 else size
    head = struct.pack("!I", i)
    body = bytes((i * 7 + k) & 0xff for k in range(n - len(head)))
    return head + body


def send(addr, port, count, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(payload(i, count, size), (addr, port))
        if i % BURST == BURST - 1:
            time.sleep(0.004)
    return 0


def gsend(addr, port, count, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, size)
    for i in range(0, count, GSO_RUN):
        run = range(i, min(i + GSO_RUN, count))
        s.sendto(b"".join(payload(k, count, size) for k in run),
                 (addr, port))
    return 0


def recv(addr, port, count, size, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((addr, port))
    open(ready, "w").close()
    seen, bad = set(), 0
    end = time.monotonic() + TIMEOUT_S
    while len(seen) < count and time.monotonic() < end:
        s.settimeout(max(0.05, min(2.0, end - time.monotonic())))
        try:
            d = s.recv(65536)
        except socket.timeout:
            if seen:
                break   # the burst is over
            continue
        i = struct.unpack("!I", d[:4])[0] if len(d) >= 4 else count
        if i >= count or i in seen or d != payload(i, count, size):
            bad += 1
            continue
        seen.add(i)
    print(json.dumps({"sent": count, "got": len(seen), "bad": bad}))
    return 0 if bad == 0 and len(seen) * 100 >= count * 99 else 1


def main(argv):
    if len(argv) < 5 or argv[0] not in ("send", "gsend", "recv"):
        sys.stderr.write(__doc__ + "\n")
        return 2
    addr, port, count, size = argv[1], int(argv[2]), int(argv[3]), \
        int(argv[4])
    if argv[0] == "send":
        return send(addr, port, count, size)
    if argv[0] == "gsend":
        return gsend(addr, port, count, size)
    return recv(addr, port, count, size, argv[5])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
