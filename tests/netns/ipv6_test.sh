#!/bin/sh
# SPDX-License-Identifier: ISC
# ipv6_test.sh: IPv6 cannot leak (issue 8). The gateway hands out an IPv6
# tunnel address and the route of its /64 from the RFC 5180 benchmark
# prefix 2001:2::/48, besides the IPv4 one:
#  (a) the address and the route land on tun, and ping6 crosses the
#      tunnel to the gateway's own IPv6 address (ESP);
#  (b) the gateway's <mtu> is 1000: tun gets 1280 (IPv6 stays on it,
#      ping6 still crosses); with no IPv6 the same <mtu> gives 1000;
#  (c) IPv6 is disabled on new interfaces in the client namespace, so
#      vpnc-script's `ip -6 addr add` fails: gp-tunnel must not report
#      connected; it ends with a clear error, runs disconnect (resolv.conf
#      back, tun gone) and exits 1;
#  (d) the same with gp-tunnel --disable-ipv6: connects with no IPv6 for
#      the script, and IPv4 traffic flows.
# Needs root; takes binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

V6_NET=2001:2:0:18::/64
V6_GW=2001:2:0:18::1

lib_start 150
need_client
netns_setup
make_certs
make_password
make_xfer_files

# round_up NAME GW_OPTS -- TUNNEL_OPTS: a fresh gateway and client; false
# (with a "not ok" line) if the tunnel does not come up.
round_up() {
	r=$1
	shift
	go=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		go="$go $1"
		shift
	done
	[ $# -gt 0 ] && shift
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	# shellcheck disable=SC2086
	gw_start $go
	gpvpn_start "$r" "$@"
	gpvpn_up "$r"
}

round_down() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$1: gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$1.rc"
	gw_stop
}

tun6_addr() {
	ip -n "$NS_C" -6 -o addr show dev "$C_TUN" scope global \
	    2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'
}

tun_mtu() {
	ip -n "$NS_C" -o link show dev "$C_TUN" 2>/dev/null |
	    sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

# has_v6 WANT_ADDR: the script's IPv6 address is on tun, and the /64 is
# routed to tun.
has_v6() {
	[ -n "$1" ] && [ "$(tun6_addr)" = "$1" ] &&
	    ip -n "$NS_C" -6 route show dev "$C_TUN" | grep -q "^$V6_NET"
}

ping6_gw() {
	wait_until 25 0.2 ip netns exec "$NS_C" ping -6 -c 1 -W 1 "$V6_GW"
	ip netns exec "$NS_C" ping -6 -c 3 -i 0.2 -W 2 "$V6_GW"
}

# ---- (a) IPv6 in the tunnel ------------------------------------------

note "(a) an IPv6 address and route from $V6_NET"
if round_up a --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW"; then
	A6=$(script_env connect INTERNAL_IP6_ADDRESS)
	check "(a) connect script: INTERNAL_IP6_ADDRESS ($A6), split $V6_NET" \
	    test -n "$A6" -a "$(script_env connect \
	    CISCO_IPV6_SPLIT_INC_0_ADDR)/$(script_env connect \
	    CISCO_IPV6_SPLIT_INC_0_MASKLEN)" = "$V6_NET"
	check "(a) the IPv6 address is on $C_TUN, $V6_NET routed to it" \
	    has_v6 "$A6"
	check "(a) client pings $V6_GW through the tunnel" ping6_gw
	check_pings a
fi
round_down a

# ---- (b) the gateway's <mtu> 1000 ------------------------------------

note "(b) the gateway says <mtu>1000</mtu>"
if round_up b --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW" \
    --mtu 1000; then
	A6=$(script_env connect INTERNAL_IP6_ADDRESS)
	check "(b) with IPv6: tun MTU 1280 (not 1000)" \
	    test "$(tun_mtu)/$(script_env connect INTERNAL_IP4_MTU)" = \
	    1280/1280
	check "(b) the IPv6 address and route stayed on $C_TUN" has_v6 "$A6"
	check "(b) client pings $V6_GW through the tunnel" ping6_gw
	check "(b) gp-tunnel said why" \
	    grep -q 'MTU 1000 .* raised to 1280' "$T/tun-b.err"
fi
round_down b
if round_up b4 --mtu 1000; then
	check "(b) IPv4 only: tun MTU 1000, as the gateway said" \
	    test "$(tun_mtu)" = 1000
	check_pings b4
fi
round_down b4

# ---- (c) IPv6 off in the client namespace: fail closed ---------------

note "(c) IPv6 disabled on new interfaces in the client namespace"
ip netns exec "$NS_C" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 || die "(c) sysctl"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_start --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW"
gpvpn_start c
check "(c) gp-tunnel ends within 25 s" wait_until 250 0.1 gone "$TUN_PID"
wait_until 30 0.1 test -s "$T/tun-c.rc"
check "(c) gp-tunnel exit status 1 (got $(cat "$T/tun-c.rc" \
    2>/dev/null))" grep -qx 1 "$T/tun-c.rc"
check "(c) the connect script ran (and failed to add IPv6)" \
    script_ran connect
check "(c) gp-tunnel never said connected" \
    eval '! grep -q "connected:" "$T/tun-c.err"'
check "(c) the error names the address, the device and --disable-ipv6" \
    grep -q "IPv6 address 2001:2:0:18:.* is not on $C_TUN .*refusing to \
run with IPv6 outside the tunnel.*--disable-ipv6" "$T/tun-c.err"
check_after_disconnect
check "(c) gp-auth ends too" wait_until 100 0.1 gone "$AUTH_PID"
# If it did connect, end it before (d).
stop_pid "$TUN_PID" TERM 15
stop_pid "$AUTH_PID" TERM 5
gw_stop

# ---- (d) the same with --disable-ipv6 --------------------------------

note "(d) the same, gp-tunnel --disable-ipv6"
if round_up d --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW" -- \
    --disable-ipv6; then
	check "(d) no IPv6 for the script" eval '[ -z "$(script_env connect \
	    INTERNAL_IP6_ADDRESS)$(script_env connect \
	    CISCO_IPV6_SPLIT_INC)" ]'
	check_tunnel_traffic
fi
round_down d
check_after_disconnect

check "password and authcookies absent from client stderr at -v -v" \
    no_secret_in_files "$T"/auth-*.err "$T"/tun-*.err
check_host_untouched
lib_finish
