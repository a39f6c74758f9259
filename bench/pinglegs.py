#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""pinglegs.py: where a ping's round trip goes under load (make bench
with BENCH_CAPTURE=1).

Usage: pinglegs.py RECORDS. For each test record with captures beside
its ping output (BASE.ping, BASE.cap-{ct,gt,cv,gv}: tcpdump on the
client's tun, the peer's tun, and the client's and the gateway's veth,
outbound), prints per contender and test the median [10th-90th
percentile] of each leg of an echo, in ms:

  client-out  client tun (request queued to the client) -> client veth
  peer-in     client veth -> peer tun (the peer wrote the request)
  peer-turn   the gateway's kernel answers
  peer-out    peer tun (reply queued to the peer) -> gateway veth
  client-in   gateway veth -> client tun (the client wrote the reply)

The veths are one hop in one kernel, so a datagram leaves one and
reaches the other at once. ESP is encrypted: a request or reply is told
from the rest by its size, that of a 56-byte-payload ping in
AES-128-CBC + HMAC-SHA1-96 ESP (132 bytes), alone or first in a
UDP_SEGMENT send whose other segment is shorter (a TCP ACK); one sent
as the short tail of a run of data segments is missed, and so is a leg
with none. tcpdump runs beside the test: a capture run's own figures are
not for the record.
"""

import bisect
import re
import shlex
import statistics
import sys

ESP_PING = 132  # 8 (SPI, seq) + 16 (IV) + 96 (84 + 2, padded) + 12
ACK_ESP = 100   # a 52-byte TCP ACK in the same ESP
ICMP = re.compile(r"(\d+\.\d+) IP .*ICMP echo (request|reply), id \d+, "
                  r"seq (\d+)")
UDP = re.compile(r"(\d+\.\d+) IP .* UDP, length (\d+)")
LEGS = ("client-out", "peer-in", "peer-turn", "peer-out", "client-in",
        "rtt")


def icmp(path):
    """{(kind, seq): first time seen}"""
    out = {}
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = ICMP.match(line)
            if m:
                out.setdefault((m.group(2), int(m.group(3))),
                               float(m.group(1)))
    except OSError:
        pass
    return out


def udp(path, sizes):
    """Sorted times of datagrams (or UDP_SEGMENT sends) of these sizes."""
    out = []
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            m = UDP.match(line)
            if m and int(m.group(2)) in sizes:
                out.append(float(m.group(1)))
    except OSError:
        pass
    return sorted(out)


def after(times, t):
    """The first time at or after t, or None."""
    i = bisect.bisect_left(times, t)
    return times[i] if i < len(times) else None


def legs(base):
    """leg -> [ms, ...] for one test's captures."""
    ct, gt = icmp(base + ".cap-ct"), icmp(base + ".cap-gt")
    cv = udp(base + ".cap-cv", {ESP_PING, ESP_PING + ACK_ESP})
    gv = udp(base + ".cap-gv", {ESP_PING, ESP_PING + ACK_ESP})
    out = {k: [] for k in LEGS}
    for (kind, seq), t_req in ct.items():
        if kind != "request":
            continue
        g_req = gt.get(("request", seq))
        g_rep = gt.get(("reply", seq))
        c_rep = ct.get(("reply", seq))
        if None in (g_req, g_rep, c_rep):
            continue
        out["rtt"].append(c_rep - t_req)
        out["peer-turn"].append(g_rep - g_req)
        v = after(cv, t_req)
        if v is not None and v <= g_req:
            out["client-out"].append(v - t_req)
            out["peer-in"].append(g_req - v)
        v = after(gv, g_rep)
        if v is not None and v <= c_rep:
            out["peer-out"].append(v - g_rep)
            out["client-in"].append(c_rep - v)
    return {k: [x * 1000 for x in v] for k, v in out.items()}


def cell(vals):
    if not vals:
        return "n/a"
    vals = sorted(vals)
    n = len(vals)
    return "%.2f [%.2f-%.2f]" % (statistics.median(vals),
                                 vals[n // 10], vals[(n * 9) // 10])


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    got = {}
    for line in open(argv[1], encoding="utf-8"):
        if not line.strip():
            continue
        r = dict(kv.split("=", 1) for kv in shlex.split(line))
        if "ping" not in r or not r["ping"].endswith(".ping"):
            continue
        base = r["ping"][:-len(".ping")]
        one = legs(base)
        if not one["rtt"]:
            continue
        acc = got.setdefault((r["test"], r["who"]), {k: [] for k in LEGS})
        for k in LEGS:
            acc[k] += one[k]
    if not got:
        print("pinglegs: no captures beside a ping in %s" % argv[1])
        return 1
    print("| test | who | %s |" % " | ".join(LEGS))
    print("|---" * (len(LEGS) + 2) + "|")
    for (test, who), acc in sorted(got.items()):
        print("| %s | %s | %s |" % (test, who,
                                     " | ".join(cell(acc[k]) for k in LEGS)))
    print("\nms, median [10th-90th percentile] over every echo of every "
          "round; legs as in bench/pinglegs.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
