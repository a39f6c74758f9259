#!/bin/sh
# SPDX-License-Identifier: ISC
# bench_test.sh: the benchmark works (make bench-short, issue 11 item 1).
# Builds bench/esppeer, checks it against the PROTOCOL.md §7.6 vector
# and its tun offloads (bench/tunoff_test), that bench/sink counts what
# it reads and drops, then runs bench/bench.sh with
# one round of 1 s tests (its own namespaces) and checks that it exits 0,
# that every metric has a number for both contenders, that it wrote
# markdown, a PNG and JSON, and that its last line parses. It never
# judges a number: they mean nothing on a busy CI machine. Needs root;
# TAP; bounded to 200 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 200
need_client
PEER=$REPO/build-bench/esppeer
OUT=$T/results
mkdir -p "$OUT"

if ! sh "$REPO/bench/deps.sh" >"$T/deps.out" 2>&1; then
	sed 's/^/#   /' "$T/deps.out" >&2
	die "bench/deps.sh installs iperf3 and python3-matplotlib"
fi
make -C "$REPO" --no-print-directory bench-peer >"$T/make.out" 2>&1 ||
    { sed 's/^/#   /' "$T/make.out" >&2; die "esppeer builds"; }
check "esppeer: the §7.6 datagram decrypts to a magic ping, reply valid" \
    "$PEER" selftest
# The peer's TSO splitting and TCP coalescing (bench/tunoff.c).
"$REPO/build-bench/tunoff_test" >"$T/tunoff.out" 2>&1
PASSES=$((PASSES + $(grep -c '^ok' "$T/tunoff.out")))
FAILS=$((FAILS + $(grep -c '^not ok' "$T/tunoff.out")))
grep -E '^(ok|not ok)' "$T/tunoff.out"
grep -q '^ok' "$T/tunoff.out" || notok "tunoff_test ran"

# bench/sink, pps*-rx's counting point, counts every datagram sent to it:
# read, or dropped while it was stopped and its buffer full. (1 s of
# blast, in a namespace of this test's own.)
sink_counts_all() {
	ns_add "$NS_C"
	ip netns exec "$NS_C" "$REPO/build-bench/sink" 127.0.0.1 9 30 \
	    >"$T/sink.out" 2>"$T/sink.err" &
	sp=$!
	lib_track "$sp"
	wait_until 50 0.1 grep -qx ready "$T/sink.out" || return 1
	kill -STOP "$sp"
	sent=$(ip netns exec "$NS_C" timeout 10 "$REPO/build-bench/blast" \
	    127.0.0.1 9 64 1 | awk '{ print $2 }')
	kill -CONT "$sp"
	kill -USR1 "$sp"
	wait_until 50 0.1 grep -q '^rx=' "$T/sink.out"
	stop_pid "$sp" TERM 3
	tr '=' ' ' <"$T/sink.out" | awk -v s="${sent:-0}" '$1 == "rx" {
		print "# sent", s, "read", $2, "dropped", $4
		ok = $2 > 0 && $4 > 0 && $2 + $4 == s; exit }
		END { exit !ok }'
}
check "bench/sink: read + dropped = sent, both counted" sink_counts_all

BENCH_SHORT=1 BENCH_RESULTS=$OUT B=$B timeout 150 \
    sh "$REPO/bench/bench.sh" >"$T/bench.out" 2>"$T/bench.err"
rc=$?
note "bench.sh exit status $rc; its last line: $(tail -n 1 "$T/bench.out")"
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$T/bench.out" "$T/bench.err" | sed 's/^/#   /' >&2
fi
check "bench.sh (short) exits 0" test "$rc" -eq 0

last_line_ok() {
	tail -n 1 "$T/bench.out" | grep -Eqx 'bench: tcp-tx [0-9]+\.[0-9]{2} '\
'tcp-rx [0-9]+\.[0-9]{2} pps64-tx [0-9]+\.[0-9]{2} '\
'pps64-rx [0-9]+\.[0-9]{2} cpu/pkt [0-9]+\.[0-9]{2} '\
'first-esp [0-9]+\.[0-9]{2}'
}
check "last line: bench: tcp-tx R ... first-esp R, six numbers" \
    last_line_ok

