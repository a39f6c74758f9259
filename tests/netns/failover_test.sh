#!/bin/sh
# SPDX-License-Identifier: ISC
# failover_test.sh: gateway failover and choice (issue 9 item 4) end to
# end, in network namespaces. The portal (tests/gateway/gpgw.py on
# 198.18.0.1, also the working gateway) lists gateways on more addresses
# of the gateway namespace: one refusing TCP, one accepting TCP but
# silent, one answering the login with HTTP 500; gp-auth says each move
# and the last one takes the session, traffic crosses. Equal priorities:
# the gateway whose TCP answer is slowed (its first SYN dropped) loses to
# the fast one, unless --no-gateway-probe. --authgroup naming a dead
# gateway, and a password refused at the first gateway, try no other.
# All failing: exit 1, each gateway and its failure named. Needs root;
# prints TAP lines; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 150
need_client
netns_setup
make_certs
make_password
URL=https://$GW_ADDR
REFUSED=198.18.0.11	# nothing listens
SILENT=198.18.0.12	# TCP accepted, no TLS answer
BROKEN=198.18.0.13	# HTTP 500 on login
SLOW=198.18.0.14	# first SYN of each connection dropped
IMPOSTOR=198.18.0.15	# a certificate that names 198.18.0.1 only
STRICT=198.18.0.16	# another password
for a in $REFUSED $SILENT $BROKEN $SLOW $IMPOSTOR $STRICT; do
	ip -n "$NS_G" addr add "$a/24" dev g0 || die "add $a"
done
wait_until 30 0.1 ip netns exec "$NS_C" ping -c 1 -W 1 "$STRICT" ||
    die "client reaches the extra addresses"

# A certificate from the test CA for the extra gateways' addresses.
mint_cert() {
	d=$T/pki
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature" \
	    "extendedKeyUsage=serverAuth" \
	    "subjectAltName=IP:$BROKEN,IP:$SLOW,IP:$STRICT" >"$d/extra.ext"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$d/extra.key" &&
	openssl req -new -key "$d/extra.key" -subj "/O=gpvpn tests/CN=extra" \
	    -out "$d/extra.csr" &&
	openssl x509 -req -in "$d/extra.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
	    -sha256 -days 2 -extfile "$d/extra.ext" -out "$d/extra.pem"
}
mint_cert >"$T/mint.err" 2>&1 || die "mint the extra certificate"
( umask 077; printf 'other-%s\n' "$PASSWORD" >"$T/strict-password" )

# xgw NAME ADDR CERT [gpgw.py options]: another gpgw.py (HTTPS only, no
# tun) on ADDR:443 with $T/pki/CERT.{pem,key}, logging to $T/NAME.log.
xgw() {
	n=$1 a=$2 c=$3
	shift 3
	: >"$T/$n.log"
	ip netns exec "$NS_G" "$PY" "$GW_PY" --listen "$a:443" \
	    --cert "$T/pki/$c.pem" --key "$T/pki/$c.key" \
	    --user "$TEST_USER" --password-file "$T/gw-password" --no-esp \
	    --gw-address "$a" --gateway-name "$a" --log "$T/$n.log" "$@" \
	    >"$T/$n.out" 2>"$T/$n.err" &
	lib_track $!
	wait_until 300 0.1 grep -q '"event": "ready"' "$T/$n.log" ||
	    die "gateway $n starts (see $T/$n.err)"
}

# xlog NAME EXPR: records of gateway NAME's log for which EXPR is true.
xlog() {
	"$PY" "$LIB_DIR/gwlog.py" "$T/$1.log" "$2"
}

logins_at() {
	xlog "$1" "r.get('path') == '/ssl-vpn/login.esp'"
}

# px NAME STDIN ARGS...: gp-auth --authenticate in the client namespace,
# bounded; $T/NAME.{out,err,rc}, and $T/NAME.ms its run time.
px() {
	n=$1
	printf '%b' "$2" >"$T/$n.in"
	shift 2
	t0=$(date +%s%3N)
	# shellcheck disable=SC2046
	ip netns exec "$NS_C" timeout 40 $(as_auth_user) "$GP_AUTH" \
	    --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin --authenticate \
	    -v "$@" <"$T/$n.in" >"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
	echo $(($(date +%s%3N) - t0)) >"$T/$n.ms"
	rm -f "$T/$n.in"
}

rc_is() {
	check "$1: exit status $2" grep -qx "$2" "$T/$1.rc"
	if ! grep -qx "$2" "$T/$1.rc"; then
		tail -n 12 "$T/$1.err" | sed 's/^/#   /' >&2
	fi
}

