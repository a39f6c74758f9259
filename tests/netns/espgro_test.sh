#!/bin/sh
# espgro_test.sh: the ESP receive side of gp-tunnel (tunnel/espgro.c,
# tunnel/udp.c) in namespaces against our test gateway, twice: with
# UDP_GRO on the ESP socket (the default) and with the fallback forced by
# GPVPN_TEST_NO_UDP_GRO=1 (one datagram per read). Each round: pings both
# ways and 1 MiB each way over TCP with sha256 compared, ESP only; the log
# says which receive path ran. (The coalescing itself needs a sender
# with UDP_SEGMENT: tests/unit/tunnel_espsession_test.c covers it.)
# Needs root; takes binaries from $B; TAP; bounded to 120 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 120
need_client
netns_setup
make_certs
make_password
make_xfer_files

# round NAME: connect, traffic, status line, stop.
round() {
	r=$1
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start
	gpvpn_start "$r"
	if gpvpn_up "$r"; then
		check_pings "$r"
		check_xfer "$r"
		check "$r: gp-tunnel's status line says transport esp" \
		    tun_stats "$r" "'transport esp' in line and
		    n('gro') >= 0 and n('too large') == 0"
	fi
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$r: gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$r.rc"
	gw_stop
}

note "(on) UDP_GRO on the ESP socket"
round on
check "(on) UDP_GRO was not refused or forced off" \
    sh -c "! grep -q 'UDP_GRO off\|UDP_GRO refused' '$T/tun-on.err'"

note "(off) the fallback forced: GPVPN_TEST_NO_UDP_GRO=1"
GPVPN_TEST_NO_UDP_GRO=1
export GPVPN_TEST_NO_UDP_GRO
round off
unset GPVPN_TEST_NO_UDP_GRO
check "(off) gp-tunnel says UDP_GRO is off by the test hook" \
    grep -q 'UDP_GRO off (GPVPN_TEST_NO_UDP_GRO is set)' "$T/tun-off.err"

check_host_untouched
lib_finish
