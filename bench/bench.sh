#!/bin/sh
# SPDX-License-Identifier: ISC
# bench.sh: `make bench` (issue 11 item 1). gp-auth | gp-tunnel and
# OpenConnect (Debian's) take turns, each round one session of each,
# through the same gateway: tests/gateway/gpgw.py for login and getconfig
# (--esp-external --fixed-esp-keys) and bench/esppeer, a C ESP peer, for
# the data path. The client and the client-side iperf3/ping run on CPU
# $CLIENT_CPU, the peer and the gateway-side iperf3 on CPU $PEER_CPU.
# Per session: TCP 1 and 4 streams each way and one download stream
# paced at BENCH_PACED_MBIT, UDP packet rate at 64- and 1400-byte IP
# packets each way (floods: bench/blast from the client side, the peer
# itself from the gateway side), ping RTT beside the 1-stream and paced
# TCP tests, client CPU time per packet, RSS per client process, and
# start-to-first-ESP; then a connect of gp-auth to gp-tunnel's service
# (gpvpn-svc: first-esp-svc). Then
# bench/report.py prints medians, spreads and ratios, writes markdown, a
# PNG and the raw records to $BENCH_RESULTS, and a last line
#   bench: tcp-tx R tcp-rx R pps64-tx R pps64-rx R cpu/pkt R first-esp R
# Knobs: BENCH_ROUNDS (5), BENCH_CONNECTS (10 connect-only rounds after
# them, for first-esp), BENCH_SECONDS per test (5), BENCH_SHORT=1 (one
# round of 1 s tests, results under build-bench/short: the CI check),
# BENCH_PEER_GSO=1 (the peer sends runs of same-size datagrams with one
# UDP_SEGMENT sendmsg, esppeer -G, so a client with UDP_GRO takes them
# whole; both clients get the same packets, OpenConnect's kernel splits
# them at its socket). BENCH_CONNECT=1: sessions only (connect, first
# ping, stop), no load tests; prints the connect phases (gateway log
# times of the TLS handshake and each request, and first-esp) per
# contender instead of report.py's table (bench/connect_phases.py). Both
# modes add those phases to the session records and print their table.
# BENCH_CAPTURE=1: tcpdump beside each ping (cap_start), and
# bench/pinglegs.py's table of where the echoes' time went.
# What cpu/pkt counts: utime+stime (from /proc/PID/stat) of every client
# process (gp-auth, gp-tunnel [priv] and [net]; openconnect), summed
# over all tests, divided by the ESP datagrams the client handled, each
# of which carries one inner IP packet for either client: those it sent
# (the peer's rx_dgrams plus the gateway namespace's UDP RcvbufErrors,
# the ones the peer's full socket dropped; the peer reads without
# UDP_GRO, so both count one per datagram) plus those it took in (the
# peer's tx_dgrams minus the client namespace's UDP RcvbufErrors, less
# the sink's own drops). It
# does not count the tun device's packets: with tun offload one TSO or
# coalesced 64 KiB super-packet is one tun packet but up to 45 datagrams
# on the wire. (With BENCH_PEER_GSO=1 a client reading with UDP_GRO has
# a dropped GRO run counted once, so its received count is an upper
# bound there.) pps*-tx counts the inner UDP packets the peer received
# and discarded, pps*-rx the UDP datagrams the client delivered to an
# application: bench/sink, bound to port 9 in the client namespace on
# the peer's CPU, reading without UDP_GRO as an ordinary program does
# (those it read plus those its full buffer dropped). Not the tun's
# packets, nor an nftables drop: a client that coalesces a flow's UDP
# datagrams writes up to 64 as one tun packet, which one rule would
# drop for the price of one; the kernel splits it again for the sink.
# The tun's packets stay in the records (tun_pkts), for information.
# Needs root, iperf3, openconnect, python3-matplotlib (bench/deps.sh).
set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$BENCH_DIR/../tests/netns/lib.sh"
# lib.sh located itself from $0, which is this script: set it right.
REPO=$(cd "$BENCH_DIR/.." && pwd)
LIB_DIR=$REPO/tests/netns
GW_PY=$REPO/tests/gateway/gpgw.py
NSEXEC=$LIB_DIR/nsexec.sh
case $B in
/*) BIN=$B ;;
*) BIN=$REPO/$B ;;
esac
GP_AUTH=$BIN/gp-auth
GP_TUNNEL=$BIN/gp-tunnel
PEER=$REPO/build-bench/esppeer
BLAST=$REPO/build-bench/blast
SINK=$REPO/build-bench/sink
REPORT=$BENCH_DIR/report.py
PHASES=$BENCH_DIR/connect_phases.py

SHORT=${BENCH_SHORT:-0}
if [ "$SHORT" = 1 ]; then
	ROUNDS=${BENCH_ROUNDS:-1}
	CONNECTS=${BENCH_CONNECTS:-1}
	DUR=${BENCH_SECONDS:-1}
	OMIT=0
	RESULTS=${BENCH_RESULTS:-$REPO/build-bench/short}
else
	ROUNDS=${BENCH_ROUNDS:-5}
	CONNECTS=${BENCH_CONNECTS:-10}
	DUR=${BENCH_SECONDS:-5}
	OMIT=1
	RESULTS=${BENCH_RESULTS:-$REPO/bench/results}
fi
CLIENT_CPU=0
PEER_CPU=1
PEER_TUN=bpeer0
IPERF_PORT=5201
TARGET=$GW_LAN		# iperf3 server and ping target, through the tunnel
# BENCH_WHO and BENCH_TESTS narrow a run (profiling one test, say); the
# report and the summary line want both contenders and every test.
# gpvpn-svc: gp-auth to gp-tunnel's service (the packaged socket unit),
# connect only (first-esp-svc).
CONTENDERS=${BENCH_WHO:-gpvpn openconnect gpvpn-svc}
TESTS=${BENCH_TESTS:-tcp-tx-1 tcp-tx-4 tcp-rx-1 tcp-rx-4 tcp-rx-paced
pps64-tx pps64-rx pps1400-tx pps1400-rx}
# tcp-rx-paced: one download stream held at this rate (Mbit/s), below
# what either client carries, with ping beside it: latency at the same
# load. At each client's own full load (tcp-rx-1) the loads differ and
# so does where the queue sits (for a client faster than the peer, in
# the peer's CPU).
PACED_MBIT=${BENCH_PACED_MBIT:-200}
CONNECT_ONLY=${BENCH_CONNECT:-0}
if [ "$CONNECT_ONLY" = 1 ]; then
	TESTS=
	CONNECTS=0
	RESULTS=${BENCH_RESULTS:-$REPO/build-bench/connect}
fi

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root" >&2; exit 1; }
[ "${BENCH_CAPTURE:-0}" != 1 ] || command -v tcpdump >/dev/null ||
    { echo "bench: BENCH_CAPTURE=1 needs tcpdump" >&2; exit 1; }
for t in iperf3 openconnect taskset "$PEER" "$BLAST" "$SINK" \
    "$GP_AUTH" "$GP_TUNNEL"; do
	command -v "$t" >/dev/null 2>&1 ||
	    { echo "bench: \`$t' is missing (make bench installs" \
	    "and builds it)" >&2; exit 1; }
done
[ "$(nproc)" -ge 2 ] || echo "# bench: fewer than 2 CPUs: client" \
    "and peer share one" >&2

# Bounded: a session is about 9 tests of DUR + OMIT + 3 s, plus set-up;
# a connect alone (the service's, a connect round's) well under 30 s.
LIMIT=$((120 + ROUNDS * 2 * (30 + 9 * (DUR + OMIT + 6)) +
    (ROUNDS + 3 * CONNECTS) * 30))
lib_start "$LIMIT"
RECORDS=$T/records
: >"$RECORDS"
PEER_CTL=$T/peer.ctl
mkfifo -m 600 "$PEER_CTL" || die "make the peer's control FIFO"

# ---- gateway side -------------------------------------------------------

# The peer's tun: persistent, so each fresh peer attaches to it; the pool
# routes through it and 198.18.64.1 (g1) is local to the gateway.
peer_tun_setup() {
	ip -n "$NS_G" tuntap add dev "$PEER_TUN" mode tun &&
	ip netns exec "$NS_G" sysctl -q -w \
	    "net.ipv6.conf.$PEER_TUN.disable_ipv6=1" &&
	ip -n "$NS_G" addr add "$GW_TUN_ADDR/24" dev "$PEER_TUN" &&
	ip -n "$NS_G" link set "$PEER_TUN" up
}

# Each side's receive work on its own CPU, as with a NIC whose interrupts
# go there: without RPS a veth delivers on the sender's CPU, and the
# client's CPU would do the peer's UDP input and the reverse.
# The peer's flood (pps*-rx) is the exception: with RPS the client's CPU
# would spend itself on input of the packets its full socket then drops,
# and the figure would be the flood's rate, not the client's.
client_rps() {
	ip netns exec "$NS_C" sh -c "echo $1 \
	    >/sys/class/net/c0/queues/rx-0/rps_cpus"
}

rps_setup() {
	client_rps $((1 << CLIENT_CPU)) &&
	ip netns exec "$NS_G" sh -c "echo $((1 << PEER_CPU)) \
	    >/sys/class/net/g0/queues/rx-0/rps_cpus"
}

bench_gw_start() {
	GW_LOG=$T/gw.log
	: >"$GW_LOG"
	taskset -c "$PEER_CPU" ip netns exec "$NS_G" "$PY" "$GW_PY" \
	    --listen "$GW_ADDR:443" \
	    --cert "$T/pki/server.pem" --key "$T/pki/server.key" \
	    --user "$TEST_USER" --password-file "$T/gw-password" \
	    --pool "$POOL" --route "$LAN_NET" --log "$GW_LOG" \
	    --secrets "$T/gw-secrets" --fixed-esp-keys --esp-external \
	    >"$T/gw.out" 2>"$T/gw.err" &
	GW_PID=$!
	lib_track "$GW_PID"
	wait_until 100 0.1 grep -q '"event": "ready"' "$GW_LOG" ||
	    die "gateway starts (see $T/gw.err)"
}

# peer_start N: a fresh peer for session N (its SA state starts at 0).
peer_start() {
	PEER_OUT=$T/peer-$1.out
	PEER_ERR=$T/peer-$1.err
	# shellcheck disable=SC2046
	taskset -c "$PEER_CPU" ip netns exec "$NS_G" "$PEER" \
	    $([ "${BENCH_PEER_GSO:-0}" = 1 ] && echo -G) -l "$GW_ADDR" \
	    -p 4501 -i "$PEER_TUN" -g "$GW_ADDR" -s "$TARGET" \
	    -c "$PEER_CTL" >"$PEER_OUT" 2>"$PEER_ERR" &
	PEER_PID=$!
	lib_track "$PEER_PID"
	wait_until 50 0.1 grep -qx ready "$PEER_OUT" ||
	    die "esppeer starts (see $PEER_ERR)"
}

peer_stop() {
	stop_pid "$PEER_PID" TERM 5
	wait "$PEER_PID" 2>/dev/null
	return 0
}

# ---- the contenders -----------------------------------------------------

# The peer's flood goes to the client's port 9, where bench/sink reads
# it (so the client's kernel sends no ICMP back for it): one sink for
# the whole run, on 0.0.0.0 as the tunnel address comes and goes, on
# the peer's CPU so that CPU0 measures the client alone. It prints
# "rx=N drops=M" on SIGUSR1, and ends with the run at the latest.
sink_start() {
	SINK_OUT=$T/sink.out
	taskset -c "$PEER_CPU" ip netns exec "$NS_C" "$SINK" 0.0.0.0 9 \
	    "$LIMIT" >"$SINK_OUT" 2>"$T/sink.err" &
	SINK_PID=$!
	lib_track "$SINK_PID"
	wait_until 50 0.1 grep -qx ready "$SINK_OUT"
}

# client_prep WHO N: the script and resolv.conf of session N, made
# before the clock starts (the service's script is the listener's, its
# records cleared).
client_prep() {
	if [ "$1" = gpvpn-svc ]; then
		REC=$T/vpnc/svc
		find "$REC" -type f -delete
	else
		make_script "script-$2"
	fi
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
}

# svc_start: gp-tunnel --listen in the client namespace, as the packaged
# gp-tunnel.socket runs it (the unit's capability bounding set and
# NoNewPrivileges), root's policy allowing the auth user; one connection
# first, so that the service is running (started by its socket for an
# earlier session) when the clock of a session starts.
svc_start() {
	SVC_SOCK=$T/tunnel.sock
	printf 'allow-user %s\n' "$(id -u "$AUTH_USER")" >"$T/svc.conf"
	make_script svc
	caps=$(sed -n 's/^CapabilityBoundingSet=//p' \
	    "$REPO/systemd/gp-tunnel.service" | tr 'A-Z ' 'a-z\n' |
	    sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd, -)
	[ -n "$caps" ] || return 1
	taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" sh "$NSEXEC" \
	    -p "$T/svc.pid" -n "$T/client-resolv.conf" -- \
	    setpriv --bounding-set="-all,$caps" --inh-caps=-all \
	    --no-new-privs \
	    systemd-socket-activate -l "$SVC_SOCK" "$GP_TUNNEL" --listen \
	    -i "$C_TUN" -s "$SCRIPT" --policy "$T/svc.conf" \
	    >"$T/svc.out" 2>"$T/svc.err" </dev/null &
	lib_track $!
	wait_until 50 0.1 test -S "$SVC_SOCK" &&
	    wait_until 50 0.1 test -s "$T/svc.pid" || return 1
	SVC_PID=$(pidof_file "$T/svc.pid")
	chmod 0666 "$SVC_SOCK"
	"$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.close()' "$SVC_SOCK" &&
	    wait_until 50 0.1 grep -q ' ended, status ' "$T/svc.err"
}

# client_start WHO N: WHO (gpvpn or openconnect) connects, pinned to the
# client CPU, no debug logging; $STOP_PID is the process to SIGTERM.
client_start() {
	case $1 in
	gpvpn) gpvpn_launch "$2" ;;
	gpvpn-svc) svc_launch "$2" ;;
	openconnect) oc_launch "$2" ;;
	esac
}

# gp-auth runs as the user, whose shell is unprivileged already: the
# bench, which is root, makes that shell before the clock starts
# (taskset, ip netns exec, setpriv), as OpenConnect's start has no
# privilege step either (the bench stands in for the sudo of both). The
# shell waits on a FIFO and execs gp-auth once the clock's side reaches
# it: gp-tunnel opening the pipe between them (pipe), or a go line
# (go, the service). auth_prestart N MODE CMD...; $AUTH_FIFO.
auth_prestart() {
	AUTH_FIFO=$T/auth-$1.fifo
	rm -f "$AUTH_FIFO"
	mkfifo -m 0600 "$AUTH_FIFO" && chown "$AUTH_USER" "$AUTH_FIFO" ||
	    die "the FIFO $AUTH_FIFO"
	case $2 in
	pipe) body='f=$1; shift; exec "$@" >"$f"' ;;
	*) body='f=$1; shift; read -r _ <"$f"; exec "$@"' ;;
	esac
	err=$T/auth-$1.err
	shift 2
	# shellcheck disable=SC2046
	printf '%s\n' "$PASSWORD" |
	    taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" $(as_auth_user) \
	    sh -c "$body" auth-user "$AUTH_FIFO" "$@" 2>"$err" &
	AUTH_PRE=$!
	lib_track "$AUTH_PRE"
	wait_until 100 0.02 eval '[ "$(cat "/proc/$AUTH_PRE/wchan" \
	    2>/dev/null)" = wait_for_partner ]' ||
	    die "gp-auth's shell waits on its FIFO (see $err)"
}

# client_prestart WHO N: what a contender's user had before the clock.
client_prestart() {
	case $1 in
	gpvpn) auth_prestart "$2" pipe "$GP_AUTH" --cafile "$CA" \
	    -u "$TEST_USER" --passwd-on-stdin "https://$GW_ADDR/" ;;
	gpvpn-svc) auth_prestart "$2" go "$GP_AUTH" --cafile "$CA" \
	    -u "$TEST_USER" --passwd-on-stdin --tunnel-socket "$SVC_SOCK" \
	    "https://$GW_ADDR/" ;;
	esac
}

# gp-auth | gp-tunnel as a user's shell starts them: one entry into the
# namespace and one shell for the pipeline, as OpenConnect gets one
# (nsexec.sh's, which execs the shell here). The shell starts gp-tunnel
# with one fork and exec, its stdin the FIFO whose opening lets gp-auth's
# shell exec gp-auth, and writes gp-tunnel's pid and exit status.
gpvpn_launch() {
	taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" sh "$NSEXEC" \
	    -n "$T/client-resolv.conf" -- sh -c '
		terr=$1 tpid=$2 trc=$3 tun=$4 ifname=$5 script=$6 fifo=$7
		"$tun" -i "$ifname" -s "$script" <"$fifo" 2>"$terr" &
		echo $! >"$tpid"
		wait $! && rc=0 || rc=$?
		echo "$rc" >"$trc"' gpvpn-pipe "$T/tun-$1.err" "$T/tun-$1.pid" \
	    "$T/tun-$1.rc" "$GP_TUNNEL" "$C_TUN" "$SCRIPT" "$AUTH_FIFO" \
	    </dev/null &
	lib_track $!
	wait_until 50 0.1 test -s "$T/tun-$1.pid"
	STOP_PID=$(pidof_file "$T/tun-$1.pid")
	CLIENT_LOGS="$T/auth-$1.err $T/tun-$1.err"
}

# The service shape: gp-auth --tunnel-socket to gp-tunnel --listen,
# running already (svc_start). The clock's side enters the namespace as
# OpenConnect's does and writes the go line; the session ends with
# gp-auth (SIGTERM: logout, and the listener's session ends).
svc_launch() {
	taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" sh "$NSEXEC" \
	    -n "$T/client-resolv.conf" -- sh -c 'echo go >"$1"' svc-go \
	    "$AUTH_FIFO" </dev/null &
	lib_track $!
	STOP_PID=$AUTH_PRE
	CLIENT_LOGS="$T/auth-$1.err $T/svc.err"
}

oc_launch() {
	printf '%s\n' "$PASSWORD" |
	    taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" sh "$NSEXEC" \
	    -p "$T/oc-$1.pid" -r "$T/oc-$1.rc" -n "$T/client-resolv.conf" -- \
	    openconnect --protocol=gp --cafile "$CA" -u "$TEST_USER" \
	    --passwd-on-stdin --non-inter -i "$C_TUN" -s "$SCRIPT" \
	    "https://$GW_ADDR/" >"$T/oc-$1.out" 2>"$T/oc-$1.err" &
	lib_track $!
	wait_until 50 0.1 test -s "$T/oc-$1.pid"
	STOP_PID=$(pidof_file "$T/oc-$1.pid")
	CLIENT_LOGS="$T/oc-$1.out $T/oc-$1.err"
}

# client_up: tun configured, connect script done, and a ping through the
# tunnel answered (so the route is in and ESP carries packets).
client_up() {
	wait_until 200 0.1 client_tun_up &&
	    wait_until 100 0.1 script_ran connect &&
	    wait_until 40 0.25 ip netns exec "$NS_C" ping -c 1 -W 1 "$TARGET"
}

client_stop() {
	stop_pid "$STOP_PID" TERM 15
	for p in $(client_pids); do
		stop_pid "$p" TERM 5
	done
	wait_until 100 0.1 client_tun_gone
}

# The client's own processes in its namespace: gp-auth, gp-tunnel
# [priv] and [net], or openconnect (not iperf3, ping or the scripts).
client_pids() {
	for p in $(ip netns pids "$NS_C" 2>/dev/null); do
		[ "$p" != "${SVC_PID:-}" ] || continue	# the service
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		gp-auth* | gp-tunnel* | openconnect*) echo "$p" ;;
		esac
	done
}

# ---- measuring ----------------------------------------------------------

# utime + stime, in clock ticks, of the processes given.
ticks_of() {
	for p in "$@"; do
		sed 's/.*) //' "/proc/$p/stat" 2>/dev/null
	done | awk '{ t += $12 + $13 } END { print t + 0 }'
}

# "busy total" jiffies of CPU $1 since boot.
cpu_jiffies() {
	awk -v c="cpu$1" '$1 == c {
		t = 0; for (i = 2; i <= NF; i++) t += $i
		print t - $5 - $6, t }' /proc/stat
}

# "rx tx" packets of the client's tun: rx is what the client wrote.
tun_packets() {
	ip netns exec "$NS_C" sh -c "cat /sys/class/net/$C_TUN/statistics/\
rx_packets /sys/class/net/$C_TUN/statistics/tx_packets" 2>/dev/null |
	    awk '{ v[NR] = $1 } END { print v[1] + 0, v[2] + 0 }'
}

# udp_drops NS: UDP datagrams dropped for a full receive buffer in NS.
udp_drops() {
	ip netns exec "$1" awk '$1 == "Udp:" { n++
		if (n == 1) for (i = 2; i <= NF; i++) f[$i] = i
		else print $f["RcvbufErrors"] }' /proc/net/snmp
}

# snap PREFIX: the counters that the interval's deltas come from.
snap() {
	eval "${1}_cdrop=\$(udp_drops $NS_C) ${1}_gdrop=\$(udp_drops $NS_G)"
	eval "${1}_cli=\$(ticks_of $CPIDS)"
	eval "${1}_peer=\$(ticks_of $PEER_PID)"
	eval "${1}_sinkt=\$(ticks_of $SINK_PID)"
	# The sink and the tun one right after the other: a client that is
	# still writing its backlog (OpenConnect queues what it decrypts)
	# makes them differ by what it writes in between.
	# shellcheck disable=SC2046
	set -- "$1" $(sink_counts) $(tun_packets) $(peer_counts)
	eval "${1}_sinkrx=$2 ${1}_sinkdrop=$3"
	eval "${1}_tunpkts=$(($4 + $5))"
	eval "${1}_esprx=$6 ${1}_esptx=$7 ${1}_discard=$8"
	eval "${1}_c0=\"\$(cpu_jiffies $CLIENT_CPU)\""
	eval "${1}_c1=\"\$(cpu_jiffies $PEER_CPU)\""
	eval "${1}_ns=\$(\"$PEER\" now)"
	eval "${1}_ns=\${${1}_ns%% *}"	# the monotonic half
}

# rss_sample FILE: "name pid kB anon-kB" for each client process, now:
# VmRSS, and RssAnon, the part no file backs (RSS is mostly shared
# library text, the same pages for every process that maps it).
rss_sample() {
	for p in $CPIDS; do
		kb=$(awk '$1 == "VmRSS:" { r = $2 } $1 == "RssAnon:" {
			a = $2 } END { if (r != "") print r, a + 0 }' \
		    "/proc/$p/status" 2>/dev/null)
		[ -n "$kb" ] || continue
		name=$(tr '\0' ' ' <"/proc/$p/cmdline" | awk '{
			if ($2 ~ /^\[/) print $1 $2; else print $1 }')
		echo "${name##*/} $p $kb"
	done >"$1"
}

