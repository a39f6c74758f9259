#!/bin/sh
# Runs the whole suite and counts TAP-style "ok"/"not ok" lines from every
# layer: unit and golden tests (C), fuzz smoke runs, and the namespace
# tests (root only; CI runs as root). Last line: "N passed, N failed".
set -u
B=${B:-build}
LOG=${LOG:-$B/test-logs}
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-5}
mkdir -p "$LOG"
pass=0
fail=0

# tally NAME CMD...: run CMD, echo its ok/not ok lines, count them; a
# command that fails without printing any "not ok" counts as one failure.
tally() {
	name=$1
	shift
	out="$LOG/$name.out"
	"$@" >"$out" 2>"$LOG/$name.err"
	rc=$?
	p=$(grep -c '^ok' "$out")
	f=$(grep -c '^not ok' "$out")
	grep -E '^(ok|not ok)' "$out" | sed "s|^|[$name] |"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		echo "--- $name stderr (last 30 lines):"
		tail -n 30 "$LOG/$name.err"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

fuzz_smoke() {
	bin=$1
	n=$(basename "$bin")
	seeds=fuzz/corpus/$n
	work=$(mktemp -d)
	if "$bin" -max_total_time="$FUZZ_SMOKE_SECONDS" -timeout=5 \
	    -rss_limit_mb=2048 -print_final_stats=0 "$work" "$seeds" \
	    >/dev/null 2>"$LOG/fuzz-$n.log"; then
		echo "ok - $n survives ${FUZZ_SMOKE_SECONDS}s of fuzzing"
	else
		echo "not ok - $n crashed (see $LOG/fuzz-$n.log)"
	fi
	rm -rf "$work"
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

if [ "$(id -u)" -eq 0 ]; then
	for t in tests/netns/*_test.sh; do
		[ -f "$t" ] || continue
		tally "$(basename "$t" .sh)" env B="$B" timeout 600 sh "$t"
	done
else
	echo "# namespace tests skipped: they need root (CI runs them)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
