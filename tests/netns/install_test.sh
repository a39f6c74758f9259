#!/bin/sh
# SPDX-License-Identifier: ISC
# install_test.sh: `make install` into a DESTDIR puts exactly the files of
# tests/data/pkg/install.list there, with their modes; every directory
# variable moves its files; the service unit runs the installed
# gp-tunnel and the installed units pass `systemd-analyze verify`;
# `make uninstall` leaves no file behind. The build takes CPPFLAGS,
# CFLAGS, LDFLAGS and PKG_CONFIG from the environment, WERROR=0 drops
# -Werror. Root only because tests/run.sh runs this directory as root;
# touches nothing outside its temp dir. TAP; 120 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 120
need_client

LIST=$REPO/tests/data/pkg/install.list
mk() {
	make -s --no-print-directory -C "$REPO" B="$B" "$@"
}

# tree DIR: one line per entry, "d PATH" or "TYPE MODE PATH", sorted.
tree() {
	(cd "$1" && find . -mindepth 1 \( -type d -printf 'd %P\n' \) -o \
	    -printf '%y %m %P\n') | LC_ALL=C sort
}

D=$T/destdir
check "make install DESTDIR=... succeeds" mk install DESTDIR="$D"
tree "$D" >"$T/tree"
check "the installed tree is tests/data/pkg/install.list" \
    diff -u "$LIST" "$T/tree"
check "the installed service runs /usr/local/sbin/gp-tunnel" \
    grep -qxF 'ExecStart=/usr/local/sbin/gp-tunnel --listen' \
    "$D/usr/local/lib/systemd/system/gp-tunnel.service"
check "installed gp-auth --version is VERSION" \
    eval '[ "$("$D/usr/local/bin/gp-auth" --version)" = \
    "gp-auth (gpvpn) $(cat "$REPO/VERSION")" ]'
check "installed completions are valid bash" \
    bash -n "$D/usr/local/share/bash-completion/completions/gp-auth" \
    "$D/usr/local/share/bash-completion/completions/gp-tunnel"
check "make uninstall succeeds" mk uninstall DESTDIR="$D"
check "make uninstall leaves no file, link or gpvpn directory" \
    eval '[ -z "$(find "$D" ! -type d)" ] &&
    [ -z "$(find "$D" -name "gpvpn*")" ]'

# Each directory variable on its own.
D=$T/vars
check "make install with every directory variable set" \
    mk install DESTDIR="$D" PREFIX=/p BINDIR=/b SBINDIR=/s MANDIR=/m \
    DOCDIR=/doc SYSCONFDIR=/e SYSTEMDUNITDIR=/u SYSUSERSDIR=/su \
    BASHCOMPDIR=/bc
for f in b/gp-auth s/gp-tunnel m/man1/gp-auth.1 m/man5/gp-tunnel.conf.5 \
    m/man8/gp-tunnel.8 doc/examples/gp-tunnel.conf doc/status.schema.json \
    u/gp-tunnel.socket u/gp-tunnel.service su/gpvpn.conf bc/gp-auth \
    bc/gp-tunnel; do
	check "directory variables: $f" test -f "$D/$f"
done
check "directory variables: SYSCONFDIR/gpvpn" test -d "$D/e/gpvpn"
check "directory variables: nothing under PREFIX" test ! -e "$D/p"
check "the service follows SBINDIR" \
    grep -qxF 'ExecStart=/s/gp-tunnel --listen' "$D/u/gp-tunnel.service"

# An install whose paths are real, for systemd-analyze verify.
P=$T/prefix
check "make install PREFIX=..." mk install PREFIX="$P" SYSCONFDIR="$P/etc"
verify_installed() {
	out=$(systemd-analyze verify --man=no \
	    "$P/lib/systemd/system/gp-tunnel.socket" \
	    "$P/lib/systemd/system/gp-tunnel.service" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" -eq 0 ] && [ -z "$out" ]
}
check "systemd-analyze verify: the installed units, no warning" \
    verify_installed
mkdir -p "$T/sysroot/etc"
check "the installed sysusers.d entry makes group gpvpn" \
    eval 'systemd-sysusers --root="$T/sysroot" \
    "$P/lib/sysusers.d/gpvpn.conf" &&
    grep -q "^gpvpn:x:[0-9]*:" "$T/sysroot/etc/group"'

# The build's flags, from the environment (make -n: nothing is built).
cat >"$T/pkgconf" <<PC
#!/bin/sh
echo "\$*" >>"$T/pkgconf.log"
exec pkg-config "\$@"
PC
chmod 755 "$T/pkgconf"
CPPFLAGS=-DGPVPN_PKG_CPP CFLAGS='-O1 -DGPVPN_PKG_C' \
    LDFLAGS=-Wl,--build-id=sha1 PKG_CONFIG=$T/pkgconf WERROR=0 \
    make -n -B --no-print-directory -C "$REPO" B="$T/nb" all \
    >"$T/flags.out" 2>&1
check "CPPFLAGS reaches the compiler" grep -q -- -DGPVPN_PKG_CPP "$T/flags.out"
check "CFLAGS reaches the compiler" grep -q -- '-O1 -DGPVPN_PKG_C' \
    "$T/flags.out"
check "LDFLAGS reaches the linker" \
    grep -q -- '-o .*/nb/gp-auth .*--build-id=sha1\|--build-id=sha1.*-o .*/nb/gp-auth' \
    "$T/flags.out"
check "PKG_CONFIG is the one run" grep -q -- '--libs' "$T/pkgconf.log"
check "WERROR=0: no -Werror" eval '! grep -q -- -Werror "$T/flags.out"'
make -n -B --no-print-directory -C "$REPO" B="$T/nb" all >"$T/flags1.out" 2>&1
check "by default: -Werror" grep -q -- -Werror "$T/flags1.out"

lib_finish
