#!/bin/sh
# SPDX-License-Identifier: ISC
# bigcookie_test.sh: issue 9 item 2, the cookie sizes real servers use,
# end to end in namespaces against tests/gateway/gpgw.py:
#  (a) a 900-character base64url authcookie, a 256-byte user, portal and
#      domain: gp-auth | gp-tunnel over ESP, traffic both ways, logout;
#  (b) the same over the HTTPS tunnel (gp-tunnel --no-esp): the tunnel
#      request line carries the cookie and the user %-encoded;
#  (c) a 4096-character base64 cookie (the limit; + / = %-encoded to
#      12 KiB in the login answer, the forms and the request line) over
#      the HTTPS tunnel, and --authenticate / --cookie-on-stdin with it;
#  (d) 4097 characters: gp-auth refuses it with the field and the limit.
# Needs root; takes binaries from $B; TAP; bounded to 150 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 150
need_client
netns_setup
make_certs
make_password
make_xfer_files

# 256 bytes each, with characters that %-encoding must carry.
TEST_USER=$(printf 'u%.0s' $(seq 1 240))+vpn@corp.test.x
LONG_PORTAL=$(printf 'P%.0s' $(seq 1 256))
LONG_DOMAIN=$(printf 'D%.0s' $(seq 1 250))\(dom\)
NAMES="--portal-name $LONG_PORTAL --domain $LONG_DOMAIN"

# issued_len: length of the newest authcookie the gateway handed out.
issued_len() {
	"$PY" -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "login":
        n = len(r["authcookie"])
print(n)' "$T/gw-secrets"
}

# round_down NAME: SIGTERM to gp-tunnel, gp-auth logs out and ends.
round_down() {
	stop_pid "$TUN_PID" TERM 15
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	check "$1: gp-tunnel exited 0 after SIGTERM" \
	    wait_until 30 0.1 grep -qx 0 "$T/tun-$1.rc"
	check "$1: gateway: logout.esp with every cookie field, accepted" \
	    gwlog_has "r.get('path') == '/ssl-vpn/logout.esp' and
	    r.get('logout_ok') is True and not r['cookie_mismatch']"
}

# getconfig_ok NAME: the gateway took the cookie, every field matching.
getconfig_ok() {
	check "$1: gateway: getconfig.esp with the cookie, fields match" \
	    gwlog_has "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200 and r.get('authcookie_valid') is True and
	    not r['cookie_mismatch'] and not r['cookie_missing'] and
	    r.get('jar_ok') is True"
}

# ---- (a) 900 base64url over ESP ---------------------------------------

note "(a) 900-character base64url authcookie over ESP"
# shellcheck disable=SC2086
gw_start --authcookie-len 900 --authcookie-alphabet base64url $NAMES
gpvpn_start a
if gpvpn_up a; then
	check "a: the gateway issued a 900-character authcookie" \
	    test "$(issued_len)" -eq 900
	getconfig_ok a
	check_pings a
	check_xfer a
	gw_counters
	check "a: gateway: the session's traffic went over ESP only" \
	    gw_session "$esp_only_expr"
fi
round_down a
gw_stop

# ---- (b) the same over the HTTPS tunnel -------------------------------

note "(b) 900-character base64url authcookie over the HTTPS tunnel"
# shellcheck disable=SC2086
gw_start --authcookie-len 900 --authcookie-alphabet base64url $NAMES
gpvpn_start b --no-esp
if gpvpn_up b; then
	getconfig_ok b
	check "b: gateway: tunnel request with the cookie and user" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 200 and r.get('authcookie_valid') is True and
	    r['query_order'] == ['authcookie', 'user']"
	check_pings b
	check_xfer b
	gw_counters
	check "b: gateway: the session's traffic went over HTTPS" \
	    gw_session "s['https_c2s_pkts'] > 0 and s['https_s2c_pkts'] > 0"
fi
round_down b
gw_stop

# ---- (c) the limit: 4096 base64, %-encoded everywhere -----------------

note "(c) 4096-character base64 authcookie over the HTTPS tunnel"
# No jar check: --cookie-on-stdin below is a new process with no jar.
gw_start --authcookie-len 4096 --authcookie-alphabet base64 --no-jar-check
gpvpn_start c --no-esp
if gpvpn_up c; then
	check "c: the gateway issued 4096 characters with + / =" \
	    "$PY" -c 'import json, sys
c = [r for r in map(json.loads, open(sys.argv[1]))
     if r.get("event") == "login"][-1]["authcookie"]
sys.exit(0 if len(c) == 4096 and c.endswith("==") and
         "+" in c and "/" in c else 1)' "$T/gw-secrets"
	getconfig_ok c
	check "c: gateway: tunnel request with the 4096-byte cookie" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 200 and r.get('authcookie_valid') is True"
	check_pings c
fi
round_down c

# --authenticate prints it, --cookie-on-stdin takes it back (§5.4).
# shellcheck disable=SC2046
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 20 \
    $(as_auth_user) "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin --authenticate "https://$GW_ADDR/" \
    >"$T/c-auth.out" 2>"$T/c-auth.err"
( umask 077; sed -n "s/^COOKIE='\(.*\)'$/\1/p" "$T/c-auth.out" \
    >"$T/c-cookie" )
check "c: --authenticate prints the COOKIE line of the 4096-byte cookie" \
    eval "[ \$(wc -c <\"$T/c-cookie\") -gt 4096 ]"
# Its frame goes to head, which ends after the header: gp-auth logs out.
# shellcheck disable=SC2046
ip netns exec "$NS_C" timeout 20 $(as_auth_user) "$GP_AUTH" \
    --cafile "$CA" --cookie-on-stdin -v "https://$GW_ADDR/" \
    <"$T/c-cookie" 2>"$T/c-stdin.err" | head -c 12 >/dev/null
check "c: --cookie-on-stdin: getconfig accepted with that cookie" \
    eval "[ \$(gwlog \"r.get('path') == '/ssl-vpn/getconfig.esp' and
    r['status'] == 200 and r.get('authcookie_valid') is True\") -ge 2 ]"
rm -f "$T/c-cookie" "$T/c-auth.out"
gw_stop

# ---- (d) one past the limit -------------------------------------------

note "(d) 4097-character authcookie: refused"
gw_start --authcookie-len 4097 --authcookie-alphabet base64url
# shellcheck disable=SC2046
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 20 \
    $(as_auth_user) "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin --authenticate "https://$GW_ADDR/" \
    >"$T/d.out" 2>"$T/d.err"
echo $? >"$T/d.rc"
check "d: gp-auth exits 1" grep -qx 1 "$T/d.rc"
check "d: the error names the field and the limit" \
    grep -qF "login: authcookie is 4097 bytes, over its limit of 4096" \
    "$T/d.err"
check "d: no getconfig.esp was sent" \
    eval "[ \$(gwlog \"r.get('path') == '/ssl-vpn/getconfig.esp'\") -eq 0 ]"
gw_stop

check "cookies and password absent from the logs of both programs" \
    no_secret_in_files "$GW_LOG" "$T/gw.err" "$T"/auth-*.err \
    "$T"/tun-*.err "$T/d.err" "$T/c-auth.err" "$T/c-stdin.err"
check_host_untouched
lib_finish
