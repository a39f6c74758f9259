#!/bin/sh
# SPDX-License-Identifier: ISC
# httpforms_test.sh: issue 9 item 3, HTTP as servers speak it, end to end
# in namespaces against tests/gateway/gpgw.py (gphttp.py): for each of
# --chunked, --gzip, --deflate, --connection-close, --http10 and
# --require-cookie (set at the portal, wanted back at the gateway on the
# same host), a whole login and tunnel with gp-auth | gp-tunnel, pings
# through it and the gateway's view of each request; then a gzip bomb (1
# GiB of zeros) at prelogin, refused fast with bounded memory; then
# OpenConnect through each switch, our yardstick of a faithful gateway.
# Needs root; takes binaries from $B; TAP; bounded to 280 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 280
need_client
netns_setup
make_certs
make_password

# The gateway's answers to the login requests of this run.
LOGIN_PATHS="('/ssl-vpn/prelogin.esp', '/ssl-vpn/login.esp',
    '/ssl-vpn/getconfig.esp')"

# round NAME GPGW_OPTS...: a fresh gateway, gp-auth | gp-tunnel (HTTPS
# tunnel: the HTTP forms are the point), pings; false if it did not come
# up. round_end NAME: SIGTERM, a logout the gateway accepted, stop.
round() {
	r=$1
	shift
	gw_start "$@"
	gpvpn_start "$r" --no-esp
	gpvpn_up "$r" || return 1
	wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 "$LAN_ADDR"
	check "$r: client pings the LAN host through the tunnel" \
	    ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 "$LAN_ADDR"
}

round_end() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$1: gateway: logout.esp accepted" \
	    gwlog_has "r.get('path') == '/ssl-vpn/logout.esp' and
	    r.get('logout_ok') is True"
	gw_stop
}

# ---- our client, one switch per round ---------------------------------

note "--chunked: bodies in chunks of 1, 97, 4096 bytes and the rest"
round chunked --chunked && check "chunked: login and getconfig answered" \
    gwlog_has "r.get('path') == '/ssl-vpn/getconfig.esp' and
    r['status'] == 200 and r.get('jar_ok') is True"
round_end chunked

for enc in gzip deflate; do
	note "--$enc: compressed when Accept-Encoding lists it"
	round "$enc" "--$enc" &&
	check "$enc: gp-auth asked for it and got $enc answers" \
	    eval "[ \$(gwlog \"r.get('path') in $LOGIN_PATHS and
	    r['status'] == 200 and r.get('encoding') == '$enc' and
	    '$enc' in r['headers'].get('accept-encoding', '')\") -eq 3 ]"
	round_end "$enc"
done

note "--connection-close: a new TLS connection for every request"
round close --connection-close &&
check "close: as many TLS handshakes as requests" \
    eval "[ \$(gwlog \"r.get('event') == 'tls'\") -ge \
    \$(gwlog \"r.get('event') == 'request'\") ]"
round_end close

note "--http10: no Content-Length, the close ends each body"
round http10 --http10 && check "http10: login and getconfig answered" \
    gwlog_has "r.get('path') == '/ssl-vpn/getconfig.esp' and
    r['status'] == 200 and r.get('jar_ok') is True"
round_end http10

note "--require-cookie --portal: the portal's cookie back at the gateway"
if round cookie --require-cookie --portal; then
	check "cookie: portal, login and getconfig carried the portal's cookie" \
	    eval "[ \$(gwlog \"r.get('path') in
	    ('/global-protect/getconfig.esp', '/ssl-vpn/login.esp',
	    '/ssl-vpn/getconfig.esp') and
	    r['status'] == 200 and r.get('req_cookie') == 'ok'\") -eq 3 ]"
	check "cookie: no cookie refused" \
	    eval "[ \$(gwlog \"r.get('req_cookie_refused')\") -eq 0 ]"
fi
round_end cookie

# The same server behind another port is another origin (RFC 6454): its
# cookies must not go there, though RFC 6265 cookies ignore ports.
note "--require-cookie: a gateway on another origin does not get it"
ip netns exec "$NS_G" nft -f - <<EOF || notok "nft redirect 4443 -> 443"
table ip gpvpn_redirect {
	chain pre {
		type nat hook prerouting priority -100;
		tcp dport 4443 redirect to :443
	}
}
EOF
gw_start --require-cookie --portal --portal-gateway "$GW_ADDR:4443|Other|Any=1"
# shellcheck disable=SC2046
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 20 \
    $(as_auth_user) "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin --authenticate -v -v "https://$GW_ADDR/" \
    >/dev/null 2>"$T/cross.err"
