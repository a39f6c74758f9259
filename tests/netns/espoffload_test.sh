#!/bin/sh
# SPDX-License-Identifier: ISC
# espoffload_test.sh: the ESP socket offloads of gp-tunnel
# (tunnel/espgro.c, tunnel/espgso.c, tunnel/udp.c) and the tun offloads
# (tunnel/tun.c, tunvnet.c, coal.c, session_espvnet.c) in namespaces
# against our test gateway, four times: all on (the default), UDP_GRO
# forced off (GPVPN_TEST_NO_UDP_GRO=1: one datagram per read; the
# receive AQM's stamps off too, GPVPN_TEST_NO_RX_AQM=1),
# UDP_SEGMENT and the tun's USO forced off (GPVPN_TEST_NO_UDP_SEGMENT=1:
# sendmmsg; GPVPN_TEST_NO_TUN_USO=1: inner UDP not coalesced, as on a
# kernel before 6.2) and the tun offloads forced off
# (GPVPN_TEST_NO_TUN_OFFLOAD=1: a plain tun). Each round: pings both
# ways, 1 MiB each way over TCP with sha256 compared and 2000 checked
# UDP datagrams to the client, ESP only, under [net]'s seccomp policy;
# the log and the status line say which paths ran (tso: super-packets
# from tun cut, coal: coalesced ones written to tun, udp-coal: of them
# UDP; the receive AQM's SO_TIMESTAMPNS is accepted under the sandbox,
# and its counters shown). In the first round a backlog in tun (five
# super-packets queued behind a stopped [net]) is taken at most 64
# datagrams and one run per turn of the loop. The first and last rounds also move 1 MiB each way over TCP on IPv6 to the gateway's tunnel address. (GRO
# coalescing needs a sender with UDP_SEGMENT:
# tests/unit/tunnel_espsession_test.c covers it.) A last round has the
# gateway ignore ESP, so the HTTPS tunnel carries 1 MiB each way over the
# offloading tun (offloads off, plain packets behind the header).
# Needs root; takes binaries from $B; TAP; bounded to 240 s.
set -u
. "$(dirname "$0")/lib.sh"

V6_NET=2001:2:0:18::/64
UDP_PORT=5002
V6_GW=2001:2:0:18::1
TURN_PORT=5003
TURN_MAX=$((64 + 40 - 1))	# SESSION_ESP_TX_BUDGET, and one run's rest

lib_start 240
need_client
netns_setup
make_certs
make_password
make_xfer_files

# xfer6 ROUND: the 1 MiB exchange on IPv6 with the gateway's own tunnel
# address (the gateway namespace serves it).
xfer6() {
	sl=$NS_L
	sa=$LAN_ADDR
	NS_L=$NS_G
	LAN_ADDR=$V6_GW
	wait_until 25 0.2 ip netns exec "$NS_C" ping -6 -c 1 -W 1 "$V6_GW" \
	    >/dev/null && xfer && xfer_verify >"$T/xfer6.out" 2>&1
	x6=$?
	NS_L=$sl
	LAN_ADDR=$sa
	if [ "$x6" -eq 0 ]; then
		ok "$1: 1 MiB each way over TCP on IPv6, sha256 match"
	else
		notok "$1: 1 MiB each way over TCP on IPv6"
		cat "$T/xfer6.out" "$T/xfer-lan.err" "$T/xfer-client.err" \
		    2>/dev/null | sed 's/^/#   /' >&2
	fi
}

# check_udp ROUND: 2000 datagrams of 1200 bytes from the LAN host to the
# client's tunnel address, in bursts: each one whole and in its own
# datagram at the client, whether or not the client coalesced them.
check_udp() {
	burst "udp-$1" "$NS_C" "$(client_tun_addr)" "$UDP_PORT" 2000 1200 \
	    "$NS_L" send
	urc=$?
	check "$1: 2000 UDP datagrams to the client, each intact: \
$(cat "$T/udp-$1.json" 2>/dev/null)" test "$urc" -eq 0
}

# check_turn ROUND: [net] stopped while the client sends 200 datagrams to
# the LAN in runs of 40 (UDP_SEGMENT: five super-packets queued in tun),
# then let go: each arrives intact, and the status line's tx-turn, the
# most [net] sealed from tun in one turn of its loop, is past the budget
# of 64 by less than one run (without it, one turn took all 200).
check_turn() {
	net=
	for p in $(pgrep -P "$TUN_PID"); do
		tr '\0' ' ' <"/proc/$p/cmdline" | grep -q '\[net\]' && net=$p
	done
	[ -n "$net" ] || { notok "$1: [net] found"; return; }
	BURST_STOP=$net burst "turn-$1" "$NS_L" "$LAN_ADDR" "$TURN_PORT" 200 \
	    300 "$NS_C" gsend
	trc=$?
	check "$1: 200 datagrams queued in tun behind a stopped [net], each \
intact: $(cat "$T/turn-$1.json" 2>/dev/null)" test "$trc" -eq 0
}

