#!/bin/sh
# SPDX-License-Identifier: ISC
# status_test.sh: gp-tunnel --status-fd and --syslog, in namespaces
# against the test gateway (issue 12, items 5 and 6):
#  (a) ESP, then the gateway's ESP goes silent (HTTPS), SIGUSR1, stop:
#      every status line parses and matches doc/status.schema.json
#      (checked by hand), the states and events come in order, counters
#      and addresses are those of the session; with --syslog and a
#      /dev/log the test reads, the log goes there (the connect line with
#      interface, addresses, transport and gateway, [net]'s lines
#      relayed) and not to stderr;
#  (b) a reader that never reads and then goes away: the tunnel carries
#      traffic all along, the lines are dropped with a warning, EPIPE
#      ends the status lines and not the session;
#  (c) --status-fd refused: stdin, stderr, a closed and a read-only fd;
#  (d) a rekey every 3 s: "rekeying", then a "rekey" line in state
#      "connected" once [net] installed the keys, and the SA age starts
#      over;
#  no secret (password, authcookies, ESP keys) in the status lines,
#  syslog or stderr.
# Needs root; takes binaries from $B; TAP; bounded to 260 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 260
need_client
netns_setup
make_certs
make_password
SCHEMA=$REPO/doc/status.schema.json
ISO_RE='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z'
CHECK=$LIB_DIR/statuscheck.py

# The secrets: password, authcookies, and every ESP key the gateway issued.
all_secrets() {
	secret_patterns || return 1
	"$PY" -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k in ("ekey-c2s", "ekey-s2c", "akey-c2s", "akey-s2c"):
        if r.get(k):
            print(r[k])
            print(r[k].upper())' "$T/gw-secrets" >>"$T/secret-patterns"
	[ "$(grep -c . "$T/secret-patterns")" -ge 4 ]
}

no_secret_in() {
	all_secrets || { echo "no secrets recorded"; return 1; }
	for f in "$@"; do
		if grep -qF -f "$T/secret-patterns" "$f"; then
			echo "secret found in $f"
			return 1
		fi
	done
}

# status_start ROUND WRAP [gp-tunnel options]: gpvpn_start's pipeline, with
# fd 5 open on $T/status-ROUND (a file, or a FIFO made beforehand) and
# WRAP ("" or devlog.sh's command) before nsexec.sh.
status_start() {
	r=$1
	wrap=$2
	shift 2
	make_script "script-$r"
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v "https://$GW_ADDR/" 2>"$T/auth-$r.err" |
	  ip netns exec "$NS_C" $wrap sh "$NSEXEC" -p "$T/tun-$r.pid" \
	    -r "$T/tun-$r.rc" -n "$T/client-resolv.conf" -- \
	    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" --status-fd 5 "$@" \
	    2>"$T/tun-$r.err" 5>>"$T/status-$r" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid" &&
	    wait_until 100 0.1 test -s "$T/tun-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
	TUN_PID=$(pidof_file "$T/tun-$r.pid")
}

round_down() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "($1) gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$1.rc"
	gw_stop
}

lines_ok() {
	"$PY" "$CHECK" "$SCHEMA" "$T/status-$1" "$2"
}

# A new namespace queues 10 datagrams per unix socket; a host's journald
# has 512 (systemd sets it at boot). With 10, a burst of -v lines while
# the reader below (made in that namespace: the queue's length is its
# socket's) waits for a CPU is refused with EAGAIN, and the logger falls
# back to stderr, as it should: the test would see a lost race.
ip netns exec "$NS_C" sysctl -qw net.unix.max_dgram_qlen=512 ||
    die "net.unix.max_dgram_qlen in the client's namespace"

# ---- (a) ESP, ESP goes silent, SIGUSR1, stop; --syslog ----------------

ip netns exec "$NS_C" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(8192) + b"\n")' "$T/log.sock" "$T/syslog" &
lib_track $!
wait_until 50 0.1 test -e "$T/syslog.ready" || die "syslog reader starts"

