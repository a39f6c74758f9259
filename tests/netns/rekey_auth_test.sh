#!/bin/sh
# SPDX-License-Identifier: ISC
# rekey_auth_test.sh: gp-auth's rekey (PROTOCOL.md §6.1, §9) against the
# test gateway with a 65 s <timeout>, so the rekey comes 5 s after login;
# gp-auth's frames go to `gp-tunnel --dump`. Round 1: a second getconfig
# with preferred-ip first and fresh ESP keys, a second CONFIG frame and
# HIP check. Round 2: the session is logged out behind gp-auth's back, so
# the rekey meets a rejected cookie: SHUTDOWN frame, exit 2. Round 3: the
# gateway is down at rekey time: retried, not fatal at once. Round 4: a
# stand-in tunnel sends 1000 NEED_CONFIG at once: gp-auth makes one
# getconfig for them, SESSION_NEED_CONFIG_MIN_S after login's. Round 5:
# the tunnel is gone when the rekey's CONFIG is written: the session ends
# as the tunnel's end does (logout, exit 0), not as a failure. Needs root.
set -u
. "$(dirname "$0")/lib.sh"

REKEY_TIMEOUT_S=65

lib_start 150
need_client
netns_setup
make_certs
make_password

# auth_dump_start ROUND: printf PASSWORD | gp-auth | gp-tunnel --dump.
auth_dump_start() {
	r=$1
	# shellcheck disable=SC2046
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v "https://$GW_ADDR/" 2>"$T/auth-$r.err" |
	  "$GP_TUNNEL" --dump >"$T/dump-$r.out" 2>"$T/dump-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
}

dump_has() {
	grep -q "^frame $2: $3," "$T/dump-$1.out"
}

# field N NAME: NAME's value in the Nth CONFIG of the dump.
dump_field() {
	awk -v n="$2" -v k="$3:" '/^frame [0-9]+: CONFIG/ { c++ }
	    c == n && $1 == k { print $2; exit }' "$T/dump-$1.out"
}

getconfigs() {
	gwlog "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200"
}

# The rekey request: preferred-ip (the current address) and
# preferred-ipv6 (empty: no IPv6 here) once each, before the cookie, and
# the gateway found every cookie field right.
rekey_request_ok() {
	ip4=$(dump_field 1 1 ip4 | cut -d/ -f1)
	gwlog "r.get('path') == '/ssl-vpn/getconfig.esp' and
	    r['status'] == 200 and
	    r['fields'].get('preferred-ip') == '$ip4' and
	    r['fields'].get('preferred-ipv6') == '' and
	    r['field_order'].count('preferred-ip') == 1 and
	    r['field_order'].count('preferred-ipv6') == 1 and
	    r['field_order'].index('preferred-ip') <
	    r['field_order'].index('authcookie') and
	    r['field_order'].index('enc-algo') <
	    r['field_order'].index('preferred-ip') and
	    not r.get('cookie_mismatch') and not r.get('cookie_missing')" |
	    grep -qx '[1-9][0-9]*'
}

hipchecks() {
	gwlog "r.get('path') == '/ssl-vpn/hipreportcheck.esp'"
}

esp_key_sets() {
	"$PY" - "$T/gw-secrets" <<'EOF'
import json, sys
keys = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "esp-keys":
        keys.add((r["ekey-c2s"], r["akey-s2c"], r["c2s-spi"]))
print(len(keys))
EOF
}

# The values the gateway issued: cookies and both sets of ESP keys.
secret_values() {
	"$PY" - "$T/gw-secrets" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    for k in ("authcookie", "ekey-c2s", "ekey-s2c", "akey-c2s",
              "akey-s2c"):
        if r.get(k):
            print(r[k])
EOF
}

# ---- round 1: a rekey that works ------------------------------------

note "round 1: rekey $((REKEY_TIMEOUT_S - 60)) s after login"
gw_start --timeout "$REKEY_TIMEOUT_S"
auth_dump_start 1
check "round 1: first CONFIG frame" wait_until 100 0.1 dump_has 1 1 CONFIG
check "round 1: second CONFIG frame after the rekey" \
    wait_until 100 0.1 dump_has 1 2 CONFIG
check "round 1: a second getconfig request" test "$(getconfigs)" -ge 2
check "round 1: rekey getconfig sends preferred-ip first" rekey_request_ok
check "round 1: same tunnel address in both CONFIGs" \
    test "$(dump_field 1 1 ip4)" = "$(dump_field 1 2 ip4)"
