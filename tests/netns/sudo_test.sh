#!/bin/sh
# SPDX-License-Identifier: ISC
# sudo_test.sh: gp-tunnel run on behalf of a user (SECURITY.md
# "Deployment"), against the test gateway in namespaces. The production
# binary runs in its own mount namespace whose /etc is the host's with an
# overlay on top ($T/etc-up), so root's fixed /etc/gpvpn/gp-tunnel.conf
# (and, for real sudo, a test user and a sudoers rule) exist only there.
# As sudo leaves it (SUDO_UID=1000 SUDO_USER=alice): -s with an evil
# script is refused and the script never runs; an allowed script in a
# world-writable directory is refused; --policy naming a root-only file
# is refused without a byte of it in the output; -i and --setuid are
# refused; all four are accepted once root's policy lists them, and the
# tunnel comes up. Real root: --policy only narrows the system policy;
# any -s and -i still work; the frame rules of gp-tunnel.conf(5) refuse a
# DNS server outside dns-server, a search domain not in dns-suffix, a
# port not in gateway-port, and a split-include 0.0.0.0/8 (the default
# route to vpnc-script) without route 0.0.0.0/0. Real sudo with the
# documented rule: the evil script refused, and a tunnel up with an
# allowed -i. Needs root; binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 150
need_client
netns_setup
make_certs
make_password

SUDO_NAME=gpvpn-sudo	# the real sudo user, in the overlay's passwd only
SUDO_ID=4242
UP=$T/etc-up		# the overlay's upper layer: what /etc gets on top
SYS=$UP/gpvpn/gp-tunnel.conf
MARK=$T/evil-ran
ETC_BEFORE=$(ls -la /etc/gpvpn /etc/sudoers.d 2>&1; getent passwd $SUDO_NAME)

# The upper layer: /etc/gpvpn with scripts in a safe and in a
# world-writable directory, a test user and a sudoers rule for it.
etc_setup() {
	mkdir -p "$UP/gpvpn/ww" "$UP/sudoers.d"
	chmod 755 "$UP" "$UP/gpvpn"
	chmod 777 "$UP/gpvpn/ww"
	chmod 750 "$UP/sudoers.d"
	printf '#!/bin/sh\n: >"%s"\nexit 0\n' "$MARK" >"$T/evil.sh"
	chmod 755 "$T/evil.sh"
	cp -p "$T/evil.sh" "$UP/gpvpn/ww/evil.sh"
	cp -p /etc/passwd /etc/group /etc/shadow "$UP/"
	echo "$SUDO_NAME:x:$SUDO_ID:$SUDO_ID::/nonexistent:/usr/sbin/nologin" \
	    >>"$UP/passwd"
	echo "$SUDO_NAME:x:$SUDO_ID:" >>"$UP/group"
	echo "$SUDO_NAME:!:19000::::::" >>"$UP/shadow"
	# The line SECURITY.md gives, NOPASSWD added for a test.
	echo "$SUDO_NAME ALL=(root) NOPASSWD: $GP_TUNNEL" \
	    >"$UP/sudoers.d/gpvpn-test"
	chmod 440 "$UP/sudoers.d/gpvpn-test"
	# Root-only, and not a policy: its bytes must never be printed.
	SECRET="TOPSECRET-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	( umask 077; printf '%s nothing here\n' "$SECRET" >"$T/secret.conf" )
}

# syspol LINES...: root's /etc/gpvpn/gp-tunnel.conf for the next round:
# the test gateway and its routes, and LINES.
syspol() {
	( umask 022
	  printf '%s\n' "# sudo_test.sh" "gateway $GW_ADDR" \
	      "route 198.18.64.0/24" "route 198.18.128.0/24" "$@" >"$SYS" )
}

# tun_start ROUND AS [gp-tunnel options]: printf PASSWORD | gp-auth |
# gp-tunnel, gp-tunnel under the overlay on /etc. AS is root (real root,
# no sudo variables), env (SUDO_UID=1000 SUDO_USER=alice, as sudo sets
# them) or sudo (through sudo -n as $SUDO_NAME).
tun_start() {
	r=$1
	case $2 in
	root) as="env -u SUDO_UID -u SUDO_USER -u PKEXEC_UID -u DOAS_USER" ;;
	env) as="env -u PKEXEC_UID -u DOAS_USER SUDO_UID=1000 SUDO_USER=alice" ;;
	sudo) as="setpriv --reuid=$SUDO_ID --regid=$SUDO_ID --clear-groups
	    sudo -n" ;;
	esac
	shift 2
	mkdir -p "$T/etc-work-$r"
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
	    -n "$T/client-resolv.conf" -- $as "$GP_TUNNEL" -v -v "$@" \
	    2>"$T/tun-$r.err" ) &
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

