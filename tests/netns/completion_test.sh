#!/bin/sh
# SPDX-License-Identifier: ISC
# completion_test.sh: the bash completions (completions/) offer exactly
# the options of each program's getopt_long table, long and short, and
# complete the arguments that have a known set of values. Runs the
# completion functions in bash, as bash would on TAB. Root only because
# tests/run.sh runs this directory as root; TAP; 30 s.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/opts.sh"

lib_start 30

# complete PROG WORD...: what TAB offers after "PROG WORD...", one a line.
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    f=_${1//-/_}; $f; printf "%s\n" "${COMPREPLY[@]}"' _ \
	    "$REPO/completions/$1" "$@" | LC_ALL=C sort
}

for p in auth:gp-auth tunnel:gp-tunnel; do
	room=${p%%:*}
	prog=${p#*:}
	long_opts "$room" | sed 's/^/--/' >"$T/$prog.long"
	short_opts "$room" | sed 's/^/-/' >"$T/$prog.short"
	check "$prog: the source has long options" test -s "$T/$prog.long"
	complete_words "$prog" "--" >"$T/$prog.got-long"
	check "$prog: TAB after -- offers the option table's long options" \
	    diff -u "$T/$prog.long" "$T/$prog.got-long"
	complete_words "$prog" "-" | grep -v '^--' >"$T/$prog.got-short"
	check "$prog: TAB after - offers its short options" \
	    diff -u "$T/$prog.short" "$T/$prog.got-short"
done

check "gp-auth --os: linux mac win" \
    eval '[ "$(complete_words gp-auth --os "" | tr "\n" " ")" = \
    "linux mac win " ]'
check "gp-auth --os=w: win" \
    eval '[ "$(complete_words gp-auth --os = w)" = win ]'
check "gp-auth --protocol: gp" \
    eval '[ "$(complete_words gp-auth --protocol "")" = gp ]'
check "gp-auth --user: nothing offered" \
    eval '[ -z "$(complete_words gp-auth --user "")" ]'
check "gp-tunnel --setuid: local users" \
    eval 'complete_words gp-tunnel --setuid nob | grep -qx nobody'
mkdir -p "$T/d"
: >"$T/d/vpnc-script"
check "gp-tunnel -s: file names" eval \
    '[ "$(complete_words gp-tunnel -s "$T/d/vpnc")" = "$T/d/vpnc-script" ]'

lib_finish
