#!/bin/sh
# SPDX-License-Identifier: ISC
# fault_test.sh: faults injected into a running gp-auth | gp-tunnel
# (issue 13 item 3), against the test gateway in namespaces.
#  (r) the gateway process restarts mid-session and keeps its sessions
#      (gpgw.py --state): the HTTPS tunnel comes back by itself with the
#      same cookie, attempt-reconnect then reconnect, the same address;
#  (f) it restarts again and forgets them: the cookie is refused on the
#      reconnect, exit 2, disconnect ran, resolv.conf restored;
#  (n) [net] killed (SIGKILL): [priv] runs disconnect and exits 1;
#  (a) gp-auth killed (SIGKILL), the gateway's keys good for 15 s
#      (getconfig <timeout>): the tunnel runs on, says that gp-auth is
#      gone, and when the keys expire stops by itself, saying plainly
#      that no logout is possible: exit 5, disconnect ran, DNS restored;
#  (k) gp-tunnel killed (SIGKILL, both processes): the tun device goes
#      with it, but the host route to the gateway and the VPN's DNS
#      stay; `gp-tunnel --cleanup IFNAME` runs disconnect with what
#      connect recorded in /run/gpvpn/IFNAME.state and removes the
#      record; it refuses while a session holds the record; killed
#      again, the next start cleans up the stale record first.
#  (d) the disk full while the script writes resolv.conf (a tmpfs of
#      12 KiB holds it, 8129 bytes of it; the test fills the last page
#      while pre-init runs, and the new one needs 8251): the session
#      ends (exit 1) instead of running with a resolv.conf cut short,
#      disconnect ran, the old resolv.conf is back intact;
#  (d2) the disk already full when the tunnel comes up: no script
#      runs, exit 1, resolv.conf untouched.
# netmove_test.sh has the gateway forgetting an ESP session too (b2).
# Needs root; binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 180
SMALL=
# The tmpfs of (d) is mounted here, in the test's mount namespace: it
# goes before lib_cleanup removes $T.
trap 'rc_=$?; [ -z "$SMALL" ] || umount -l "$SMALL" 2>/dev/null;
    (exit $rc_); lib_cleanup' EXIT
need_client
netns_setup
make_certs
make_password
mkdir -m 700 "$T/gpvpn"		# /run/gpvpn in the client (nsexec.sh -n)

KEY_TIMEOUT_S=15
VPN_DNS=198.18.64.53
RECORD=$T/gpvpn/$C_TUN.state
GW_STATE=$T/gw-state.json

# reasons ROUND: the vpnc-script reasons the wrapper recorded, in order.
reasons() {
	ls "$T/vpnc/script-$1" 2>/dev/null | grep '\.env$' | sort -n |
	    sed 's/^[0-9]*-//; s/\.env$//' | tr '\n' ' '
}

net_pid() {
	pgrep -P "$TUN_PID" -f 'gp-tunnel \[net\]' | head -n 1
}

log_has() {
	grep -qF -- "$2" "$T/tun-$1.err"
}

host_route() {
	[ -n "$(ip -n "$NS_C" -4 route show "$GW_ADDR")" ]
}

vpn_dns() {
	grep -q "^nameserver $VPN_DNS" "$T/client-resolv.conf"
}

ns_client_empty() {
	[ -z "$(ip netns pids "$NS_C")" ]
}

# cleanup_run NAME [ARGS]: gp-tunnel --cleanup in the client, as the
# sessions run (the same /run/vpnc, /run/gpvpn and resolv.conf).
cleanup_run() {
	n=$1
	shift
	ip netns exec "$NS_C" sh "$NSEXEC" -r "$T/$n.rc" \
	    -n "$T/client-resolv.conf" -- "$GP_TUNNEL" -v -v "$@" \
	    </dev/null >"$T/$n.out" 2>"$T/$n.err"
}

rc_is() {
	grep -qx "$2" "$T/$1.rc"
}

round_end() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
}

fresh_resolv() {
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
}

gw_start --state "$GW_STATE"

# ---- (n): [net] killed ----------------------------------------------

note "(n) [net] killed with SIGKILL"
gpvpn_start n --no-esp
if gpvpn_up n; then
	NET_PID=$(net_pid)
	check "n: found gp-tunnel [net] ($NET_PID)" test -n "$NET_PID"
	kill -KILL "$NET_PID"
	check "n: [priv] exits 1 (<= 10 s)" \
	    wait_until 100 0.1 rc_is tun-n 1
	check "n: it says [net] went away" \
	    log_has n "[net] went away without an exit status"
	check_after_disconnect
fi
round_end

# ---- (r), (f): the gateway restarts, keeping the session, then not ----

