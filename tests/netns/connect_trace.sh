#!/bin/sh
# SPDX-License-Identifier: ISC
# connect_trace.sh: where the time from start to the first ESP datagram
# goes, for gpvpn ($B), an older build (OLD=DIR with KINDS="new old oc")
# and OpenConnect (KINDS="new oc" by default), N rounds alternating,
# through a portal listing a gateway on the same host: the gateway's log
# records (TLS handshakes, each request, the first valid ESP datagram)
# in ms after the start, and each client process's CPU time
# (/proc/PID/schedstat) just after that datagram. STRACE=1 runs each
# client under `strace -f -tt` (traces kept in $T with KEEP_TMP=1),
# STRACE=light traces only read and sendto (strace --seccomp-bpf, little
# overhead), STRACE=perf runs it under `perf record -g`; PERF=1 records
# the whole machine for 1.5 s. MEM=1 then floods the tunnel with pings
# for 2 s and prints each client process's Rss/Pss (smaps_rollup; smaps
# kept in $T). AUTH_OPTS, TUN_OPTS: more options. A measurement, not a
# test: no TAP lines. Needs root.
set -u
. "$(dirname "$0")/lib.sh"

N=${N:-1}
STRACE=${STRACE:-0}
lib_start $((N * 120 + 60))
need_client
netns_setup
make_certs
make_password
GW_OPTS="--portal --portal-gateway $GW_ADDR|Same|Any=1"
NEW_AUTH=$GP_AUTH
NEW_TUNNEL=$GP_TUNNEL

st() {
	if [ "$STRACE" = 1 ]; then
		echo strace -f -tt -s 64 -o "$T/strace-$1"
	elif [ "$STRACE" = light ]; then
		echo strace -f -tt --seccomp-bpf -e trace=read,sendto \
		    -o "$T/strace-$1"
	elif [ "$STRACE" = perf ]; then
		echo perf record -q -F 20000 -g -o "$T/perf-$1" --
	fi
}

start() {
	make_script "script-$2"
	if [ "$1" = oc ]; then
		# shellcheck disable=SC2046
		printf '%s\n' "$PASSWORD" |
		ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/oc-$2.pid" \
		    -r "$T/oc-$2.rc" -n "$T/client-resolv.conf" -- \
		    $(st "oc-$2") openconnect --protocol=gp --cafile "$CA" \
		    -u "$TEST_USER" --passwd-on-stdin --non-inter \
		    -i "$C_TUN" -s "$SCRIPT" "https://$GW_ADDR/" \
		    >"$T/oc-$2.out" 2>"$T/oc-$2.err" &
		lib_track $!
		wait_until 50 0.1 test -s "$T/oc-$2.pid"
		STOP_PID=$(pidof_file "$T/oc-$2.pid")
		return
	fi
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$2.pid" \
	    -r "$T/auth-$2.rc" -- $(st "auth-$1-$2") $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    ${AUTH_OPTS:-} "https://$GW_ADDR/" 2>"$T/auth-$2.err" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-$2.pid" \
	    -r "$T/tun-$2.rc" -n "$T/client-resolv.conf" -- \
	    $(st "tun-$1-$2") "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" \
	    ${TUN_OPTS:-} 2>"$T/tun-$2.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/tun-$2.pid"
	STOP_PID=$(pidof_file "$T/tun-$2.pid")
}

timeline() {
	"$PY" - "$GW_LOG" "$1" <<'PYEOF'
import json, sys
t0 = float(sys.argv[2])
for line in open(sys.argv[1]):
    r = json.loads(line)
    ev = r.get("event")
    if ev in ("ready", "counters", "exit"):
        continue
    what = ev
    if ev == "request":
        what = "request %s %s" % (r.get("method"), r.get("path"))
    elif ev == "tls":
        what = "tls handshake done, peer %s" % r.get("peer")
    print("#   %7.1f ms  %s" % ((float(r["ts"]) - t0) * 1000, what))
    if ev == "esp_peer":
        break
PYEOF
}

round() {
	case $1 in
	new) GP_AUTH=$NEW_AUTH GP_TUNNEL=$NEW_TUNNEL ;;
	old) GP_AUTH=$OLD/gp-auth GP_TUNNEL=$OLD/gp-tunnel ;;
	esac
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	# shellcheck disable=SC2086
	gw_start $GW_OPTS
	if [ -n "${PERF:-}" ]; then
		perf record -q -a -g -o "$T/perf-$1-$2.data" sleep 1.5 \
		    >/dev/null 2>&1 &
		PERF_PID=$!
		sleep 0.1
	fi
	t0=$(date +%s.%N)
	start "$1" "$2"
	wait_until 300 0.1 gwlog_has "r.get('event') == 'esp_peer'" ||
	    echo "# $1-$2: no ESP datagram" >&2
	[ -z "${PERF:-}" ] || wait "$PERF_PID"
	echo "# $1 round $2"
	for p in $(ip netns pids "$NS_C"); do
		c=$(cat "/proc/$p/comm" 2>/dev/null)
		case $c in gp-*|openconnect*) ;; *) continue ;; esac
		echo "# cpu $c $(awk '{ printf "%.1f ms", $1 / 1e6 }' \
		    /proc/$p/schedstat)"
	done
	timeline "$t0"
	if [ -n "${MEM:-}" ]; then
		wait_until 100 0.1 script_ran connect
		ip netns exec "$NS_C" timeout 4 ping -q -f -s 1300 \
		    "$LAN_ADDR" >/dev/null 2>&1 &
		sleep 2
		for p in $(ip netns pids "$NS_C"); do
			c=$(cat "/proc/$p/comm" 2>/dev/null)
			case $c in gp-*|openconnect*) ;; *) continue ;; esac
			echo "# $c $p $(grep -E '^(Rss|Pss)' \
			    /proc/$p/smaps_rollup | tr -s ' \n' ' ')"
			cp /proc/$p/smaps "$T/smaps-$1-$2-$p"
		done
	fi
	stop_pid "$STOP_PID" TERM 15
	wait_until 100 0.1 client_tun_gone
	[ "$1" = oc ] || wait_until 100 0.1 gone "$(pidof_file \
	    "$T/auth-$2.pid")"
	gw_stop
	echo "$t0" >"$T/t0-$1-$2"
}

i=1
while [ "$i" -le "$N" ]; do
	for k in ${KINDS:-new oc}; do
		round "$k" "$i"
	done
	i=$((i + 1))
done
