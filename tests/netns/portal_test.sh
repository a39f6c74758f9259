#!/bin/sh
# SPDX-License-Identifier: ISC
# portal_test.sh: issue 5's portal half end to end, in network namespaces
# against tests/gateway/gpgw.py (+ gpportal.py): portal prelogin and
# getconfig, gateway choice by region and --authgroup, the portal cookie
# and the blind retry (§4.4), identity options (§12), URL interface
# fallback, SAML cookies handed over as gp-saml-gui does (§3.3), the SAML
# hint, server errors (§2), and cookies exchanged with OpenConnect both
# ways (§5.4). Needs root; prints TAP lines; bounded to 85 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 85
need_client
netns_setup
make_certs
make_password
URL=https://$GW_ADDR
SAML_COOKIE="saml-$(od -An -N9 -tx1 /dev/urandom | tr -d ' \n')"
( umask 077; printf '%s\n' "$SAML_COOKIE" >"$T/saml-cookie" )
# Three gateways: one unreachable (no route to 198.19.0.0/16), two on
# the test gateway; region Earth prefers "Earth".
GWS1='198.19.0.9|Mars|Any=5'
GWS2='198.18.0.1|Earth|Earth=1,Any=9'
GWS3='198.18.0.1:443|Earth Backup|Earth=3'

# px NAME STDIN ARGS...: gp-auth in the client namespace (as nobody when
# possible), stdin from the text, bounded; $T/NAME.{out,err,rc}.
px() {
	n=$1
	printf '%b' "$2" >"$T/$n.in"
	shift 2
	# shellcheck disable=SC2046
	ip netns exec "$NS_C" timeout 20 $(as_auth_user) "$GP_AUTH" \
	    --cafile "$CA" -v -v "$@" <"$T/$n.in" >"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
	rm -f "$T/$n.in"
}

rc_is() {
	check "$1: exit status $2" grep -qx "$2" "$T/$1.rc"
	if ! grep -qx "$2" "$T/$1.rc"; then
		tail -n 8 "$T/$1.err" | sed 's/^/#   /' >&2
	fi
}

err_has() {
	check "$1: says \"$2\"" grep -qF -- "$2" "$T/$1.err"
}

