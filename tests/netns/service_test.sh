#!/bin/sh
# SPDX-License-Identifier: ISC
# service_test.sh: the service mode end to end, with no sudo. In the client
# namespace, systemd-socket-activate passes a unix socket (mode 0660, group
# $GID_SOCK) to `gp-tunnel --listen`, run under the capability bounding
# set of systemd/gp-tunnel.service, NO_NEW_PRIVS and a file system as its
# ProtectSystem=strict and ReadWritePaths= leave it; gp-auth runs as
# non-root users (numeric ids, no /etc/passwd entries) with
# --tunnel-socket. The policy allows uid $UID_A and group $GID_VPN.
#   a: uid A connects: tunnel up, gp-auth keeps its seccomp filter, ESP
#      dies and NEED_CONFIG comes back over the socket, gp-auth answers
#      with a new CONFIG, traffic both ways on the fresh keys; SIGTERM:
#      logout, disconnect, the listener stays.
#   b: uid B (in the socket's group, not in the policy): refused before
#      any login, with a clear message on both sides, no tun.
#   d: uid D (not in the socket's group): connect() is refused.
#   c: uid C (group $GID_VPN as a supplementary group): served next; a
#      second peer meanwhile is refused (busy); SIGTERM to the listener
#      ends the session cleanly (disconnect, logout) and the listener.
#   e: a new listener is SIGKILLed during a session: the session still
#      stops cleanly (PR_SET_PDEATHSIG).
#   The listener gets an abstract NOTIFY_SOCKET the test reads, as
#   Type=notify would: READY=1, its STATUS= lines, STOPPING=1.
# Needs root; binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 150
need_client
netns_setup
make_certs
make_password
make_xfer_files

UNIT=$REPO/systemd/gp-tunnel.service
SOCK=$T/tunnel.sock
POLICY=$T/service.conf
UID_A=64001	# allow-user; primary group: the socket's
UID_B=64002	# in the socket's group; no allow line
UID_C=64003	# allow-group, as a supplementary group
UID_D=64004	# not in the socket's group
GID_SOCK=64010	# the socket's group ("gpvpn")
GID_VPN=64020	# allow-group

# setpriv's --bounding-set from the unit's CapabilityBoundingSet=.
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr 'A-Z ' 'a-z\n' |
	    sed -n 's/^cap_\(.*\)/+\1/p' | paste -sd, -
}

# The CapBnd mask of those capabilities (capability(7) numbers).
unit_capbnd() {
	mask=0
	for c in $(unit_caps | tr ',' ' '); do
		case $c in
		+setgid) n=6 ;; +setuid) n=7 ;; +setpcap) n=8 ;;
		+net_admin) n=12 ;; +sys_admin) n=21 ;; *) n=63 ;;
		esac
		mask=$((mask | (1 << n)))
	done
	printf '%016x\n' "$mask"
}

# $T/unit-fs.sh CMD...: CMD with the file system as ProtectSystem=strict
# leaves it (all read-only but /dev, /proc, /sys), writable again where
# the unit says (ReadWritePaths=, RuntimeDirectory=), and $T for the
# test's own records. Runs inside nsexec.sh -n, whose /run and
# /etc/resolv.conf are the client's own.
make_unit_fs() {
	rw=$(sed -n 's/^ReadWritePaths=//p' "$UNIT" | tr ' ' '\n' |
	    sed 's/^-//')
	rt=$(sed -n 's/^RuntimeDirectory=//p' "$UNIT" | tr ' ' '\n' |
	    sed 's|^|/run/|')
	cat >"$T/unit-fs.sh" <<FSEOF
#!/bin/sh
set -e
for d in $(echo $rt); do mkdir -p "\$d"; done
mount --make-rslave /
awk '{ print \$5 }' /proc/self/mountinfo | sort -u | while read -r m; do
	case \$m in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
	# Mounts hidden under nsexec.sh's /run are out of reach anyway.
	[ -e "\$m" ] || continue
	mount -o remount,bind,ro "\$m"
done
for p in $(echo $rw $rt) $T; do
	[ -e "\$p" ] || continue
	mount --bind "\$p" "\$p"
	mount -o remount,bind,rw "\$p"
done
exec "\$@"
FSEOF
}

