#!/bin/sh
# SPDX-License-Identifier: ISC
# Runs the whole suite and counts TAP-style "ok"/"not ok" lines from every
# layer: unit and golden tests (C), fuzz smoke runs, and the namespace
# tests (root only; CI runs as root). "ok - ... # SKIP why" counts as
# skipped, not passed. Last line: "N passed, N failed, N skipped".
# ONLY=ERE runs only the tests whose name matches (e.g. ONLY='^ipc_|lint').
# Afterwards no process the run started may be alive, nor its namespaces.
set -u
B=${B:-build}
LOG=${LOG:-$B/test-logs}
# The fuzz smoke shares FUZZ_SMOKE_TOTAL seconds among the targets (at
# least 3 s each), so that a new target does not lengthen the run.
FUZZ_SMOKE_TOTAL=${FUZZ_SMOKE_TOTAL:-140}
nfuzz=$(ls build-fuzz/*_fuzz 2>/dev/null | wc -l)
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-$((FUZZ_SMOKE_TOTAL /
    (nfuzz > 0 ? nfuzz : 1)))}
[ "$FUZZ_SMOKE_SECONDS" -ge 3 ] || FUZZ_SMOKE_SECONDS=3
ONLY=${ONLY:-}
mkdir -p "$LOG"
pass=0
fail=0
skip=0
: >"$LOG/skipped"
: >"$LOG/times"
: >"$LOG/failed"

# Every process of this run carries GPVPN_RUN_ID in its environment, and
# tests/netns/lib.sh lists the namespaces it makes in $GPVPN_RUN_DIR, so
# the leak check at the end sees this run's leftovers, not those of a run
# beside it.
GPVPN_RUN_ID=$$.$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
GPVPN_RUN_DIR=$(mktemp -d /tmp/gpvpn-run.XXXXXX) || exit 1
export GPVPN_RUN_ID GPVPN_RUN_DIR

# tally NAME CMD...: run CMD, echo its ok/not ok lines, count them; a
# command that fails without printing any "not ok" counts as one failure.
tally() {
	name=$1
	shift
	if [ -n "$ONLY" ] && ! echo "$name" | grep -Eq -- "$ONLY"; then
		return 0
	fi
	out="$LOG/$name.out"
	t0=$(date +%s)
	"$@" >"$out" 2>"$LOG/$name.err"
	rc=$?
	echo "$(($(date +%s) - t0)) $name" >>"$LOG/times"
	# -a: a test's output may hold a stray binary byte (a ps line),
	# and grep would then print "binary file matches", not the lines.
	s=$(grep -aEic '^ok\b.*# skip' "$out")
	p=$(($(grep -ac '^ok' "$out") - s))
	f=$(grep -ac '^not ok' "$out")
	grep -aE '^(ok|not ok)' "$out" | sed "s|^|[$name] |"
	grep -aEi '^ok\b.*# skip' "$out" | sed "s|^|[$name] |" \
	    >>"$LOG/skipped"
	grep -aE '^not ok' "$out" | sed "s|^|[$name] |" >>"$LOG/failed"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		echo "[$name] not ok - exited with status $rc" >>"$LOG/failed"
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		echo "--- $name stderr (last 30 lines):"
		tail -n 30 "$LOG/$name.err"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
}

fuzz_smoke() {
	bin=$1
	n=$(basename "$bin")
	seeds=fuzz/corpus/$n
	work=$(mktemp -d)
	# The crashes found before are replayed too (fuzz/regressions/).
	regress=fuzz/regressions/$n
	[ -d "$regress" ] || regress=
	if "$bin" -max_total_time="$FUZZ_SMOKE_SECONDS" -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=0 "$work" "$seeds" \
	    ${regress:+"$regress"} >/dev/null 2>"$LOG/fuzz-$n.log"; then
		echo "ok - $n survives ${FUZZ_SMOKE_SECONDS}s of fuzzing"
	else
		echo "not ok - $n crashed (see $LOG/fuzz-$n.log)"
	fi
	rm -rf "$work"
}

# leftovers: one line per process of this run still alive (other than
# this shell and its own children), then per namespace it left.
leftovers() {
	python3 - "$$" "$GPVPN_RUN_ID" "$GPVPN_RUN_DIR/netns" <<'EOF'
import os, sys
me, run_id, nsfile = int(sys.argv[1]), sys.argv[2], sys.argv[3]
mark = ("GPVPN_RUN_ID=" + run_id).encode()
# A namespace is this run's while its name still has the inode it had:
# a deleted one's inode may be reused by a namespace of someone else's.
inodes, names = set(), []
if os.path.exists(nsfile):
    for line in open(nsfile):
        f = line.split()
        try:
            ino = os.stat("/run/netns/" + f[0]).st_ino
        except (OSError, IndexError):
            continue
        if len(f) > 1 and str(ino) == f[1]:
            inodes.add(ino)
            names.append(f[0])
def ppid(p):
    try:
        with open("/proc/%s/stat" % p) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0
def ours_now(p):	# this shell or a descendant (the check itself)
    while p > 1:
        if p == me:
            return True
        p = ppid(p)
    return False
for p in sorted(int(d) for d in os.listdir("/proc") if d.isdigit()):
    try:
        env = open("/proc/%d/environ" % p, "rb").read().split(b"\0")
        ns = os.stat("/proc/%d/ns/net" % p).st_ino
        cmd = open("/proc/%d/cmdline" % p, "rb").read()
    except OSError:
        continue
    if (mark not in env and ns not in inodes) or ours_now(p):
        continue
    cmd = cmd.replace(b"\0", b" ").decode(errors="replace").strip()
    print("process %d: %s" % (p, cmd[:120]))
for n in names:
    print("namespace " + n)
EOF
}

# check_leftovers: a bounded wait (traps may still be stopping things),
# then one TAP line; the leftovers are named, then stopped.
check_leftovers() {
	n=50
	while [ "$n" -gt 0 ] && [ -n "$(leftovers)" ]; do
		sleep 0.1
		n=$((n - 1))
	done
	left=$(leftovers)
	if [ -z "$left" ]; then
		echo "ok - no process or namespace of this run left behind"
		pass=$((pass + 1))
		return
	fi
	echo "not ok - processes or namespaces of this run left behind:"
	echo "$left" | sed 's/^/#   /'
	echo "[run] not ok - processes or namespaces left behind" >>"$LOG/failed"
	fail=$((fail + 1))
	echo "$left" | sed -n 's/^process \([0-9]*\):.*/\1/p' |
	    while read -r pid; do kill -TERM "$pid" 2>/dev/null; done
	echo "$left" | sed -n 's/^namespace //p' |
	    while read -r ns; do ip netns del "$ns" 2>/dev/null; done
}

for t in "$B"/tests/*_test; do
	[ -x "$t" ] || continue
	tally "$(basename "$t")" "$t"
done

for f in build-fuzz/*_fuzz; do
	[ -x "$f" ] || continue
	tally "$(basename "$f")" fuzz_smoke "$f"
done

tally lint sh tests/lint.sh
tally readme env B="$B" sh tests/readme_test.sh

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/netns/*_test.sh; do
		[ -f "$t" ] || continue
		tally "$(basename "$t" .sh)" env B="$B" timeout 600 sh "$t"
	done
else
	echo "# namespace tests skipped: they need root (CI runs them)"
fi

check_leftovers
rm -rf "$GPVPN_RUN_DIR"
# Where the 20-minute budget goes: the slowest tests, in seconds.
echo "# slowest (s):" $(sort -rn "$LOG/times" | head -n 8 | tr '\n' ' ')
# CI shows only the tail of this output: name the failures here too.
if [ -s "$LOG/failed" ]; then
	echo "# failed:"
	sed 's/^/#   /' "$LOG/failed"
fi
if [ "$skip" -ne 0 ]; then
	echo "# skipped:"
	sed 's/^/#   /' "$LOG/skipped"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
