#!/bin/sh
# SPDX-License-Identifier: ISC
# soak.sh: one long gp-auth | gp-tunnel session against the test gateway
# in namespaces (issue 13 item 4), with traffic throughout, a rekey every
# 30 s (the gateway's <timeout> is 90 s; gp-auth rekeys 60 s before it),
# and a fault cycle every SOAK_FAULT_EVERY s: ESP dropped both ways
# (nftables in the gateway's namespace: one way is not an outage, as
# what still comes in keeps ESP alive) until ESP is declared dead and
# the session is on HTTPS, then the HTTPS tunnel's TCP connection
# destroyed at the gateway (ss -K) until gp-tunnel reconnects with the
# same cookie, then ESP let through again until it carries the session
# once more; each
# step bounded. Traffic: a ping every 0.2 s for the whole run, and 1 MiB
# each way over TCP every few seconds with sha256 compared (a transfer
# that fails must overlap a fault; a corrupt one is never allowed). Each
# SOAK_SAMPLE s, gp-tunnel [priv], [net] and gp-auth are sampled (VmRSS,
# RssAnon, open descriptors) into samples.csv, with gp-tunnel's counters
# (--status-fd, SIGUSR1) into status.csv; tests/soak/report.py then
# judges "flat", draws soak.png and writes summary.md in SOAK_RESULTS.
#   SOAK_SECONDS (1800)  how long the session runs once up
#   SOAK_SAMPLE (60)     seconds between samples
#   SOAK_FAULT_EVERY (240), SOAK_FAULT_FIRST (60)  the fault cycle
#   SOAK_RESULTS (build/soak/NAME)  where the results go
#   SOAK_VALGRIND=1      gp-tunnel under valgrind (see valgrind.sh)
# Needs root; binaries from $B; TAP; bounded to SOAK_SECONDS + 300 s.
set -u
. "$(dirname "$0")/../netns/lib.sh"
# lib.sh finds its helpers beside the script that sources it.
LIB_DIR=$REPO/tests/netns
NSEXEC=$LIB_DIR/nsexec.sh
SOAK_DIR=$REPO/tests/soak

SOAK_SECONDS=${SOAK_SECONDS:-1800}
SOAK_SAMPLE=${SOAK_SAMPLE:-60}
SOAK_FAULT_EVERY=${SOAK_FAULT_EVERY:-240}
SOAK_FAULT_FIRST=${SOAK_FAULT_FIRST:-60}
SOAK_VALGRIND=${SOAK_VALGRIND:-0}
SOAK_NAME=${SOAK_NAME:-soak-$SOAK_SECONDS}
case ${SOAK_RESULTS:=build/soak/$SOAK_NAME} in
/*) ;;
*) SOAK_RESULTS=$REPO/$SOAK_RESULTS ;;
esac
REKEY_TIMEOUT_S=90	# gp-auth rekeys at <timeout> - 60 s: every 30 s
REKEY_GAP_MAX_S=45	# the longest gap allowed between two rekeys
DEAD_MAX_S=45		# UDP dropped -> on HTTPS (ESP is dead after 20 s)
RECON_MAX_S=60		# TCP destroyed -> back over HTTPS (back-off)
ESP_BACK_MAX_S=80	# UDP back -> ESP (the next rekey, then probes)
XFER_GAP_S=5

lib_start $((SOAK_SECONDS + 300))
# shellcheck disable=SC2154
trap 'rc_=$?; soak_unblock; (exit $rc_); lib_cleanup' EXIT
need_client
netns_setup
make_certs
make_password
make_xfer_files
rm -rf "$SOAK_RESULTS"
mkdir -p "$SOAK_RESULTS" || die "make $SOAK_RESULTS"
STATUS=$T/status.jsonl
EVENTS=$SOAK_RESULTS/events.csv
echo "t_s,event,detail" >"$EVENTS"

now_s() {
	cut -d. -f1 /proc/uptime
}

event() {
	echo "$(($(now_s) - T0)),$1,$2" >>"$EVENTS"
	note "t=$(($(now_s) - T0)) s: $1 $2"
}

# ---- faults ------------------------------------------------------------

soak_block() {
	ip netns exec "$NS_G" nft -f - <<'EOF'
table inet soak_esp {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 4501 drop
	}
	chain out {
		type filter hook output priority 0; policy accept;
		udp sport 4501 drop
	}
}
EOF
}

soak_unblock() {
	[ -n "$NS_G" ] &&
	    ip netns exec "$NS_G" nft delete table inet soak_esp 2>/dev/null
	return 0
}

# The HTTPS tunnel's TCP connection: [net]'s socket to port 443, found
# by its local port in the client, destroyed at the gateway's end.
soak_kill_tls() {
	port=$(ip netns exec "$NS_C" ss -Htnp state established \
	    "( dport = :443 )" | grep "pid=$NET_PID," |
	    sed -n 's/.*:\([0-9][0-9]*\) *[0-9.]*:443 .*/\1/p' | head -n 1)
	[ -n "$port" ] || return 1
	ip netns exec "$NS_G" ss -K -t state established \
	    "( sport = :443 and dport = :$port )" >/dev/null
}

