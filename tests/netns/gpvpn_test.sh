#!/bin/sh
# SPDX-License-Identifier: ISC
# gpvpn_test.sh: gp-auth | gp-tunnel end to end against our test gateway
# in network namespaces. Round 1: connect, pings both ways, 1 MiB each way,
# secrets absent from /proc, SIGTERM to gp-tunnel (gp-auth must log out).
# Round 2: the gateway packs several frames per TLS record (the client
# must reassemble), the same traffic, then SIGTERM to gp-auth. Round 3:
# the gateway rejects the cookie at tunnel connect: gp-tunnel exits 2, no
# connect script. All three test the HTTPS tunnel: rounds 1 and 3 tell
# the client --no-esp (the gateway still offers ESP), round 2 runs the
# gateway with --no-esp (no <ipsec> at all). esp_test.sh does ESP. Needs
# root; takes binaries from $B (default build).
set -u
. "$(dirname "$0")/lib.sh"

lib_start 90
need_client
netns_setup
make_certs
make_password
make_xfer_files
gw_start

# no_secret_in_proc: no /proc/PID/cmdline or environ of any process in
# the client namespace (gp-auth, gp-tunnel and their children) holds one.
no_secret_in_proc() {
	n=0
	for p in $(ip netns pids "$NS_C"); do
		for f in cmdline environ; do
			[ -r "/proc/$p/$f" ] || continue
			if tr '\0' '\n' <"/proc/$p/$f" |
			    grep -qF -f "$T/secret-patterns"; then
				echo "secret in /proc/$p/$f ($(cat \
				    "/proc/$p/comm"))"
				return 1
			fi
			n=$((n + 1))
		done
	done
	echo "$n files clean"
	[ "$n" -gt 0 ]
}

# wait_exit WHAT PID SECONDS RCFILE [WANT]: the process ends in time
# (and with status WANT if given).
wait_exit() {
	check "$1 exits within $3 s" wait_until $(($3 * 10)) 0.1 gone "$2"
	wait_until 20 0.1 test -s "$4"
	note "$1 exit status $(cat "$4" 2>/dev/null)"
	if [ $# -ge 5 ]; then
		check "$1 exit status $5" grep -qx "$5" "$4"
	fi
}

logouts_ok() {
	gwlog "r.get('path') == '/ssl-vpn/logout.esp' and
	    r['status'] == 200 and r.get('logout_ok') is True and
	    all(k in r['fields'] for k in ('authcookie', 'portal', 'user',
	    'domain', 'computer', 'preferred-ip'))"
}

logout_count_is() {
	[ "$(logouts_ok)" -eq "$1" ]
}

# ---- round 1: SIGTERM to gp-tunnel ----------------------------------

note "round 1: connect, traffic, SIGTERM to gp-tunnel"
gpvpn_start 1 --no-esp
if gpvpn_up 1; then
	if [ -n "$(as_auth_user)" ]; then
		check "round 1: gp-auth runs as $AUTH_USER, not root" \
		    grep -Eq '^Uid:[[:space:]]+[1-9]' "/proc/$AUTH_PID/status"
	fi
	check "round 1: secrets absent from /proc cmdline,environ" \
	    eval 'secret_patterns && no_secret_in_proc'
	check_connect_env
	check_tunnel_traffic
	kill -TERM "$TUN_PID"
	wait_exit "round 1: gp-tunnel (SIGTERM)" "$TUN_PID" 15 \
	    "$T/tun-1.rc" 0
	wait_exit "round 1: gp-auth (its tunnel went away)" "$AUTH_PID" 10 \
	    "$T/auth-1.rc"
	check "round 1: gp-auth logged out with every cookie field" \
	    wait_until 50 0.1 logout_count_is 1
	check_after_disconnect
	check_gateway_saw_login
fi

# ---- round 2: multi-frame TLS records, SIGTERM to gp-auth ----------

note "round 2: gateway packs several frames per TLS record;" \
    "gateway offers no ESP; SIGTERM to gp-auth"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_stop
gw_start --coalesce-frames --no-esp
gpvpn_start 2
if gpvpn_up 2; then
	check_tunnel_traffic
	check "round 2: secrets absent from /proc cmdline,environ" \
	    eval 'secret_patterns && no_secret_in_proc'
	kill -USR1 "$GW_PID"
	check "round 2: the gateway did send multi-frame TLS records" \
	    wait_until 30 0.1 gwlog_has "r.get('event') == 'counters' and
	    r['counters'].get('s2c_coalesced_records', 0) > 0"
	kill -TERM "$AUTH_PID"
	wait_exit "round 2: gp-auth (SIGTERM)" "$AUTH_PID" 10 \
	    "$T/auth-2.rc" 0
	check "round 2: gp-auth logged out with every cookie field" \
	    wait_until 50 0.1 logout_count_is 1
	wait_exit "round 2: gp-tunnel (frame stream closed)" "$TUN_PID" 15 \
	    "$T/tun-2.rc" 0
	check_after_disconnect
fi

# ---- round 3: the gateway rejects the cookie ------------------------

note "round 3: gateway in --reject-cookie mode"
gw_stop
gw_start --reject-cookie
gpvpn_start 3 --no-esp
wait_exit "round 3: gp-tunnel (cookie rejected)" "$TUN_PID" 20 \
    "$T/tun-3.rc" 2
check "round 3: no connect script ran" eval '! script_ran connect'
check "round 3: gateway answered the tunnel request with 502" \
    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
    r['status'] == 502"
check "round 3: no tun device left" client_tun_gone
wait_exit "round 3: gp-auth" "$AUTH_PID" 10 "$T/auth-3.rc"

# ---- secrets in what the clients wrote ------------------------------

check "password and authcookies absent from client stderr at -v -v" \
    no_secret_in_files "$T"/auth-*.err "$T"/tun-*.err
check "password and authcookies absent from the script environments" \
    eval 'no_secret_in_files "$T"/vpnc/script-*/*'
check "password and authcookies absent from the gateway logs" \
    no_secret_in_files "$T"/gw-*.log "$T/gw.err"

gw_stop
check_host_untouched
lib_finish
