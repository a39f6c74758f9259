#!/bin/sh
# SPDX-License-Identifier: ISC
# netmove_test.sh: the network moves under a running gp-auth | gp-tunnel
# (issue 9 item 5), against the test gateway in namespaces.
#  (d) vpnc-script runs with pre-init, then connect, with the same
#      environment;
#  (s) the HTTPS tunnel, gp-tunnel stopped (SIGSTOP) for 12 s and
#      continued: it logs the pause, sends a keepalive at once, the
#      gateway answers, and the tunnel stays (no reconnect);
#  (a) the HTTPS tunnel (--no-esp), the client's link down for 30 s and
#      up again: the session comes back by itself, attempt-reconnect ran
#      before each attempt (it puts back the host route to the gateway,
#      which the link going down took away) and reconnect after it; the
#      same tunnel address, and the gateway saw the same session's cookie
#      on the new tunnel; routes and DNS right; pings cross;
#  (b) ESP, and both gp-tunnel processes stopped (SIGSTOP) for 13 s, as
#      in a suspend, while the client's address moves (198.18.0.2 ->
#      .3: the laptop wakes up on another network): on SIGCONT it logs
#      the pause, pings ESP at once, gets no answer (the old socket's
#      address is gone), reconnects, and ESP comes back from the new
#      address with the same keys; routes and DNS right; pings cross.
#      The stop is 13 s, not 90: the detection threshold is 10 s
#      (SESSION_PAUSE_MS), and 90 s would not fit the suite's budget;
#  (b2) stopped again for 12 s while the gateway restarts and forgets
#      its sessions: on SIGCONT it ends cleanly, exit 2 (the cookie is
#      rejected), disconnect ran, resolv.conf restored, tun gone;
#  (c) the HTTPS tunnel, and the gateway restarts under it: the tunnel
#      closes, attempt-reconnect runs, the cookie is rejected: exit 2
#      with a clear message, disconnect ran.
# Needs root; binaries from $B; TAP; bounded to 240 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 240
need_client
netns_setup
make_certs
make_password

LINK_DOWN_S=30
STOP_S=13		# > SESSION_PAUSE_MS (10 s)
STOP2_S=12
C_ADDR2=198.18.0.3
VPN_DNS=198.18.64.53

# reasons: the vpnc-script reasons the wrapper recorded, in order.
reasons() {
	ls "$REC" 2>/dev/null | grep '\.env$' | sort -n |
	    sed 's/^[0-9]*-//; s/\.env$//' | tr '\n' ' '
}

# reasons_match ERE: the whole sequence matches, within 5 s: [priv] runs
# the script after [net] logs that the tunnel is back, not before.
reasons_now() {
	reasons | grep -Eqx -- "$1"
}
reasons_match() {
	wait_until 50 0.1 reasons_now "$1"
}

net_pid() {
	pgrep -P "$TUN_PID" -f 'gp-tunnel \[net\]' | head -n 1
}

host_route() {
	[ -n "$(ip -n "$NS_C" -4 route show "$GW_ADDR")" ]
}

lan_via_tun() {
	ip -n "$NS_C" route get "$LAN_ADDR" | grep -q "dev $C_TUN"
}

vpn_dns() {
	grep -q "^nameserver $VPN_DNS" "$T/client-resolv.conf"
}

# check_host_state LABEL: what connect set up is all there.
check_host_state() {
	check "$1: the host route to the gateway $GW_ADDR is there" \
	    wait_until 20 0.1 host_route
	check "$1: $LAN_NET goes through $C_TUN" lan_via_tun
	check "$1: resolv.conf has the VPN DNS $VPN_DNS" vpn_dns
}

# log_has ROUND TEXT: gp-tunnel's log of that round has TEXT.
log_has() {
	grep -qF -- "$2" "$T/tun-$1.err"
}

ns_client_empty() {
	[ -z "$(ip netns pids "$NS_C")" ]
}

round_end() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$1: gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$1.rc"
}

# ---- (d), (a): the HTTPS tunnel, the link down for 30 s -------------