# refused ROUND AS REGEX [gp-tunnel options]: exit 1 with the reason,
# before anything: no tun, no script, the evil one included.
refused() {
	r=$1
	as=$2
	want=$3
	shift 3
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	# shellcheck disable=SC2086
	gw_start ${GW_ARGS:-}
	tun_start "$r" "$as" "$@"
	check "$r: gp-tunnel exits 1" \
	    wait_until 50 0.1 grep -qx 1 "$T/tun-$r.rc"
	check "$r: the reason is logged" grep -Eq -e "$want" "$T/tun-$r.err"
	grep -E 'refused|policy' "$T/tun-$r.err" | tail -n 1 |
	    while IFS= read -r l; do note "$r: $l"; done
	check "$r: no tun device" client_tun_gone
	check "$r: no script, the evil one did not run" test ! -e "$MARK"
	round_end
}

# live ROUND AS [gp-tunnel options]: the tunnel comes up, ping works,
# SIGTERM stops it cleanly. The caller checks the rest before round_end.
live() {
	r=$1
	as=$2
	shift 2
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start
	tun_start "$r" "$as" "$@"
	if wait_until 200 0.1 client_tun_up; then
		ok "$r: the tunnel comes up ($C_TUN)"
		wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 \
		    "$LAN_ADDR"
		check "$r: client pings the LAN host" \
		    ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 "$LAN_ADDR"
		return 0
	fi
	notok "$r: the tunnel comes up"
	tail -n 15 "$T/tun-$r.err" | sed 's/^/#   /' >&2
	return 1
}

# live_stop ROUND: SIGTERM, exit 0, tun gone.
live_stop() {
	stop_pid "$TUN_PID" TERM 15
	check "$1: exit status 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$1.rc"
	check "$1: tun removed" wait_until 30 0.1 client_tun_gone
	round_end
}

# [net]: the child of gp-tunnel [priv], the process called [net].
net_uid() {
	for p in $(ip netns pids "$NS_C"); do
		grep -qx 'gp-tunnel \[net\]' "/proc/$p/comm" 2>/dev/null &&
		    awk '$1 == "Uid:" { print $2 }' "/proc/$p/status"
	done
}

etc_setup
WHO='for uid 1000 \(sudo, user `alice`\)'

# ---- on behalf, as sudo leaves it: refusals ------------------------------

syspol
refused evil env "-s \`$T/evil.sh\` refused $WHO: root may allow it with \`allow-script $T/evil.sh\` in /etc/gpvpn/gp-tunnel.conf" \
    -i "$C_TUN" -s "$T/evil.sh"
syspol "allow-script /etc/gpvpn/ww/evil.sh" "allow-interface $C_TUN"
refused ww env "script refused: \`/etc/gpvpn/ww\` is writable by others" \
    -i "$C_TUN" -s /etc/gpvpn/ww/evil.sh
syspol
refused leak env "--policy \`$T/secret.conf\` refused $WHO" \
    --policy "$T/secret.conf"
check "leak: not a byte of the root-only file in the output" \
    eval '! grep -q TOPSECRET "$T/tun-leak.err"'
refused shadow env "--policy \`/etc/shadow\` refused $WHO" \
    --policy /etc/shadow
check "shadow: no line of /etc/shadow in the output" \
    eval '! grep -q "root:" "$T/tun-shadow.err"'
refused iface env "-i \`$C_TUN\` refused $WHO: .*allow-interface $C_TUN" \
    -i "$C_TUN"
refused setuid env "--setuid \`daemon\` refused $WHO: .*allow-setuid daemon" \
    --setuid daemon

# ---- on behalf: what root's policy lists is accepted ---------------------

