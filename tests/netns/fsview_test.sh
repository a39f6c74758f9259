#!/bin/sh
# SPDX-License-Identifier: ISC
# fsview_test.sh: gp-tunnel [priv]'s file-system view, live. The connect
# and disconnect script is a probe wrapper (root-owned, 0755, in the
# client's /run/vpnc) that tries to chmod a root-owned file, to create a
# file in a root-owned directory (both made by this test under /var/tmp,
# outside the /tmp that the view replaces), to append to that file and to
# open /proc/sys/kernel/core_pattern for writing (opened only, nothing
# written), records each outcome, then runs the real vpnc-script through
# lib.sh's recording wrapper. All four must fail with "Read-only file
# system", from the script and from [priv]'s own mount namespace, while
# DNS is set during the session and restored after it, and the host's
# files keep their modes. Without CAP_SYS_ADMIN gp-tunnel must refuse to
# start (fail closed). Needs root; binaries from $B; TAP; 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
need_client

# Root-owned files of our own, so a missing protection damages nothing.
D=$(mktemp -d /var/tmp/gpvpn-fsview.XXXXXX) || die "make a test directory"
fsview_cleanup() {
	rc=$?
	rm -rf "$D"
	rm -f /tmp/gpvpn-fsview-probe	# only if the view was missing
	(exit "$rc")
	lib_cleanup
}
trap fsview_cleanup EXIT
chmod 755 "$D"
printf "root's file\n" >"$D/root-file"
chmod 644 "$D/root-file"
mkdir -m 755 "$D/root-dir"
cp "$D/root-file" "$D/root-file.orig"

netns_setup
make_certs
make_password

PROBE_OUT=$T/vpnc/probe
PROBE=/run/vpnc/probe.sh	# as the client namespace sees $T/vpnc

# make_probe ROUND: the wrapper; it ends in lib.sh's recorder for ROUND.
make_probe() {
	mkdir -p "$PROBE_OUT"
	cat >"$T/vpnc/probe.sh" <<EOF
#!/bin/sh
# Probe wrapper (tests/netns/fsview_test.sh): what may this script write?
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
o=/run/vpnc/probe/\${reason:-none}
try() {
	name=\$1
	shift
	if "\$@" 2>"\$o.\$name.err"; then
		echo "\$name=ok"
	else
		echo "\$name=failed"
	fi
}
{
	try chmod chmod 666 "$D/root-file"
	try touch touch "$D/root-dir/new-\${reason:-none}"
	try append sh -c ': >>"$D/root-file"'
	try core_pattern sh -c ': >>/proc/sys/kernel/core_pattern'
	try tmp sh -c 'echo x >/tmp/gpvpn-fsview-probe'
	echo "tmp_entries=\$(ls -A /tmp | wc -l)"
	echo "mnt_ns=\$(readlink /proc/self/ns/mnt)"
} >"\$o.probe"
exec /run/vpnc/script-$1.sh
EOF
	chmod 755 "$T/vpnc/probe.sh"
}

# probe_is REASON NAME VALUE: the wrapper recorded NAME=VALUE.
probe_is() {
	grep -qFx "$2=$3" "$PROBE_OUT/$1.probe"
}

# probe_erofs REASON NAME: NAME failed, and because the file system is
# read-only (not for a missing file or a permission).
probe_erofs() {
	probe_is "$1" "$2" failed &&
	    grep -q 'Read-only file system' "$PROBE_OUT/$1.$2.err"
}

# check_probes REASON: the outcomes the script recorded.
check_probes() {
	r=$1
	check "$r script: chmod of a root-owned file fails (read-only)" \
	    probe_erofs "$r" chmod
	check "$r script: creating a file in a root-owned directory fails" \
	    probe_erofs "$r" touch
	check "$r script: appending to a root-owned file fails" \
	    probe_erofs "$r" append
	check "$r script: /proc/sys/kernel/core_pattern cannot be opened" \
	    probe_erofs "$r" core_pattern
	check "$r script: its /tmp is writable" probe_is "$r" tmp ok
	check "$r script: its /tmp is empty" probe_is "$r" tmp_entries 1
	check "$r script: its /tmp is private" \
	    test ! -e /tmp/gpvpn-fsview-probe
	check "$r script: in [priv]'s mount namespace" \
	    probe_is "$r" mnt_ns "$PRIV_NS"
}