# listener_ro: / is mounted read-only where the listener runs, and
# /etc/resolv.conf writable.
listener_ro() {
	awk '$5 == "/" { r = ($6 ~ /^ro/) }
	    $5 == "/etc/resolv.conf" { w = ($6 ~ /^rw/) }
	    END { exit !(r && w) }' "/proc/$LISTEN_PID/mountinfo"
}

status_is() {
	grep -Eq "^$2:[[:space:]]+$3\$" "/proc/$1/status"
}

listen_start() {
	make_script service
	make_unit_fs
	caps=$(unit_caps)
	ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/listen.pid" \
	    -n "$T/client-resolv.conf" -- sh "$T/unit-fs.sh" \
	    setpriv --bounding-set="-all,$caps" --inh-caps=-all \
	    --no-new-privs \
	    systemd-socket-activate -l "$SOCK" -E "NOTIFY_SOCKET=$NOTIFY" \
	    "$GP_TUNNEL" --listen -i "$C_TUN" -s "$SCRIPT" --policy "$POLICY" \
	    -v -v >"$T/listen.out" 2>"$T/listen.err" &
	lib_track $!
	wait_until 50 0.1 test -S "$SOCK" &&
	    wait_until 50 0.1 test -s "$T/listen.pid" || return 1
	LISTEN_PID=$(pidof_file "$T/listen.pid")
	# What gp-tunnel.socket sets: SocketGroup=, SocketMode=0660.
	chgrp "$GID_SOCK" "$SOCK" && chmod 0660 "$SOCK"
}

# auth_start ROUND UID GID GROUPS: gp-auth --tunnel-socket as UID:GID
# (GROUPS: supplementary, comma-separated, or "" for none).
auth_start() {
	r=$1
	if [ -n "$4" ]; then g="--groups=$4"; else g=--clear-groups; fi
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- \
	    setpriv --reuid="$2" --regid="$3" "$g" \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v --tunnel-socket "$SOCK" "https://$GW_ADDR/" \
	    2>"$T/auth-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
}

script_count() {
	ls "$REC" 2>/dev/null | grep -c -- "-$1.env\$"
}

logins() {
	gwlog "r.get('path') == '/ssl-vpn/login.esp'"
}

# session_up ROUND: the tunnel is up, and connect ran N times in all.
session_up() {
	want=$2
	if wait_until 200 0.1 client_tun_up &&
	    wait_until 50 0.1 eval '[ "$(script_count connect)" -ge "$want" ]'
	then
		ok "$1: the service brings the tunnel up (tun $C_TUN)"
		return 0
	fi
	notok "$1: the service brings the tunnel up"
	for f in "$T/auth-$1.err" "$T/listen.err"; do
		echo "# --- tail of $f" >&2
		tail -n 15 "$f" | sed 's/^/#   /' >&2
	done
	return 1
}

# session_down ROUND N: disconnect ran N times, tun gone, DNS restored.
session_down() {
	want=$2
	check "$1: disconnect script ran" \
	    wait_until 100 0.1 eval '[ "$(script_count disconnect)" -ge "$want" ]'
	check "$1: tun device $C_TUN is gone" wait_until 30 0.1 client_tun_gone
	check "$1: vpnc-script restored the client's resolv.conf" \
	    cmp "$T/client-resolv.conf" "$T/client-resolv.orig"
}

ns_client_empty() {
	[ -z "$(ip netns pids "$NS_C")" ]
}

printf '# who may bring a tunnel up through the service\n' >"$POLICY"
printf 'allow-user %s\nallow-group %s\n' "$UID_A" "$GID_VPN" >>"$POLICY"
chmod 0644 "$POLICY"

# ---- the listener ---------------------------------------------------