# ---- the client and its status -----------------------------------------

# SOAK_AUTH_B: gp-auth from another build (valgrind.sh: the sandboxed one).
[ -z "${SOAK_AUTH_B:-}" ] || GP_AUTH=$REPO/$SOAK_AUTH_B/gp-auth
VG_WRAP=
VG_LOG=/dev/null
if [ "$SOAK_VALGRIND" = 1 ]; then
	command -v valgrind >/dev/null || die "valgrind is installed"
	VG_WRAP="valgrind --trace-children=yes
	    --trace-children-skip=/bin/*,/usr/*,/run/vpnc/*
	    --leak-check=full --show-leak-kinds=definite,indirect,possible
	    --errors-for-leak-kinds=definite,indirect,possible
	    --error-exitcode=99 --vgdb=no --num-callers=30
	    --suppressions=$SOAK_DIR/valgrind.supp --log-fd=9"
	# A pipe: [net] runs with RLIMIT_FSIZE 0, which would cut short a
	# log file as soon as the sandbox is entered.
	VG_LOG=$T/valgrind.fifo
	mkfifo "$VG_LOG" || die "mkfifo $VG_LOG"
	cat "$VG_LOG" >"$SOAK_RESULTS/valgrind.log" &
	lib_track $!
fi

# The pipeline of lib.sh's gpvpn_start, with --status-fd 5 on $STATUS.
soak_start() {
	make_script script-soak
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-soak.pid" \
	    -r "$T/auth-soak.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v "https://$GW_ADDR/" 2>"$T/auth-soak.err" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-soak.pid" \
	    -r "$T/tun-soak.rc" -n "$T/client-resolv.conf" -- $VG_WRAP \
	    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" -v --status-fd 5 \
	    2>"$T/tun-soak.err" 5>>"$STATUS" 9>"$VG_LOG" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-soak.pid" &&
	    wait_until 100 0.1 test -s "$T/tun-soak.pid"
	AUTH_PID=$(pidof_file "$T/auth-soak.pid")
	TUN_PID=$(pidof_file "$T/tun-soak.pid")
}

# [net]: the child of [priv] named so (scripts come and go beside it).
net_pid() {
	for p in $(pgrep -P "$TUN_PID"); do
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		*net*) echo "$p"; return 0 ;;
		esac
	done
	return 1
}

# st FIELD: FIELD (transport, state, rekeys, reconnects, esp_fallbacks)
# in gp-tunnel's last status line.
st() {
	tail -n 1 "$STATUS" 2>/dev/null |
	    sed -n "s/.*\"$1\": *\"\{0,1\}\([a-z0-9]*\).*/\1/p"
}

# A status line now (SIGUSR1: event "request"), awaited.
st_request() {
	# shellcheck disable=SC2034
	n=$(wc -l <"$STATUS")	# read in the eval below
	kill -USR1 "$TUN_PID" 2>/dev/null || return 1
	wait_until 50 0.1 eval '[ "$(wc -l <"$STATUS")" -gt "$n" ]'
}

pings() {
	ip netns exec "$NS_C" ping -c 2 -i 0.3 -W 2 "$LAN_ADDR" >/dev/null
}

# ---- sampling ------------------------------------------------------------

# kib FIELD FILE: the number of "FIELD:<blanks>N kB" in FILE.
kib() {
	sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "$2" 2>/dev/null
}

