#!/bin/sh
# SPDX-License-Identifier: ISC
# esp_start_bench.sh: the time from starting `gp-auth | gp-tunnel` to the
# first valid ESP datagram at the test gateway (its `esp_peer` log record,
# same clock), in namespaces, for our build ($B), an older build (OLD=DIR
# holding its gp-auth and gp-tunnel, optional) and OpenConnect, N rounds
# each (default 5), interleaved so that the machine's noise spreads over
# all of them; then the median, minimum and maximum of each. MODE=portal
# (default): the URL names the portal, which lists one gateway on the
# same host; MODE=gateway: the URL names the gateway. TRUST=cafile
# (default): the test CA as --cafile; TRUST=pin: --servercert instead,
# so the only CA file read is the system's, as for most users. WHAT=auth
# times the login alone, `--authenticate` from start to exit, which the
# tunnel's set-up does not blur. A measurement, not a test: it prints no
# TAP line and runs only when called. Needs root; bounded to 60 s a round.
#   OLD=/path/to/old/build N=7 sh tests/netns/esp_start_bench.sh
set -u
. "$(dirname "$0")/lib.sh"

N=${N:-5}
MODE=${MODE:-portal}
TRUST=${TRUST:-cafile}
WHAT=${WHAT:-esp}
OLD=${OLD:-}
KINDS="new"
[ -z "$OLD" ] || KINDS="$KINDS old"
command -v openconnect >/dev/null 2>&1 && KINDS="$KINDS oc"

lib_start $((N * 60 * 3 + 60))
need_client
netns_setup
make_certs
make_password
case $MODE in
portal) GW_OPTS="--portal --portal-gateway $GW_ADDR|Same|Any=1"
	URL_PATH="" ;;
gateway) GW_OPTS=""
	URL_PATH="gateway" ;;
*) die "MODE is portal or gateway" ;;
esac
case $TRUST in
cafile) TRUST_OPT="--cafile $CA" ;;
pin) TRUST_OPT="--servercert $PIN" ;;
*) die "TRUST is cafile or pin" ;;
esac
NEW_AUTH=$GP_AUTH
NEW_TUNNEL=$GP_TUNNEL

# start KIND NAME: our pipeline (as gpvpn_start, the URL per MODE) or
# OpenConnect; sets $STOP_PID, the process whose SIGTERM ends it.
start() {
	if [ "$1" = oc ]; then
		# shellcheck disable=SC2086
		openconnect_start "$2" $TRUST_OPT
		STOP_PID=$OC_PID
		return
	fi
	make_script "script-$2"
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$2.pid" \
	    -r "$T/auth-$2.rc" -- $(as_auth_user) \
	    "$GP_AUTH" $TRUST_OPT -u "$TEST_USER" --passwd-on-stdin \
	    "https://$GW_ADDR/$URL_PATH" 2>"$T/auth-$2.err" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-$2.pid" \
	    -r "$T/tun-$2.rc" -n "$T/client-resolv.conf" -- \
	    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" 2>"$T/tun-$2.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/tun-$2.pid"
	STOP_PID=$(pidof_file "$T/tun-$2.pid")
}

# round KIND I: one start to first ESP, appended to $T/results.
round() {
	k=$1
	n=$k-$2
	case $k in
	new) GP_AUTH=$NEW_AUTH GP_TUNNEL=$NEW_TUNNEL ;;
	old) GP_AUTH=$OLD/gp-auth GP_TUNNEL=$OLD/gp-tunnel ;;
	esac
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	# shellcheck disable=SC2086
	gw_start $GW_OPTS
	t0=$(date +%s.%N)
	start "$k" "$n"
	if wait_until 300 0.1 gwlog_has "r.get('event') == 'esp_peer'"; then
		t1=$(gw_ts "r.get('event') == 'esp_peer'")
		"$PY" -c 'import sys
print(sys.argv[1], "%.3f" % (float(sys.argv[3]) - float(sys.argv[2])))' \
		    "$k" "$t0" "$t1" | tee -a "$T/results" | sed 's/^/# /'
	else
		echo "# $n: no ESP datagram within 30 s" >&2
	fi
	stop_pid "$STOP_PID" TERM 15
	wait_until 100 0.1 client_tun_gone
	[ "$k" = oc ] || wait_until 100 0.1 gone "$(pidof_file \
	    "$T/auth-$n.pid")"
	gw_stop
}

# auth_round KIND I: one --authenticate, start to exit, into $T/results.
auth_round() {
	t0=$(date +%s%N)
	if [ "$1" = oc ]; then
		# shellcheck disable=SC2086
		printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 30 \
		    openconnect --protocol=gp $TRUST_OPT -u "$TEST_USER" \
		    --passwd-on-stdin --non-inter --authenticate \
		    "https://$GW_ADDR/$URL_PATH" >/dev/null 2>"$T/$1-$2.err"
	else
		a=$NEW_AUTH
		[ "$1" = new ] || a=$OLD/gp-auth
		# shellcheck disable=SC2046,SC2086
		printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 30 \
		    $(as_auth_user) "$a" $TRUST_OPT -u "$TEST_USER" \
		    --passwd-on-stdin --authenticate \
		    "https://$GW_ADDR/$URL_PATH" >/dev/null 2>"$T/$1-$2.err"
	fi
	rc=$?
	t1=$(date +%s%N)
	if [ "$rc" -eq 0 ]; then
		awk -v k="$1" -v ms=$(((t1 - t0) / 1000000)) \
		    'BEGIN { printf "%s %.3f\n", k, ms / 1000 }' |
		    tee -a "$T/results" | sed 's/^/# /'
	else
		echo "# $1-$2: --authenticate failed ($rc)" >&2
	fi
}

if [ -n "$OLD" ] && { [ ! -x "$OLD/gp-auth" ] || [ ! -x "$OLD/gp-tunnel" ]; }
then
	die "OLD=$OLD holds gp-auth and gp-tunnel"
fi
case $WHAT in
esp) ;;
auth)	# shellcheck disable=SC2086
	gw_start $GW_OPTS ;;
*) die "WHAT is esp or auth" ;;
esac
i=1
while [ "$i" -le "$N" ]; do
	for k in $KINDS; do
		if [ "$WHAT" = auth ]; then
			auth_round "$k" "$i"
		else
			round "$k" "$i"
		fi
	done
	i=$((i + 1))
done
[ "$WHAT" = esp ] || gw_stop
note "MODE=$MODE TRUST=$TRUST WHAT=$WHAT, $N rounds each; seconds from" \
    "start to $([ "$WHAT" = esp ] && echo "the first ESP datagram" ||
    echo "the end of --authenticate")"
"$PY" - "$T/results" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    k, s = line.split()
    runs.setdefault(k, []).append(float(s))
for k, v in runs.items():
    print("# %-3s n=%d median %.3f min %.3f max %.3f  (%s)" % (
        k, len(v), statistics.median(v), min(v), max(v),
        " ".join("%.3f" % x for x in v)))
EOF