note "(r) the gateway restarts and keeps its sessions"
fresh_resolv
gpvpn_start r --no-esp
if gpvpn_up r; then
	TIP=$(client_tun_addr)
	check_pings "r, before"
	gw_stop
	gw_start --state "$GW_STATE"
	check "r: the restarted gateway has the session back" \
	    gwlog_has "r.get('event') == 'ready' and
	    r['restored_sessions'] == 1"
	check "r: the tunnel comes back by itself (<= 30 s)" \
	    wait_until 300 0.1 log_has r \
	    "reconnect: the tunnel is back over https"
	check "r: attempt-reconnect before each attempt, then reconnect" \
	    wait_until 50 0.1 eval 'reasons r | grep -Eqx \
	    "pre-init connect (attempt-reconnect )+reconnect "'
	check "r: the same tunnel address $TIP" \
	    test "$(client_tun_addr)" = "$TIP"
	check "r: the gateway took the same cookie, no new login" \
	    eval 'gwlog_has "r.get(\"path\") ==
	    \"/ssl-tunnel-connect.sslvpn\" and r[\"status\"] == 200 and
	    r.get(\"session\") == 2" &&
	    [ "$(gwlog "r.get(\"path\") == \"/ssl-vpn/login.esp\"")" -eq 0 ]'
	check_pings "r, after"

	note "(f) the gateway restarts and forgets the session"
	gw_stop
	rm -f "$GW_STATE"
	gw_start --state "$GW_STATE"
	check "f: gp-tunnel exits 2 (<= 30 s)" \
	    wait_until 300 0.1 rc_is tun-r 2
	check "f: it says the gateway ended the session: exit status 2" \
	    log_has r "the gateway rejected the session's cookie"
	check "f: the restarted gateway refused the cookie (502)" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 502"
	check "f: disconnect ran last" eval 'reasons r | grep -Eqx \
	    "pre-init connect (attempt-reconnect )+reconnect (attempt-reconnect )+disconnect "'
	check_after_disconnect
fi
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5

# ---- (k): gp-tunnel killed; --cleanup; the next start -----------------

note "(k) gp-tunnel killed with SIGKILL; --cleanup $C_TUN"
fresh_resolv
gpvpn_start k --no-esp
if gpvpn_up k; then
	check "k: connect left a record $RECORD, root's, mode 0600" eval \
	    'test "$(stat -c %u:%a "$RECORD")" = 0:600'
	cleanup_run busy --cleanup "$C_TUN"
	check "k: --cleanup refuses while the session runs (exit 1)" \
	    eval 'rc_is busy 1 && grep -q "in use" "$T/busy.err" &&
	    client_tun_up && vpn_dns && test -s "$RECORD"'
	NET_PID=$(net_pid)
	kill -KILL "$TUN_PID" "$NET_PID"
	check "k: the tun device went with the processes" \
	    wait_until 50 0.1 client_tun_gone
	check "k: the host route and the VPN's DNS stayed" \
	    eval 'host_route && vpn_dns'
	cleanup_run cl --cleanup "$C_TUN"
	check "k: gp-tunnel --cleanup $C_TUN exits 0" rc_is cl 0
	check "k: it ran disconnect with connect's environment" eval \
	    'script_ran disconnect &&
	    test "$(script_env disconnect TUNDEV)" = "$C_TUN" &&
	    test "$(script_env disconnect VPNPID)" = \
	    "$(script_env connect VPNPID)" &&
	    test "$(script_env disconnect INTERNAL_IP4_ADDRESS)" = \
	    "$(script_env connect INTERNAL_IP4_ADDRESS)"'
	check "k: resolv.conf restored, the host route gone" eval \
	    'cmp "$T/client-resolv.conf" "$T/client-resolv.orig" &&
	    ! host_route'
	check "k: the record is gone" eval '! test -s "$RECORD"'
	cleanup_run cl2 --cleanup "$C_TUN"
	check "k: a second --cleanup finds nothing to do (exit 0)" \
	    eval 'rc_is cl2 0 && grep -q "no record" "$T/cl2.err"'
fi
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5

note "(k2) killed again; the next start cleans up"
fresh_resolv
gpvpn_start k2 --no-esp
if gpvpn_up k2; then
	K2_VPNPID=$(script_env connect VPNPID)
	NET_PID=$(net_pid)
	kill -KILL "$TUN_PID" "$NET_PID"
	wait_until 50 0.1 client_tun_gone
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "k2: the VPN's DNS stayed" vpn_dns
	gpvpn_start k3 --no-esp
	if gpvpn_up k3; then
		check "k3: the start cleaned up the stale record" \
		    log_has k3 "a stale record for $C_TUN"
		check "k3: ... with the dead session's disconnect" eval \
		    'f=$(ls "$T/vpnc/script-k2" | grep -- "-disconnect.env\$") &&
		    grep -qx "VPNPID=$K2_VPNPID" "$T/vpnc/script-k2/$f" &&
		    grep -qx "TUNDEV=$C_TUN" "$T/vpnc/script-k2/$f"'
		round_end
		check "k3: exits 0 after SIGTERM" wait_until 50 0.1 rc_is tun-k3 0
		check "k3: resolv.conf restored at the end" \
		    cmp "$T/client-resolv.conf" "$T/client-resolv.orig"
		check "k3: no record left" eval '! test -s "$RECORD"'
	fi
fi
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5

# ---- (a): gp-auth killed; the keys run out ----------------------------

note "(a) gp-auth killed with SIGKILL; keys good for $KEY_TIMEOUT_S s"
gw_stop
gw_start --timeout "$KEY_TIMEOUT_S"
fresh_resolv
gpvpn_start a --no-esp
if gpvpn_up a; then
	t0=$(date +%s)
	kill -KILL "$AUTH_PID"
	check "a: gp-tunnel says gp-auth is gone and runs on" \
	    wait_until 50 0.1 log_has a "gp-auth has gone"
	sleep 2
	check "a: the tunnel still runs" alive "$TUN_PID"
	check_pings "a, without gp-auth"
	check "a: it stops when the keys expire, exit 5 (<= $KEY_TIMEOUT_S s + 10)" \
	    wait_until $(((KEY_TIMEOUT_S + 10) * 10)) 0.1 rc_is tun-a 5
	check "a: not before the keys' $KEY_TIMEOUT_S s" \
	    test $(($(date +%s) - t0)) -ge $((KEY_TIMEOUT_S - 5))
	check "a: it says plainly that logout is impossible" \
	    log_has a "logout is impossible"
	check_after_disconnect
fi
stop_pid "$TUN_PID" TERM 5
gw_stop

# ---- (d): the disk full while the script writes resolv.conf ----------

note "(d) the disk full under resolv.conf"
gw_start
SMALL=$T/small
mkdir "$SMALL"
if mount -t tmpfs -o size=12k,mode=0755 gpvpn-full "$SMALL"; then
	{ i=0
	  while [ "$i" -lt 101 ]; do
		printf '# %077d\n' "$i"
		i=$((i + 1))
	  done
	  printf 'nameserver 198.18.0.53\nsearch client.gpvpn.test\n'
	} >"$T/resolv-big.orig"
	cp "$T/resolv-big.orig" "$SMALL/resolv.conf"
	mv "$T/client-resolv.conf" "$T/client-resolv.keep"
	ln -s "$SMALL/resolv.conf" "$T/client-resolv.conf"
	# pre-init waits (<= 10 s) for the test to fill the disk, then
	# the recording wrapper (gpvpn_start makes script-d.sh) runs.
	cat >"$T/vpnc/d-wait.sh" <<EOF
#!/bin/sh
if [ "\$reason" = pre-init ]; then
	i=0
	while [ ! -e /run/vpnc/d-go ] && [ \$i -lt 100 ]; do
		sleep 0.1
		i=\$((i + 1))
	done
fi
exec /run/vpnc/script-d.sh
EOF
	chmod 755 "$T/vpnc/d-wait.sh"
	gpvpn_start d --no-esp -s /run/vpnc/d-wait.sh
	if wait_until 200 0.1 script_ran pre-init; then
		dd if=/dev/zero of="$SMALL/filler" bs=1024 count=8 2>/dev/null
		touch "$T/vpnc/d-go"
	fi
	check "d: the disk is full; the connect script ran" eval \
	    '[ "$(stat -f -c %f "$SMALL")" -eq 0 ] &&
	    wait_until 200 0.1 script_ran connect'
	check "d: writing resolv.conf failed for want of space" \
	    wait_until 50 0.1 grep -Eq "No space left|I/O error" \
	    "$T/vpnc/script-d/03-connect.out"
	check "d: gp-tunnel ends the session, exit 1 (<= 10 s)" \
	    wait_until 100 0.1 rc_is tun-d 1
	check "d: it says the file system is full" \
	    log_has d "/etc/resolv.conf is full after the connect script"
	check "d: disconnect ran" script_ran disconnect
	check "d: the old resolv.conf is back, intact" \
	    cmp "$SMALL/resolv.conf" "$T/resolv-big.orig"
	check "d: tun device $C_TUN is gone" wait_until 30 0.1 client_tun_gone
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	stop_pid "$TUN_PID" TERM 5

	note "(d2) the disk already full"
	gpvpn_start d2 --no-esp
	check "d2: gp-tunnel ends the session, exit 1 (<= 20 s)" \
	    wait_until 200 0.1 rc_is tun-d2 1
	check "d2: it says the file system is full before connect" \
	    log_has d2 "/etc/resolv.conf is full before the connect script"
	check "d2: no script ran" test -z "$(reasons d2)"
	check "d2: resolv.conf untouched" \
	    cmp "$SMALL/resolv.conf" "$T/resolv-big.orig"
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	stop_pid "$TUN_PID" TERM 5
	rm -f "$T/client-resolv.conf"
	mv "$T/client-resolv.keep" "$T/client-resolv.conf"
	umount -l "$SMALL" && SMALL=
else
	notok "d: mount a tmpfs of 12 KiB"
fi
gw_stop

check "no process left in the client namespace" \
    wait_until 30 0.1 ns_client_empty
check_host_untouched
lib_finish