make_script script-allowed
cp -p "$T/vpnc/script-allowed.sh" "$UP/gpvpn/rec.sh"
( umask 022; echo "dns-server 198.18.64.0/24" >"$UP/gpvpn/extra.conf" )
syspol "allow-script /etc/gpvpn/rec.sh" "allow-interface $C_TUN" \
    "allow-setuid daemon" "allow-policy /etc/gpvpn/extra.conf" \
    "gateway-port 443" "esp-port 4501" "dns-server 198.18.64.53/32" \
    "dns-suffix gpvpn.test"
if live allowed env -i "$C_TUN" -s /etc/gpvpn/rec.sh --setuid daemon \
    --policy /etc/gpvpn/extra.conf; then
	check "allowed: the listed script ran (connect)" \
	    wait_until 50 0.1 script_ran connect
	check "allowed: [net] runs as daemon (uid 1)" \
	    eval '[ "$(net_uid)" = 1 ]'
	check "allowed: gp-tunnel says for whom it runs" \
	    grep -q "running for uid 1000 (sudo, user \`alice\`)" \
	    "$T/tun-allowed.err"
	check "allowed: the main policy was read" \
	    grep -q "policy /etc/gpvpn/gp-tunnel.conf:" "$T/tun-allowed.err"
	check "allowed: the extra policy was read" \
	    grep -q "policy /etc/gpvpn/extra.conf:" "$T/tun-allowed.err"
	live_stop allowed
	check "allowed: disconnect ran" script_ran disconnect
else
	round_end
fi

# ---- real root -----------------------------------------------------------

# --policy adds limits, never replaces the system policy.
( umask 022; echo "route 0.0.0.0/0" >"$T/wide.conf" )
syspol
sed -i "s/^gateway .*/gateway 198.18.0.99/" "$SYS"
refused additive root "policy refuses gateway $GW_ADDR: not an allowed gateway \(/etc/gpvpn/gp-tunnel.conf\)" \
    --policy "$T/wide.conf"
syspol
make_script script-root
# In a world-writable directory ([priv]'s view hides /tmp itself).
mkdir -m 1777 "$T/vpnc/ww"
cp -p "$T/vpnc/script-root.sh" "$T/vpnc/ww/script-root.sh"
if live root root -i "$C_TUN" -s /run/vpnc/ww/script-root.sh; then
	check "root: any script and interface, with a warning for a \
world-writable directory" \
	    grep -q 'script: `/run/vpnc/ww` is writable by others' \
	    "$T/tun-root.err"
	live_stop root
else
	round_end
fi

# ---- the frame rules (gp-tunnel.conf(5)), as real root ------------------

FROM='\(/etc/gpvpn/gp-tunnel.conf\)'
syspol "dns-server 10.0.0.0/8"
refused dns-server root "policy refuses the DNS server 198.18.64.53: outside every dns-server prefix $FROM"
syspol "dns-suffix .gpvpn.test"
refused dns-suffix root "policy refuses the search domain gpvpn.test: not a dns-suffix of the policy $FROM"
syspol "gateway-port 8443"
refused port root "policy refuses gateway port 443: not a gateway-port of the policy $FROM"
syspol "route 0.0.0.0/8"
GW_ARGS="--route 0.0.0.0/8"
refused default root "policy refuses the default route \(split-include 0.0.0.0/8\) 0.0.0.0/0: outside every allowed route prefix $FROM"
GW_ARGS=

# ---- through real sudo, with the rule SECURITY.md gives ------------------

if command -v sudo >/dev/null 2>&1; then
	WHO_S="for uid $SUDO_ID \\(sudo, user \`$SUDO_NAME\`\\)"
	syspol
	refused sudo-evil sudo "-s \`$T/evil.sh\` refused $WHO_S" \
	    -i "$C_TUN" -s "$T/evil.sh"
	syspol "allow-interface $C_TUN"
	if live sudo-live sudo -i "$C_TUN"; then
		check "sudo-live: gp-tunnel ran for $SUDO_NAME" \
		    grep -q "running for uid $SUDO_ID (sudo" \
		    "$T/tun-sudo-live.err"
		live_stop sudo-live
	else
		round_end
	fi
else
	notok "sudo is installed (apt-get install sudo)"
fi

check "the evil script never ran" test ! -e "$MARK"
check "host /etc/gpvpn, sudoers.d and passwd untouched" \
    test "$ETC_BEFORE" = "$(ls -la /etc/gpvpn /etc/sudoers.d 2>&1;
    getent passwd $SUDO_NAME)"
check_host_untouched
lib_finish