iperf_server() {
	taskset -c "$PEER_CPU" ip netns exec "$NS_G" iperf3 -s -1 \
	    -B "$TARGET" -p "$IPERF_PORT" >"$T/iperf-server.log" 2>&1 &
	IPERF_PID=$!
	lib_track "$IPERF_PID"
	wait_until 50 0.1 eval "ip netns exec '$NS_G' ss -Hltn \
	    'sport = :$IPERF_PORT' | grep -q ."
}

# peer_cmd BYTE: a command on the peer's control FIFO (see esppeer.c).
peer_cmd() {
	printf '%s' "$1" >"$PEER_CTL"
}

# peer_counts: "rx_dgrams tx_dgrams sink" of the peer (ESP datagrams
# received and sent, discarded port-9 packets), from a fresh counters
# line (asked for with 'p', answered within a poll interval).
peer_counts() {
	c=$(grep -c '^esppeer: rx_dgrams' "$PEER_ERR")
	peer_cmd p
	wait_until 50 0.02 eval \
	    '[ "$(grep -c "^esppeer: rx_dgrams" "$PEER_ERR")" -gt "$c" ]'
	grep '^esppeer: rx_dgrams' "$PEER_ERR" | tail -n 1 | awk '{
		for (i = 2; i < NF; i += 2) v[$i] = $(i + 1)
		print v["rx_dgrams"] + 0, v["tx_dgrams"] + 0, v["sink"] + 0 }'
}