gw_start
note "(a) HTTPS tunnel; the client's link down for $LINK_DOWN_S s"
gpvpn_start a --no-esp
if gpvpn_up a; then
	check "d: vpnc-script ran pre-init, then connect" \
	    test "$(reasons)" = "pre-init connect "
	check "d: pre-init had connect's environment" eval \
	    'test "$(script_env pre-init TUNDEV)" = "$C_TUN" &&
	    test "$(script_env pre-init INTERNAL_IP4_ADDRESS)" = \
	    "$(script_env connect INTERNAL_IP4_ADDRESS)" &&
	    test "$(script_env pre-init VPNGATEWAY)" = "$GW_ADDR"'
	TIP=$(client_tun_addr)
	check_host_state "a, after connect"
	check_pings "a, before"
	note "(s) stopped $STOP2_S s, the gateway still there"
	NET_PID=$(net_pid)
	kill -STOP "$NET_PID" "$TUN_PID"
	sleep "$STOP2_S"
	kill -CONT "$TUN_PID" "$NET_PID"
	check "s: it notices the pause" wait_until 50 0.1 \
	    log_has a "gp-tunnel was stopped for"
	check "s: a keepalive at once, answered: the tunnel stays" \
	    wait_until 50 0.1 log_has a \
	    "https: the gateway answered after the pause"
	check "s: no reconnect" eval '! log_has a "reconnect:" &&
	    test "$(reasons)" = "pre-init connect "'
	check_pings "s, after"
	ip -n "$NS_C" link set c0 down
	check "a: the link's going down took the host route with it" \
	    eval '! host_route'
	sleep "$LINK_DOWN_S"
	ip -n "$NS_C" link set c0 up
	check "a: the tunnel comes back by itself (<= 30 s after the link)" \
	    wait_until 300 0.1 log_has a \
	    "reconnect: the tunnel is back over https"
	check "a: it had noticed the loss" \
	    log_has a "reconnect: the transport is lost"
	check "a: attempt-reconnect before each attempt, then reconnect" \
	    reasons_match "pre-init connect (attempt-reconnect )+reconnect "
	check "a: reconnect had connect's environment" eval \
	    'test "$(script_env reconnect INTERNAL_IP4_ADDRESS)" = "$TIP" &&
	    test "$(script_env reconnect CISCO_SPLIT_INC_0_ADDR)" = \
	    "$(script_env connect CISCO_SPLIT_INC_0_ADDR)"'
	check "a: the same tunnel address $TIP" \
	    test "$(client_tun_addr)" = "$TIP"
	check_host_state "a, after the reconnect"
	check "a: one login; every tunnel request with session 1's cookie" \
	    eval '[ "$(gwlog "r.get(\"path\") == \"/ssl-vpn/login.esp\"")" \
	    -eq 1 ] &&
	    [ "$(gwlog "r.get(\"path\") == \"/ssl-tunnel-connect.sslvpn\" and
	    r[\"status\"] == 200 and r.get(\"session\") == 1 and
	    not r[\"cookie_mismatch\"]")" -eq 2 ] &&
	    [ "$(gwlog "r.get(\"path\") == \"/ssl-tunnel-connect.sslvpn\"")" \
	    -eq 2 ]'
	# The old connection's FIN, queued while the link was down, may
	# reach the gateway before the new tunnel replaces it.
	check "a: the gateway let the old tunnel go" \
	    wait_until 50 0.1 gwlog_has "r.get('event') ==
	    'tunnel_disconnect' and r['tunnel'] == 1 and r['reason'] in
	    ('replaced by a new tunnel', 'client closed')"
	check_pings "a, after"
	check "a: gp-tunnel's status line: 1 reconnect, transport https" \
	    tun_stats a "n('reconnects') == 1 and 'transport https' in line"
fi
round_end a

# ---- (b): ESP, stopped 13 s while the address moves ------------------

note "(b) ESP; gp-tunnel stopped $STOP_S s; the address moves"
gw_stop
gw_start		# a log of its own
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gpvpn_start b
if gpvpn_up b; then
	TIP=$(client_tun_addr)
	check "b: ESP carries the session" wait_until 50 0.1 \
	    gwlog_has "r.get('event') == 'esp_sa_used'"
	NET_PID=$(net_pid)
	check "b: found gp-tunnel [net] ($NET_PID)" test -n "$NET_PID"
	kill -STOP "$NET_PID" "$TUN_PID"
	ip -n "$NS_C" addr del "$C_ADDR/24" dev c0
	ip -n "$NS_C" addr add "$C_ADDR2/24" dev c0
	sleep "$STOP_S"
	kill -CONT "$TUN_PID" "$NET_PID"
	check "b: it notices the pause" wait_until 50 0.1 \
	    log_has b "gp-tunnel was stopped for"
	check "b: ESP does not answer from the old address: reconnect" \
	    wait_until 100 0.1 log_has b \
	    "esp: no answer within 5 s after the pause; reconnecting"
	check "b: ESP is back (<= 15 s after SIGCONT)" wait_until 100 0.1 \
	    log_has b "reconnect: the tunnel is back over esp"
	check "b: attempt-reconnect, then reconnect" \
	    reasons_match "pre-init connect (attempt-reconnect )+reconnect "
	check "b: no ESP_DEAD, no HTTPS fallback for the pause's silence" \
	    eval '! log_has b "esp: nothing received for"'
	check "b: the same tunnel address $TIP" \
	    test "$(client_tun_addr)" = "$TIP"
	check_host_state "b, after the reconnect"
	check "b: the host route to the gateway now uses $C_ADDR2" \
	    eval 'ip -n "$NS_C" -4 route show "$GW_ADDR" | grep -q "$C_ADDR2"'
	check "b: the gateway: ESP from $C_ADDR2, the same keys, no tunnel" \
	    eval 'gwlog_has "r.get(\"event\") == \"esp_peer\" and
	    r[\"peer\"].startswith(\"$C_ADDR2:\")" &&
	    [ "$(gwlog "r.get(\"path\") == \"/ssl-vpn/getconfig.esp\"")" \
	    -eq 1 ] && no_tunnel_request'
	check_pings "b, after"
	check "b: gp-tunnel's status line: 1 reconnect, transport esp" \
	    tun_stats b "n('reconnects') == 1 and 'transport esp' in line"

	# (b2) stopped again while the gateway restarts and forgets us.
	note "(b2) stopped $STOP2_S s while the gateway restarts"
	NET_PID=$(net_pid)
	t0=$(date +%s)
	kill -STOP "$NET_PID" "$TUN_PID"
	gw_stop
	gw_start
	sleep $((STOP2_S - ($(date +%s) - t0)))
	kill -CONT "$TUN_PID" "$NET_PID"
	check "b2: it notices the second pause" wait_until 50 0.1 eval \
	    '[ "$(grep -c "gp-tunnel was stopped for" "$T/tun-b.err")" -eq 2 ]'
	check "b2: gp-tunnel exits 2 (<= 30 s after SIGCONT)" \
	    wait_until 300 0.1 grep -qx 2 "$T/tun-b.rc"
	check "b2: it says the gateway rejected the session's cookie" \
	    log_has b "the gateway rejected the session's cookie"
	check "b2: the restarted gateway refused the old cookie (502)" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 502 and r['authcookie_valid'] is False"
	check "b2: reconnect did not run again; disconnect was last" \
	    reasons_match "pre-init connect (attempt-reconnect )+reconnect \
(attempt-reconnect )+disconnect "
	check_after_disconnect
fi
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5

# ---- (c): the HTTPS tunnel, the gateway restarts under it ------------

note "(c) HTTPS tunnel; the gateway restarts and forgets the session"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gpvpn_start c --no-esp
if gpvpn_up c; then
	check_pings "c, before"
	gw_stop
	gw_start
	check "c: gp-tunnel exits 2 (<= 20 s)" \
	    wait_until 200 0.1 grep -qx 2 "$T/tun-c.rc"
	check "c: the tunnel closed, and it reconnected with the cookie" \
	    eval 'log_has c "reconnect: the transport is lost" &&
	    log_has c "https: gateway rejected the auth cookie (HTTP 502)"'
	check "c: it says the gateway ended the session: exit status 2" \
	    log_has c "the gateway rejected the session's cookie (it ended \
the session or restarted): exiting with status 2"
	check "c: attempt-reconnect ran, then disconnect" \
	    reasons_match "pre-init connect (attempt-reconnect )+disconnect "
	check_after_disconnect
fi
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
gw_stop

check "no process left in the client namespace" \
    wait_until 30 0.1 ns_client_empty
check_host_untouched
lib_finish