# in_priv CMD...: CMD in [priv]'s mount namespace, with every capability.
in_priv() {
	nsenter --mount --target "$TUN_PID" -- "$@"
}

# ---- one session --------------------------------------------------------

gw_start
make_probe 1
gpvpn_start 1 -s "$PROBE"	# the later -s wins over lib.sh's
if ! gpvpn_up 1; then
	lib_finish
	exit 1
fi
PRIV_NS=$(readlink "/proc/$TUN_PID/ns/mnt")
check_connect_env
check "the vpnc-script kept its resolv.conf backup in /run/vpnc" \
    eval 'ls "$T/vpnc" | grep -q "^resolv.conf-backup\."'
LAUNCHER=$(awk '$1 == "PPid:" { print $2 }' "/proc/$TUN_PID/status")
check "[priv] is in a mount namespace of its own, not its launcher's" \
    test "$PRIV_NS" != "$(readlink "/proc/$LAUNCHER/ns/mnt")"
check "[priv]'s / is mounted read-only" \
    eval 'awk '\''$5 == "/" { print $6 }'\'' "/proc/$TUN_PID/mountinfo" |
    grep -q "^ro"'
check "[priv]'s view: chmod fails even with every capability" \
    eval '! in_priv chmod 666 "$D/root-file" 2>"$T/in-priv.err"'
check "[priv]'s view: ... as the file system is read-only" \
    grep -q "Read-only file system" "$T/in-priv.err"
check "[priv]'s view: creating in a root-owned directory fails" \
    eval '! in_priv touch "$D/root-dir/from-priv" 2>"$T/in-priv.err"'
check "[priv]'s view: ... as the file system is read-only" \
    grep -q "Read-only file system" "$T/in-priv.err"
check_pings ""

stop_pid "$TUN_PID" TERM 15
check "gp-tunnel exits with status 0 after SIGTERM" \
    wait_until 30 0.1 grep -qx 0 "$T/tun-1.rc"
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
gw_stop
check_after_disconnect
check "the resolv.conf backup is gone from /run/vpnc" \
    eval '! ls "$T/vpnc" | grep -q "^resolv.conf-backup\."'

check_probes connect
check_probes disconnect

# ---- fail closed: no CAP_SYS_ADMIN, no view, no tunnel -------------------

cat >"$T/tunnel-nocap.sh" <<EOF
#!/bin/sh
exec setpriv --bounding-set=-sys_admin -- "$GP_TUNNEL" "\$@"
EOF
chmod 755 "$T/tunnel-nocap.sh"
gw_start
GP_TUNNEL_REAL=$GP_TUNNEL
GP_TUNNEL=$T/tunnel-nocap.sh
gpvpn_start 2
GP_TUNNEL=$GP_TUNNEL_REAL
check "no CAP_SYS_ADMIN: gp-tunnel exits 1" \
    wait_until 100 0.1 grep -qx 1 "$T/tun-2.rc"
check "no CAP_SYS_ADMIN: the reason is logged" \
    grep -q 'file system view: unshare(CLONE_NEWNS): Operation not' \
    "$T/tun-2.err"
check "no CAP_SYS_ADMIN: no tun device" client_tun_gone
check "no CAP_SYS_ADMIN: no script" eval '! script_ran connect'
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
gw_stop

# ---- the host's view ----------------------------------------------------

check "the root-owned file keeps mode 644" \
    test "$(stat -c %a "$D/root-file")" = 644
check "the root-owned file keeps its contents" \
    cmp -s "$D/root-file" "$D/root-file.orig"
check "the root-owned directory is still empty" \
    test -z "$(ls -A "$D/root-dir")"
check_host_untouched
lib_finish