# The notify socket systemd would pass (Type=notify): an abstract name in
# the client's network namespace, every datagram a line of notify.log.
NOTIFY=@gpvpn-notify-$$
ip netns exec "$NS_C" "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + sys.argv[1][1:])
open(sys.argv[2] + ".ready", "w").close()
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")' "$NOTIFY" "$T/notify.log" &
NOTIFY_PID=$!
lib_track "$NOTIFY_PID"
wait_until 50 0.1 test -e "$T/notify.log.ready" || die "notify reader starts"

note "listener: systemd-socket-activate -l $SOCK gp-tunnel --listen"
listen_start || die "the listener starts (see $T/listen.err)"
check "socket: mode 0660, group $GID_SOCK, owner root" \
    test "$(stat -c '%a %g %u' "$SOCK")" = "660 $GID_SOCK 0"

# ---- round a: allow-user --------------------------------------------

note "a: uid $UID_A (allow-user); ESP silent for its first keys 2 s in"
gw_start --udp-drop-after 2 --udp-drop-old-keys
auth_start a "$UID_A" "$GID_SOCK" ""
if session_up a 1; then
	check "a: the listener admitted uid $UID_A" \
	    grep -q "accepted uid $UID_A " "$T/listen.err"
	# systemd-socket-activate starts gp-tunnel at the first connection.
	want="READY=1|STATUS=waiting for a connection|STATUS=session of uid"
	want="$want $UID_A (pid [0-9]*) running|"
	check "a: sd_notify: READY=1, waiting, then the session of uid $UID_A" \
	    eval 'head -n 3 "$T/notify.log" | tr "\n" "|" | grep -qx "$want"'
	check "a: gp-auth said it was accepted before logging in" \
	    grep -q "service at $SOCK accepted us" "$T/auth-a.err"
	# TLS, ESP and [net]'s filter are made while gp-auth logs in, not
	# after its CONFIG: tun is the first thing the CONFIG brings.
	check "a: the session was set up before its CONFIG came" \
	    awk '/session: set up; waiting for uid/ { w = NR }
		/tun: virtio-net header|tun: offloads off/ && !t { t = NR }
		END { exit !(w && t && w < t) }' "$T/listen.err"
	check "a: gp-auth runs as uid $UID_A under its seccomp filter" \
	    eval 'status_is "$AUTH_PID" Seccomp 2 &&
	    status_is "$AUTH_PID" NoNewPrivs 1 &&
	    grep -Eq "^Uid:[[:space:]]+$UID_A[[:space:]]" \
	    "/proc/$AUTH_PID/status"'
	check "a: the listener has the unit's bounding set" \
	    status_is "$LISTEN_PID" CapBnd "$(unit_capbnd)"
	check "a: the listener has NO_NEW_PRIVS" \
	    status_is "$LISTEN_PID" NoNewPrivs 1
	check "a: the listener's / and /etc are read-only, as the unit's" \
	    listener_ro
	note "a: ps:"
	ps -o user,pid,ppid,stat,args \
	    -p "$(ip netns pids "$NS_C" | paste -sd, -)" |
	    while IFS= read -r l; do note "    $l"; done
	check "a: ESP dies, NEED_CONFIG comes back over the socket (<= 30 s)" \
	    wait_until 300 0.1 grep -q "the tunnel asks for a fresh" \
	    "$T/auth-a.err"
	check "a: gp-auth sends the new CONFIG over the socket" \
	    wait_until 50 0.1 grep -q \
	    "rekey: new configuration sent to the tunnel" "$T/auth-a.err"
	check "a: [priv] took the rekey" \
	    wait_until 50 0.1 grep -q "rekey: new configuration" \
	    "$T/listen.err"
	check "a: ESP back up with the fresh keys (a second SA used)" \
	    wait_until 80 0.1 eval '[ "$(gwlog "r.get(\"event\") ==
	    \"esp_sa_used\"")" -ge 2 ]'
	check_connect_env
	check_pings a
	check_xfer a
fi
stop_pid "$AUTH_PID" TERM 15
check "a: gp-auth exits 0 after SIGTERM" \
    wait_until 50 0.1 grep -qx 0 "$T/auth-a.rc"
check "a: the session got SHUTDOWN" \
    grep -q "shutdown requested" "$T/listen.err"
