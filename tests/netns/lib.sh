# SPDX-License-Identifier: ISC
# lib.sh: shared by the namespace tests and the demo (POSIX sh, sourced).
# Builds three namespaces named with this shell's pid: a client, the
# gateway (tests/gateway/gpgw.py) and a LAN host behind it, joined by veth
# pairs and addressed from 198.18.0.0/15 only, with no default routes:
#
#   client 198.18.0.2/24 --- 198.18.0.1/24 gateway 198.18.64.1/24 --- lan
#                              tun 198.18.128.1/24          198.18.64.2/24
#
# Every wait is bounded, and a trap kills what was started and deletes the
# namespaces on every exit path, signals included. Checks print TAP lines
# ("ok - ..." / "not ok - ...") that tests/run.sh counts.

LIB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LIB_DIR/../.." && pwd)
PY=/usr/bin/python3
GW_PY=$REPO/tests/gateway/gpgw.py
NSEXEC=$LIB_DIR/nsexec.sh
VPNC_SCRIPT=${VPNC_SCRIPT:-/usr/share/vpnc-scripts/vpnc-script}

NS_C=gpvpn-c-$$
NS_G=gpvpn-g-$$
NS_L=gpvpn-l-$$
C_ADDR=198.18.0.2
GW_ADDR=198.18.0.1
GW_LAN=198.18.64.1
LAN_ADDR=198.18.64.2
LAN_NET=198.18.64.0/24
POOL=198.18.128.0/24
GW_TUN_ADDR=198.18.128.1
GW_TUN=gpgw0
C_TUN=gptun0
TEST_USER=alice
XFER_BYTES=1048576
XFER_PORT=5001

FAILS=0
PASSES=0
SKIPS=0
T=
LIB_NS_MADE=
LIB_PIDS=
WATCHDOG=
QUIET=${QUIET:-0}
# `sudo make check` must not make every test run on behalf of its user
# (tunnel/caller.c): the tests are root's own.
unset SUDO_UID SUDO_USER SUDO_GID PKEXEC_UID DOAS_USER

# ---- output -------------------------------------------------------------

note() {
	[ "$QUIET" = 1 ] || echo "# $*"
}

ok() {
	PASSES=$((PASSES + 1))
	echo "ok - $*"
}

notok() {
	FAILS=$((FAILS + 1))
	echo "not ok - $*"
}

# check DESC CMD...: one TAP line for CMD's exit status; its output goes
# to $T/last-check.out and, on failure, to stderr.
check() {
	desc=$1
	shift
	if "$@" >"$T/last-check.out" 2>&1; then
		ok "$desc"
	else
		notok "$desc"
		sed 's/^/#   /' "$T/last-check.out" | head -n 20 >&2
	fi
}

# skip DESC REASON: a check that cannot run here (a tool is missing), as
# TAP "ok - DESC # SKIP REASON"; tests/run.sh counts it as skipped.
skip() {
	SKIPS=$((SKIPS + 1))
	echo "ok - $1 # SKIP $2"
}

die() {
	notok "$*"
	exit 1
}

# ---- bounded waiting ----------------------------------------------------