err_has() {
	check "$1: says \"$2\"" grep -qF -- "$2" "$T/$1.err"
}

err_lacks() {
	check "$1: does not say \"$2\"" eval "! grep -qF -- \"\$2\" \
	    \"\$T/\$1.err\""
}

# ---- 1: refused, silent, HTTP 500: the fourth takes the session ------

# Listens and never accepts: the kernel completes the TCP handshake, the
# ClientHello is never answered.
ip netns exec "$NS_G" "$PY" -c 'import socket, sys, time
s = socket.socket()
s.bind((sys.argv[1], 443))
s.listen(8)
open(sys.argv[2], "w").close()
time.sleep(140)' "$SILENT" "$T/silent.ready" >"$T/silent.err" 2>&1 &
lib_track $!
wait_until 50 0.1 test -e "$T/silent.ready" || die "silent listener"
xgw broken "$BROKEN" extra --login-status 500
gw_start --portal --portal-gateway "$REFUSED|Refused|Any=1" \
    --portal-gateway "$SILENT|Silent|Any=2" \
    --portal-gateway "$BROKEN|Broken|Any=3" \
    --portal-gateway "$GW_ADDR|Good|Any=4"

make_script script-t1
printf '%s\n' "$PASSWORD" >"$T/t1.in"
t0=$(date +%s)
# shellcheck disable=SC2046
( ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-t1.pid" \
    -r "$T/auth-t1.rc" -- $(as_auth_user) "$GP_AUTH" --cafile "$CA" \
    -u "$TEST_USER" --passwd-on-stdin -v -v "$URL" \
    <"$T/t1.in" 2>"$T/auth-t1.err" |
  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-t1.pid" \
    -r "$T/tun-t1.rc" -n "$T/client-resolv.conf" -- \
    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" --no-esp -v -v \
    2>"$T/tun-t1.err" ) &
lib_track $!
wait_until 50 0.1 test -s "$T/tun-t1.pid"
TUN_PID=$(pidof_file "$T/tun-t1.pid")
# The silent gateway costs gp-auth's TLS connect timeout (15 s).
if wait_until 400 0.1 client_tun_up; then
	ok "t1: tunnel up through the fourth gateway"
	note "t1: tunnel up after $(($(date +%s) - t0)) s"
	check_pings t1
else
	notok "t1: tunnel up through the fourth gateway"
	tail -n 20 "$T/auth-t1.err" "$T/tun-t1.err" | sed 's/^/#   /' >&2
fi
stop_pid "$TUN_PID" TERM 10
wait_until 50 0.1 client_tun_gone
grep -F 'failed:' "$T/auth-t1.err" | sed 's/^/# t1: /'
# moved FILE FROM TO: one line of $T/FILE says the move.
moved_line() {
	grep -F -e "gateway $2 failed: " "$T/$1" | grep -qF -e "; trying $3"
}
moved() {
	check "t1: says \"gateway $2 failed: ...; trying $3\"" moved_line "$@"
}
moved auth-t1.err "Refused ($REFUSED)" "Silent ($SILENT)"
moved auth-t1.err "Silent ($SILENT)" "Broken ($BROKEN)"
moved auth-t1.err "Broken ($BROKEN)" "Good ($GW_ADDR)"
check "t1: the broken gateway's failure is its HTTP 500" \
    grep -qF "gateway Broken ($BROKEN) failed: login: unexpected HTTP \
status 500; trying" "$T/auth-t1.err"
check "t1: the silent gateway was given up within the TLS connect bound" \
    grep -qE "Silent \($SILENT\) failed: .*(timed out|timeout)" \
    "$T/auth-t1.err"
check "t1: the broken gateway answered the login with HTTP 500" \
    eval "[ \$(xlog broken \"r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 500\") -eq 1 ]"
check "t1: the good gateway took the login and the tunnel" \
    eval "gwlog_has \"r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200\" && gwlog_has \"r.get('path') ==
    '/ssl-tunnel-connect.sslvpn' and r['status'] == 200\""

# ---- 2: equal priority: the faster TCP answer wins ---------------------

