#!/bin/sh
# SPDX-License-Identifier: ISC
# httpsess_test.sh: one HTTP session per origin (issue 9 item 1), end to
# end in namespaces against tests/gateway/gpgw.py with --require-cookie
# (the portal's prelogin sets a cookie every later request must carry).
# Round 1, portal and gateway on one origin, gp-auth | gp-tunnel --dump:
# portal, login, getconfig, HIP, the rekey's getconfig 5 s later and its
# HIP all go over one TLS connection, and the logout over a second one;
# every request after the first carries the portal's cookies; the
# --cafile is opened once (inotify). Round 2, a portal gateway on another
# port fails (HTTP 500) and the next one is on the portal's origin: the
# other port never gets the portal's cookies, the portal's origin gets
# them back over its first connection. Round 3: the gateway's key
# changes before the logout, whose new handshake to the same origin
# is refused: no request, no cookie sent. Round 4, gp-tunnel over the
# HTTPS tunnel: a 4 MiB download, then a burst queued behind a stopped
# [net], whose records read-ahead reads many to a read(2). Needs root;
# TAP; bounded to 120 s.
set -u
. "$(dirname "$0")/lib.sh"

REKEY_TIMEOUT_S=65	# the rekey comes 5 s after login
OTHER_PORT=4443

lib_start 120
need_client
netns_setup
make_certs
make_password

# The CA as a file of its own, so that its opens are gp-auth's only.
CAF=$T/ca-count.pem
{ cp "$CA" "$CAF" && chmod 644 "$CAF"; } || die "copy the CA"

# opens_start NAME: count the opens of $CAF into $T/opens-NAME.
opens_start() {
	rm -f "$T/opens-$1"
	"$PY" "$LIB_DIR/opencount.py" "$CAF" "$T/opens-$1" 100 \
	    2>"$T/opens-$1.err" &
	OPENS_PID=$!
	lib_track "$OPENS_PID"
	wait_until 50 0.1 test -s "$T/opens-$1" || die "opencount.py starts"
}

opens_stop() {
	stop_pid "$OPENS_PID" TERM 3
}

# auth_dump_start ROUND: printf PASSWORD | gp-auth | gp-tunnel --dump.
auth_dump_start() {
	r=$1
	# shellcheck disable=SC2046
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CAF" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v "https://$GW_ADDR/" 2>"$T/auth-$r.err" |
	  "$GP_TUNNEL" --dump >"$T/dump-$r.out" 2>"$T/dump-$r.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/auth-$r.pid"
	AUTH_PID=$(pidof_file "$T/auth-$r.pid")
}

dump_has() {
	grep -q "^frame $2: $3," "$T/dump-$1.out"
}

auth_end() {
	kill -TERM "$AUTH_PID" 2>/dev/null
	wait_until 100 0.1 test -s "$T/auth-$1.rc" ||
	    stop_pid "$AUTH_PID" KILL 2
}

# conns LOG EXPR: the number of TLS connections (client address and
# port) that carried the requests for which EXPR is true.
conns() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
peers = set()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "request" and eval(sys.argv[2], {"r": r}):
        peers.add(r["peer"])
print(len(peers))
EOF
}

n_at() {
	gwlog "r.get('path') == '$1' and $2"
}

logouts_ok() {
	n_at /ssl-vpn/logout.esp "r.get('logout_ok') is True"
}

# ---- round 1: one origin, from the portal to the logout ---------------

note "round 1: portal and gateway on one origin; rekey, HIP, logout"
opens_start 1
gw_start --portal --require-cookie --hip-required \
    --timeout "$REKEY_TIMEOUT_S" --portal-gateway "$GW_ADDR|Same|Any=1"
auth_dump_start 1
check "round 1: first CONFIG frame" wait_until 150 0.1 dump_has 1 1 CONFIG
check "round 1: second CONFIG frame, after the rekey" \
    wait_until 150 0.1 dump_has 1 2 CONFIG
check "round 1: HIP check after the rekey too" wait_until 50 0.1 \
    eval '[ "$(n_at /ssl-vpn/hipreportcheck.esp True)" -ge 2 ]'
auth_end 1
check "round 1: gp-auth exits 0 after SIGTERM" grep -qx 0 "$T/auth-1.rc"
check "round 1: the logout was accepted" wait_until 50 0.1 \
    eval '[ "$(logouts_ok)" -eq 1 ]'
