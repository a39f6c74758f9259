#!/bin/sh
# SPDX-License-Identifier: ISC
# deb_test.sh: `dpkg-buildpackage -us -uc -b` in a copy of the tree (its
# tracked and unignored files: a clean checkout) builds gpvpn_VERSION.deb
# whose files are tests/data/pkg/deb.list; lintian reports no error and
# no warning on the .deb and the .changes, and no override is unused;
# the binaries carry dpkg-buildflags' hardening; postinst makes group
# gpvpn before it starts the socket. Compiles the project once more,
# niced: about a minute on 2 cores. Needs debhelper, devscripts, lintian
# and fakeroot (.ci/deps.sh). Root only because tests/run.sh runs this
# directory as root; TAP; 400 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 400

V=$(cat "$REPO/VERSION")
ARCH=$(dpkg --print-architecture)
DEB=$T/gpvpn_${V}_$ARCH.deb
CHANGES=$T/gpvpn_${V}_$ARCH.changes
mkdir -p "$T/src"
(cd "$REPO" && git ls-files -co --exclude-standard |
    while IFS= read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done |
    tar -cf - -T -) | tar -xf - -C "$T/src"

check "dpkg-buildpackage -us -uc -b builds gpvpn_${V}_$ARCH.deb" \
    eval '(cd "$T/src" && nice dpkg-buildpackage -us -uc -b -j2) \
    >"$T/build.log" 2>&1 && test -f "$DEB"'
[ -f "$DEB" ] || { tail -n 30 "$T/build.log" >&2; lib_finish; exit 1; }

# The file list: mode, owner and path (sizes and dates vary).
dpkg-deb --fsys-tarfile "$DEB" | tar -tvf - |
    awk '{ p = $6; for (i = 7; i <= NF; i++) p = p " " $i;
    print $1, $2, p }' | LC_ALL=C sort -k3 >"$T/deb.list"
check "the .deb holds tests/data/pkg/deb.list" \
    diff -u "$REPO/tests/data/pkg/deb.list" "$T/deb.list"
check "the .deb's version is VERSION" \
    eval '[ "$(dpkg-deb -f "$DEB" Version)" = "$V" ]'
check "the .deb depends on vpnc-scripts" \
    eval 'dpkg-deb -f "$DEB" Depends | grep -q "vpnc-scripts"'

lintian --fail-on error,warning --info --display-info --show-overrides \
    "$DEB" "$CHANGES" >"$T/lintian.out" 2>&1
rc=$?
sed 's/^/# lintian: /' "$T/lintian.out"
check "lintian: no error and no warning" test "$rc" -eq 0
check "lintian: every override is used" \
    eval '! grep -Eq "(unused|mismatched)-override" "$T/lintian.out"'

mkdir -p "$T/x"
dpkg-deb -x "$DEB" "$T/x"
dpkg-deb -e "$DEB" "$T/x/DEBIAN"
# PIE, stack protector, fortify, RELRO, BIND_NOW. Not control-flow
# protection: bookworm's dpkg-buildflags has no such feature, and its
# glibc start files lack the IBT/SHSTK note that -fcf-protection would
# need for the binary to carry one.
for b in usr/bin/gp-auth usr/sbin/gp-tunnel; do
	check "hardening-check $b" hardening-check --nocfprotection "$T/x/$b"
done
check "the unit runs /usr/sbin/gp-tunnel" \
    grep -qxF 'ExecStart=/usr/sbin/gp-tunnel --listen' \
    "$T/x/lib/systemd/system/gp-tunnel.service"
# first_line PATTERN: the line number of PATTERN's first match in postinst.
first_line() {
	grep -n "$1" "$T/x/DEBIAN/postinst" | head -n 1 | cut -d: -f1
}
check "postinst: systemd-sysusers gpvpn.conf, then the socket started" \
    eval 's=$(first_line "systemd-sysusers.*gpvpn.conf") &&
    e=$(first_line "deb-systemd-helper enable .gp-tunnel.socket") &&
    t=$(first_line "deb-systemd-invoke \$_dh_action .gp-tunnel.socket") &&
    [ -n "$s" ] && [ -n "$e" ] && [ -n "$t" ] && [ "$s" -lt "$t" ]'
check "prerm stops the service and the socket on removal" \
    eval 'grep -q "stop gp-tunnel.service" "$T/x/DEBIAN/prerm" &&
    grep -q "stop .gp-tunnel.socket" "$T/x/DEBIAN/prerm"'

lib_finish