# sink_counts: "rx drops" of the sink, from a fresh line (asked for with
# SIGUSR1, answered once it has read what is queued).
sink_counts() {
	c=$(wc -l <"$SINK_OUT")
	kill -USR1 "$SINK_PID" 2>/dev/null
	wait_until 100 0.01 eval '[ "$(wc -l <"$SINK_OUT")" -gt "$c" ]' ||
	    echo "# bench: no answer from the sink (see $T/sink.err)" >&2
	awk -F '[= ]' '$1 == "rx" { r = $2; d = $4 }
		END { print r + 0, d + 0 }' "$SINK_OUT"
}

# run_test WHO ROUND TEST: one test with the CPU, packet, RSS and (for
# the 1-stream TCP tests) ping samples around it; one record line.
run_test() {
	base=$T/$1-$2-$3
	CPIDS=$(client_pids | tr "\n" " ")
	: >"$base.ping"
	( sleep "$(awk -v d="$DUR" -v o="$OMIT" 'BEGIN { print o + d / 2 }')"
	  rss_sample "$base.rss" ) &
	RSS_PID=$!
	perf_start "$base"
	LATE=0
	case $3 in
	tcp-*) run_iperf "$3" "$base" ;;
	pps*-tx) run_blast_tx "${3%-tx}" ;;
	pps*-rx) run_blast_rx "${3%-rx}" ;;
	esac
	wait "$RSS_PID"
	[ -z "$PERF_PID" ] || wait "$PERF_PID"
	record "$1" "$2" "$3" "$base"
}