opens_stop
gwlog "r.get('event') in ('tls', 'request')" --show 2>&1 |
    "$PY" -c 'import json, sys
for l in sys.stdin:
    if l.startswith("{"):
        r = json.loads(l)
        print("# round 1:", r["peer"], r.get("path", "TLS handshake"),
              r.get("status", ""), r.get("req_cookie", ""))'
NOT_LOGOUT="r['path'] != '/ssl-vpn/logout.esp'"
check "round 1: portal to the rekey's HIP check over one TLS connection" \
    test "$(conns "$GW_LOG" "$NOT_LOGOUT")" -eq 1
check "round 1: two TLS handshakes in all (the logout opens the second)" \
    test "$(gwlog "r.get('event') == 'tls'")" -eq 2
check "round 1: the logout on a new connection" \
    test "$(conns "$GW_LOG" "True")" -eq 2
# The gateway gets the portal's form again (PROTOCOL.md 4.4): no prelogin.
check "round 1: portal getconfig, login, both getconfigs, HIP and logout" \
    eval "[ \$(gwlog \"r.get('path') in ('/global-protect/getconfig.esp',
    '/ssl-vpn/login.esp', '/ssl-vpn/getconfig.esp',
    '/ssl-vpn/hipreportcheck.esp', '/ssl-vpn/hipreport.esp',
    '/ssl-vpn/logout.esp') and r['status'] == 200\") -eq 8 ]"
check "round 1: every request after the first carried the portal's cookie" \
    test "$(gwlog "r.get('event') == 'request' and
    r['path'] != '/global-protect/prelogin.esp' and
    (r.get('req_cookie') != 'ok' or r.get('jar') != 'ok')")" -eq 0
check "round 1: the rekey's getconfig carried it" \
    test "$(n_at /ssl-vpn/getconfig.esp "r['status'] == 200 and
    r.get('req_cookie') == 'ok' and r.get('jar_ok') is True")" -eq 2
check "round 1: the HIP report and both checks carried it" \
    test "$(gwlog "r.get('path', '').startswith('/ssl-vpn/hipreport') and
    r['status'] == 200 and r.get('req_cookie') == 'ok'")" -ge 3
check "round 1: the logout carried it" \
    test "$(n_at /ssl-vpn/logout.esp "r.get('req_cookie') == 'ok' and
    r.get('jar') == 'ok'")" -eq 1
check "round 1: --cafile opened once for the whole run ($(cat \
    "$T/opens-1") opens)" grep -qx 1 "$T/opens-1"
check "round 1: -v says how many certificates it holds" \
    grep -qF "CA store: 1 certificate(s) from $CAF, read once" \
    "$T/auth-1.err"
gw_stop

# ---- round 2: another port of the same host is another origin ---------

note "round 2: gateway on port $OTHER_PORT fails; the portal's origin next"
: >"$T/other.log"
ip netns exec "$NS_G" "$PY" "$GW_PY" --listen "$GW_ADDR:$OTHER_PORT" \
    --cert "$T/pki/server.pem" --key "$T/pki/server.key" \
    --user "$TEST_USER" --password-file "$T/gw-password" --no-esp \
    --login-status 500 --log "$T/other.log" \
    >"$T/other.out" 2>"$T/other.err" &
lib_track $!
wait_until 100 0.1 grep -q '"event": "ready"' "$T/other.log" ||
    die "the gateway on port $OTHER_PORT starts (see $T/other.err)"
opens_start 2
gw_start --portal --require-cookie \
    --portal-gateway "$GW_ADDR:$OTHER_PORT|Other|Any=1" \
    --portal-gateway "$GW_ADDR|Same|Any=2"
# shellcheck disable=SC2046
printf '%s\n' "$PASSWORD" | ip netns exec "$NS_C" timeout 40 \
    $(as_auth_user) "$GP_AUTH" --cafile "$CAF" -u "$TEST_USER" \
    --passwd-on-stdin --authenticate -v -v "https://$GW_ADDR/" \
    >"$T/r2.out" 2>"$T/r2.err"
