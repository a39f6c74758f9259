#!/bin/sh
# SPDX-License-Identifier: ISC
# version_test.sh: one version. VERSION holds it; `--version` of both
# built programs, the first entry of NEWS and the top of debian/changelog
# say the same. Root only because tests/run.sh runs this directory as
# root; TAP; 30 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 30
need_client

V=$(cat "$REPO/VERSION")
check "VERSION is one line, N.N.N" \
    eval '[ "$(wc -l <"$REPO/VERSION")" -eq 1 ] &&
    printf "%s\n" "$V" | grep -Eqx "[0-9]+\.[0-9]+\.[0-9]+"'
check "gp-auth --version: gp-auth (gpvpn) $V" \
    eval '[ "$("$GP_AUTH" --version)" = "gp-auth (gpvpn) $V" ]'
check "gp-tunnel --version: gp-tunnel (gpvpn) $V" \
    eval '[ "$("$GP_TUNNEL" --version)" = "gp-tunnel (gpvpn) $V" ]'
check "NEWS: the first release entry is gpvpn $V" \
    eval '[ "$(grep -m 1 "^gpvpn [0-9]" "$REPO/NEWS" | cut -d" " -f2)" = \
    "$V" ]'
# The upstream part: a Debian revision (-N) may follow.
check "debian/changelog: the top entry is $V" \
    eval '[ "$(dpkg-parsechangelog -l "$REPO/debian/changelog" \
    -SVersion | sed "s/-[^-]*\$//")" = "$V" ]'

lib_finish