# round NAME EXPR [v6]: connect, traffic, status line (EXPR on it), stop.
round() {
	r=$1
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	if [ "${3:-}" = v6 ]; then
		gw_start --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW"
	else
		gw_start
	fi
	gpvpn_start "$r"
	if gpvpn_up "$r"; then
		check_pings "$r"
		check_xfer "$r"
		check_udp "$r"
		[ "$r" = on ] && check_turn "$r"
		[ "${3:-}" = v6 ] && xfer6 "$r"
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

note "(on) UDP_GRO and UDP_SEGMENT on the ESP socket, tun offloads"
round on "n('gso') > 0 and n('tso') > 0 and n('coal') > 0 and
    n('udp-coal') > 0 and n('dropped') == 0 and n('aqm drop') >= 0 and
    n('mark') >= 0 and 64 <= n('tx-turn') <= $TURN_MAX" v6
check "(on) the receive AQM is on: SO_TIMESTAMPNS taken in the sandbox" \
    grep -q 'esp: receive AQM on (CoDel' "$T/tun-on.err"
check "(on) UDP_GRO and UDP_SEGMENT were not refused or forced off" \
    sh -c "! grep -q 'UDP_GRO off\|UDP_GRO refused\|UDP_SEGMENT' \
    '$T/tun-on.err'"
check "(on) tun has the virtio-net header, TSO and USO" \
    grep -q 'tun: virtio-net header, offloads TSO4 TSO6 USO' \
    "$T/tun-on.err"

note "(nogro) UDP_GRO and the receive AQM forced off:" \
    "GPVPN_TEST_NO_UDP_GRO=1 GPVPN_TEST_NO_RX_AQM=1"
GPVPN_TEST_NO_UDP_GRO=1
GPVPN_TEST_NO_RX_AQM=1
export GPVPN_TEST_NO_UDP_GRO GPVPN_TEST_NO_RX_AQM
round nogro "n('gro') == 0 and n('aqm drop') == 0 and n('mark') == 0"
unset GPVPN_TEST_NO_UDP_GRO GPVPN_TEST_NO_RX_AQM
check "(nogro) gp-tunnel says the receive AQM is off by the test hook" \
    grep -q 'receive AQM off (GPVPN_TEST_NO_RX_AQM is set)' \
    "$T/tun-nogro.err"
check "(nogro) gp-tunnel says UDP_GRO is off by the test hook" \
    grep -q 'UDP_GRO off (GPVPN_TEST_NO_UDP_GRO is set)' \
    "$T/tun-nogro.err"

note "(nogso) UDP_SEGMENT and the tun's USO forced off:" \
    "GPVPN_TEST_NO_UDP_SEGMENT=1 GPVPN_TEST_NO_TUN_USO=1"
GPVPN_TEST_NO_UDP_SEGMENT=1
GPVPN_TEST_NO_TUN_USO=1
export GPVPN_TEST_NO_UDP_SEGMENT GPVPN_TEST_NO_TUN_USO
round nogso "n('gso') == 0 and n('coal') > 0 and n('udp-coal') == 0"
unset GPVPN_TEST_NO_UDP_SEGMENT GPVPN_TEST_NO_TUN_USO
check "(nogso) gp-tunnel says USO is off by the test hook" \
    grep -q 'tun: USO off (GPVPN_TEST_NO_TUN_USO is set)' \
    "$T/tun-nogso.err"
check "(nogso) tun has TSO without USO" \
    grep -q 'tun: virtio-net header, offloads TSO4 TSO6$' \
    "$T/tun-nogso.err"
check "(nogso) gp-tunnel says UDP_SEGMENT is off by the test hook" \
    grep -q 'UDP_SEGMENT off (GPVPN_TEST_NO_UDP_SEGMENT is set)' \
    "$T/tun-nogso.err"

note "(notun) tun offloads forced off: GPVPN_TEST_NO_TUN_OFFLOAD=1"
GPVPN_TEST_NO_TUN_OFFLOAD=1
export GPVPN_TEST_NO_TUN_OFFLOAD
round notun "n('tso') == 0 and n('coal') == 0 and n('dropped') == 0" v6
unset GPVPN_TEST_NO_TUN_OFFLOAD
check "(notun) gp-tunnel says the tun offloads are off by the test hook" \
    grep -q 'tun: offloads off (GPVPN_TEST_NO_TUN_OFFLOAD is set)' \
    "$T/tun-notun.err"

note "(https) the gateway ignores ESP: HTTPS over the offloading tun"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_start --udp-drop
gpvpn_start https
if gpvpn_up https; then
	check_xfer https
	check "https: status line: transport https, nothing cut or coalesced" \
	    tun_stats https "'transport https' in line and n('tso') == 0 and
	    n('coal') == 0 and n('dropped') == 0"
	check "(https) tun has the virtio-net header" \
	    grep -q 'tun: virtio-net header' "$T/tun-https.err"
fi
stop_pid "$TUN_PID" TERM 15
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
gw_stop

check_host_untouched
lib_finish