# BENCH_PERF=1: a perf profile (call graphs) of the client CPU over the
# middle half of each test, kept as BASE.perf with the logs (KEEP_TMP=1
# keeps them); the figures of a profiled run are not for the record.
perf_start() {
	PERF_PID=
	[ "${BENCH_PERF:-0}" = 1 ] || return 0
	( sleep "$(awk -v d="$DUR" -v o="$OMIT" 'BEGIN { print o + d / 4 }')"
	  perf record -q -g -C "$CLIENT_CPU" -o "$1.perf" -- \
	      sleep "$(awk -v d="$DUR" 'BEGIN { print d / 2 }')" \
	      >/dev/null 2>&1 ) &
	PERF_PID=$!
}

# BENCH_CAPTURE=1: tcpdump beside each ping, on both tuns (the echoes)
# and both veths (small ESP datagrams outbound), BASE.cap-*, for
# bench/pinglegs.py: where each echo's round trip went. tcpdump takes
# CPU: the figures of a capture run are not for the record.
cap_start() {
	CAP_PIDS=
	[ "${BENCH_CAPTURE:-0}" = 1 ] || return 0
	cap "$NS_C" "$C_TUN" "" icmp "$1.cap-ct"
	cap "$NS_G" "$PEER_TUN" "" icmp "$1.cap-gt"
	cap "$NS_C" c0 out 'udp and less 300' "$1.cap-cv"
	cap "$NS_G" g0 out 'udp and less 300' "$1.cap-gv"
	sleep 0.5	# tcpdump's start
}

