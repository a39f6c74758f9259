#!/bin/sh
# SPDX-License-Identifier: ISC
# run.sh long|short: `make soak` and `make soak-short` (CI). First the soak
# (tests/soak/soak.sh: SOAK_SECONDS of traffic, rekeys every 30 s and
# fault cycles, sampled), then a short session with gp-tunnel under
# valgrind (the build-vg/ binaries of `make VG=1`: no seccomp filter,
# which valgrind cannot run under; gp-auth is the sandboxed one of
# $B). Results in build/soak/. The last line is "soak: N passed, N failed".
set -u
cd "$(dirname "$0")/../.." || exit 1
B=${B:-build}
case ${1:-} in
long)	secs=${SOAK_SECONDS:-1800} sample=${SOAK_SAMPLE:-60}
	first=60 every=240 vg=90 ;;
short)	secs=${SOAK_SECONDS:-120} sample=${SOAK_SAMPLE:-10}
	first=15 every=240 vg=60 ;;
*)	echo "usage: run.sh long|short" >&2; exit 64 ;;
esac
passed=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# one NAME VAR=VALUE...: soak.sh with those, its TAP lines counted.
one() {
	name=$1
	shift
	env "$@" SOAK_NAME="$name" B="${SOAK_B:-$B}" sh tests/soak/soak.sh \
	    >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
	passed=$((passed + p))
	failed=$((failed + f))
}

one "soak-$secs" SOAK_SECONDS="$secs" SOAK_SAMPLE="$sample" \
    SOAK_FAULT_FIRST="$first" SOAK_FAULT_EVERY="$every"
SOAK_B=build-vg one "valgrind-$vg" SOAK_VALGRIND=1 SOAK_AUTH_B="$B" \
    SOAK_SECONDS="$vg" SOAK_SAMPLE=10
echo "soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