# sample_proc NAME PID: one row of samples.csv.
sample_proc() {
	f=/proc/$2/status
	rss=$(kib VmRSS "$f")
	anon=$(kib RssAnon "$f")
	fds=$(ls "/proc/$2/fd" 2>/dev/null | wc -l)
	echo "$(($(now_s) - T0)),$1,$2,${rss:-0},${anon:-0},$fds" \
	    >>"$SOAK_RESULTS/samples.csv"
}

sample() {
	sample_proc priv "$TUN_PID"
	sample_proc net "$NET_PID"
	sample_proc auth "$AUTH_PID"
	st_request
	echo "$(($(now_s) - T0)),$(st transport),$(st rekeys),$(st \
	    reconnects),$(st esp_fallbacks),$(st tx_packets),$(st \
	    rx_packets)" >>"$SOAK_RESULTS/status.csv"
}

# ---- traffic -------------------------------------------------------------

# xfer_loop END: 1 MiB each way, checked, every XFER_GAP_S s until END;
# one line per transfer in xfer.csv: start, end, ok|fail|corrupt.
xfer_loop() {
	while [ "$(now_s)" -lt "$1" ]; do
		a=$(($(now_s) - T0))
		if xfer; then
			if xfer_verify >/dev/null 2>&1; then
				r=ok
			else
				r=corrupt
			fi
		else
			r=fail
		fi
		echo "$a,$(($(now_s) - T0)),$r" >>"$SOAK_RESULTS/xfer.csv"
		sleep "$XFER_GAP_S"
	done
}

# ---- the fault cycle ---------------------------------------------------

FSTATE=idle
F_AT=0
F_N=0
F_OK=0
F_FAILED=0
RECON0=0

fault_fail() {
	F_FAILED=$((F_FAILED + 1))
	event fault_failed "$1"
	soak_unblock
	FSTATE=idle
}

# fault_step NOW: one step of the cycle idle -> dead -> recon -> back.
fault_step() {
	case $FSTATE in
	idle)
		[ "$1" -ge "$NEXT_FAULT" ] || return 0
		[ "$1" -lt "$END" ] || return 0
		F_N=$((F_N + 1))
		NEXT_FAULT=$((NEXT_FAULT + SOAK_FAULT_EVERY))
		soak_block || { fault_fail "nft rule"; return 0; }
		event esp_outage "cycle $F_N: ESP dropped both ways"
		FSTATE=dead F_AT=$1 ;;
	dead)
		if [ "$(st transport)" = https ]; then
			event on_https "after $(($1 - F_AT)) s"
			RECON0=$(st reconnects)
			if soak_kill_tls; then
				event tls_killed "the HTTPS tunnel's TCP"
				FSTATE=recon F_AT=$1
			else
				fault_fail "no HTTPS tunnel connection found"
			fi
		elif [ $(($1 - F_AT)) -gt "$DEAD_MAX_S" ]; then
			fault_fail "on $(st transport) after $DEAD_MAX_S s"
		fi ;;
	recon)
		if [ "$(st reconnects)" -gt "$RECON0" ] &&
		    [ "$(st state)" = connected ]; then
			event reconnected "after $(($1 - F_AT)) s"
			soak_unblock
			event esp_restored "ESP let through"
			FSTATE=back F_AT=$1
		elif [ $(($1 - F_AT)) -gt "$RECON_MAX_S" ]; then
			fault_fail "no reconnect within $RECON_MAX_S s"
		fi ;;
	back)
		if [ "$(st transport)" = esp ]; then
			if pings; then
				F_OK=$((F_OK + 1))
				event recovered \
				    "ESP back after $(($1 - F_AT)) s"
			else
				fault_fail "ESP back but no ping through"
			fi
			FSTATE=idle
		elif [ $(($1 - F_AT)) -gt "$ESP_BACK_MAX_S" ]; then
			fault_fail "not on ESP $ESP_BACK_MAX_S s after"
		fi ;;
	esac
}
FAULT_ROOM=$((DEAD_MAX_S + RECON_MAX_S + ESP_BACK_MAX_S))

# ---- the run ---------------------------------------------------------------

echo "t_s,proc,pid,vmrss_kb,rssanon_kb,fds" >"$SOAK_RESULTS/samples.csv"
echo "t_s,transport,rekeys,reconnects,esp_fallbacks,tx_packets,rx_packets" \
    >"$SOAK_RESULTS/status.csv"