# cap NS DEV DIRECTION FILTER OUT
cap() {
	ip netns exec "$1" tcpdump -i "$2" ${3:+-Q "$3"} -n -tt \
	    --time-stamp-precision=micro -l "$4" >"$5" 2>/dev/null &
	CAP_PIDS="$CAP_PIDS $!"
	lib_track $!
}

cap_stop() {
	for p in $CAP_PIDS; do
		stop_pid "$p" INT 2
	done
	CAP_PIDS=
}

# run_iperf TEST BASE: TCP, tx (client sends) or rx (-R), 1 or 4
# streams, or 1 stream paced at PACED_MBIT; ping beside one stream.
run_iperf() {
	rev= streams=${1##*-} rate=
	case $1 in tcp-rx-*) rev=-R ;; esac
	case $1 in *-paced) streams=1 rate=${PACED_MBIT}M ;; esac
	VALUE=0
	iperf_server || { echo "# iperf3 server did not start" >&2; return; }
	PING_PID=
	if [ "$streams" = 1 ]; then
		cap_start "$2"
		taskset -c "$CLIENT_CPU" ip netns exec "$NS_C" ping -n \
		    -i 0.1 -W 2 -w $((DUR + OMIT + 30)) "$TARGET" \
		    >"$2.ping" 2>&1 &
		PING_PID=$!
	fi
	snap a
	timeout $((DUR + OMIT + 20)) taskset -c "$CLIENT_CPU" \
	    ip netns exec "$NS_C" iperf3 -c "$TARGET" -p "$IPERF_PORT" \
	    -t "$DUR" -O "$OMIT" -P "$streams" $rev ${rate:+-b "$rate"} -J \
	    >"$2.json" 2>"$2.err"
	snap b
	# Ping under load only: it stops with the load.
	[ -z "$PING_PID" ] || stop_pid "$PING_PID" INT 2
	cap_stop
	wait_until 50 0.1 gone "$IPERF_PID" || stop_pid "$IPERF_PID" KILL 2
	wait "$IPERF_PID" 2>/dev/null
}