gw_stop
# The slow gateway's SYNs are dropped once per connection: the client's
# kernel sends the SYN again after its 1 s initial RTO.
ip netns exec "$NS_G" nft -f - <<EOF || die "nft rule for $SLOW"
table inet gpvpn_slow {
	set seen {
		type ipv4_addr . inet_service
		flags timeout
		timeout 60s
	}
	chain input {
		type filter hook input priority 0; policy accept;
		ip daddr $SLOW tcp dport 443 tcp flags & (syn | ack) == syn \
		    ip saddr . tcp sport @seen accept
		ip daddr $SLOW tcp dport 443 tcp flags & (syn | ack) == syn \
		    add @seen { ip saddr . tcp sport } drop
	}
}
EOF
xgw slow "$SLOW" extra
gw_start --portal --portal-gateway "$SLOW|Slow|Any=1" \
    --portal-gateway "$GW_ADDR|Fast|Any=1"
px d1 "$PASSWORD\n" "$URL"
rc_is d1 0
check "d1: the fast gateway took the login" \
    grep -qx "HOST='$GW_ADDR'" "$T/d1.out"
err_has d1 "gateway probe: Fast ($GW_ADDR) first"
check "d1: -v shows the slow gateway's time (about 1 s)" \
    grep -qE "gateway probe: Slow \($SLOW\): 1[0-9]{3} ms" "$T/d1.err"
grep -F 'gateway probe:' "$T/d1.err" | sed 's/^/# d1: /'
check "d1: the probe sent nothing: no TLS session, no request at Slow" \
    eval "[ \$(xlog slow \"r.get('event') in ('tls', 'request')\") -eq 0 ]"
check "d1: the probe stayed within its 2 s bound (run $(cat "$T/d1.ms") ms)" \
    test "$(cat "$T/d1.ms")" -lt 4000
px d2 "$PASSWORD\n" --no-gateway-probe "$URL"
rc_is d2 0
check "d2: --no-gateway-probe: the portal's first (slow) took the login" \
    grep -qx "HOST='$SLOW'" "$T/d2.out"
err_lacks d2 "gateway probe"
check "d2: the slow gateway's log shows the login" \
    eval "[ \$(xlog slow \"r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200\") -eq 1 ]"
ip netns exec "$NS_G" nft delete table inet gpvpn_slow

# ---- 3: --authgroup names the dead one: no failover --------------------

gw_stop
gw_start --portal --portal-gateway "$REFUSED|Refused|Any=1" \
    --portal-gateway "$GW_ADDR|Good|Any=2"
px e1 "$PASSWORD\n" --authgroup refused "$URL"
rc_is e1 1
err_has e1 "gateway Refused ($REFUSED) failed; --authgroup names it, so \
no other gateway is tried"
err_lacks e1 "trying Good"
check "e1: the other gateway saw no login" \
    test "$(logins_at "gw-$GW_RUNS")" -eq 0

# ---- 4: the first gateway refuses the password: no other is tried -----

gw_stop
xgw strict "$STRICT" extra --password-file "$T/strict-password"
gw_start --portal --portal-gateway "$STRICT|Strict|Any=1" \
    --portal-gateway "$GW_ADDR|Good|Any=2"
# The portal takes the password; Strict refuses it (the blind retry),
# then refuses the one typed for its own login.
px f1 "$PASSWORD\nnot-$PASSWORD\n" "$URL"
rc_is f1 1
err_has f1 "login: invalid username or password (HTTP 512)"
err_has f1 "gateway Strict ($STRICT) failed: the credentials were \
refused, so no other gateway is tried"
err_lacks f1 "trying Good"
check "f1: Strict saw both logins, refused" \
    eval "[ \$(xlog strict \"r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 512\") -eq 2 ]"
check "f1: the second gateway saw no login" \
    test "$(logins_at "gw-$GW_RUNS")" -eq 0

# ---- 5: all fail: each gateway and its failure named -------------------

gw_stop
xgw impostor "$IMPOSTOR" server
gw_start --portal --portal-gateway "$REFUSED|Refused|Any=1" \
    --portal-gateway "$IMPOSTOR|Impostor|Any=2" \
    --portal-gateway "$BROKEN|Broken|Any=3"
px g1 "$PASSWORD\n" "$URL"
rc_is g1 1
err_has g1 "no gateway took the login:"
err_has g1 "  gateway Refused ($REFUSED): "
err_has g1 "  gateway Impostor ($IMPOSTOR): login: the server's \
certificate is not trusted"
err_has g1 "  gateway Broken ($BROKEN): login: unexpected HTTP status 500"
check "g1: the impostor got no request (no password)" \
    test "$(xlog impostor "r.get('event') == 'request'")" -eq 0

gw_stop
check "the password is absent from gp-auth's logs" \
    eval '! grep -qF -e "$PASSWORD" "$T"/*.err'
check_host_untouched
lib_finish