echo "start_s,end_s,result" >"$SOAK_RESULTS/xfer.csv"

gw_start --timeout "$REKEY_TIMEOUT_S"
T0=$(now_s)
soak_start
gpvpn_up soak || {
	tail -n 20 "$T/tun-soak.err" "$T/auth-soak.err" >&2
	exit 1
}
wait_until 300 0.1 eval '[ "$(st transport)" = esp ]'
check "the session runs on ESP" test "$(st transport)" = esp
NET_PID=$(net_pid)
check "found gp-tunnel [net] ($NET_PID)" test -n "$NET_PID"
T0=$(now_s)
END=$((T0 + SOAK_SECONDS))
NEXT_FAULT=$((T0 + SOAK_FAULT_FIRST))
[ "$SOAK_VALGRIND" = 1 ] && NEXT_FAULT=$((END + 1))
event up "session up on ESP; [priv] $TUN_PID, [net] $NET_PID, gp-auth $AUTH_PID"

ip netns exec "$NS_C" ping -q -i 0.2 -W 2 -w $((SOAK_SECONDS + 5)) \
    "$LAN_ADDR" >"$T/ping.out" 2>&1 &
PING_PID=$!
lib_track "$PING_PID"
xfer_loop "$END" &
XFER_PID=$!
lib_track "$XFER_PID"

CRASH=
next_sample=$T0
while :; do
	now=$(now_s)
	[ "$now" -ge "$END" ] && [ "$FSTATE" = idle ] && break
	[ "$now" -ge $((END + FAULT_ROOM)) ] && break
	for p in "priv $TUN_PID" "net $NET_PID" "gp-auth $AUTH_PID" \
	    "gateway $GW_PID"; do
		alive "${p#* }" || CRASH="$CRASH ${p% *}"
	done
	if [ -n "$CRASH" ]; then
		event crash "gone:$CRASH"
		break
	fi
	if [ "$now" -ge "$next_sample" ]; then
		sample
		next_sample=$((next_sample + SOAK_SAMPLE))
	fi
	fault_step "$now"
	sleep 1
done
[ -n "$CRASH" ] || sample
event end "sampling over"
wait_until 150 0.1 gone "$XFER_PID"
wait "$XFER_PID" 2>/dev/null
wait_until 100 0.1 gone "$PING_PID"

# ---- checks ----------------------------------------------------------------

check "0 crashes: [priv], [net], gp-auth and the gateway ran throughout" \
    test -z "$CRASH"
check "[net] is still the one that started ($NET_PID)" \
    test "$(net_pid)" = "$NET_PID"