# run_blast_tx ppsSIZE: bench/blast floods the peer's discard port from
# the client CPU; the value is what the peer received and counted.
run_blast_tx() {
	snap a
	timeout $((DUR + 20)) taskset -c "$CLIENT_CPU" \
	    ip netns exec "$NS_C" "$BLAST" "$TARGET" 9 "${1#pps}" "$DUR" \
	    >/dev/null
	sleep 0.2	# datagrams still queued in tun, socket and peer
	snap b
	VALUE=$((b_discard - a_discard))
}

# run_blast_rx ppsSIZE: the peer floods the client's tunnel address from
# the peer CPU; the value is the datagrams the client delivered to the
# sink: read, or dropped for its full buffer (the client did its part).
run_blast_rx() {
	client_rps 0
	snap a
	case $1 in
	pps64) peer_cmd a ;;
	*) peer_cmd b ;;
	esac
	sleep "$DUR"
	peer_cmd s
	sleep 0.2	# what the client still had queued
	snap b
	VALUE=$((b_sinkrx + b_sinkdrop - a_sinkrx - a_sinkdrop))
	sink_settle
	client_rps $((1 << CLIENT_CPU))
}

# sink_settle: wait (5 s at most) until the sink's count stops growing,
# so that a client still writing its backlog (OpenConnect queues what it
# decrypts) does not add it to the next test's figure; LATE is what
# reached the sink after this test's window.
sink_settle() {
	last=$(sink_counts)
	n=50
	while [ "$n" -gt 0 ]; do
		sleep 0.1
		cur=$(sink_counts)
		[ "$cur" = "$last" ] && break
		last=$cur
		n=$((n - 1))
	done
	# shellcheck disable=SC2086
	set -- $last
	LATE=$(($1 + $2 - b_sinkrx - b_sinkdrop))
}