note "(a) ESP, the gateway's ESP silent after 4 s, SIGUSR1, SIGTERM"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
: >"$T/status-a"
gw_start --udp-drop-after 4
status_start a "sh $LIB_DIR/devlog.sh $T/log.sock --" --syslog -v
if gpvpn_up a; then
	check "(a) connected over ESP: the status line says so" \
	    wait_until 100 0.1 lines_ok a "any(o['state'] == 'connected'
	    and o['transport'] == 'esp' and o['sa_age_s'] is not None
	    for o in lines)"
	check "(a) the gateway's ESP goes silent: transport https (<= 40 s)" \
	    wait_until 400 0.1 lines_ok a "any(o['event'] == 'transport'
	    and o['transport'] == 'https' and o['sa_age_s'] is None
	    for o in lines)"
	ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR" >/dev/null
	kill -USR1 "$TUN_PID"
	check "(a) SIGUSR1: a request line with the traffic" \
	    wait_until 50 0.1 lines_ok a "any(o['event'] == 'request' and
	    o['state'] == 'connected' and o['transport'] == 'https' and
	    o['counters']['tx_packets'] >= 3 and
	    o['counters']['rx_packets'] >= 3 for o in lines)"
fi
round_down a
check "(a) every line valid; the states in order; stopped last, status 0" \
    lines_ok a "seq[0] == 'state/connecting' and
    seq.index('state/connected') < seq.index('state/disconnecting') <
    seq.index('state/stopped') == len(seq) - 1 and
    lines[-1]['exit_status'] == 0 and 'final/disconnecting' in seq"
check "(a) addresses, interface, gateway, MTU of the session" \
    lines_ok a "all(o['interface'] == '$C_TUN' and
    o['gateway'] == {'host': '$GW_ADDR', 'address': '$GW_ADDR',
    'port': 443} and o['address']['ipv4'].startswith('198.18.128.')
    for o in lines) and any(o['mtu'] for o in lines)"
sed 's/^/#   /' "$T/status-a" | head -n 12
CONNECT_RE="^<30>gp-tunnel\[[0-9]+\]: connected: $C_TUN up, IPv4 198\.18\.128"
CONNECT_RE="$CONNECT_RE\.[0-9]+, IPv6 -, MTU [0-9]+, transport esp, gateway"
CONNECT_RE="$CONNECT_RE $GW_ADDR \($GW_ADDR\) port 443\$"
check "(a) syslog: the connect line: interface, addresses, transport, gateway" \
    grep -qE "$CONNECT_RE" "$T/syslog"
check "(a) syslog: [net]'s lines relayed by [priv], debug at LOG_DEBUG" \
    grep -qE '^<31>gp-tunnel\[[0-9]+\]: sandbox net: entered' "$T/syslog"
check "(a) syslog: [net]'s warning of the ESP death at LOG_WARNING" \
    grep -qE '^<28>gp-tunnel\[[0-9]+\]: esp: nothing received' "$T/syslog"
check "(a) with --syslog, nothing on stderr" test ! -s "$T/tun-a.err"
sed -n '1,6s/^/#   /p' "$T/syslog"

# ---- (b) a reader that never reads, then goes away --------------------

note "(b) HTTPS, a reader that holds the FIFO and never reads"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
rm -f "$T/status-b"
mkfifo "$T/status-b"
sleep 120 <>"$T/status-b" &
HOLD_PID=$!
lib_track "$HOLD_PID"
gw_start
status_start b "" --no-esp --timestamp
if gpvpn_up b; then
	i=0
	while [ "$i" -lt 200 ] && alive "$TUN_PID"; do
		kill -USR1 "$TUN_PID"
		i=$((i + 1))
		sleep 0.02
	done
	check "(b) --timestamp: stderr lines begin with ISO 8601 UTC, ms" \
	    grep -qE "^$ISO_RE gp-tunnel: connected: " "$T/tun-b.err"
	check "(b) 200 SIGUSR1 into a full pipe: a warning, lines dropped" \
	    wait_until 50 0.1 grep -q 'the reader is not keeping up' \
	    "$T/tun-b.err"
	check "(b) the tunnel still carries traffic" \
	    ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR"
	stop_pid "$HOLD_PID" KILL 5
	# A reader that comes back empties the pipe; then it goes too.
	timeout 5 cat "$T/status-b" >"$T/status-b.read" 2>/dev/null
	kill -USR1 "$TUN_PID"
	check "(b) EPIPE: the status lines end, with a warning" \
	    wait_until 50 0.1 grep -q 'no more status lines' "$T/tun-b.err"
	check "(b) the tunnel still carries traffic after EPIPE" \
	    ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR"
