#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""connect_phases.py: where the connect time of `make bench` goes.

  connect_phases.py record GWLOG T0
      One session's phases, as key=value pairs for bench.sh's record: the
      gateway's log times (gpgw.py, wall clock) of the first TLS handshake
      and of each request of the connect, in ms after T0 (the wall time
      bench.sh took just before starting the client).
  connect_phases.py table RECORDS
      Per contender, the median [min-max] over rounds of each phase and of
      first-esp (the peer's clock), and the ratio gpvpn/OpenConnect of the
      medians; markdown, to stdout.

The gateway logs a request once it has its answer, just before sending
it; the TLS handshake once it is done. Both clients make the same
requests: prelogin, login, getconfig, hipreportcheck.
"""

import json
import shlex
import statistics
import sys

WHO = ("gpvpn", "gpvpn-svc", "openconnect")
NAMES = {"gpvpn": "gpvpn (pipe)", "gpvpn-svc": "gpvpn (service)",
         "openconnect": "OpenConnect"}
# phase -> the gateway log records that mark it
PHASES = (
    ("tls", lambda r: r.get("event") == "tls"),
    ("prelogin", lambda r: r.get("event") == "request" and
     r.get("path", "").endswith("/prelogin.esp")),
    ("login", lambda r: r.get("event") == "request" and
     r.get("path") == "/ssl-vpn/login.esp"),
    ("getconfig", lambda r: r.get("event") == "request" and
     r.get("path") == "/ssl-vpn/getconfig.esp"),
    ("hip", lambda r: r.get("event") == "request" and
     r.get("path") == "/ssl-vpn/hipreportcheck.esp"),
)


def record(gwlog, t0):
    t0 = float(t0)
    got = {}
    with open(gwlog, encoding="utf-8") as fp:
        for line in fp:
            r = json.loads(line)
            if float(r.get("ts", 0)) < t0:
                continue
            for name, match in PHASES:
                if name not in got and match(r):
                    got[name] = (float(r["ts"]) - t0) * 1000
    print(" ".join("%s_ms=%.1f" % (name, got[name])
                   for name, _ in PHASES if name in got))
    return 0


def sessions(path):
    out = {w: [] for w in WHO}
    for line in open(path, encoding="utf-8"):
        if not line.strip():
            continue
        r = dict(kv.split("=", 1) for kv in shlex.split(line))
        if r.get("test") == "session" and r.get("who") in out:
            out[r["who"]].append(r)
    return out


def values(recs, key):
    vals = []
    for r in recs:
        v = r.get(key, "")
        try:
            vals.append(float(v))
        except ValueError:
            pass
    return vals


def cell(vals):
    if not vals:
        return "n/a", None
    m = statistics.median(vals)
    return "%.1f [%.1f-%.1f]" % (m, min(vals), max(vals)), m


def table(path):
    s = sessions(path)
    who = [w for w in WHO if s[w]]
    for w in who:
        for r in s[w]:
            fe = r.get("first_esp_ns", "none")
            if fe.lstrip("-").isdigit():
                r["first_esp_ms"] = "%.3f" % (int(fe) / 1e6)
    ours = [w for w in who if w != "openconnect"]
    print("| phase (ms after start) | %s | %s |" % (
        " | ".join(NAMES[w] for w in who),
        " | ".join("ratio %s" % NAMES[w].split(" ", 1)[-1] for w in ours)))
    print("|---" * (len(who) + len(ours) + 1) + "|")
    keys = [name + "_ms" for name, _ in PHASES] + ["first_esp_ms"]
    for k in keys:
        cells = {w: cell(values(s[w], k)) for w in who}
        mb = cells["openconnect"][1] if "openconnect" in cells else None
        ratios = ["%.2f" % (cells[w][1] / mb) if cells[w][1] is not None
                  and mb else "n/a" for w in ours]
        print("| %s | %s | %s |" % (k[:-3].replace("_", "-"),
                                     " | ".join(cells[w][0] for w in who),
                                     " | ".join(ratios)))
    print("\nrounds: %s; median [min-max]" % ", ".join(
        "%s %d" % (NAMES[w], len(s[w])) for w in who))
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "record":
        return record(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "table":
        return table(argv[2])
    print(__doc__.strip(), file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