# The client namespace's RcvbufErrors are the client's ESP socket's and
# the sink's: client_udp_drops is the client's share.
record() {
	set -- "$1" "$2" "$3" "$4" $a_c0 $b_c0 $a_c1 $b_c1
	sdrop=$((b_sinkdrop - a_sinkdrop))
	cdrop=$((b_cdrop - a_cdrop - sdrop))
	[ "$cdrop" -ge 0 ] || cdrop=0
	echo "who=$1 round=$2 test=$3 iperf=$4.json ping=$4.ping" \
	    "rss=$4.rss cli_ticks=$((b_cli - a_cli))" \
	    "peer_ticks=$((b_peer - a_peer))" \
	    "sink_ticks=$((b_sinkt - a_sinkt))" \
	    "tun_pkts=$((b_tunpkts - a_tunpkts))" \
	    "esp_out=$((b_esprx - a_esprx + b_gdrop - a_gdrop))" \
	    "esp_in=$((b_esptx - a_esptx - cdrop))" \
	    "ns=$((b_ns - a_ns)) c0_busy=$(($7 - $5))" \
	    "c0_total=$(($8 - $6)) c1_busy=$((${11} - $9))" \
	    "c1_total=$((${12} - ${10})) pkts_in=$VALUE secs=$DUR" \
	    "client_udp_drops=$cdrop sink_drops=$sdrop" \
	    "sink_rx=$((b_sinkrx - a_sinkrx)) sink_late=$LATE" \
	    "peer_udp_drops=$((b_gdrop - a_gdrop))" >>"$RECORDS"
}

