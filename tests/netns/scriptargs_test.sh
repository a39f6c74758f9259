#!/bin/sh
# SPDX-License-Identifier: ISC
# scriptargs_test.sh: -s given a command line (gp-tunnel(8)), run as
# /bin/sh -c LINE as OpenConnect runs it, against the test gateway in
# namespaces. Real root: -s '/run/vpnc/wrap.sh arg1 arg2' brings the
# tunnel up; the wrapper saw its two arguments and the environment
# gp-tunnel built, without a variable exported by the caller; disconnect
# ran too. On behalf (SUDO_UID set), with root's policy in an overlay on
# /etc as sudo_test.sh makes it: the same kind of line is refused when
# root lists only the bare path, and accepted once `allow-script` lists
# the whole line. Needs root; binaries from $B; TAP; bounded to 90 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 90
need_client
netns_setup
make_certs
make_password

UP=$T/etc-up		# the overlay's upper layer on /etc
SYS=$UP/gpvpn/gp-tunnel.conf
WHO='for uid 1000 \(sudo, user `alice`\)'
# Exported here: the script must not see it (its environment is built).
GPVPN_LEAK_MARKER=caller-environment
export GPVPN_LEAK_MARKER

# wrap NAME: $T/vpnc/NAME.sh (seen as /run/vpnc/NAME.sh) records its
# arguments and environment per reason in /run/vpnc/NAME.REASON.{args,env},
# then runs lib.sh's recording wrapper around vpnc-script.
wrap() {
	make_script "rec-$1"
	cat >"$T/vpnc/$1.sh" <<EOW
#!/bin/sh
printf '%s\n' "\$@" >"/run/vpnc/$1.\${reason:-none}.args"
env >"/run/vpnc/$1.\${reason:-none}.env"
exec "$SCRIPT"
EOW
	chmod 755 "$T/vpnc/$1.sh"
}

syspol() {
	( umask 022
	  printf '%s\n' "# scriptargs_test.sh" "gateway $GW_ADDR" \
	      "route 198.18.64.0/24" "route 198.18.128.0/24" \
	      "allow-interface $C_TUN" "$@" >"$SYS" )
}

# tun_start ROUND AS [gp-tunnel options]: as in sudo_test.sh; AS is root
# (no sudo variables) or env (SUDO_UID=1000 SUDO_USER=alice).
tun_start() {
	r=$1
	case $2 in
	root) as="env -u SUDO_UID -u SUDO_USER -u PKEXEC_UID -u DOAS_USER" ;;
	env) as="env -u PKEXEC_UID -u DOAS_USER SUDO_UID=1000 SUDO_USER=alice" ;;
	esac
	shift 2
	mkdir -p "$T/etc-work-$r"
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v "https://$GW_ADDR/" 2>"$T/auth-$r.err" |
	  ip netns exec "$NS_C" unshare -m --propagation private sh -c \
	    'mount -t overlay gpvpn-etc -o "lowerdir=/etc,upperdir=$1,workdir=$2" \
	    /etc || exit 97; shift 2; exec "$@"' sh "$UP" "$T/etc-work-$r" \
	    sh "$NSEXEC" -p "$T/tun-$r.pid" -r "$T/tun-$r.rc" \
	    -n "$T/client-resolv.conf" -- $as "$GP_TUNNEL" -v -v \
	    -i "$C_TUN" "$@" 2>"$T/tun-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid" &&
	    wait_until 50 0.1 test -s "$T/tun-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
	TUN_PID=$(pidof_file "$T/tun-$r.pid")
}

round_end() {
	stop_pid "$TUN_PID" TERM 10
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	gw_stop
}

# saw NAME REASON: the wrapper ran for REASON with "arg1 arg2" and the
# built environment alone.
saw() {
	f=$T/vpnc/$1.$2
	why=$2
	check "$1: $2 ran" wait_until 50 0.1 test -s "$f.args"
	check "$1: $2 ran with its two arguments" \
	    eval '[ "$(cat "$f.args")" = "$(printf "arg1\narg2")" ]'
	check "$1: $2 saw reason=$2" grep -qx "reason=$why" "$f.env"
	check "$1: $2 saw TUNDEV=$C_TUN" grep -qx "TUNDEV=$C_TUN" "$f.env"
	check "$1: $2 did not see the caller's environment" \
	    eval '! grep -q GPVPN_LEAK_MARKER "$f.env"'
}

# up ROUND AS WRAPPER -s LINE: the tunnel comes up, the wrapper saw
# connect, SIGTERM, then disconnect.
up() {
	r=$1
	w=$3
	tun_start "$r" "$2" -s "$4"
	if wait_until 200 0.1 client_tun_up; then
		ok "$r: the tunnel comes up with -s '$4'"
		saw "$w" connect
		stop_pid "$TUN_PID" TERM 15
		check "$r: exit status 0 after SIGTERM" \
		    wait_until 30 0.1 grep -qx 0 "$T/tun-$r.rc"
		saw "$w" disconnect
	else
		notok "$r: the tunnel comes up with -s '$4'"
		tail -n 15 "$T/tun-$r.err" | sed 's/^/#   /' >&2
	fi
	round_end
}

mkdir -p "$UP/gpvpn"
chmod 755 "$UP" "$UP/gpvpn"

# ---- real root: any command line -----------------------------------------

wrap wrap
syspol
up root root wrap '/run/vpnc/wrap.sh arg1 arg2'
check "root: it ran as a command line" \
    grep -q "running /run/vpnc/wrap.sh arg1 arg2 connect" "$T/tun-root.err"

# ---- on behalf: only the exact line root lists ---------------------------

# Root's own directory, so that the program itself is not refused.
wrap behalf
cp -p "$T/vpnc/behalf.sh" "$UP/gpvpn/behalf.sh"
syspol "allow-script /etc/gpvpn/behalf.sh"
tun_start listed-path env -s '/etc/gpvpn/behalf.sh arg1 arg2'
check "listed-path: gp-tunnel exits 1" \
    wait_until 50 0.1 grep -qx 1 "$T/tun-listed-path.rc"
check "listed-path: a listed path does not admit it with arguments" \
    grep -Eq "\-s \`/etc/gpvpn/behalf.sh arg1 arg2\` refused $WHO: root may allow it with \`allow-script /etc/gpvpn/behalf.sh arg1 arg2\`" \
    "$T/tun-listed-path.err"
check "listed-path: no tun device" client_tun_gone
check "listed-path: the script did not run" \
    eval '! ls "$T/vpnc" | grep -q "^behalf\\.connect"'
round_end

syspol "allow-script   /etc/gpvpn/behalf.sh arg1 arg2   # the whole line"
up listed-line env behalf '/etc/gpvpn/behalf.sh arg1 arg2'

check_host_untouched
lib_finish