# Every metric, both contenders and their ratio, is a positive number;
# each test has its CPU figures; RSS is there for each client process.
metrics_ok() {
	"$PY" - "$OUT" <<'EOF'
import glob, json, math, sys
fs = glob.glob(sys.argv[1] + "/*.json")
assert len(fs) == 1, fs
doc = json.load(open(fs[0]))
bad = []
for k, v in doc["summary"].items():
    for who in ("gpvpn", "openconnect", "ratio"):
        s = v[who]
        if s is None or not all(isinstance(x, float) or
                                isinstance(x, int) for x in s) or \
                not all(math.isfinite(x) and x > 0 for x in s):
            bad.append("%s %s: %r" % (k, who, s))
for who, rounds in doc["rounds"].items():
    for n, d in rounds.items():
        if n != "1":    # the connect round: a session, no test
            fe = (d["session"] or {}).get("first_esp_ns", "")
            if d["tests"] or not fe.isdigit():
                bad.append("%s connect round %s: %d tests, first-esp %r" %
                           (who, n, len(d["tests"]), fe))
            continue
        if len(d["tests"]) != 9:
            bad.append("%s round %s: %d tests" % (who, n, len(d["tests"])))
        for t, row in d["tests"].items():
            for f in ("cpu0", "cpu1", "client_cpu", "peer_cpu",
                      "cpu_pkt_us"):
                if not isinstance(row[f], (int, float)):
                    bad.append("%s %s %s: %r" % (who, t, f, row[f]))
            # cpu/pkt's unit: ESP datagrams each way, counted at the peer.
            if not (row["pkts"] > 0 and row["pkts"] ==
                    max(0, row["esp_out"]) + max(0, row["esp_in"])):
                bad.append("%s %s ESP datagrams: out %r in %r pkts %r" % (
                    who, t, row["esp_out"], row["esp_in"], row["pkts"]))
        want = {"gpvpn": {"gp-auth", "gp-tunnel[priv]", "gp-tunnel[net]"},
                "openconnect": {"openconnect"}}[who]
        if set(d["metrics"]["rss"]) != want:
            bad.append("%s RSS for %s" % (who, sorted(d["metrics"]["rss"])))
if sorted(doc["rounds"]["gpvpn"]) != ["1", "2"]:
    bad.append("rounds %r: one with load, one connect" %
               sorted(doc["rounds"]["gpvpn"]))
if doc["summary"]["first-esp"].get("n") != 2:
    bad.append("first-esp over %r rounds, not 2" %
               doc["summary"]["first-esp"].get("n"))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "every metric has a number for both contenders and the ratio" \
    metrics_ok

files_ok() {
	md=$(ls "$OUT"/*.md) && png=$(ls "$OUT"/*.png) &&
	    grep -q '^| first-esp | ms |' "$md" &&
	    grep -q '^| tcp-tx-1 | gpvpn |' "$md" &&
	    grep -q '^| cpu/pkt | us |.* per ESP datagram' "$md" &&
	    grep -q '^## Machine' "$md" &&
	    [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = \
	    89504e470d0a1a0a ]
}
check "results: markdown with machine, metrics and bounds; a PNG" \
    files_ok
bounds_ok() {
	b='client|PEER|both CPUs|loss/latency|pacing'
	for t in tcp-tx-1 tcp-tx-4 tcp-rx-1 tcp-rx-4 tcp-rx-paced \
	    pps64-tx pps64-rx pps1400-tx pps1400-rx; do
		for who in gpvpn openconnect; do
			grep -Eq "^\| $t \| $who \|.*\| ($b)[^|]* \|\$" \
			    "$T/bench.out" || { echo "$t $who"; return 1; }
		done
	done
}
check "the table says what bounds each figure" bounds_ok
check_host_untouched
lib_finish