# session WHO ROUND: one contender's session and all its tests.
session() {
	n=$1-$2
	peer_start "$n"
	https0=$(gwlog "r.get('path') == '/ssl-tunnel-connect.sslvpn'")
	client_prep "$1" "$n"
	client_prestart "$1" "$n"
	# The clock: the peer's (first-esp) and the gateway log's (phases).
	# One instant on both clocks (a separate `date` read the wall clock
	# some ms before the peer's, which put first-esp before getconfig).
	now=$("$PEER" now)
	t0=${now% *}
	t0wall=${now#* }
	client_start "$1" "$n"
	if ! client_up; then
		echo "# $1 round $2: no tunnel; logs kept in $T" >&2
		for f in $CLIENT_LOGS "$PEER_ERR"; do
			tail -n 5 "$f" | sed "s|^|#   ${f##*/}: |" >&2
		done
		FAILS=$((FAILS + 1))
		client_stop
		peer_stop
		return
	fi
	first=$(awk '$1 == "first_esp_ns" { print $2; exit }' "$PEER_OUT")
	# The service shape and the connect rounds are timed for their
	# connect only.
	[ "$1" = gpvpn-svc ] || [ "$2" -gt "$ROUNDS" ] || for t in $TESTS; do
		run_test "$1" "$2" "$t"
	done
	client_stop
	peer_stop
	https=$(($(gwlog "r.get('path') == '/ssl-tunnel-connect.sslvpn'") -
	    https0))
	[ -n "$first" ] && first=$((first - t0))
	echo "who=$1 round=$2 test=session first_esp_ns=${first:-none}" \
	    "t0_ns=$t0" \
	    "$("$PY" "$PHASES" record "$GW_LOG" "$t0wall")" \
	    "https_tunnels=$https peer=\"$(tail -n 1 "$PEER_ERR")\"" \
	    >>"$RECORDS"
}

machine() {
	echo "date $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "nproc $(nproc)"
	echo "cpu $(awk -F': ' '/^model name/ { print $2; exit }' \
	    /proc/cpuinfo)"
	echo "kernel $(uname -r)"
	echo "openssl $(openssl version 2>/dev/null)"
	echo "openconnect $(openconnect --version 2>/dev/null | head -n 2 |
	    sed 's/\. Features.*//' | tr '\n' ' ')"
	echo "iperf3 $(iperf3 --version 2>/dev/null | head -n 1)"
	echo "gpvpn $(git -C "$REPO" describe --always --dirty 2>/dev/null)"
	echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "rounds $ROUNDS"
	echo "connect_rounds $CONNECTS"
	echo "seconds $DUR"
	echo "omit $OMIT"
	echo "paced_mbit $PACED_MBIT"
	echo "short $SHORT"
}

machine >"$T/machine"
netns_setup
make_certs
make_password
peer_tun_setup || die "the peer's tun $PEER_TUN in the gateway namespace"
rps_setup || die "RPS on the veths: each side's receive work on its CPU"
bench_gw_start
sink_start || die "bench/sink on port 9 in $NS_C (see $T/sink.err)"
case " $CONTENDERS " in
*" gpvpn-svc "*) svc_start ||
	die "gp-tunnel --listen in $NS_C (see $T/svc.err)" ;;
esac
note "bench: $ROUNDS round(s) of $DUR s tests; load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
# The load rounds, then the connect rounds (sessions only, session()
# sees r > ROUNDS): first-esp's median over more than ROUNDS starts, as
# a start varies by tens of ms here.
r=1
while [ "$r" -le $((ROUNDS + CONNECTS)) ]; do
	what="round $r/$ROUNDS"
	[ "$r" -le "$ROUNDS" ] ||
	    what="connect round $((r - ROUNDS))/$CONNECTS"
	for who in $CONTENDERS; do
		note "$what: $who"
		session "$who" "$r"
	done
	r=$((r + 1))
done
gw_stop
echo "loadavg-end $(cut -d' ' -f1-3 /proc/loadavg)" >>"$T/machine"
mkdir -p "$RESULTS"
"$PY" "$PHASES" table "$RECORDS" | sed 's/^/# /'
[ "${BENCH_CAPTURE:-0}" != 1 ] ||
    "$PY" "$REPO/bench/pinglegs.py" "$RECORDS" | sed 's/^/# /'
if [ "$CONNECT_ONLY" = 1 ]; then
	cp "$RECORDS" "$RESULTS/connect-$(date -u +%Y-%m-%dT%H%MZ).records"
else
	"$PY" "$REPORT" "$RECORDS" "$T/machine" "$RESULTS" ||
	    FAILS=$((FAILS + 1))
fi
[ "$FAILS" -eq 0 ]