st_request
REKEYS=$(st rekeys)
RECONS=$(st reconnects)
FALLBACKS=$(st esp_fallbacks)
GW_GETCONFIGS=$(gwlog "r.get('path') == '/ssl-vpn/getconfig.esp' and
    r['status'] == 200")
# One rekey each 30 s after the first 30, less the slack of one.
want=$((SOAK_SECONDS / 30 - 1))
check "rekeys: $REKEYS, at least $want in $SOAK_SECONDS s" \
    test "${REKEYS:-0}" -ge "$want"
check "the gateway served $GW_GETCONFIGS getconfigs: the login's + rekeys" \
    test "$GW_GETCONFIGS" -eq $((REKEYS + 1))
check "no gap over $REKEY_GAP_MAX_S s between two rekeys" \
    "$PY" "$SOAK_DIR/report.py" rekeys "$STATUS" "$REKEY_GAP_MAX_S" \
    "$SOAK_RESULTS/rekeys.csv"
if [ "$SOAK_VALGRIND" != 1 ]; then
	check "faults: $F_N cycles injected, $F_OK recovered" \
	    eval '[ "$F_N" -ge 1 ] && [ "$F_OK" -eq "$F_N" ] &&
	    [ "$F_FAILED" -eq 0 ]'
	check "gp-tunnel counted $RECONS reconnects (one a cycle)" \
	    test "${RECONS:-0}" -ge "$F_OK"
fi
XF_OK=$(grep -c ',ok$' "$SOAK_RESULTS/xfer.csv")
XF_BAD=$(grep -c ',corrupt$' "$SOAK_RESULTS/xfer.csv")
check "transfers: $XF_OK of 1 MiB each way intact, none corrupt" \
    eval '[ "$XF_OK" -ge 1 ] && [ "$XF_BAD" -eq 0 ]'
check "every failed transfer overlaps a fault cycle" \
    "$PY" "$SOAK_DIR/report.py" xfer-faults "$SOAK_RESULTS"
check "pings: replies came (loss only during the faults)" \
    grep -q ' [1-9][0-9]* received' "$T/ping.out"

# Stopped between two rekeys: a SIGTERM while gp-auth writes a fresh
# CONFIG makes it exit 1 (the write fails), which is not what this
# test is about.
wait_until 40 1 eval 'st_request && [ "$(st sa_age_s)" -le 15 ]'
stop_pid "$TUN_PID" TERM 60
check "gp-tunnel exits 0 after SIGTERM" \
    wait_until 300 0.1 grep -qx 0 "$T/tun-soak.rc"
check "gp-auth exits 0 then (logout done)" \
    wait_until 300 0.1 grep -qx 0 "$T/auth-soak.rc"
check_logout
check_after_disconnect
# valgrind writes its reports, each line "==PID== ...", to one pipe
# for [priv], [net] and the children [priv] forks for the script (they
# exec the shell, which valgrind leaves alone). Leaks count as errors:
# "0 errors" in the exit summary of [priv] and of [net] says that both
# ran their exit-time check and found no error and no leak.
vg_clean() {
	grep -q "^==$1== ERROR SUMMARY: 0 errors from 0 contexts" \
	    "$SOAK_RESULTS/valgrind.log" &&
	    grep -q "^==$1== HEAP SUMMARY" "$SOAK_RESULTS/valgrind.log"
}

if [ "$SOAK_VALGRIND" = 1 ]; then
	wait_until 100 0.1 gone "$TUN_PID"
	for p in "priv $TUN_PID" "net $NET_PID"; do
		check "valgrind: [${p% *}] exit check: no error, no leak" \
		    vg_clean "${p#* }"
		grep -E "^==${p#* }== +(ERROR SUMMARY|definitely lost|\
indirectly lost|possibly lost|still reachable|All heap)" \
		    "$SOAK_RESULTS/valgrind.log" | sed "s/^/# [${p% *}] /"
	done
	check "valgrind: no error report from any process" eval \
	    '! grep "ERROR SUMMARY: [1-9]\|== Invalid\|uninit\|lost in" \
	    "$SOAK_RESULTS/valgrind.log"'
fi
{
	echo "rekeys=$REKEYS reconnects=$RECONS esp_fallbacks=$FALLBACKS"
	echo "faults=$F_N recovered=$F_OK failed=$F_FAILED"
	echo "transfers_ok=$XF_OK corrupt=$XF_BAD"
	echo "failed_transfers=$(grep -c ',fail$' "$SOAK_RESULTS/xfer.csv")"
	echo "gateway_getconfigs=$GW_GETCONFIGS"
	echo "ping=$(grep 'packets transmitted' "$T/ping.out")"
	echo "seconds=$SOAK_SECONDS sample_s=$SOAK_SAMPLE"
} >"$SOAK_RESULTS/figures.txt"
# Under valgrind, RSS is mostly valgrind's own: its leak check judges.
vg_bound=
[ "$SOAK_VALGRIND" = 1 ] && vg_bound=256
"$PY" "$SOAK_DIR/report.py" judge "$SOAK_RESULTS" $vg_bound \
    >"$T/judge.out" 2>&1
grep -E '^(ok|not ok)' "$T/judge.out"
PASSES=$((PASSES + $(grep -c '^ok' "$T/judge.out")))
FAILS=$((FAILS + $(grep -c '^not ok' "$T/judge.out")))
grep -v -E '^(ok|not ok)' "$T/judge.out" | sed 's/^/# /'
cp "$T/tun-soak.err" "$SOAK_RESULTS/gp-tunnel.log"
cp "$T/auth-soak.err" "$SOAK_RESULTS/gp-auth.log"
cp "$STATUS" "$SOAK_RESULTS/status.jsonl"
check "password and authcookies absent from the logs kept in results" \
    no_secret_in_files "$SOAK_RESULTS"/*.log "$SOAK_RESULTS/status.jsonl"
note "results in $SOAK_RESULTS"
check_host_untouched
lib_finish
