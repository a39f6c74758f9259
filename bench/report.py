#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""report.py: the numbers of `make bench` (bench/bench.sh).

Usage: report.py RECORDS MACHINE OUTDIR. RECORDS holds one line of
key=value pairs per test (iperf3 JSON, ping output and RSS sample paths,
CPU tick deltas, ESP datagrams the client sent and took in, counted at
the peer, tun packet deltas, and the datagrams bench/sink read and
dropped) and per session (start-to-first-ESP, HTTPS tunnels opened, the
peer's counters); MACHINE is "key value" lines. Prints a table
(medians, min-max over rounds, ratio gpvpn/openconnect paired by round),
writes OUTDIR/<stamp>.md, .png and .json, and ends with the one-line
summary. Exits 1 if a metric is missing for a contender in a round, or
a session did not run over ESP through the peer. It judges no number.
"""

import json
import os
import re
import shlex
import statistics
import sys
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
WHO = ("gpvpn", "openconnect")
# gp-auth to the running gp-tunnel service: a connect, timed, no tests.
SVC = "gpvpn-svc"
BUSY = 0.90  # a CPU this busy over a test is what bounds it
SINK_NOTE = 0.01  # a sink dropping this share of a figure gets a note
TESTS = ("tcp-tx-1", "tcp-tx-4", "tcp-rx-1", "tcp-rx-4", "tcp-rx-paced",
         "pps64-tx", "pps64-rx", "pps1400-tx", "pps1400-rx")
# Metrics of every session, connect rounds too.
CONNECT_METRICS = ("first-esp", "first-esp-svc")
# Tests whose own value is no metric: the paced download is there for the
# ping beside it (both contenders carry the same rate).
PACED = ("tcp-rx-paced",)
# metric -> (unit, higher is better, description)
METRICS = {
    "tcp-tx-1": ("Mbit/s", True, "TCP client->gateway, 1 stream"),
    "tcp-tx-4": ("Mbit/s", True, "TCP client->gateway, 4 streams"),
    "tcp-rx-1": ("Mbit/s", True, "TCP gateway->client, 1 stream"),
    "tcp-rx-4": ("Mbit/s", True, "TCP gateway->client, 4 streams"),
    "pps64-tx": ("kpps", True, "UDP 64-byte packets received, c->g"),
    "pps64-rx": ("kpps", True, "UDP 64-byte datagrams delivered to an "
                 "app, g->c"),
    "pps1400-tx": ("kpps", True, "UDP 1400-byte packets received, c->g"),
    "pps1400-rx": ("kpps", True, "UDP 1400-byte datagrams delivered to "
                   "an app, g->c"),
    "ping-tx-load": ("ms", False, "median ping RTT during tcp-tx-1"),
    "ping-rx-load": ("ms", False, "median ping RTT during tcp-rx-1"),
    "ping-rx-paced": ("ms", False, "median ping RTT during tcp-rx-paced "
                      "(the same download rate for both)"),
    "cpu/pkt": ("us", False, "client CPU per ESP datagram, all tests"),
    "first-esp": ("ms", False, "client start to first ESP at the peer"),
    "first-esp-svc": ("ms", False, "the same, gp-auth to the running "
                      "gp-tunnel service (OpenConnect: its first-esp)"),
    "rss-total": ("kB", False, "sum of client processes' RSS (max)"),
}
# The summary line: its name -> metric.
LINE = (("tcp-tx", "tcp-tx-1"), ("tcp-rx", "tcp-rx-1"),
        ("pps64-tx", "pps64-tx"), ("pps64-rx", "pps64-rx"),
        ("cpu/pkt", "cpu/pkt"), ("first-esp", "first-esp"))


def parse_records(path):
    recs = []
    for line in open(path, encoding="utf-8"):
        if line.strip():
            recs.append(dict(kv.split("=", 1)
                             for kv in shlex.split(line)))
    return recs


def test_value(r):
    """Mbit/s received (TCP, from iperf3's JSON) or kpps received (UDP,
    counted by the receiving end: the peer, or for pps*-rx the UDP
    datagrams the client delivered to an application, bench/sink)."""
    try:
        if r["test"].startswith("pps"):
            n = int(r["pkts_in"])
            return n / float(r["secs"]) / 1e3 if n > 0 else None
        doc = json.load(open(r["iperf"], encoding="utf-8"))
        return doc["end"]["sum_received"]["bits_per_second"] / 1e6
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
        return None


def retransmits(r):
    """TCP segments the sender retransmitted (iperf3), or None."""
    try:
        doc = json.load(open(r["iperf"], encoding="utf-8"))
        return doc["end"]["sum_sent"]["retransmits"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ping_median(path):
    try:
        txt = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    rtts = [float(m) for m in re.findall(r"time=([0-9.]+) ms", txt)]
    return statistics.median(rtts) if rtts else None


def rss_of(path, field=2):
    """{process name: kB} from an RSS sample ("name pid rss anon"), or
    {}: field 2 is VmRSS, 3 RssAnon."""
    out = {}
    try:
        for line in open(path, encoding="utf-8"):
            f = line.split()
            out[f[0]] = out.get(f[0], 0) + int(f[field])
    except (OSError, ValueError, IndexError):
        pass
    return out


def pct(busy, total):
    return 100.0 * int(busy) / int(total) if int(total) else None


def test_row(r):
    """The derived numbers of one test record."""
    secs = int(r["ns"]) / 1e9
    # The unit of cpu/pkt: ESP datagrams, one inner packet each for
    # both clients (not tun packets, which offload makes super-packets).
    cli = int(r["cli_ticks"])
    pkts = max(0, int(r["esp_out"])) + max(0, int(r["esp_in"]))
    return {
        "value": test_value(r),
        "retransmits": retransmits(r) if r["test"].startswith("tcp")
        else None,
        "client_udp_drops": int(r["client_udp_drops"]),
        "peer_udp_drops": int(r["peer_udp_drops"]),
        "sink_drops": int(r.get("sink_drops", 0)),
        "pkts_in": int(r.get("pkts_in", 0)),
        "sink_late": int(r.get("sink_late", 0)),
        "ping": ping_median(r["ping"]),
        "rss": rss_of(r["rss"]),
        "anon": rss_of(r["rss"], 3),
        "cli_ticks": cli, "pkts": pkts,
        "esp_out": int(r["esp_out"]), "esp_in": int(r["esp_in"]),
        "tun_pkts": int(r["tun_pkts"]),
        "cpu_pkt_us": 1e6 * cli / CLK_TCK / pkts if pkts else None,
        "cpu0": pct(r["c0_busy"], r["c0_total"]),
        "cpu1": pct(r["c1_busy"], r["c1_total"]),
        "client_cpu": 100.0 * cli / CLK_TCK / secs if secs else None,
        "peer_cpu": 100.0 * int(r["peer_ticks"]) / CLK_TCK / secs
        if secs else None,
    }


def collect(recs):
    """rounds[who][round] = {"tests": {test: row}, "session": rec}."""
    rounds = {w: {} for w in WHO}
    for r in recs:
        d = rounds.setdefault(r["who"], {}).setdefault(
            int(r["round"]), {"tests": {}, "session": None})
        if r["test"] == "session":
            d["session"] = r
        else:
            d["tests"][r["test"]] = test_row(r)
    return rounds


def metrics_of(d):
    """metric -> value for one contender's round (None if missing)."""
    t = d["tests"]
    m = {k: t[k]["value"] if k in t else None for k in TESTS
         if k not in PACED}
    m["ping-tx-load"] = t["tcp-tx-1"]["ping"] if "tcp-tx-1" in t else None
    m["ping-rx-load"] = t["tcp-rx-1"]["ping"] if "tcp-rx-1" in t else None
    m["ping-rx-paced"] = t["tcp-rx-paced"]["ping"] \
        if "tcp-rx-paced" in t else None
    ticks = sum(x["cli_ticks"] for x in t.values())
    pkts = sum(x["pkts"] for x in t.values())
    m["cpu/pkt"] = 1e6 * ticks / CLK_TCK / pkts if pkts and \
        len(t) == len(TESTS) else None
    s = d["session"] or {}
    fe = s.get("first_esp_ns", "none")
    m["first-esp"] = int(fe) / 1e6 if fe.lstrip("-").isdigit() else None
    procs, anon = {}, {}
    for x in t.values():
        for name, kb in x["rss"].items():
            procs[name] = max(procs.get(name, 0), kb)
        for name, kb in x["anon"].items():
            anon[name] = max(anon.get(name, 0), kb)
    m["rss-total"] = sum(procs.values()) if procs else None
    m["rss"] = procs
    m["rss-anon"] = anon
    return m


def spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(v, digits=3):
    if v is None:
        return "n/a"
    return "%.*g" % (digits, v) if abs(v) < 10 ** digits else "%.0f" % v


def fmt_spread(s):
    if s is None:
        return "n/a"
    return "%s [%s-%s]" % (fmt(s[0]), fmt(s[1]), fmt(s[2]))


def first_esp_svc(rounds, per):
    """first-esp-svc: gpvpn's from its service session of the round,
    OpenConnect's is its first-esp (it has one shape)."""
    for n, m in per["gpvpn"].items():
        d = rounds.get(SVC, {}).get(n)
        m["first-esp-svc"] = metrics_of(d)["first-esp"] if d else None
    for m in per["openconnect"].values():
        m["first-esp-svc"] = m["first-esp"]


def summarise(rounds):
    """Each metric over the rounds both contenders ran; first-esp's also
    over the connect rounds (sessions with no test). Returns the load
    rounds as common."""
    per = {w: {n: metrics_of(d) for n, d in rounds[w].items()} for w in WHO}
    first_esp_svc(rounds, per)
    both = sorted(set(per["gpvpn"]) & set(per["openconnect"]))
    common = [n for n in both if rounds["gpvpn"][n]["tests"] or
              rounds["openconnect"][n]["tests"]]
    out = {}
    for k in METRICS:
        rs = both if k in CONNECT_METRICS else common
        g = [per["gpvpn"][n][k] for n in rs]
        o = [per["openconnect"][n][k] for n in rs]
        ratios = [a / b for a, b in zip(g, o)
                  if a is not None and b is not None and b != 0]
        out[k] = {"gpvpn": spread(g), "openconnect": spread(o),
                  "ratio": spread(ratios),
                  "complete": bool(rs) and None not in g + o,
                  "n": len(rs)}
    return per, common, out


def bound_of(rounds, test):
    """Median CPU use per contender during a test and what bounds it."""
    res = {}
    for w in WHO:
        rows = [d["tests"][test] for d in rounds[w].values()
                if test in d["tests"]]
        if not rows:
            continue
        c0 = statistics.median(r["cpu0"] or 0 for r in rows)
        c1 = statistics.median(r["cpu1"] or 0 for r in rows)
        cl = statistics.median(r["client_cpu"] or 0 for r in rows)
        pe = statistics.median(r["peer_cpu"] or 0 for r in rows)
        cpp = statistics.median(r["cpu_pkt_us"] or 0 for r in rows)
        rt = [r["retransmits"] for r in rows if r["retransmits"] is not None]
        cd = statistics.median(r["client_udp_drops"] for r in rows)
        pd = statistics.median(r["peer_udp_drops"] for r in rows)
        sd = statistics.median(r["sink_drops"] for r in rows)
        # The sink's drops as a share of the figure they are part of.
        share = [r["sink_drops"] / r["pkts_in"] for r in rows
                 if r["pkts_in"] > 0]
        res[w] = dict(cpu0=c0, cpu1=c1, client=cl, peer=pe, cpp=cpp,
                      retr=statistics.median(rt) if rt else None,
                      cdrop=cd, pdrop=pd, sdrop=sd,
                      sshare=statistics.median(share) if share else 0.0)
        res[w]["bound"] = bound_label(test, res[w])
    return res


def bound_label(test, b):
    """What limited a test's figure. The floods saturate their sender's
    CPU by design: there the receiver's socket drops tell."""
    busy0, busy1 = b["cpu0"] >= BUSY * 100, b["cpu1"] >= BUSY * 100
    if test.endswith("-tx") and test.startswith("pps"):
        return "PEER (its socket dropped)" if b["pdrop"] > 0 else \
            "client CPU (shared with blast)"
    if test.startswith("pps"):
        return "client (its socket dropped)" if b["cdrop"] > 0 else \
            "PEER (flood slower than client)"
    loss = ""
    if test in PACED:
        return "pacing (iperf3 -b)" + ("; a CPU saturated" if busy0 or
                                       busy1 else "")
    if b["cdrop"] > 0 or b["pdrop"] > 0:
        loss = "; loss at the %s socket" % (
            "client's" if b["cdrop"] >= b["pdrop"] else "PEER's")
    if busy0 and busy1:
        return "both CPUs" + loss
    if busy0 or busy1:
        return ("client CPU" if busy0 else "PEER CPU") + loss
    return "loss/latency (no CPU saturated)" + loss


def problems(rounds, common):
    errs = []
    for w in WHO + (SVC,):
        for n, d in sorted(rounds.get(w, {}).items()):
            s = d["session"]
            if s is None:
                errs.append("%s round %d: no session record" % (w, n))
                continue
            if s.get("https_tunnels") != "0":
                errs.append("%s round %d: %s HTTPS tunnel(s): not ESP "
                            "only" % (w, n, s.get("https_tunnels")))
            peer = dict(re.findall(r"(\w+) (\d+)", s.get("peer", "")))
            if int(peer.get("tun_writes", 0)) == 0:
                errs.append("%s round %d: the peer moved no packet"
                            % (w, n))
            bad = {k: v for k, v in peer.items()
                   if k.startswith("drop_") and v != "0"}
            if bad:
                errs.append("%s round %d: peer drops %s" % (w, n, bad))
    if not common:
        errs.append("no round with both contenders")
    return errs


def machine_of(path):
    m = {}
    for line in open(path, encoding="utf-8"):
        k, _, v = line.rstrip("\n").partition(" ")
        m[k] = v
    return m


def table(out, what=False):
    lines = ["| metric | unit | gpvpn | OpenConnect | ratio | better |" +
             (" what |" if what else ""),
             "|---|---|---|---|---|---|" + ("---|" if what else "")]
    for k, (unit, hib, desc) in METRICS.items():
        o = out[k]
        lines.append("| %s | %s | %s | %s | %s | %s |" % (
            k, unit, fmt_spread(o["gpvpn"]), fmt_spread(o["openconnect"]),
            fmt_spread(o["ratio"]), "higher" if hib else "lower") +
            (" %s |" % desc if what else ""))
    return lines


def bound_table(rounds):
    lines = ["| test | who | CPU0 (client) % | CPU1 (peer) % | client "
             "procs % | peer % | client us/ESP dgram | TCP retr | UDP drops "
             "client/peer/sink | bound by |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for t in TESTS:
        for w, b in bound_of(rounds, t).items():
            lines.append("| %s | %s | %.0f | %.0f | %.0f | %.0f | %s | %s "
                         "| %.0f/%.0f/%.0f | %s |" % (
                             t, w, b["cpu0"], b["cpu1"], b["client"],
                             b["peer"], fmt(b["cpp"]),
                             "-" if b["retr"] is None else
                             "%.0f" % b["retr"], b["cdrop"], b["pdrop"],
                             b["sdrop"], b["bound"]))
    return lines


def rss_table(per, common):
    lines = ["| who | process | RSS kB (median of per-round max) "
             "| of which anonymous kB |", "|---|---|---|---|"]
    for w in WHO:
        names = sorted({p for n in common for p in per[w][n]["rss"]})
        for p in names:
            v = [per[w][n]["rss"].get(p) for n in common]
            a = [per[w][n].get("rss-anon", {}).get(p) for n in common]
            lines.append("| %s | %s | %s | %s |" % (
                w, p, fmt_spread(spread(v)), fmt_spread(spread(a))))
    return lines


def summary_line(out):
    parts = []
    for name, k in LINE:
        r = out[k]["ratio"]
        parts.append("%s %s" % (name, "nan" if r is None else
                                "%.2f" % r[0]))
    return "bench: " + " ".join(parts)


def peer_bound_notes(rounds):
    notes = []
    for t in TESTS:
        b = bound_of(rounds, t)
        for w, x in b.items():
            if x["bound"].startswith(("PEER", "both")):
                notes.append("%s %s: bound %s (peer CPU %.0f%%): the "
                             "figure may be the peer's, not the client's"
                             % (t, w, x["bound"], x["cpu1"]))
    return notes


def sink_notes(rounds):
    """pps*-rx: the sink's drops, when they are a noticeable share."""
    notes = []
    for t in TESTS:
        for w, x in bound_of(rounds, t).items():
            if x["sshare"] >= SINK_NOTE:
                notes.append("%s %s: the sink dropped %.0f datagrams "
                             "(%.1f%% of the figure) for a full buffer: "
                             "counted, as the client delivered them, but "
                             "a sink that falls behind takes CPU1 from "
                             "the peer's flood"
                             % (t, w, x["sdrop"], 100 * x["sshare"]))
    return notes


def markdown(mach, out, rounds, per, common, errs, line):
    md = ["# gpvpn vs OpenConnect: make bench, %s" % mach.get("date", "?"),
          "",
          "Same gateway (gpgw.py for HTTPS, bench/esppeer for ESP, "
          "AES-128-CBC + HMAC-SHA1-96), contenders alternating, %s "
          "round(s), %s s per test%s, then %s connect round(s) (a "
          "session each, no test: first-esp and first-esp-svc are over "
          "all %s). Values: median [min-max] over rounds; ratio = gpvpn "
          "/ OpenConnect, paired by round."
          % (mach.get("rounds"), mach.get("seconds"),
             " (SHORT: a check that the bench works, numbers "
             "unrepresentative)" if mach.get("short") == "1" else "",
             mach.get("connect_rounds", 0),
             out["first-esp"].get("n", "?")),
          "", "## Machine", "", "| | |", "|---|---|"]
    md += ["| %s | %s |" % kv for kv in mach.items()]
    md += ["", "## Results", ""] + table(out, what=True)
    md += ["", "tcp-*: iperf3 between the client namespace and the "
           "gateway namespace (-O %s); tcp-rx-paced is one download "
           "stream held at %s Mbit/s for both contenders, with ping "
           "beside it (ping-rx-paced: latency at the same load, where "
           "tcp-rx-1's ping is at each one's own full load). pps*: UDP floods of 64- or "
           "1400-byte IP packets as fast as the sender goes, counted "
           "where they arrive: tx from bench/blast on the client CPU to "
           "the peer, which counts and drops them; rx from the peer "
           "itself to the client, counted as the UDP datagrams the "
           "client delivered to an application (a sink on the peer's "
           "CPU, bench/sink, reading without UDP_GRO: those it read plus "
           "those its full buffer dropped). Not at the client's tun: a "
           "client that coalesces a flow's UDP datagrams writes up to 64 "
           "as one tun packet (tun_pkts stays in the JSON, for "
           "information). "
           "cpu/pkt: utime+stime of every client process (gp-auth, "
           "gp-tunnel [priv] and [net]; openconnect), pooled over all "
           "tests, per ESP datagram the client handled, each carrying "
           "one inner packet for either client: sent (received by the "
           "peer, which reads without UDP_GRO, plus those its full "
           "socket dropped) and taken in (sent by the peer minus those "
           "the client's full socket dropped). Not per tun packet: with "
           "tun offload a 64 KiB TSO or coalesced super-packet is one "
           "tun packet but up to 45 datagrams on the wire."
           % (mach.get("omit"), mach.get("paced_mbit", "?")),
           "", "## What bounds each figure", ""]
    md += bound_table(rounds)
    md += ["", "A CPU at >= %d%% over a test is taken as the bound; "
           "with neither, loss (TCP retransmits, UDP datagrams dropped "
           "for a full socket buffer at the client or the peer) or "
           "latency is. CPU0 carries the client, the client-side "
           "iperf3/ping/blast and, by RPS, the client namespace's "
           "receive work (not for the peer's flood, pps*-rx, whose "
           "ESP input the peer's CPU does; the delivery of the inner "
           "datagrams to the sink's socket is the client CPU's); CPU1 "
           "the peer, the gateway-side iperf3, the sink's reads and the "
           "gateway's kernel work. UDP drops: client and sink drops "
           "both count in the client namespace; client is its ESP "
           "socket's share. Medians over rounds."
           % (BUSY * 100), ""]
    notes = peer_bound_notes(rounds)
    if notes:
        md += ["Peer-bound figures:", ""] + ["- " + n for n in notes] + [""]
    notes = sink_notes(rounds)
    if notes:
        md += ["Sink drops:", ""] + ["- " + n for n in notes] + [""]
    md += ["## RSS per client process", ""] + rss_table(per, common)
    if errs:
        md += ["", "## Problems", ""] + ["- " + e for e in errs]
    md += ["", "```", line, "```", ""]
    return "\n".join(md)


def plot(out, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    keys = [k for k in METRICS if out[k]["ratio"] is not None]
    med = [out[k]["ratio"][0] for k in keys]
    lo = [out[k]["ratio"][0] - out[k]["ratio"][1] for k in keys]
    hi = [out[k]["ratio"][2] - out[k]["ratio"][0] for k in keys]
    colors = ["tab:green" if (m >= 1) == METRICS[k][1] else "tab:red"
              for k, m in zip(keys, med)]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.bar(range(len(keys)), med, yerr=[lo, hi], color=colors, capsize=4)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.axhline(2.0, color="gray", linewidth=0.8, linestyle="--")
    ax.set_xticks(range(len(keys)))
    ax.set_xticklabels(["%s%s\n(%s)" % (
        k, " per ESP dgram" if k == "cpu/pkt" else "",
        "higher" if METRICS[k][1] else "lower") for k in keys],
                       rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("gpvpn / OpenConnect (median, min-max)")
    fig.text(0.01, 0.01, "cpu/pkt: client CPU (all its processes) per "
             "ESP datagram (one inner packet), counted at the ESP peer; "
             "not per tun packet", fontsize=7)
    ax.set_title(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    recs = parse_records(argv[1])
    mach = machine_of(argv[2])
    rounds = collect(recs)
    per, common, out = summarise(rounds)
    errs = problems(rounds, common)
    errs += ["%s: missing for a contender in some round" % k
             for k, o in out.items() if not o["complete"]]
    line = summary_line(out)
    print("\n".join(table(out)))
    print()
    print("\n".join(bound_table(rounds)))
    print()
    print("\n".join(rss_table(per, common)))
    for n in peer_bound_notes(rounds) + sink_notes(rounds):
        print("# note: " + n)
    for e in errs:
        print("# problem: " + e)
    stamp = time.strftime("%Y-%m-%dT%H%MZ", time.gmtime())
    if mach.get("short") == "1":
        stamp += "-short"
    base = os.path.join(argv[3], stamp)
    with open(base + ".md", "w", encoding="utf-8") as fp:
        fp.write(markdown(mach, out, rounds, per, common, errs, line))
    with open(base + ".json", "w", encoding="utf-8") as fp:
        json.dump({"machine": mach, "summary": out, "rounds": {
            w: {str(n): {"metrics": per[w][n], "tests": d["tests"],
                         "session": d["session"]}
                for n, d in rounds[w].items()} for w in WHO}},
            fp, indent=1, sort_keys=True)
    plot(out, base + ".png", "make bench %s: %s" % (mach.get("date"),
                                                   line))
    print("# results: %s.{md,png,json}" % base)
    print(line)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