echo $? >"$T/r2.rc"
opens_stop
check "round 2: gp-auth exits 0" grep -qx 0 "$T/r2.rc"
check "round 2: the port $OTHER_PORT gateway failed, the next was tried" \
    grep -qF "gateway Other ($GW_ADDR:$OTHER_PORT) failed: login: \
unexpected HTTP status 500; trying Same ($GW_ADDR)" "$T/r2.err"
check "round 2: logged in at the portal's origin" \
    grep -qx "CONNECT_URL='https://$GW_ADDR/'" "$T/r2.out"
# The portal's cookies sent there would show as a Cookie header, and as
# `unknown` tokens to that server.
check "round 2: port $OTHER_PORT got the login, without any cookie" \
    test "$("$PY" "$LIB_DIR/gwlog.py" "$T/other.log" \
    "r.get('event') == 'request'")/$("$PY" "$LIB_DIR/gwlog.py" \
    "$T/other.log" "r.get('path') == '/ssl-vpn/login.esp' and
    r['status'] == 500 and 'cookie' not in r['headers'] and
    r['jar'] == 'missing' and r['req_cookie'] == 'missing'")" = 1/1
check "round 2: the portal's origin took the login with its cookie" \
    test "$(n_at /ssl-vpn/login.esp "r['status'] == 200 and
    r.get('req_cookie') == 'ok' and r.get('jar') == 'ok'")" -eq 1
check "round 2: one TLS handshake at the portal's origin in all" \
    test "$(gwlog "r.get('event') == 'tls'")/$(conns "$GW_LOG" True)" = 1/1
check "round 2: --cafile opened once for both origins" \
    grep -qx 1 "$T/opens-2"
gw_stop

# ---- round 3: a new handshake to the origin meets another key ---------

note "round 3: the gateway's key changes before the logout"
mint() {
	d=$T/pki
	printf '%s\n' "basicConstraints=critical,CA:FALSE" \
	    "keyUsage=critical,digitalSignature" \
	    "extendedKeyUsage=serverAuth" "subjectAltName=IP:$GW_ADDR" \
	    >"$d/rekeyed.ext"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$d/rekeyed.key" &&
	openssl req -new -key "$d/rekeyed.key" \
	    -subj "/O=gpvpn tests/CN=rekeyed" -out "$d/rekeyed.csr" &&
	openssl x509 -req -in "$d/rekeyed.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -set_serial "0x$(openssl rand -hex 8)" \
	    -sha256 -days 2 -extfile "$d/rekeyed.ext" -out "$d/rekeyed.pem"
}
mint >"$T/mint.err" 2>&1 || die "mint a second gateway certificate"
NEW_PIN=pin-sha256:$(openssl x509 -in "$T/pki/rekeyed.pem" -noout -pubkey |
    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
    openssl base64 -A)
gw_start
auth_dump_start 3
check "round 3: CONFIG frame" wait_until 150 0.1 dump_has 3 1 CONFIG
gw_stop
gw_start --cert "$T/pki/rekeyed.pem" --key "$T/pki/rekeyed.key"
auth_end 3
check "round 3: the logout's handshake refused: the key changed" \
    grep -qF "logout: the server key changed to $NEW_PIN since the \
first request; the cookie may stay valid" "$T/auth-3.err"
check "round 3: the new key's server saw the handshake fail" \
    wait_until 30 0.1 gwlog_has "r.get('event') == 'tls_error'"
check "round 3: and no request (no cookie) reached it" \
    test "$(gwlog "r.get('event') in ('tls', 'request')")" -eq 0
gw_stop

# ---- round 4: the HTTPS tunnel reads the gateway's records in batches --

