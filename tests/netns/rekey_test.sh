#!/bin/sh
# SPDX-License-Identifier: ISC
# rekey_test.sh: rekeys end to end, gp-auth and gp-tunnel against the test
# gateway in namespaces (PROTOCOL.md §9, §7.8, §6.1). Round need: gp-auth
# --tunnel runs gp-tunnel on a socketpair; the gateway's ESP goes silent
# 2 s in, only for the keys it issued then (--udp-drop-old-keys); ESP dies
# after 20 s, HTTPS takes over, [net] sends NEED_CONFIG through [priv],
# gp-auth does getconfig at once and sends a new CONFIG (its two routes in
# the other order, which is no change), and ESP comes back with the fresh
# keys. Round newip: the rekey brings another tunnel address: gp-auth ends
# the session (SHUTDOWN, logout, exit 1). Round policy: the rekey adds a
# route the policy does not allow: gp-tunnel stops (disconnect, exit 1)
# and gp-auth logs out. Round host: the rekey adds a split-exclude route
# equal to a host route the client had before connecting, and drops the
# DNS servers: gp-tunnel refuses it (exit 4), and disconnect, run with
# what connect applied, leaves that route alone and restores resolv.conf.
# Needs root; binaries from $B; TAP; bounded to 120 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 120
need_client
netns_setup
make_certs
make_password

DROP_AFTER_S=2
REKEY_TIMEOUT_S=63	# gp-auth rekeys at timeout - 60 s
EXTRA_ROUTE=198.18.200.0/24
SECOND_ROUTE=198.18.65.0/24	# round need: [LAN_NET, this], then reversed
HOST_ROUTE=198.18.77.7/32	# round host: the client's own, via the veth

# within A B S: time stamps A and B are at most S seconds apart, A first.
within() {
	"$PY" -c 'import sys
a, b, s = (float(x) for x in sys.argv[1:4])
sys.exit(0 if 0 <= b - a <= s else 1)' "$1" "$2" "$3"
}

getconfigs() {
	gwlog "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200"
}

ns_client_empty() {
	[ -z "$(ip netns pids "$NS_C")" ]
}

# tunnel_mode_start ROUND: printf PASSWORD | gp-auth --tunnel 'gp-tunnel
# ...', both as root in the client namespace; gp-tunnel writes its pid
# (through the sh -c that gp-auth starts) and logs to $T/tun-ROUND.err.
tunnel_mode_start() {
	r=$1
	make_script "script-$r"
	cmd="echo \$\$ >$T/tun-$r.pid; exec $GP_TUNNEL -i $C_TUN"
	cmd="$cmd -s $SCRIPT -v -v 2>$T/tun-$r.err"
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -n "$T/client-resolv.conf" -- \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v --tunnel "$cmd" "https://$GW_ADDR/" \
	    2>"$T/auth-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid" &&
	    wait_until 50 0.1 test -s "$T/tun-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
	TUN_PID=$(pidof_file "$T/tun-$r.pid")
}

# ---- round need: NEED_CONFIG over the socketpair ----------------------

note "need: ESP silent for the first keys $DROP_AFTER_S s in; NEED_CONFIG"
gw_start --udp-drop-after "$DROP_AFTER_S" --udp-drop-old-keys \
    --route "$SECOND_ROUTE" --rekey-reverse-routes
