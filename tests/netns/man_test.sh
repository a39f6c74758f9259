#!/bin/sh
# SPDX-License-Identifier: ISC
# man_test.sh: the three manual pages are mdoc and `mandoc -Tlint` finds
# nothing in them, at any level, but "referenced manual not found" (which
# depends on the pages installed on the machine); every long and short
# option of each program's getopt_long table (opts.sh) appears in its
# page as rendered; each page has the sections an admin looks for, and
# gp-auth(1)'s examples show the uses issue 12 lists. Root only because
# tests/run.sh runs this directory as root; TAP; 30 s.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/opts.sh"

lib_start 30

M=$REPO/man
for p in gp-auth.1 gp-tunnel.8 gp-tunnel.conf.5; do
	check "$p is mdoc" grep -q '^\.Dt ' "$M/$p"
	mandoc -Tlint "$M/$p" >"$T/$p.lint" 2>&1
	grep -v -e 'STYLE: referenced manual not found' \
	    -e 'outdated mandoc.db lacks' "$T/$p.lint" >"$T/$p.left"
	check "mandoc -Tlint $p: clean" eval '! cat "$T/$p.left" | grep .'
	mandoc -Tascii "$M/$p" | col -b >"$T/$p.txt"
done

# has_opt PAGE OPT: OPT is in the rendered PAGE, as a whole word.
has_opt() {
	grep -Eq -- "(^|[^a-z0-9-])$2([^a-z0-9-]|\$)" "$T/$1.txt"
}

for p in auth:gp-auth.1 tunnel:gp-tunnel.8; do
	room=${p%%:*}
	page=${p#*:}
	n=$(long_opts "$room" | wc -l)
	check "$page: the $room option table has options ($n)" \
	    test "$n" -gt 5
	for o in $(long_opts "$room"); do
		check "$page documents --$o" has_opt "$page" "--$o"
	done
	for o in $(short_opts "$room"); do
		check "$page documents -$o" has_opt "$page" "-$o"
	done
	for s in SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" \
	    EXAMPLES "SEE ALSO"; do
		check "$page has $s" grep -qx "$s" "$T/$page.txt"
	done
done
for s in DESCRIPTION FILES EXAMPLES "SEE ALSO"; do
	check "gp-tunnel.conf.5 has $s" grep -qx "$s" "$T/gp-tunnel.conf.5.txt"
done

# ex PAGE REGEX: the EXAMPLES section of PAGE has a line matching REGEX.
ex() {
	sed -n '/^EXAMPLES$/,/^[A-Z][A-Z ]*$/p' "$T/$1.txt" | grep -Eq -- "$2"
}
check "gp-auth.1 example: the pipeline to sudo gp-tunnel" \
    ex gp-auth.1 'gp-auth .*\| sudo gp-tunnel$'
check "gp-auth.1 example: --tunnel" ex gp-auth.1 "--tunnel 'sudo gp-tunnel'"
check "gp-auth.1 example: the service mode" \
    ex gp-auth.1 '--tunnel-socket /run/gpvpn/tunnel.sock'
check "gp-auth.1 example: gp-saml-gui's cookie" \
    eval 'ex gp-auth.1 "gp-saml-gui" &&
    ex gp-auth.1 "--usergroup=gateway:prelogin-cookie --passwd-on-stdin"'
check "gp-auth.1 example: an --authenticate cookie reused" \
    eval 'ex gp-auth.1 "gp-auth --authenticate" &&
    ex gp-auth.1 "gp-auth --cookie-on-stdin"'
check "gp-auth.1 and gp-tunnel.8 examples: a sudoers line" \
    eval 'ex gp-auth.1 "^[[:space:]]*%vpn ALL=\(root\) /usr/sbin/gp-tunnel$" &&
    ex gp-tunnel.8 "^[[:space:]]*%vpn ALL=\(root\) /usr/sbin/gp-tunnel$"'

lib_finish
