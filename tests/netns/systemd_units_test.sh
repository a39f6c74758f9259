#!/bin/sh
# SPDX-License-Identifier: ISC
# systemd_units_test.sh: the units of the service mode (systemd/). Copies
# whose ExecStart= runs the built gp-tunnel pass `systemd-analyze verify`
# with no output at all (a copy with a missing binary must fail, so the
# check is live); the socket and the hardening say what SECURITY.md says;
# `systemd-analyze security` rates the service below 4.0; the sysusers.d
# file makes group gpvpn in a scratch root. No systemd needs to run.
# Needs root (tests/run.sh runs this directory as root); TAP; 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
need_client

U=$REPO/systemd
V=$T/units
mkdir -p "$V"

# units_copy EXEC: both units into $V, ExecStart= running EXEC.
units_copy() {
	cp "$U/gp-tunnel.socket" "$V/" &&
	sed "s|^ExecStart=/usr/sbin/gp-tunnel |ExecStart=$1 |" \
	    "$U/gp-tunnel.service" >"$V/gp-tunnel.service"
}

verify_clean() {
	out=$(systemd-analyze verify --man=no "$V/gp-tunnel.socket" \
	    "$V/gp-tunnel.service" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	[ "$rc" -eq 0 ] && [ -z "$out" ]
}

# has FILE LINE: FILE holds exactly that line.
has() {
	grep -qxF "$2" "$1"
}

check "the shipped ExecStart is /usr/sbin/gp-tunnel --listen alone" \
    has "$U/gp-tunnel.service" "ExecStart=/usr/sbin/gp-tunnel --listen"
units_copy "$GP_TUNNEL"
check "systemd-analyze verify: clean, no warning" verify_clean
units_copy "$T/no-such-gp-tunnel"
check "systemd-analyze verify fails for a missing binary" \
    eval '! verify_clean'
units_copy "$GP_TUNNEL"

for l in ListenStream=/run/gpvpn/tunnel.sock SocketUser=root \
    SocketGroup=gpvpn SocketMode=0660 Accept=no RemoveOnStop=yes; do
	check "socket: $l" has "$U/gp-tunnel.socket" "$l"
done
for l in Requires=gp-tunnel.socket ProtectSystem=strict \
    NoNewPrivileges=yes SystemCallArchitectures=native PrivateTmp=yes \
    ProtectHome=yes KillMode=mixed "DeviceAllow=/dev/net/tun rw" \
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK" \
    "CapabilityBoundingSet=CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_SETPCAP CAP_SYS_ADMIN"
do
	check "service: $l" has "$U/gp-tunnel.service" "$l"
done

check "systemd-analyze security: exposure below 4.0" \
    systemd-analyze security --offline=yes --no-pager --threshold=40 \
    "$V/gp-tunnel.service"

mkdir -p "$T/root/etc"
check "sysusers.d: systemd-sysusers accepts it" \
    systemd-sysusers --root="$T/root" "$U/gpvpn.sysusers"
check "sysusers.d: makes group gpvpn" \
    grep -q "^gpvpn:x:[0-9]*:" "$T/root/etc/group"

lib_finish