# wait_until TRIES STEP_S CMD...: run CMD up to TRIES times, STEP_S apart.
wait_until() {
	tries=$1
	step=$2
	shift 2
	while [ "$tries" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		tries=$((tries - 1))
		sleep "$step"
	done
	return 1
}

# alive PID: true while PID runs (a zombie counts as gone).
alive() {
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

gone() {
	! alive "$1"
}

# stop_pid PID [SIG] [SECONDS]: signal PID, then KILL it after SECONDS.
stop_pid() {
	pid=$1
	alive "$pid" || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	n=$((${3:-5} * 10))
	while [ "$n" -gt 0 ] && alive "$pid"; do
		sleep 0.1
		n=$((n - 1))
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	return 0
}

pidof_file() {
	[ -s "$1" ] && cat "$1"
}

# ---- set-up and clean-up ------------------------------------------------

# lib_start LIMIT_S: temp dir, traps, a watchdog bounding the whole run,
# and a snapshot of the host state the test must leave alone.
lib_start() {
	if [ "$(id -u)" -ne 0 ]; then
		skip "$(basename "$0" .sh)" "namespace tests need root"
		exit 0
	fi
	T=$(mktemp -d /tmp/gpvpn-netns.XXXXXX)
	chmod 755 "$T"
	trap lib_cleanup EXIT
	trap 'lib_signal INT' INT
	trap 'lib_signal TERM' TERM
	trap 'lib_signal HUP' HUP
	lib_snapshot >"$T/host-before"
	# On expiry, also stop what runs in our namespaces, so that a
	# foreground command returns and the shell gets to its trap.
	( sleep "$1"; echo "# watchdog: $1 s limit reached" >&2
	  : >"$T/watchdog-fired"
	  kill -TERM $$
	  for ns in "$NS_C" "$NS_G" "$NS_L"; do
		# shellcheck disable=SC2046
		kill -TERM $(ip netns pids "$ns" 2>/dev/null) 2>/dev/null
	  done ) >/dev/null 2>&1 &
	WATCHDOG=$!
}

lib_signal() {
	echo "# interrupted (SIG$1), cleaning up" >&2
	exit 130
}

# The host (root namespace) state that must not change.
lib_snapshot() {
	echo "resolv.conf $(sha256sum </etc/resolv.conf)"
	echo "--- ip route"; ip route
	echo "--- ip -6 route"; ip -6 route
	echo "--- /run/vpnc $(ls -d /run/vpnc 2>/dev/null)"
	echo "--- /etc/netns $(ls /etc/netns 2>/dev/null | grep -c gpvpn)"
	# nsexec.sh's mounts must stay inside the client's mount namespace.
	echo "--- mounts on /etc/resolv.conf" \
	    "$(awk '$5 == "/etc/resolv.conf"' /proc/self/mountinfo | wc -l)," \
	    "gpvpn-run $(grep -c gpvpn-run /proc/self/mountinfo)"
}

lib_track() {
	LIB_PIDS="$LIB_PIDS $*"
}

lib_cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	# The watchdog, then its sleep (which would outlive it by the whole
	# limit): KILL, as the subshell may hold TERM until the sleep ends.
	if [ -n "$WATCHDOG" ]; then
		wd_kids=$(pgrep -P "$WATCHDOG")
		kill -KILL "$WATCHDOG" 2>/dev/null
		# shellcheck disable=SC2086
		[ -z "$wd_kids" ] || kill $wd_kids 2>/dev/null
	fi
	if [ -e "$T/watchdog-fired" ]; then
		notok "test finished within its time limit"
		rc=1
	fi
	pids=$LIB_PIDS
	if [ -n "$T" ]; then
		for f in "$T"/*.pid; do
			[ -s "$f" ] && pids="$(cat "$f") $pids"
		done
	fi
	for p in $pids; do
		alive "$p" && kill -TERM "$p" 2>/dev/null
	done
	for p in $pids; do
		stop_pid "$p" TERM 3
	done
	for ns in $LIB_NS_MADE; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do
			stop_pid "$p" KILL 2
		done
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "${KEEP_TMP:-}" ] || [ "$FAILS" -ne 0 ]; then
			echo "# logs kept in $T" >&2
			# The secrets files are for this run only.
			rm -f "$T/gw-password" "$T/gw-secrets"
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}

# ns_add NAME: a namespace, deleted by lib_cleanup; tests/run.sh's leak
# check learns its name and inode from $GPVPN_RUN_DIR/netns.
ns_add() {
	ip netns add "$1" || die "create namespace $1"
	LIB_NS_MADE="$LIB_NS_MADE $1"
	[ -z "${GPVPN_RUN_DIR:-}" ] ||
	    echo "$1 $(stat -L -c %i "/run/netns/$1")" >>"$GPVPN_RUN_DIR/netns"
	ip -n "$1" link set lo up
}

netns_setup() {
	ns_add "$NS_C"
	ns_add "$NS_G"
	ns_add "$NS_L"
	ip link add c0 netns "$NS_C" type veth peer name g0 netns "$NS_G" &&
	ip link add l0 netns "$NS_L" type veth peer name g1 netns "$NS_G" &&
	ip -n "$NS_C" addr add "$C_ADDR/24" dev c0 &&
	ip -n "$NS_G" addr add "$GW_ADDR/24" dev g0 &&
	ip -n "$NS_G" addr add "$GW_LAN/24" dev g1 &&
	ip -n "$NS_L" addr add "$LAN_ADDR/24" dev l0 &&
	ip -n "$NS_C" link set c0 up &&
	ip -n "$NS_G" link set g0 up &&
	ip -n "$NS_G" link set g1 up &&
	ip -n "$NS_L" link set l0 up &&
	ip -n "$NS_L" route add "$POOL" via "$GW_LAN" &&
	ip netns exec "$NS_G" sysctl -q -w net.ipv4.ip_forward=1 ||
	    die "set up the namespaces"
	# The client's own resolv.conf (see nsexec.sh -n).
	printf 'nameserver 198.18.0.53\nsearch client.gpvpn.test\n' \
	    >"$T/client-resolv.conf"
	cp "$T/client-resolv.conf" "$T/client-resolv.orig"
	mkdir -p "$T/vpnc"	# the client's /run/vpnc (nsexec.sh -n)
	wait_until 30 0.1 ip netns exec "$NS_C" ping -c 1 -W 1 "$GW_ADDR" ||
	    die "client reaches the gateway over the veth"
}

# ---- the gateway --------------------------------------------------------

make_certs() {
	sh "$REPO/tests/gateway/mkcert.sh" "$T/pki" ||
	    die "make test certificates"
	CA=$T/pki/ca.pem
	PIN=$(cat "$T/pki/server.pin")
}

make_password() {
	PASSWORD="pw-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')"
	( umask 077; printf '%s\n' "$PASSWORD" >"$T/gw-password" )
}

# gw_start [gpgw.py options...]: start the gateway and wait until ready.
# Each start logs to a new file, $GW_LOG. $GW_EXTRA: more options, for
# trying gateway modes by hand (e.g. GW_EXTRA=--portal).
GW_RUNS=0
gw_start() {
	GW_RUNS=$((GW_RUNS + 1))
	GW_LOG=$T/gw-$GW_RUNS.log
	: >"$GW_LOG"
	ip netns exec "$NS_G" "$PY" "$GW_PY" --listen "$GW_ADDR:443" \
	    --cert "$T/pki/server.pem" --key "$T/pki/server.key" \
	    --user "$TEST_USER" --password-file "$T/gw-password" \
	    --tun "$GW_TUN" --tun-addr "$GW_TUN_ADDR/24" --pool "$POOL" \
	    --route "$LAN_NET" --log "$GW_LOG" --secrets "$T/gw-secrets" \
	    ${GW_EXTRA:-} "$@" >"$T/gw.out" 2>>"$T/gw.err" &
	GW_PID=$!
	lib_track "$GW_PID"
	# python3 and its imports can take 10 s on a loaded 2-core machine
	wait_until 300 0.1 grep -q '"event": "ready"' "$GW_LOG" ||
	    die "gateway starts (see $T/gw.err)"
}

gw_stop() {
	stop_pid "$GW_PID" TERM 5
	wait "$GW_PID" 2>/dev/null
	return 0
}

# gwlog EXPR: number of gateway log records r for which EXPR is true.
gwlog() {
	"$PY" "$LIB_DIR/gwlog.py" "$GW_LOG" "$@"
}

# gwlog_has EXPR: at least one record matches.
gwlog_has() {
	[ "$(gwlog "$1")" -ge 1 ]
}

# ---- the client side ----------------------------------------------------

# make_script NAME: $SCRIPT, a vpnc-script wrapper that records each call
# (reason and the whole environment, one file per call under $REC) and
# then runs the real script. Both live in $T/vpnc, which nsexec.sh -n
# binds at /run/vpnc in the client's namespace: gp-tunnel's file-system
# view hides /tmp and keeps /run/vpnc writable (vpnc-script's own state
# directory). So $SCRIPT is the path inside, $REC the one outside; the
# wrapper writes to $REC_IN. Paths are baked in because a client may run
# its script with a clean environment.
make_script() {
	REC=$T/vpnc/$1
	REC_IN=/run/vpnc/$1
	SCRIPT=/run/vpnc/$1.sh
	mkdir -p "$REC"
	cat >"$T/vpnc/$1.sh" <<EOF
#!/bin/sh
# Recording wrapper around $VPNC_SCRIPT (made by tests/netns/lib.sh).
PATH=\${PATH:-/usr/sbin:/usr/bin:/sbin:/bin}
export PATH
n=\$(ls "$REC_IN" | wc -l)
f="$REC_IN/\$(printf %02d "\$n")-\${reason:-none}"
env | sort >"\$f.env"
"$VPNC_SCRIPT" >"\$f.out" 2>&1
rc=\$?
echo "\$rc" >"\$f.rc"
exit "\$rc"
EOF
	chmod 755 "$T/vpnc/$1.sh"
}

# script_ran REASON: the wrapper recorded a call with that reason.
script_ran() {
	ls "$REC" 2>/dev/null | grep -q -- "-$1.env\$"
}

# script_env REASON VAR: VAR as the script saw it in the last such call.
script_env() {
	f=$(ls "$REC" | grep -- "-$1.env\$" | tail -n 1)
	[ -n "$f" ] && sed -n "s/^$2=//p" "$REC/$f"
}

client_tun_addr() {
	ip -n "$NS_C" -4 -o addr show dev "$C_TUN" 2>/dev/null |
	    awk '{ split($4, a, "/"); print a[1]; exit }'
}

client_tun_up() {
	[ -n "$(client_tun_addr)" ]
}

client_tun_gone() {
	! ip -n "$NS_C" link show dev "$C_TUN" >/dev/null 2>&1
}

# ---- our client: printf PASSWORD | gp-auth | gp-tunnel ----------------

B=${B:-build}
case $B in
/*) BIN=$B ;;
*) BIN=$REPO/$B ;;
esac
GP_AUTH=$BIN/gp-auth
GP_TUNNEL=$BIN/gp-tunnel
# gp-auth needs no privilege, so the tests run it as nobody when they can.
AUTH_USER=${AUTH_USER:-nobody}

as_auth_user() {
	if [ "$AUTH_USER" != root ] && command -v setpriv >/dev/null; then
		echo setpriv --reuid="$AUTH_USER" --regid=nogroup --clear-groups
	fi
}

# gpvpn_start ROUND [gp-tunnel options]: the pipeline of the brief,
#   printf 'PASSWORD\n' | gp-auth ... | gp-tunnel -s SCRIPT
# with pids in $T/auth-ROUND.pid, $T/tun-ROUND.pid and exit statuses in
# the matching .rc files. Both log at -v -v to $T/*-ROUND.err.
gpvpn_start() {
	r=$1
	shift
	make_script "script-$r"
	# shellcheck disable=SC2046
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v "https://$GW_ADDR/" 2>"$T/auth-$r.err" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-$r.pid" \
	    -r "$T/tun-$r.rc" -n "$T/client-resolv.conf" -- \
	    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" -v -v "$@" \
	    2>"$T/tun-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid" &&
	    wait_until 50 0.1 test -s "$T/tun-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
	TUN_PID=$(pidof_file "$T/tun-$r.pid")
}

# gpvpn_up ROUND: wait (<= 20 s: ESP probing may take 5) for the tunnel.
gpvpn_up() {
	if wait_until 200 0.1 client_tun_up &&
	    wait_until 50 0.1 script_ran connect; then
		ok "round $1: gp-auth | gp-tunnel connects (tun $C_TUN up)"
		return 0
	fi
	notok "round $1: gp-auth | gp-tunnel connects"
	for f in "$T/auth-$1.err" "$T/tun-$1.err"; do
		echo "# --- tail of $f" >&2
		tail -n 15 "$f" | sed 's/^/#   /' >&2
	done
	return 1
}

# ---- typing at a terminal ----------------------------------------------

# read(2)'s number, to see a process blocked reading (/proc/PID/syscall).
case $(uname -m) in
aarch64|arm64|riscv64) READ_NR=63 ;;
i?86) READ_NR=3 ;;
*) READ_NR=0 ;;
esac

# tty_find PATTERN: TTY_PID, the $GP_AUTH on a terminal (fd 0 a pty)
# whose argv holds PATTERN.
tty_find() {
	for d in /proc/[0-9]*; do
		[ "$d/exe" -ef "$GP_AUTH" ] 2>/dev/null || continue
		case $(readlink "$d/fd/0" 2>/dev/null) in
		/dev/pts/*) ;;
		*) continue ;;
		esac
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "$1" ||
		    continue
		TTY_PID=${d#/proc/}
		return 0
	done
	return 1
}

# tty_waiting PID: PID is blocked in read(2) on its terminal.
tty_waiting() {
	sc=$(cut -d' ' -f1,2 "/proc/$1/syscall" 2>/dev/null) || return 1
	[ "${sc%% *}" = "$READ_NR" ] || return 1
	case $(readlink "/proc/$1/fd/$((${sc#* }))" 2>/dev/null) in
	/dev/tty|/dev/pts/*) return 0 ;;
	esac
	return 1
}

tty_rchar() {
	sed -n 's/^rchar: //p' "/proc/$1/io" 2>/dev/null
}

# tty_type PATTERN LINE...: on stdout (a pipe into script(1)), type each
# LINE for the gp-auth tty_find PATTERN finds, once it waits for it:
# blocked reading its terminal, after it has read the line before (it
# turns echo off with TCSAFLUSH, which drops what was typed ahead). Then
# keeps the pipe open until that gp-auth exits. Bounded: 10 s a step.
tty_type() {
	pat=$1
	shift
	for line in "$@"; do
		if ! wait_until 100 0.1 tty_find "$pat" ||
		    ! wait_until 100 0.1 tty_waiting "$TTY_PID"; then
			echo "# tty_type: no gp-auth reading a terminal" >&2
			return 1
		fi
		r0=$(tty_rchar "$TTY_PID")
		printf '%s\n' "$line"
		want=$((r0 + ${#line} + 1))
		wait_until 100 0.1 eval \
		    '[ "$(tty_rchar "$TTY_PID")" -ge "$want" ]' || return 1
	done
	wait_until 100 0.1 gone "$TTY_PID"
}

# ---- OpenConnect as the client -----------------------------------------

# openconnect_start NAME [OPTIONS]: openconnect in the client namespace,
# pid in $T/NAME.pid, exit status in $T/NAME.rc, output in
# $T/NAME.{out,err}. OPTIONS go to openconnect: --no-dtls for the HTTPS
# tunnel only; without it, OpenConnect uses ESP when the gateway offers it.
openconnect_start() {
	n=$1
	shift
	make_script "script-$n"
	printf '%s\n' "$PASSWORD" |
	    ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/$n.pid" -r "$T/$n.rc" \
	    -n "$T/client-resolv.conf" -- \
	    openconnect --protocol=gp "$@" --cafile "$CA" \
	    -u "$TEST_USER" --passwd-on-stdin --non-inter -i "$C_TUN" \
	    -s "$SCRIPT" "https://$GW_ADDR/" >"$T/$n.out" 2>"$T/$n.err" &
	lib_track $!
	wait_until 50 0.1 test -s "$T/$n.pid"
	OC_PID=$(pidof_file "$T/$n.pid")
}

# ---- traffic ------------------------------------------------------------

# burst NAME RNS RADDR PORT COUNT SIZE SNS MODE: udpburst.py's receiver
# on RADDR in namespace RNS, then its sender (MODE send or gsend) in SNS,
# with process $BURST_STOP (if set) stopped while it sends and for
# $BURST_SETTLE seconds (default 0) after, so that what the sender sent
# has reached it; 0 if every datagram arrived intact. What the receiver
# got: $T/NAME.json.
burst() {
	rm -f "$T/$1-ready"
	ip netns exec "$2" "$PY" "$LIB_DIR/udpburst.py" recv "$3" "$4" "$5" \
	    "$6" "$T/$1-ready" >"$T/$1.json" 2>"$T/$1.err" &
	up=$!
	lib_track "$up"
	if wait_until 50 0.1 test -e "$T/$1-ready"; then
		[ -z "${BURST_STOP:-}" ] || kill -STOP "$BURST_STOP"
		timeout 30 ip netns exec "$7" "$PY" "$LIB_DIR/udpburst.py" \
		    "$8" "$3" "$4" "$5" "$6"
		[ -z "${BURST_STOP:-}" ] || {
			sleep "${BURST_SETTLE:-0}"
			kill -CONT "$BURST_STOP"
		}
	fi
	wait_until 250 0.1 gone "$up" || stop_pid "$up" TERM 2
	wait "$up"
}

make_xfer_files() {
	head -c "$XFER_BYTES" /dev/urandom >"$T/c2l.bin"
	head -c "$XFER_BYTES" /dev/urandom >"$T/l2c.bin"
}

# xfer: the client sends c2l.bin to the LAN host over TCP through the
# tunnel while the LAN host sends l2c.bin back; both report sha256.
xfer() {
	rm -f "$T/xfer-ready" "$T/xfer-lan.json" "$T/xfer-client.json"
	ip netns exec "$NS_L" "$PY" "$LIB_DIR/xfer.py" serve "$LAN_ADDR" \
	    "$XFER_PORT" "$T/l2c.bin" "$T/xfer-ready" \
	    >"$T/xfer-lan.json" 2>"$T/xfer-lan.err" &
	xp=$!
	lib_track "$xp"
	wait_until 50 0.1 test -e "$T/xfer-ready" || return 1
	ip netns exec "$NS_C" "$PY" "$LIB_DIR/xfer.py" connect "$LAN_ADDR" \
	    "$XFER_PORT" "$T/c2l.bin" - \
	    >"$T/xfer-client.json" 2>"$T/xfer-client.err"
	crc=$?
	wait_until 100 0.1 gone "$xp"
	wait "$xp"
	src=$?
	[ "$crc" -eq 0 ] && [ "$src" -eq 0 ]
}

sha_of() {
	sha256sum <"$1" | cut -d' ' -f1
}

# xfer_verify: what each side received is what the other sent.
xfer_verify() {
	"$PY" - "$T" "$(sha_of "$T/c2l.bin")" "$(sha_of "$T/l2c.bin")" \
	    "$XFER_BYTES" <<'EOF'
import json, sys
t, c2l, l2c, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lan = json.load(open(t + "/xfer-lan.json"))
cli = json.load(open(t + "/xfer-client.json"))
ok = (lan["recv_bytes"] == n and lan["recv_sha256"] == c2l and
      cli["recv_bytes"] == n and cli["recv_sha256"] == l2c)
print("client->lan", lan["recv_bytes"], lan["recv_sha256"])
print("lan->client", cli["recv_bytes"], cli["recv_sha256"])
sys.exit(0 if ok else 1)
EOF
}

# The secrets to look for: the password and every authcookie the gateway
# issued (its root-only secrets file). Kept in a 0600 file and given to
# grep with -f, so they never appear in an argv themselves.
secret_patterns() {
	( umask 077
	  { printf '%s\n' "$PASSWORD"
	    "$PY" -c 'import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("authcookie"):
        print(r["authcookie"])' "$T/gw-secrets"
	  } >"$T/secret-patterns" )
	[ "$(wc -l <"$T/secret-patterns")" -ge 2 ]
}

no_secret_in_files() {
	secret_patterns || return 1
	for f in "$@"; do
		[ -e "$f" ] || continue
		if grep -qF -f "$T/secret-patterns" "$f"; then
			echo "secret found in $f"
			return 1
		fi
	done
	return 0
}

# ---- the checks both tests make -----------------------------------------

check_host_untouched() {
	lib_snapshot >"$T/host-after"
	check "host resolv.conf, routes, mounts, /run/vpnc, /etc/netns same" \
	    diff "$T/host-before" "$T/host-after"
}

# check_pings [LABEL]: pings both ways through the tunnel, after a bounded
# wait for the first reply (the script may still be adding the route, on
# a loaded machine). LABEL prefixes the TAP lines.
check_pings() {
	tip=$(client_tun_addr)
	wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 "$LAN_ADDR"
	check "${1:+$1: }client pings the LAN host $LAN_ADDR" \
	    ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR"
	check "${1:+$1: }LAN host pings the client's tunnel address $tip" \
	    ip netns exec "$NS_L" ping -c 3 -i 0.2 -W 2 "$tip"
}

# check_xfer [LABEL]: 1 MiB each way over TCP, checksums compared.
check_xfer() {
	if xfer && xfer_verify >"$T/xfer.out" 2>&1; then
		ok "${1:+$1: }1 MiB each way over TCP, sha256 match"
	else
		notok "${1:+$1: }1 MiB each way over TCP"
		cat "$T/xfer.out" "$T/xfer-lan.err" "$T/xfer-client.err" \
		    2>/dev/null | sed 's/^/#   /' >&2
	fi
}

# check_tunnel_traffic: pings both ways and the 1 MiB exchange.
check_tunnel_traffic() {
	check_pings ""
	check_xfer ""
}

check_connect_env() {
	tip=$(client_tun_addr)
	check "connect script: TUNDEV=$C_TUN" \
	    test "$(script_env connect TUNDEV)" = "$C_TUN"
	check "connect script: INTERNAL_IP4_ADDRESS is the tun address" \
	    test "$(script_env connect INTERNAL_IP4_ADDRESS)" = "$tip"
	check "connect script: VPNGATEWAY=$GW_ADDR" \
	    test "$(script_env connect VPNGATEWAY)" = "$GW_ADDR"
	check "connect script: split route $LAN_NET" \
	    test "$(script_env connect CISCO_SPLIT_INC_0_ADDR)/$(script_env \
	    connect CISCO_SPLIT_INC_0_MASKLEN)" = "$LAN_NET"
	check "connect script: DNS 198.18.64.53, domain gpvpn.test" \
	    test "$(script_env connect INTERNAL_IP4_DNS)/$(script_env \
	    connect CISCO_DEF_DOMAIN)" = "198.18.64.53/gpvpn.test"
	check "vpnc-script wrote the VPN DNS into the client's resolv.conf" \
	    grep -q '^nameserver 198.18.64.53' "$T/client-resolv.conf"
}

# check_logout: the gateway saw logout.esp with every cookie field right.
check_logout() {
	check "gateway: logout.esp with all cookie fields, accepted" \
	    gwlog_has "r.get('path') == '/ssl-vpn/logout.esp' and
	    r['status'] == 200 and r.get('logout_ok') is True and
	    all(k in r['fields'] for k in ('authcookie', 'portal', 'user',
	    'domain', 'computer', 'preferred-ip'))"
}

check_after_disconnect() {
	check "disconnect script ran" script_ran disconnect
	check "tun device $C_TUN is gone" wait_until 30 0.1 client_tun_gone
	check "vpnc-script restored the client's resolv.conf" \
	    cmp "$T/client-resolv.conf" "$T/client-resolv.orig"
}

# check_gateway_saw_login: the login form as PROTOCOL.md §5.1 has it.
check_gateway_saw_login() {
	check "gateway: login.esp accepted with the required fields" \
	    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
	    r['status'] == 200 and r.get('passwd_ok') is True"
	check "gateway: getconfig.esp accepted, cookie jar replayed" \
	    gwlog_has "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200 and r.get('jar_ok') is True and
	    not r.get('warnings')"
	check "gateway: tunnel request without headers, START_TUNNEL sent" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 200 and r['header_count'] == 0 and
	    r['query_order'] == ['authcookie', 'user']"
	check "gateway: packets moved both ways through the HTTPS tunnel" \
	    gwlog_has "r.get('event') == 'tunnel_disconnect' and
	    r['c2s_pkts'] > 0 and r['s2c_pkts'] > 0"
}

lib_finish() {
	echo "# $PASSES passed, $FAILS failed, $SKIPS skipped"
	[ "$FAILS" -eq 0 ]
}

# ---- ESP ---------------------------------------------------------------

# gw_counters: make the gateway write its counters now (SIGUSR1) and wait
# until the new record is in the log.
gw_counters() {
	n=$(gwlog "r.get('event') == 'counters'")
	kill -USR1 "$GW_PID" 2>/dev/null || return 1
	wait_until 50 0.1 gwlog_min "r.get('event') == 'counters'" $((n + 1))
}

# gwlog_min EXPR N: at least N records match.
gwlog_min() {
	[ "$(gwlog "$1")" -ge "$2" ]
}

# gw_session EXPR: true if EXPR holds for s, the newest session in the
# gateway's last counters record (per-session ESP/HTTPS counters, drops
# by reason in s['esp_drops'], s['transport']); prints s either way.
gw_session() {
	"$PY" - "$GW_LOG" "$1" <<'PYEOF'
import json, sys
last = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "counters" and r.get("sessions"):
        last = r["sessions"][-1]
print(json.dumps(last, sort_keys=True))
ok = last is not None and eval("(" + sys.argv[2] + ")", {"s": last})
sys.exit(0 if ok else 1)
PYEOF
}

# The gateway session carried its traffic over ESP only: data both ways,
# at least one magic ping answered, no HTTPS tunnel packet, and no
# HTTPS tunnel request at all in this gateway's log.
esp_only_expr="(s['transport'] == 'esp' and s['esp_in_data_pkts'] > 0 and
    s['esp_out_data_pkts'] > 0 and s['magic_replies'] >= 1 and
    s['https_c2s_pkts'] == 0 and s['https_s2c_pkts'] == 0)"

no_tunnel_request() {
	[ "$(gwlog "r.get('path') == '/ssl-tunnel-connect.sslvpn'")" -eq 0 ]
}

# capture_start NAME: record the ESP datagrams on the gateway's veth
# (capture filter: udp port 4501) into $T/NAME.pcap until capture_stop.
capture_start() {
	CAP_FILE=$T/$1.pcap
	rm -f "$CAP_FILE"
	ip netns exec "$NS_G" tshark -q -n -i g0 -f "udp port 4501" \
	    -w "$CAP_FILE" >"$T/$1.tshark.err" 2>&1 &
	CAP_PID=$!
	lib_track "$CAP_PID"
	# tshark (dumpcap) writes the file header once it captures.
	wait_until 100 0.1 test -s "$CAP_FILE"
}

capture_stop() {
	sleep 0.5  # the last datagrams still in dumpcap's buffer
	stop_pid "$CAP_PID" INT 5
	wait "$CAP_PID" 2>/dev/null
	return 0
}

# capture_check: TAP lines from esp_tshark.py (decrypts the capture with
# the keys in the gateway's secrets file), counted as our own.
capture_check() {
	"$PY" "$LIB_DIR/esp_tshark.py" "$CAP_FILE" "$T/gw-secrets" "$T" \
	    >"$T/tshark-check.out" 2>"$T/tshark-check.err"
	grep -E '^(ok|not ok)' "$T/tshark-check.out" |
	    sed "s/^\(ok\|not ok\) - /&$1/"
	PASSES=$((PASSES + $(grep -c '^ok' "$T/tshark-check.out")))
	FAILS=$((FAILS + $(grep -c '^not ok' "$T/tshark-check.out")))
	grep '^#' "$T/tshark-check.out" >&2
	if ! grep -q '^ok' "$T/tshark-check.out"; then
		notok "${1}esp_tshark.py ran"
		sed 's/^/#   /' "$T/tshark-check.err" >&2
	fi
}

# tun_stats ROUND EXPR: send SIGUSR1 to gp-tunnel, wait for its new
# "stats:" line in $T/tun-ROUND.err, and evaluate EXPR on it: `line` is
# the text, n('bad ICV') the number after a label (-1 if absent).
tun_stats() {
	f=$T/tun-$1.err
	c=$(grep -c 'stats:' "$f")
	kill -USR1 "$TUN_PID" 2>/dev/null || return 1
	wait_until 50 0.1 eval '[ "$(grep -c "stats:" "$f")" -gt "$c" ]' ||
	    return 1
	"$PY" - "$f" "$2" <<'PYEOF'
import re, sys
line = [ln for ln in open(sys.argv[1], errors="replace")
        if "stats:" in ln][-1].strip()
def n(label):
    m = re.search(r"\b" + re.escape(label) + r" (-?\d+)", line)
    return int(m.group(1)) if m else -1
print(line)
sys.exit(0 if eval("(" + sys.argv[2] + ")", {"line": line, "n": n}) else 1)
PYEOF
}

# need_client: die unless gp-auth and gp-tunnel are built in $BIN.
need_client() {
	if [ ! -x "$GP_AUTH" ] || [ ! -x "$GP_TUNNEL" ]; then
		die "gp-auth and gp-tunnel are built in $BIN"
	fi
}

# gw_ts EXPR: the time stamp of the first gateway log record matching.
gw_ts() {
	"$PY" - "$GW_LOG" "$1" <<'PYEOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if eval("(" + sys.argv[2] + ")", {"r": r}):
        print(r["ts"])
        sys.exit(0)
sys.exit(1)
PYEOF
}