# tunnel NAME STDIN ARGS...: gp-auth ARGS | gp-tunnel, as gpvpn_start.
tunnel() {
	n=$1
	printf '%b' "$2" >"$T/$n.in"
	shift 2
	make_script "script-$n"
	# shellcheck disable=SC2046
	( ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$n.pid" \
	    -r "$T/auth-$n.rc" -- $(as_auth_user) "$GP_AUTH" -v -v "$@" \
	    <"$T/$n.in" 2>"$T/auth-$n.err" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/tun-$n.pid" \
	    -r "$T/tun-$n.rc" -n "$T/client-resolv.conf" -- \
	    "$GP_TUNNEL" -i "$C_TUN" -s "$SCRIPT" --no-esp -v -v \
	    2>"$T/tun-$n.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/tun-$n.pid"
	TUN_PID=$(pidof_file "$T/tun-$n.pid")
}

tunnel_check() {
	if wait_until 150 0.1 client_tun_up; then
		ok "$1: tunnel up"
		# The connect script may still be adding the route.
		wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 \
		    "$LAN_ADDR"
		check "$1: ping the LAN host through the tunnel" \
		    ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 "$LAN_ADDR"
	else
		notok "$1: tunnel up"
		tail -n 8 "$T/auth-$1.err" "$T/tun-$1.err" "$T/$1.err" \
		    2>/dev/null | sed 's/^/#   /' >&2
	fi
	stop_pid "$TUN_PID" TERM 10
	wait_until 50 0.1 client_tun_gone
	rm -f "$T/$1.in"
}

# ---- 1: portal, three gateways, portal cookie, identity ---------------

gw_start --portal --region Earth --portal-cookie --portal-cookie-only \
    --portal-push --portal-sloppy-xml --portal-version 6.1.3-7 \
    --portal-gateway "$GWS1" --portal-gateway "$GWS2" \
    --portal-gateway "$GWS3"
px p1 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate --os win \
    --useragent gpvpn-test/1 --client-version 6.3.3-650 --disable-ipv6 \
    "$URL"
rc_is p1 0
err_has p1 "gateway Earth chosen: 198.18.0.1"
err_has p1 "ignoring what it pushes to clients: root-ca"
check "p1: --authenticate lines" grep -qx "HOST='$GW_ADDR'" "$T/p1.out"
check "p1: a URL without a path goes to the portal first (§3.1)" \
    gwlog_has "r.get('path') == '/global-protect/prelogin.esp' and
    r['query'].get('clientos') == 'Windows' and r['status'] == 200"
check "p1: portal getconfig got the §4.1 body, --os win, identity" \
    gwlog_has "r.get('path') == '/global-protect/getconfig.esp' and
    r['status'] == 200 and r['fields'].get('clientos') == 'Windows' and
    r['fields'].get('os-version') == 'win' and
    r['fields'].get('clientgpversion') == '6.3.3-650' and
    r['fields'].get('ipv6-support') == 'no' and
    r['fields'].get('jnlpReady') == 'jnlpReady'"
check "p1: blind retry: login.esp with the portal cookie" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200 and 'portal-userauthcookie' in r['fields'] and
    r['fields'].get('clientos') == 'Windows'"
check "p1: blind retry: no prelogin" \
    test "$(gwlog "r.get('path') == '/ssl-vpn/prelogin.esp'")" -eq 0
check "p1: --useragent on every request" \
    eval "[ \$(gwlog \"r.get('event') == 'request' and
    r['headers'].get('user-agent') != 'gpvpn-test/1'\") -eq 0 ]"

px p2 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate \
    --authgroup "earth b" "$URL/portal"
rc_is p2 0
err_has p2 "gateway Earth Backup chosen: 198.18.0.1:443"
px p3 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate \
    --authgroup e "$URL"
rc_is p3 1
err_has p3 "--authgroup \`e\` is ambiguous; the portal offers \`Earth\`"
px p4 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate \
    --authgroup VENUS "$URL"
rc_is p4 1
err_has p4 "matches no gateway; the portal offers"
px p5 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate \
    --authgroup mars "$URL"
rc_is p5 1
err_has p5 "gateway Mars chosen: 198.19.0.9"
px p6 "wrong\n" -u alice --passwd-on-stdin --authenticate "$URL"
rc_is p6 1
err_has p6 "portal getconfig: invalid username or password (HTTP 512)"
if command -v script >/dev/null 2>&1; then
	# On a terminal the user picks; Enter would take "Earth" (first
	# by priority).
	tty_type "$CA -u alice --authenticate $URL" "$PASSWORD" 'earth b' |
	    ip netns exec "$NS_C" timeout 20 script -qec \
	    "$GP_AUTH --cafile $CA -u alice --authenticate $URL" \
	    /dev/null >"$T/p7.tty" 2>&1
	echo $? >"$T/p7.rc"
	rc_is p7 0
	check "p7: asked on the terminal, default first by priority" \
	    grep -qF "Gateway [Earth]: " "$T/p7.tty"
	check "p7: the typed label chose the gateway" \
	    grep -qF "gateway Earth Backup chosen" "$T/p7.tty"
else
	skip "p7: the gateway asked on a terminal" "no script(1)"
fi

tunnel t1 "$PASSWORD\n" --cafile "$CA" -u alice --passwd-on-stdin \
    --os mac "$URL/global-protect"
tunnel_check t1
check "t1: gateway getconfig parrots the portal version as app-version" \
    gwlog_has "r.get('path') == '/ssl-vpn/getconfig.esp' and
    r['status'] == 200 and r['fields'].get('app-version') == '6.1.3-7' and
    r['fields'].get('clientos') == 'Mac' and
    r['fields'].get('os-version') == 'mac-intel'"

# ---- 2: no portal cookie; the blind retry fails: gateway's own form ----

gw_stop
gw_start --portal --login-needs-jar
px b1 "$PASSWORD\n$PASSWORD\n" -u alice --passwd-on-stdin --authenticate \
    "$URL"
rc_is b1 0
err_has b1 "the gateway wants its own login"
check "b1: blind retry 512 (§4.4)" \
    test "$(gwlog "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 512")" -eq 1
check "b1: then prelogin" gwlog_has "r.get('path') == '/ssl-vpn/prelogin.esp'"
check "b1: then login 200" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and r['status'] == 200"
if command -v script >/dev/null 2>&1; then
	# A terminal (script(1)'s pty): HTTP 512 asks again (§2). The
	# lines are typed when it reads: turning echo off flushes typed-ahead
	# input (tty_type).
	tty_type "$CA -u alice --authenticate $URL/gateway" wrong \
	    "$PASSWORD" | ip netns exec "$NS_C" timeout 20 script -qec \
	    "$GP_AUTH --cafile $CA -u alice --authenticate $URL/gateway" \
	    /dev/null >"$T/b2.tty" 2>&1
	echo $? >"$T/b2.rc"
	rc_is b2 0
	check "b2: says \"try again (2 of 3)\" on the terminal" \
	    grep -qF "wrong user name or password; try again (2 of 3)" \
	    "$T/b2.tty"
	check "b2: the gateway saw the wrong password (a second 512)" \
	    eval "[ \$(gwlog \"r.get('path') == '/ssl-vpn/login.esp' and
	    r['status'] == 512\") -eq 2 ]"
else
	skip "b2: HTTP 512 asks again on a terminal" "no script(1)"
fi

# ---- 2b: 2FA at the portal (§4.1, §5.5) and the §4.4 blind retry -------

# Two challenge rounds at the portal, no portal cookie: no blind retry
# (the saved password would only draw a challenge), so the gateway's
# own prelogin and login, with the password read once more.
gw_stop
gw_start --portal --2fa xml --2fa-at portal --2fa-rounds 2
px f1 "$PASSWORD\notp-1\notp-2\n$PASSWORD\n" -u alice --passwd-on-stdin \
    --authenticate "$URL"
rc_is f1 0
err_has f1 "portal getconfig: the server asks: Enter OTP #2 & press"
check "f1: the portal saw both rounds, then gave its policy" \
    gwlog_has "r.get('event') == '2fa_done' and r['rounds'] == 2 and
    r['at'] == 'portal'"
check "f1: no blind retry: one login (§4.4)" \
    test "$(gwlog "r.get('path') == '/ssl-vpn/login.esp'")" -eq 1
check "f1: gateway prelogin" \
    gwlog_has "r.get('path') == '/ssl-vpn/prelogin.esp'"
check "f1: the login is 200, no challenge answer in it" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200 and 'inputStr' not in r['fields']"
# The same with a portal cookie, JavaScript challenges: the blind retry
# happens and no second password is read (stdin has none).
gw_stop
gw_start --portal --2fa js --2fa-at portal --2fa-rounds 2 --portal-cookie \
    --portal-cookie-only
px f2 "$PASSWORD\notp-1\notp-2\n" -u alice --passwd-on-stdin \
    --authenticate "$URL"
rc_is f2 0
check "f2: blind retry with the portal cookie" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200 and 'portal-userauthcookie' in r['fields']"
check "f2: no gateway prelogin" \
    test "$(gwlog "r.get('path') == '/ssl-vpn/prelogin.esp'")" -eq 0
if command -v script >/dev/null 2>&1; then
	# On a terminal: the portal's prompts are shown, one answer each.
	tty_type "$CA -u alice --authenticate $URL" "$PASSWORD" otp-1 \
	    otp-2 | ip netns exec "$NS_C" \
	    timeout 20 script -qec \
	    "$GP_AUTH --cafile $CA -u alice --authenticate $URL" \
	    /dev/null >"$T/f3.tty" 2>&1
	echo $? >"$T/f3.rc"
	rc_is f3 0
	check "f3: the portal's second prompt was shown on the terminal" \
	    grep -qF "Enter OTP #2 & press <Enter>, 'now'" "$T/f3.tty"
else
	skip "f3: the portal's prompts on a terminal" "no script(1)"
fi

# ---- 3: SAML at the gateway (gp-saml-gui's hand-over) -----------------

gw_stop
gw_start --saml prelogin-cookie --saml-cookie-file "$T/saml-cookie"
px s1 "" -u alice --authenticate "$URL"
rc_is s1 3
err_has s1 "https://idp.gpvpn.test/sso?id=1"
err_has s1 "--usergroup=gateway:prelogin-cookie --passwd-on-stdin"
# gp-saml-gui's very command line (§18), with --authenticate.
px s2 "$SAML_COOKIE\n" --protocol=gp --user=alice --os=win \
    --usergroup=gateway:prelogin-cookie --passwd-on-stdin --authenticate \
    "$GW_ADDR"
rc_is s2 0
check "s2: login.esp took user + prelogin-cookie, no passwd (§3.3)" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200 and 'prelogin-cookie' in r['fields'] and
    'passwd' not in r['fields']"
gw_stop
gw_start --saml portal-userauthcookie --saml-cookie-file "$T/saml-cookie"
px s3 "$SAML_COOKIE\n" -u alice --passwd-on-stdin --authenticate \
    "$URL/gateway:portal-userauthcookie"
rc_is s3 0

# ---- 4: SAML at the portal ----------------------------------------------

gw_stop
gw_start --portal --saml portal-userauthcookie --saml-at portal \
    --saml-cookie-file "$T/saml-cookie" --portal-cookie-only
px s4 "$SAML_COOKIE\n" -u alice --passwd-on-stdin --authenticate \
    --usergroup portal:portal-userauthcookie "$URL"
rc_is s4 0
check "s4: portal took the SAML cookie" \
    gwlog_has "r.get('path') == '/global-protect/getconfig.esp' and
    r['status'] == 200 and 'portal-userauthcookie' in r['fields']"
check "s4: gateway took the portal's" \
    gwlog_has "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 200 and 'portal-userauthcookie' in r['fields']"
px s5 "" -u alice --authenticate "$URL/portal"
rc_is s5 3
err_has s5 "--usergroup=portal:prelogin-cookie"
gw_stop
gw_start --portal --saml prelogin-cookie --saml-at portal \
    --saml-cookie-file "$T/saml-cookie"
px s6 "$SAML_COOKIE\n$PASSWORD\n" -u alice --passwd-on-stdin \
    --authenticate --usergroup portal:prelogin-cookie "$URL"
rc_is s6 0

# ---- 5: hostile or odd SAML requests (THREATS 16) -----------------------

gw_stop
gw_start --saml prelogin-cookie --saml-url 'javascript:alert(1)'
px s7 "" -u alice --authenticate "$URL/gateway"
rc_is s7 1
err_has s7 "is not https://"
check "s7: the javascript: URL is never offered to open" \
    eval '! grep -q "log in with a browser" "$T/s7.err"'
gw_stop
gw_start --saml prelogin-cookie --saml-method POST
px s8 "" -u alice --authenticate "$URL/gateway"
rc_is s8 3
err_has s8 "HTML form that posts to:"
err_has s8 "https://idp.gpvpn.test/sso?id=1"

# ---- 6: server errors (§2) -------------------------------------------

gw_stop
gw_start --login-error 'Account "alice" is locked; call x1234' --no-jar-check
px e1 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate "$URL/gateway"
rc_is e1 1
err_has e1 "login: the server says \`Account \"alice\" is locked; call x1234\`"
px e2 "authcookie=0123456789abcdef0123456789abcdef&portal=gpvpn-gw&user=alice&domain=d&preferred-ip=198.18.128.10&computer=x\n" \
    --cookie-on-stdin "$URL"
rc_is e2 2
err_has e2 "getconfig: the server rejected the authentication cookie"
# A §2 fatal text that is not about the cookie: the server's own words.
gw_stop
gw_start --login-error 'Allow Automatic Restoration of SSL VPN is disabled'
px e3 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate "$URL/gateway"
rc_is e3 2
err_has e3 "login: the server refuses, and a retry will not help: \
\`Allow Automatic Restoration of SSL VPN is disabled\`"
check "e3: no word of a cookie" eval '! grep -q cookie "$T/e3.err"'

# ---- 7: cookies between OpenConnect and gp-auth (§5.4) -----------------

gw_stop
gw_start --no-jar-check
px c1 "$PASSWORD\n" -u alice --passwd-on-stdin --authenticate "$URL"
rc_is c1 0
if command -v openconnect >/dev/null 2>&1; then
	printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 20 \
	    openconnect --protocol=gp --authenticate --cafile "$CA" \
	    -u alice --passwd-on-stdin --non-inter "$URL" \
	    >"$T/oc-auth.out" 2>"$T/oc-auth.err"
	echo $? >"$T/oc-auth.rc"
	rc_is oc-auth 0
	# Same lines, same order, same values but for the cookie's secrets.
	shape() {
		sed -e "s/authcookie=[0-9a-f]*/authcookie=X/" \
		    -e "s/preferred-ip=[0-9.]*/preferred-ip=X/" \
		    -e "s/computer=[^&']*/computer=X/" "$1"
	}
	check "c1: gp-auth --authenticate prints what openconnect does" \
	    eval 'shape "$T/c1.out" >"$T/c1.shape" &&
	    shape "$T/oc-auth.out" >"$T/oc.shape" &&
	    diff "$T/oc.shape" "$T/c1.shape"'
	# OpenConnect's cookie into gp-auth --cookie-on-stdin | gp-tunnel.
	( . "$T/oc-auth.out"
	  printf '%s\n' "$COOKIE" >"$T/oc-cookie"
	  printf '%s\n%s\n%s\n' "$CONNECT_URL" "$FINGERPRINT" "$RESOLVE" \
	      >"$T/oc-args" )
	tunnel c2 "$(cat "$T/oc-cookie")\n" --cookie-on-stdin \
	    --servercert "$(sed -n 2p "$T/oc-args")" \
	    --resolve "$(sed -n 3p "$T/oc-args")" "$(sed -n 1p "$T/oc-args")"
	tunnel_check c2
	# Ours into openconnect --cookie-on-stdin.
	( . "$T/c1.out"
	  make_script script-c3
	  printf '%s\n' "$COOKIE" | ip netns exec "$NS_C" sh "$NSEXEC" \
	      -p "$T/c3.pid" -r "$T/c3.rc" -n "$T/client-resolv.conf" -- \
	      openconnect --protocol=gp --cookie-on-stdin --servercert \
	      "$FINGERPRINT" --resolve "$RESOLVE" --no-dtls --non-inter \
	      -i "$C_TUN" -s "$SCRIPT" "$CONNECT_URL" \
	      >"$T/c3.out" 2>"$T/c3.err" & )
	wait_until 50 0.1 test -s "$T/c3.pid"
	TUN_PID=$(pidof_file "$T/c3.pid")
	tunnel_check c3
else
	skip "cookie interop with openconnect" "openconnect is not installed"
fi

gw_stop
check "password, SAML and portal cookies absent from the gateway logs" \
    eval '! grep -qF -e "$PASSWORD" -e "$SAML_COOKIE" "$T"/gw-*.log'
check "password and SAML cookie absent from gp-auth's -v -v logs" \
    eval '! grep -qF -e "$PASSWORD" -e "$SAML_COOKIE" "$T"/*.err'
check_host_untouched
lib_finish