check "round 1: new SPI in the second CONFIG" \
    test "$(dump_field 1 1 esp_spi_c2s)" != "$(dump_field 1 2 esp_spi_c2s)"
check "round 1: the gateway issued a new set of ESP keys" \
    test "$(esp_key_sets)" -ge 2
check "round 1: HIP check after each getconfig" \
    wait_until 20 0.1 test "$(hipchecks)" -ge 2
check "round 1: gp-auth stays after the rekey" alive "$AUTH_PID"
check "round 1: no cookie or ESP key in the logs or the dump" \
    eval 'secret_values >"$T/secret-values" &&
    test -s "$T/secret-values" &&
    ! grep -qF -f "$T/secret-values" "$T/auth-1.err" "$T/dump-1.out"'
kill -TERM "$AUTH_PID"
check "round 1: gp-auth exits on SIGTERM" \
    wait_until 100 0.1 test -s "$T/auth-1.rc"
check "round 1: exit status 0" grep -qx 0 "$T/auth-1.rc"
gw_stop

# ---- round 2: the cookie is rejected at rekey -------------------------

# Log the session out with the cookie fields gp-auth sent, as another
# client of the same user could.
logout_behind() {
	ip netns exec "$NS_G" "$PY" - "$GW_LOG" "$T/gw-secrets" "$CA" \
	    "$GW_ADDR" <<'EOF'
import json, ssl, sys, urllib.parse, urllib.request
log, secrets, ca, gw = sys.argv[1:5]
cookie = [json.loads(l) for l in open(secrets)
          if json.loads(l).get("event") == "login"][-1]["authcookie"]
f = [json.loads(l) for l in open(log)
     if json.loads(l).get("path") == "/ssl-vpn/getconfig.esp"][-1]["fields"]
keys = ("authcookie", "portal", "user", "domain", "preferred-ip",
        "computer")
form = [(k, cookie if k == "authcookie" else f[k]) for k in keys if k in f]
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
req = urllib.request.Request("https://%s/ssl-vpn/logout.esp" % gw,
                             data=urllib.parse.urlencode(form).encode())
body = urllib.request.urlopen(req, context=ctx, timeout=5).read()
sys.exit(0 if b"success" in body else 1)
EOF
}

note "round 2: the session is logged out before the rekey"
gw_start --timeout "$REKEY_TIMEOUT_S" --no-jar-check
auth_dump_start 2
check "round 2: first CONFIG frame" wait_until 100 0.1 dump_has 2 1 CONFIG
check "round 2: logged out behind gp-auth's back" logout_behind
check "round 2: gp-auth ends within 10 s of the rekey" \
    wait_until 150 0.1 test -s "$T/auth-2.rc"
check "round 2: exit status 2 (cookie rejected)" grep -qx 2 "$T/auth-2.rc"
check "round 2: gp-auth sends SHUTDOWN, no second CONFIG" \
    eval 'dump_has 2 2 SHUTDOWN && ! grep -q "^frame 3:" "$T/dump-2.out"'
check "round 2: the reason is logged" \
    grep -q "rejected the authentication cookie" "$T/auth-2.err"
gw_stop

# ---- round 3: the gateway is away at rekey time ---------------------

note "round 3: the gateway is down when the rekey is due"
gw_start --timeout "$REKEY_TIMEOUT_S"
auth_dump_start 3
check "round 3: first CONFIG frame" wait_until 100 0.1 dump_has 3 1 CONFIG
gw_stop
check "round 3: a failed rekey is retried, not fatal" \
    wait_until 100 0.1 grep -q "attempt 1 of" "$T/auth-3.err"
check "round 3: gp-auth still runs" alive "$AUTH_PID"
# A new gateway has forgotten the session: the retry meets a rejected
# cookie and gp-auth gives up with status 2.
gw_start --timeout "$REKEY_TIMEOUT_S"
check "round 3: the retry comes within 12 s and ends the session" \
    wait_until 120 0.1 test -s "$T/auth-3.rc"
check "round 3: exit status 2" grep -qx 2 "$T/auth-3.rc"
gw_stop

# ---- round 4: a tunnel that floods NEED_CONFIG -----------------------