tunnel_mode_start need
if gpvpn_up need; then
	check "need: ESP carries the session first" \
	    wait_until 50 0.1 gwlog_has "r.get('event') == 'esp_sa_used'"
	check "need: ESP dies, gp-tunnel asks for a configuration (<= 30 s)" \
	    wait_until 300 0.1 grep -q "the tunnel asks for a fresh" \
	    "$T/auth-need.err"
	check "need: [net] fell back to HTTPS" \
	    grep -q "esp: nothing received for 20 s" "$T/tun-need.err"
	check "need: [priv] relayed NEED_CONFIG" \
	    grep -q "asked gp-auth for a new configuration (NEED_CONFIG)" \
	    "$T/tun-need.err"
	check "need: gp-auth sends the new CONFIG" wait_until 50 0.1 grep -q \
	    "rekey: new configuration sent to the tunnel" "$T/auth-need.err"
	check "need: [priv] takes it (the same routes in another order)" \
	    wait_until 50 0.1 grep -q "rekey: new configuration (keys and" \
	    "$T/tun-need.err"
	check "need: the gateway killed the ESP keys at the HTTPS connect" \
	    gwlog_has "r.get('event') == 'esp_keys_killed' and
	    r['reason'] == 'https tunnel connect'"
	t_https=$(gw_ts "r.get('event') == 'tunnel_connect'")
	t_conf=$(gw_ts "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200 and r['ts'] >= ${t_https:-0}")
	check "need: the second getconfig within 2 s of the HTTPS tunnel" \
	    within "${t_https:-0}" "${t_conf:--1}" 2
	check "need: ESP back up with the fresh keys (a second SA used)" \
	    wait_until 80 0.1 eval '[ "$(gwlog "r.get(\"event\") ==
	    \"esp_sa_used\"")" -ge 2 ]'
	check "need: client pings the LAN host" \
	    ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR"
	check "need: gp-tunnel's status line: transport esp, 1 death" \
	    tun_stats need "'transport esp' in line and n('deaths') == 1"
	check "need: gateway counters: keys killed once, 2 SAs used, ESP" \
	    eval 'gw_counters && gw_session "s[\"sas_used\"] == 2 and
	    s[\"keys_killed\"] == 1 and s[\"getconfigs\"] == 2 and
	    s[\"transport\"] == \"esp\" and s[\"esp_in_data_pkts\"] > 0"'
fi
stop_pid "$AUTH_PID" TERM 15
check "need: gp-auth exits 0 after SIGTERM (gp-tunnel's status too)" \
    wait_until 50 0.1 grep -qx 0 "$T/auth-need.rc"
check "need: gp-tunnel got SHUTDOWN and stopped" \
    grep -q "shutdown requested" "$T/tun-need.err"
check_logout
check_after_disconnect
check "need: no process left in the client namespace" \
    wait_until 30 0.1 ns_client_empty
gw_stop

# ---- round newip: the rekey hands out another address ---------------

note "newip: a rekey 3 s in brings another tunnel IPv4 address"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_start --timeout "$REKEY_TIMEOUT_S" --rekey-new-ip
gpvpn_start newip
if gpvpn_up newip; then
	old=$(client_tun_addr)
	check "newip: gp-auth ends the session within 10 s" \
	    wait_until 100 0.1 test -s "$T/auth-newip.rc"
	check "newip: gp-auth exits 1" grep -qx 1 "$T/auth-newip.rc"
	check "newip: the message names the old and the new address" \
	    grep -Eq "changed the tunnel IPv4 address from $old/[0-9]+ to \
198\.18\.128\.[0-9]+/[0-9]+" "$T/auth-newip.err"
	check "newip: the new address is another one" \
	    eval '! grep -Eq "from $old/[0-9]+ to $old/" "$T/auth-newip.err"'
	check "newip: gp-tunnel exits" \
	    wait_until 50 0.1 test -s "$T/tun-newip.rc"
	check "newip: ... with status 0" grep -qx 0 "$T/tun-newip.rc"
	check "newip: gp-tunnel got SHUTDOWN" \
	    grep -q "shutdown requested" "$T/tun-newip.err"
	check "newip: a second getconfig" test "$(getconfigs)" -eq 2
	check "newip: its CONFIG never went down" \
	    eval '! grep -q "rekey: new configuration" "$T/tun-newip.err"'
	check_logout
	check_after_disconnect
	check "newip: no process left in the client namespace" \
	    wait_until 30 0.1 ns_client_empty
fi
gw_stop

# ---- round policy: the policy refuses the rekey ---------------------

note "policy: a rekey 3 s in adds the route $EXTRA_ROUTE"
POL=$T/policy
( umask 022
  printf '%s\n' "gateway $GW_ADDR" "route $LAN_NET" "route $POOL" \
      "dns yes" >"$POL" )
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_start --timeout "$REKEY_TIMEOUT_S" --rekey-extra-route "$EXTRA_ROUTE"
gpvpn_start policy --policy "$POL"
if gpvpn_up policy; then
	check "policy: the first configuration is allowed (tun up)" \
	    client_tun_up
	check "policy: gp-tunnel stops within 10 s" \
	    wait_until 100 0.1 test -s "$T/tun-policy.rc"
	check "policy: ... with status 1" grep -qx 1 "$T/tun-policy.rc"
	check "policy: the policy's reason is logged" \
	    grep -q "policy refuses the split-include route $EXTRA_ROUTE" \
	    "$T/tun-policy.err"
	check "policy: the route never reached the client" \
	    eval '! ip -n "$NS_C" route | grep -q "^$EXTRA_ROUTE"'
	check "policy: gp-auth sees the tunnel go and exits" \
	    wait_until 100 0.1 test -s "$T/auth-policy.rc"
	check_logout
	check_after_disconnect
	check "policy: no process left in the client namespace" \
	    wait_until 30 0.1 ns_client_empty
fi
gw_stop

# ---- round host: the rekey would change what connect applied -------

note "host: a rekey 3 s in adds split-exclude $HOST_ROUTE, drops the DNS"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
ip -n "$NS_C" route add "$HOST_ROUTE" via "$GW_ADDR" dev c0 ||
    die "add the client's own host route"
gw_start --timeout "$REKEY_TIMEOUT_S" --rekey-exclude-route "$HOST_ROUTE" \
    --rekey-dns ""
tunnel_mode_start host
if gpvpn_up host; then
	check "host: gp-auth ends within 10 s" \
	    wait_until 100 0.1 test -s "$T/auth-host.rc"
	check "host: ... with gp-tunnel's status 4" grep -qx 4 "$T/auth-host.rc"
	check "host: gp-tunnel names what the rekey would change" \
	    grep -q "rekey refused: it changes the routes, the DNS servers \
(first: split-exclude route $HOST_ROUTE added)" "$T/tun-host.err"
	check "host: the rekey never reached [net]" \
	    eval '! grep -q "rekey installed" "$T/tun-host.err"'
fi
# A gp-tunnel that took the rekey is still up: stop it, so that its
# disconnect shows what it would undo.
stop_pid "$AUTH_PID" TERM 15
check "host: disconnect got the DNS connect applied" \
    test "$(script_env disconnect INTERNAL_IP4_DNS)" = 198.18.64.53
check "host: disconnect got no exclude, as connect" \
    test -z "$(script_env disconnect CISCO_SPLIT_EXC)"
check "host: the client's own route $HOST_ROUTE is still there" \
    eval 'ip -n "$NS_C" route show "$HOST_ROUTE" | grep -q "via $GW_ADDR"'
check_logout
check_after_disconnect
check "host: no process left in the client namespace" \
    wait_until 30 0.1 ns_client_empty
ip -n "$NS_C" route del "$HOST_ROUTE" 2>/dev/null
gw_stop

check "password and authcookies absent from client stderr at -v -v" \
    no_secret_in_files "$T"/auth-*.err "$T"/tun-*.err
check_host_untouched
lib_finish