check "cross: gp-auth went to the gateway at port 4443" \
    grep -qF "gateway Other chosen: $GW_ADDR:4443" "$T/cross.err"
check "cross: the portal's cookie did not go to the other origin" \
    gwlog_has "r.get('path') in ('/ssl-vpn/prelogin.esp',
    '/ssl-vpn/login.esp') and r.get('req_cookie') == 'missing'"
check "cross: nor did any other request there carry it" \
    eval "[ \$(gwlog \"r.get('path', '').startswith('/ssl-vpn/') and
    r.get('req_cookie') != 'missing'\") -eq 0 ]"
gw_stop
ip netns exec "$NS_G" nft delete table ip gpvpn_redirect

# ---- a gzip bomb --------------------------------------------------------

note "--gzip-bomb: prelogin answers 1 GiB of zeros in ~1 MB of gzip"
gw_start --gzip-bomb
# gp-auth under a Python parent that reports its wall time and peak RSS.
# shellcheck disable=SC2046
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 20 "$PY" -c '
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[2:], stderr=open(sys.argv[1], "w"))
print(rc, "%.3f" % (time.monotonic() - t),
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
    "$T/bomb.err" $(as_auth_user) "$GP_AUTH" --cafile "$CA" \
    -u "$TEST_USER" --passwd-on-stdin -v "https://$GW_ADDR/gateway" \
    >"$T/bomb.out" 2>"$T/bomb.py.err"
read -r bomb_rc bomb_s bomb_kib <"$T/bomb.out" || bomb_rc=none
note "bomb: gp-auth exit $bomb_rc after $bomb_s s, peak RSS $bomb_kib KiB"
check "bomb: gp-auth exits 1" test "$bomb_rc" = 1
check "bomb: the error names the limit" grep -qF \
    "prelogin: response larger than 1048576 bytes (counted decompressed)" \
    "$T/bomb.err"
check "bomb: refused within 2 s of starting" \
    "$PY" -c 'import sys; sys.exit(float(sys.argv[1]) >= 2)' "$bomb_s"
check "bomb: peak RSS under 256 MiB (the bomb is 1 GiB)" \
    test "$bomb_kib" -lt 262144
gw_stop

# ---- OpenConnect through each switch ------------------------------------

# oc_round NAME GPGW_OPTS...: OpenConnect connects (HTTPS tunnel), pings,
# and leaves on SIGTERM with a logout.
oc_round() {
	n=oc-$1
	shift
	gw_start "$@"
	openconnect_start "$n" --no-dtls
	if wait_until 200 0.1 client_tun_up &&
	    wait_until 50 0.1 script_ran connect; then
		ok "$n: openconnect connects"
		# The script may still be adding the route on a busy machine.
		wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 \
		    "$LAN_ADDR"
		check "$n: ping the LAN host through OpenConnect's tunnel" \
		    ip netns exec "$NS_C" ping -c 2 -i 0.2 -W 2 "$LAN_ADDR"
	else
		notok "$n: openconnect connects"
		tail -n 8 "$T/$n.err" | sed 's/^/#   /' >&2
	fi
	kill -TERM "$OC_PID" 2>/dev/null
	wait_until 150 0.1 gone "$OC_PID" || stop_pid "$OC_PID" KILL 1
	wait_until 50 0.1 client_tun_gone
	gw_stop
}

if command -v openconnect >/dev/null 2>&1; then
	oc_round chunked --chunked
	oc_round gzip --gzip
	oc_round deflate --deflate
	oc_round close --connection-close
	oc_round http10 --http10
	oc_round cookie --require-cookie --portal
else
	notok "openconnect is installed (the gateway's yardstick)"
fi

check "password and authcookies absent from gp-auth's and the gateway's logs" \
    no_secret_in_files "$T"/gw-*.log "$T/gw.err" "$T"/auth-*.err \
    "$T/bomb.err"
check_host_untouched
lib_finish
