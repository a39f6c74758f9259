#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""report.py: the soak's judge and report (tests/soak/soak.sh writes the
inputs; all of them are our own test's files).

  report.py rekeys STATUS.jsonl MAX_GAP_S OUT.csv
      every gap between two rekeys (the status lines whose rekeys
      counter went up), from the first line to the first rekey and from
      the last rekey to the last line, is at most MAX_GAP_S
  report.py xfer-faults RESULTS
      every failed transfer in xfer.csv overlaps a fault cycle in
      events.csv (from esp_outage to recovered or fault_failed)
  report.py judge RESULTS [BOUND_KB]
      per process in samples.csv: open descriptors and RssAnon flat;
      TAP lines; writes soak.png and summary.md

"Flat": the samples up to the end of the first fault cycle, and at least
the first WARMUP_FRACTION of them, are left out (the first rekeys', the
first HTTPS tunnel's and reconnect's allocations: OpenSSL's tables,
malloc arenas settling); of the rest, the median of the last third
against the median of the first third: descriptors equal, RssAnon grown
by at most the bound (RSS_GROWTH_MAX_KB, or judge's third argument).
Medians, so that one sample taken while a script runs ([priv] holds its
pipes) or while the HTTPS tunnel is open ([net] holds the socket) does
not count. The bound, 32 KiB (8 pages): runs here moved by 0-4 KiB
(glibc returns freed memory in pages). In the 30-minute run the two
medians are about 16 minutes apart: some 32 rekeys, 4 reconnects and
300,000 packets, so a leak of 1 KiB a rekey, 8 KiB a reconnect or one
byte every ten packets fails it; smaller leaks, and the 2-minute run,
where the medians are a rekey apart, are what the valgrind run is for
(there the bound is larger: valgrind's own memory grows as it
translates code)."""

import csv
import datetime
import json
import os
import statistics
import sys

WARMUP_FRACTION = 0.2
RSS_GROWTH_MAX_KB = 32
PROCS = ("priv", "net", "auth")
NAMES = {"priv": "gp-tunnel [priv]", "net": "gp-tunnel [net]",
         "auth": "gp-auth"}


def iso_s(text):
    t = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    return t.replace(tzinfo=datetime.timezone.utc).timestamp()


def cmd_rekeys(status, max_gap, out):
    lines = [json.loads(x) for x in open(status, encoding="utf-8") if x]
    if not lines:
        print("no status line")
        return 1
    t0 = iso_s(lines[0]["time"])
    last, bad, n = t0, 0, 0
    with open(out, "w", encoding="utf-8") as fp:
        fp.write("t_s,gap_s,rekeys\n")
        for r in lines:
            if r["counters"]["rekeys"] <= n:
                continue
            n = r["counters"]["rekeys"]
            t = iso_s(r["time"])
            gap = t - last
            fp.write("%.1f,%.1f,%d\n" % (t - t0, gap,
                                          r["counters"]["rekeys"]))
            if gap > max_gap:
                print("gap of %.1f s before the rekey at %.1f s" %
                      (gap, t - t0))
                bad += 1
            last = t
    end = iso_s(lines[-1]["time"])
    if end - last > max_gap:
        print("no rekey in the last %.1f s" % (end - last))
        bad += 1
    return 1 if bad else 0


def read_csv(path):
    with open(path, encoding="utf-8") as fp:
        return list(csv.DictReader(fp))


def fault_windows(res):
    win, start = [], None
    for e in read_csv(os.path.join(res, "events.csv")):
        t = int(e["t_s"])
        if e["event"] == "esp_outage":
            start = t
        elif e["event"] in ("recovered", "fault_failed") and start is not None:
            win.append((start, t))
            start = None
    if start is not None:
        win.append((start, 1 << 30))
    return win


def cmd_xfer_faults(res):
    win = fault_windows(res)
    bad = 0
    for x in read_csv(os.path.join(res, "xfer.csv")):
        if x["result"] == "ok":
            continue
        a, b = int(x["start_s"]), int(x["end_s"])
        if not any(a <= we + 5 and b >= ws - 5 for ws, we in win):
            print("transfer %s at %d..%d s outside any fault" %
                  (x["result"], a, b))
            bad += 1
    return 1 if bad else 0


def series(rows, proc):
    out = [r for r in rows if r["proc"] == proc]
    return ([int(r["t_s"]) for r in out], [int(r["rssanon_kb"]) for r in out],
            [int(r["vmrss_kb"]) for r in out], [int(r["fds"]) for r in out])


def warmup(t, res):
    """How many samples are warm-up (see the header)."""
    skip = max(1, int(len(t) * WARMUP_FRACTION))
    win = fault_windows(res)
    if win:
        skip = max(skip, len([x for x in t if x <= win[0][1]]))
    return skip


def judge_proc(proc, rows, res, bound, lines, table):
    t, anon, rss, fds = series(rows, proc)
    name = NAMES[proc]
    skip = warmup(t, res)
    if len(t) - skip < 3:
        lines.append("not ok - %s: only %d samples after %d of warm-up" %
                     (name, len(t) - skip, skip))
        return
    a, f = anon[skip:], fds[skip:]
    third = max(1, len(a) // 3)
    a0, a1 = statistics.median(a[:third]), statistics.median(a[-third:])
    f0, f1 = statistics.median(f[:third]), statistics.median(f[-third:])
    table.append((name, "%d (%d)" % (len(t), skip), rss[0], rss[-1],
                  anon[0], anon[-1], "%g" % a0, "%g" % a1,
                  fds[0], fds[-1], min(fds), max(fds)))
    grow = a1 - a0
    lines.append("%s - %s: RssAnon flat (median %d -> %d KiB, %+d <= %d)" %
                 ("ok" if grow <= bound else "not ok", name,
                  a0, a1, grow, bound))
    lines.append("%s - %s: open descriptors flat (median %g -> %g)" %
                 ("ok" if f0 == f1 else "not ok", name, f0, f1))


def plot(res, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(3, 1, figsize=(9, 8), sharex=True)
    for proc in PROCS:
        t, anon, rss, fds = series(rows, proc)
        m = [x / 60 for x in t]
        ax[0].plot(m, anon, marker=".", label=NAMES[proc])
        ax[1].plot(m, rss, marker=".", label=NAMES[proc])
        ax[2].plot(m, fds, marker=".", label=NAMES[proc])
    for ws, we in fault_windows(res):
        for a in ax:
            a.axvspan(ws / 60, min(we, ws + 600) / 60, color="red",
                      alpha=0.12)
    ax[0].set_ylabel("RssAnon (KiB)")
    ax[1].set_ylabel("VmRSS (KiB)")
    ax[2].set_ylabel("open fds")
    ax[2].set_xlabel("minutes (red: a fault cycle)")
    ax[0].legend(fontsize="small")
    ax[0].set_title("gpvpn soak: %s" % os.path.basename(res))
    fig.tight_layout()
    path = os.path.join(res, "soak.png")
    fig.savefig(path, dpi=90)
    return path


def cmd_judge(res, bound):
    rows = read_csv(os.path.join(res, "samples.csv"))
    lines, table = [], []
    for proc in PROCS:
        judge_proc(proc, rows, res, bound, lines, table)
    png = plot(res, rows)
    lines.append("%s - the plot %s" % ("ok" if png else "not ok",
                                       png or "(no matplotlib)"))
    figs = open(os.path.join(res, "figures.txt"), encoding="utf-8").read()
    with open(os.path.join(res, "summary.md"), "w", encoding="utf-8") as fp:
        fp.write("# Soak: %s\n\n```\n%s```\n\n" % (os.path.basename(res),
                                                  figs))
        fp.write("| process | samples (warm-up) | VmRSS first | VmRSS last "
                 "| RssAnon first | RssAnon last | RssAnon median 1st third "
                 "| ... last third | fds first | fds last | fds min "
                 "| fds max |\n")
        fp.write("|" + "---|" * 12 + "\n")
        for row in table:
            fp.write("| " + " | ".join(str(x) for x in row) + " |\n")
        fp.write("\nKiB. Warm-up: the samples up to the end of the first "
                 "fault cycle, and at least the first %d%%.\n\n" %
                 (WARMUP_FRACTION * 100))
        fp.write("```\n" + "\n".join(lines) + "\n```\n")
        if png:
            fp.write("\n![soak](soak.png)\n")
    print("\n".join(lines))
    return 0


def main(argv):
    if len(argv) == 5 and argv[1] == "rekeys":
        return cmd_rekeys(argv[2], float(argv[3]), argv[4])
    if len(argv) == 3 and argv[1] == "xfer-faults":
        return cmd_xfer_faults(argv[2])
    if len(argv) in (3, 4) and argv[1] == "judge":
        return cmd_judge(argv[2], int(argv[3]) if len(argv) == 4 else
                         RSS_GROWTH_MAX_KB)
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