check_logout
session_down a 1
check "a: the listener reaped the session" \
    wait_until 50 0.1 grep -q "session of uid $UID_A .* ended, status 0" \
    "$T/listen.err"
check "a: the listener still runs" alive "$LISTEN_PID"
gw_stop

# ---- round b: in the socket's group, not allowed --------------------

note "b: uid $UID_B, group $GID_SOCK but no allow line"
gw_start
auth_start b "$UID_B" "$UID_B" "$GID_SOCK"
check "b: gp-auth exits 1" wait_until 100 0.1 grep -qx 1 "$T/auth-b.rc"
check "b: gp-auth says the service refused uid $UID_B" \
    grep -q "refused the connection: uid $UID_B is not allowed" \
    "$T/auth-b.err"
check "b: the listener logs the refusal with the uid" \
    grep -q "refused uid $UID_B .*matches no allow-user or allow-group" \
    "$T/listen.err"
check "b: no login was tried" test "$(logins)" -eq 0
check "b: no tun" client_tun_gone
check "b: no script" test "$(script_count connect)" -eq 1

# ---- round d: not in the socket's group -----------------------------

note "d: uid $UID_D, outside the socket's group"
auth_start d "$UID_D" "$UID_D" ""
check "d: gp-auth exits 1" wait_until 100 0.1 grep -qx 1 "$T/auth-d.rc"
check "d: gp-auth names the path and the group to check" \
    grep -q "cannot connect to $SOCK: Permission denied; are you in" \
    "$T/auth-d.err"
check "d: no login" test "$(logins)" -eq 0
check "d: no tun" client_tun_gone
check "d: the listener still runs" alive "$LISTEN_PID"

# ---- round c: allow-group by a supplementary group; busy; stop -------

note "c: uid $UID_C, groups $GID_SOCK,$GID_VPN (allow-group)"
auth_start c "$UID_C" "$UID_C" "$GID_SOCK,$GID_VPN"
C_PID=$AUTH_PID
if session_up c 2; then
	check "c: the listener admitted uid $UID_C" \
	    grep -q "accepted uid $UID_C " "$T/listen.err"
	check_pings c
	auth_start busy "$UID_A" "$GID_SOCK" ""
	check "busy: a second peer meanwhile is refused, exit 1" \
	    wait_until 100 0.1 grep -qx 1 "$T/auth-busy.rc"
	check "busy: the listener says it is busy" \
	    grep -q "refused uid $UID_A .*busy, the session of uid $UID_C" \
	    "$T/listen.err"
	check "busy: the running session is untouched" \
	    ip netns exec "$NS_C" ping -c 1 -W 2 "$LAN_ADDR"
fi
note "c: SIGTERM to the listener"
stop_pid "$LISTEN_PID" TERM 40
check "c: the listener stops after the session" gone "$LISTEN_PID"
check "c: ... and says so" grep -q "gp-tunnel: stopped" "$T/listen.err"
check "c: sd_notify: STOPPING=1, then the session's end" \
    eval 'grep -n "" "$T/notify.log" | grep -A9 ":STOPPING=1\$" |
    grep -q "STATUS=session of uid $UID_C ended"'
session_down c 2
check "c: gp-auth logs out, exit 1" \
    wait_until 100 0.1 grep -qx 1 "$T/auth-c.rc"
check "c: gp-auth sees the service end the session" \
    grep -q "service ended the session" "$T/auth-c.err"
check_logout

# ---- round e: the listener dies; the session still ends cleanly -------

note "e: a new listener; uid $UID_A; then SIGKILL to the listener"
rm -f "$SOCK"
listen_start || die "the listener starts again (see $T/listen.err)"
auth_start e "$UID_A" "$GID_SOCK" ""
if session_up e 3; then
	kill -KILL "$LISTEN_PID"
	session_down e 3
	check "e: gp-auth sees the end, exit 1" \
	    wait_until 100 0.1 grep -qx 1 "$T/auth-e.rc"
fi
stop_pid "$NOTIFY_PID" TERM 5
check "no process left in the client namespace" \
    wait_until 30 0.1 ns_client_empty
gw_stop
check_host_untouched

lib_finish