fi
round_down b

# ---- (d) rekeys every 3 s ---------------------------------------------

note "(d) ESP with a rekey every 3 s"
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
: >"$T/status-d"
gw_start --timeout 63
status_start d ""
if gpvpn_up d; then
	check "(d) rekeying, then a rekey line in state connected: SA age reset" \
	    wait_until 150 0.1 lines_ok d "'state/rekeying' in seq and
	    seq.index('state/rekeying') + 1 < len(seq) and
	    seq[seq.index('state/rekeying') + 1] == 'rekey/connected' and
	    any(o['event'] in ('rekey', 'transport') and
	    o['counters']['rekeys'] >= 1
	    and o['sa_age_s'] is not None and o['sa_age_s'] <= 3
	    for o in lines)"
fi
round_down d
check "(d) every line valid; stopped last" \
    lines_ok d "seq[-1] == 'state/stopped'"

# ---- (e) gp-auth --syslog --timestamp --------------------------------

note "(e) gp-auth --authenticate --syslog, /dev/log the test's socket"
chmod 666 "$T/log.sock"		# as /dev/log is: gp-auth runs as a user
gw_start
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" \
    sh "$LIB_DIR/devlog.sh" "$T/log.sock" -- $(as_auth_user) \
    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
    --authenticate --syslog -v -v "https://$GW_ADDR/" \
    >"$T/auth-e.out" 2>"$T/auth-e.err"
echo $? >"$T/auth-e.rc"
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" $(as_auth_user) \
    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
    --authenticate --timestamp "https://$GW_ADDR/" \
    >/dev/null 2>"$T/auth-e2.err"
gw_stop
check "(e) gp-auth --authenticate exits 0" grep -qx 0 "$T/auth-e.rc"
check "(e) the cookie lines still on stdout" grep -q '^COOKIE=' "$T/auth-e.out"
check "(e) gp-auth's lines in syslog, facility user, debug at LOG_DEBUG" \
    wait_until 30 0.1 grep -qE '^<15>gp-auth\[[0-9]+\]: ' "$T/syslog"
check "(e) ... info at LOG_INFO" grep -qE '^<14>gp-auth\[[0-9]+\]: ' \
    "$T/syslog"
check "(e) with --syslog, nothing on gp-auth's stderr" \
    test ! -s "$T/auth-e.err"
check "(e) gp-auth --timestamp: ISO 8601 UTC with ms on stderr lines" \
    grep -qE '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z gp-auth: ' \
    "$T/auth-e2.err"

# ---- (c) descriptors refused at start ---------------------------------

refused() {
	want=$1
	shift
	out=$(ip netns exec "$NS_C" "$GP_TUNNEL" "$@" </dev/null 2>&1 4</dev/null)
	echo "$out" | grep -qF -- "$want" || { echo "got: $out"; return 1; }
}
check "(c) --status-fd 0 refused" refused "--status-fd \`0\`: stdin" \
    --status-fd 0
check "(c) --status-fd 2 refused" refused "--status-fd \`2\`: stderr" \
    --status-fd 2
check "(c) a closed descriptor refused" refused "--status-fd \`9\`: not open" \
    --status-fd 9
check "(c) a read-only descriptor refused" \
    refused "--status-fd \`4\`: not open for writing" --status-fd 4
check "(c) not a number" refused "--status-fd: \`x\` is not" --status-fd x

check "no secret in the status lines, syslog or stderr" \
    no_secret_in "$T/status-a" "$T/status-b.read" "$T/status-d" \
    "$T/syslog" \
    "$T"/tun-*.err "$T"/auth-*.err
check_host_untouched
lib_finish