# One frame per TLS record, as real gateways send them: without
# read-ahead [net] read(2)s each record's header and then its body. How
# many reads a streaming download takes depends on how many records wait
# at each wakeup, which the machine's load decides (1.1-1.8 per packet
# measured here, alone and beside make check), so a download's count is
# only noted. Judged instead: a burst of BURST_PKTS datagrams from the
# LAN host, queued in the TLS socket while [net] is stopped, then read:
# [net]'s read(2)s (/proc/PID/io syscr) over the packets it wrote to tun.
# Nothing goes out meanwhile, so all are TLS reads: measured 2.01 per
# packet without read-ahead (header, then body), 0.04 with it.
note "round 4: a download through the HTTPS tunnel, then a burst"
DL_BYTES=4194304
BURST_PKTS=100
BURST_BYTES=1000
BURST_PORT=5004
READS_PER_PKT_MAX=1.0
net_pid() {
	for p in $(ip netns pids "$NS_C"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "gp-tunnel [net]" ] &&
		    echo "$p"
	done | head -n 1
}
syscr() {
	awk '$1 == "syscr:" { print $2 }' "/proc/$1/io"
}
cpu_ns() {
	cut -d' ' -f1 "/proc/$1/schedstat"
}
# The packets [net] wrote to tun: its rx.
tun_rx() {
	ip netns exec "$NS_C" cat "/sys/class/net/$C_TUN/statistics/rx_packets"
}
download() {
	head -c "$DL_BYTES" /dev/urandom >"$T/dl.bin" &&
	rm -f "$T/dl-ready" &&
	{ ip netns exec "$NS_L" "$PY" "$LIB_DIR/xfer.py" serve "$LAN_ADDR" \
	    "$XFER_PORT" "$T/dl.bin" "$T/dl-ready" >"$T/dl-lan.json" \
	    2>"$T/dl-lan.err" & } &&
	lib_track $! &&
	wait_until 50 0.1 test -e "$T/dl-ready" &&
	ip netns exec "$NS_C" "$PY" "$LIB_DIR/xfer.py" connect "$LAN_ADDR" \
	    "$XFER_PORT" /dev/null - >"$T/dl-client.json" \
	    2>"$T/dl-client.err"
}
cp "$T/client-resolv.orig" "$T/client-resolv.conf"
gw_start --no-esp
gpvpn_start 4
if gpvpn_up 4 && wait_until 25 0.2 ip netns exec "$NS_C" ping -c 1 -W 1 \
    "$LAN_ADDR"; then
	np=$(net_pid)
	r0=$(syscr "$np") p0=$(tun_rx) c0=$(cpu_ns "$np")
	download
	r1=$(syscr "$np") p1=$(tun_rx) c1=$(cpu_ns "$np")
	check "round 4: $DL_BYTES bytes down the HTTPS tunnel, sha256 match" \
	    test "$("$PY" -c 'import json, sys
print(json.load(open(sys.argv[1]))["recv_sha256"])' \
	    "$T/dl-client.json" 2>/dev/null)" = "$(sha_of "$T/dl.bin")"
	note "round 4: [net] made $((r1 - r0)) read(2)s for $((p1 - p0))" \
	    "packets in, CPU $(((c1 - c0) / 1000000)) ms," \
	    "$(((c1 - c0) / ((p1 - p0) > 0 ? (p1 - p0) * 1000 : 1))) us" \
	    "per packet in"
	r0=$(syscr "$np") p0=$(tun_rx)
	BURST_STOP=$np BURST_SETTLE=0.5 burst rb "$NS_C" "$(client_tun_addr)" \
	    "$BURST_PORT" "$BURST_PKTS" "$BURST_BYTES" "$NS_L" send
	brc=$?
	r1=$(syscr "$np") p1=$(tun_rx)
	check "round 4: $BURST_PKTS datagrams queued behind a stopped [net], \
each intact: $(cat "$T/rb.json" 2>/dev/null)" test "$brc" -eq 0
	rpp=$(awk -v r=$((r1 - r0)) -v p=$((p1 - p0)) \
	    'BEGIN { printf "%.2f", p ? r / p : 99 }')
	check "round 4: [net] made $((r1 - r0)) read(2)s for the $((p1 - p0)) \
packets of the burst: $rpp each, at most $READS_PER_PKT_MAX" \
	    awk -v v="$rpp" -v m="$READS_PER_PKT_MAX" 'BEGIN { exit !(v <= m) }'
	kill -TERM "$TUN_PID"
	check "round 4: gp-tunnel ends on SIGTERM" \
	    wait_until 150 0.1 gone "$TUN_PID"
	check "round 4: gp-auth ends with it" \
	    wait_until 100 0.1 gone "$AUTH_PID"
fi
gw_stop

check "the password is absent from gp-auth's logs" \
    eval '! grep -qF -e "$PASSWORD" "$T"/auth-*.err "$T"/r2.err'
check_host_untouched
lib_finish