# A stand-in for gp-tunnel on gp-auth's socketpair: after the first
# CONFIG it sends FLOOD NEED_CONFIG frames at once, then reads what comes
# back for FLOOD_S seconds and exits 0.
FLOOD=1000
FLOOD_S=14
cat >"$T/flood.py" <<EOF
import os, select, time
os.read(0, 65536)
os.write(1, (b"GPVN\x01\x04" + bytes(6)) * $FLOOD)
end = time.monotonic() + $FLOOD_S
while time.monotonic() < end:
    if select.select([0], [], [], 0.2)[0] and not os.read(0, 65536):
        break
EOF

# The two getconfig requests are SESSION_NEED_CONFIG_MIN_S (10 s) apart.
getconfig_gap_ok() {
	"$PY" - "$GW_LOG" <<'EOF'
import json, sys
ts = [r["ts"] for r in map(json.loads, open(sys.argv[1]))
      if r.get("path") == "/ssl-vpn/getconfig.esp"]
sys.exit(0 if len(ts) == 2 and 9.5 <= ts[1] - ts[0] <= 12 else 1)
EOF
}

note "round 4: the tunnel sends $FLOOD NEED_CONFIG frames at once"
gw_start
# shellcheck disable=SC2046
( printf '%s\n' "$PASSWORD" |
  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-4.pid" \
    -r "$T/auth-4.rc" -- $(as_auth_user) \
    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
    -v -v --tunnel "$PY $T/flood.py" "https://$GW_ADDR/" \
    2>"$T/auth-4.err" ) &
lib_track $!
wait_until 50 0.1 test -s "$T/auth-4.pid"
check "round 4: gp-auth puts the request off" \
    wait_until 100 0.1 grep -q "it comes in" "$T/auth-4.err"
check "round 4: ... and says so once" \
    test "$(grep -c "it comes in" "$T/auth-4.err")" -eq 1
check "round 4: the session ends with the tunnel" \
    wait_until $(((FLOOD_S + 10) * 10)) 0.1 test -s "$T/auth-4.rc"
check "round 4: ... exit status 0" grep -qx 0 "$T/auth-4.rc"
check "round 4: two getconfigs in all (login's, one for the flood)" \
    test "$(getconfigs)" -eq 2
check "round 4: the flood's getconfig came 10 s after login's" \
    getconfig_gap_ok
gw_stop

# ---- round 5: the tunnel goes while the rekey is on its way ----------

# A stand-in reader for the pipe: takes the first CONFIG, then exits when
# told. gp-auth is stopped across the rekey's due time and the reader's
# exit, so that, continued, it makes the rekey and writes its CONFIG to
# a pipe with no reader: what a gp-tunnel stopped during a getconfig sees.
cat >"$T/reader.py" <<EOF
import os, time
os.read(0, 65536)
open("$T/reader-got", "w").close()
end = time.monotonic() + 60
while not os.path.exists("$T/reader-quit") and time.monotonic() < end:
    time.sleep(0.05)
open("$T/reader-exits", "w").close()
EOF

note "round 5: the tunnel is gone when the rekey's CONFIG is written"
gw_start --timeout "$REKEY_TIMEOUT_S"
# shellcheck disable=SC2046
( printf '%s\n' "$PASSWORD" |
  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-5.pid" \
    -r "$T/auth-5.rc" -- $(as_auth_user) \
    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
    -v "https://$GW_ADDR/" 2>"$T/auth-5.err" | "$PY" "$T/reader.py" ) &
lib_track $!
wait_until 50 0.1 test -s "$T/auth-5.pid"
AUTH_PID=$(pidof_file "$T/auth-5.pid")
check "round 5: the reader has the first CONFIG" \
    wait_until 100 0.1 test -e "$T/reader-got"
kill -STOP "$AUTH_PID"
sleep $((REKEY_TIMEOUT_S - 60 + 1))
touch "$T/reader-quit"
wait_until 50 0.1 test -e "$T/reader-exits"
sleep 0.5
kill -CONT "$AUTH_PID"
check "round 5: gp-auth ends" wait_until 150 0.1 test -s "$T/auth-5.rc"
check "round 5: ... with status 0, as when the tunnel closes" \
    grep -qx 0 "$T/auth-5.rc"
check "round 5: ... and says why" \
    grep -q "the tunnel went away before the new configuration" \
    "$T/auth-5.err"
check "round 5: the session was logged out" \
    wait_until 50 0.1 test "$(gwlog "r.get('path') == \
    '/ssl-vpn/logout.esp'")" -ge 1
gw_stop

[ "$FAILS" -eq 0 ]
