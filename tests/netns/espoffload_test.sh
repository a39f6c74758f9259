#!/bin/sh
# SPDX-License-Identifier: ISC
# espoffload_test.sh: the ESP socket offloads of gp-tunnel
# (tunnel/espgro.c, tunnel/espgso.c, tunnel/udp.c) in namespaces against
# our test gateway, three times: UDP_GRO and UDP_SEGMENT on (the
# default), UDP_GRO forced off (GPVPN_TEST_NO_UDP_GRO=1: one datagram per
# read) and UDP_SEGMENT forced off (GPVPN_TEST_NO_UDP_SEGMENT=1:
# sendmmsg). Each round: pings both ways and 1 MiB each way over TCP with
# sha256 compared, ESP only, under [net]'s seccomp policy; the log and
# the status line say which paths ran. (GRO coalescing needs a sender
# with UDP_SEGMENT: tests/unit/tunnel_espsession_test.c covers it.)
# Needs root; takes binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 150
need_client
netns_setup
make_certs
make_password
make_xfer_files

# round NAME EXPR: connect, traffic, status line (EXPR on it), stop.
round() {
	r=$1
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start
	gpvpn_start "$r"
	if gpvpn_up "$r"; then
		check_pings "$r"
		check_xfer "$r"
		check "$r: status line: transport esp, $2" \
		    tun_stats "$r" "'transport esp' in line and
		    n('too large') == 0 and $2"
	fi
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$r: gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$r.rc"
	gw_stop
}

note "(on) UDP_GRO and UDP_SEGMENT on the ESP socket"
round on "n('gso') > 0"
check "(on) UDP_GRO and UDP_SEGMENT were not refused or forced off" \
    sh -c "! grep -q 'UDP_GRO off\|UDP_GRO refused\|UDP_SEGMENT' \
    '$T/tun-on.err'"

note "(nogro) UDP_GRO forced off: GPVPN_TEST_NO_UDP_GRO=1"
GPVPN_TEST_NO_UDP_GRO=1
export GPVPN_TEST_NO_UDP_GRO
round nogro "n('gro') == 0"
unset GPVPN_TEST_NO_UDP_GRO
check "(nogro) gp-tunnel says UDP_GRO is off by the test hook" \
    grep -q 'UDP_GRO off (GPVPN_TEST_NO_UDP_GRO is set)' \
    "$T/tun-nogro.err"

note "(nogso) UDP_SEGMENT forced off: GPVPN_TEST_NO_UDP_SEGMENT=1"
GPVPN_TEST_NO_UDP_SEGMENT=1
export GPVPN_TEST_NO_UDP_SEGMENT
round nogso "n('gso') == 0"
unset GPVPN_TEST_NO_UDP_SEGMENT
check "(nogso) gp-tunnel says UDP_SEGMENT is off by the test hook" \
    grep -q 'UDP_SEGMENT off (GPVPN_TEST_NO_UDP_SEGMENT is set)' \
    "$T/tun-nogso.err"

check_host_untouched
lib_finish
