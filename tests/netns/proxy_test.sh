#!/bin/sh
# SPDX-License-Identifier: ISC
# proxy_test.sh: gp-auth --proxy and gp-tunnel's HTTPS tunnel through a
# proxy, in namespaces where the client has no route to the gateway, only
# to a proxy namespace (tinyproxy, microsocks, and proxy403.py):
#
#   client 198.18.10.2 --- 198.18.10.1 proxy 198.18.0.3 --- 198.18.0.1 gw
#
# (a) http:// through tinyproxy, under a policy naming that proxy: login,
# the tunnel over HTTPS with ESP off, pings and 1 MiB each way, both
# CONNECTs in tinyproxy's log, VPNGATEWAY is the proxy; (b) socks5:// and
# (c) socks5h:// through microsocks (the gateway's name resolved by gp-auth
# or by the proxy); (d) https_proxy in the environment is ignored without
# --proxy-from-env, used with it, and no_proxy honoured; (e) a policy with
# `proxy no` refuses the frame, nothing applied; (f) a proxy that answers
# CONNECT with 403, to gp-auth and to gp-tunnel: the refusal said; (g)
# OpenConnect through the same tinyproxy. Needs root; bounded to 300 s.
set -u
. "$(dirname "$0")/lib.sh"

for p in tinyproxy microsocks; do
	if ! command -v "$p" >/dev/null 2>&1; then
		echo "not ok - $p is installed (.ci/deps.sh)"
		exit 1
	fi
done

NS_P=gpvpn-p-$$
C_ADDR=198.18.10.2
PX_ADDR=198.18.10.1		# the proxies, as the client sees them
PX_OUT=198.18.0.3		# the proxies, as the gateway sees them
GW_NAME=gw.gpvpn.test		# known to the proxy namespace only
HTTP_PORT=8888			# tinyproxy
DENY_PORT=8889			# tinyproxy allowing CONNECT to 8443 only
SOCKS_PORT=1080			# microsocks
P403_PORT=8890			# proxy403.py

lib_start 300
need_client

# ---- namespaces: the client reaches the proxy, never the gateway ------

proxy_netns_setup() {
	ns_add "$NS_C"
	ns_add "$NS_P"
	ns_add "$NS_G"
	ns_add "$NS_L"
	ip link add c0 netns "$NS_C" type veth peer name p0 netns "$NS_P" &&
	ip link add p1 netns "$NS_P" type veth peer name g0 netns "$NS_G" &&
	ip link add l0 netns "$NS_L" type veth peer name g1 netns "$NS_G" &&
	ip -n "$NS_C" addr add "$C_ADDR/24" dev c0 &&
	ip -n "$NS_P" addr add "$PX_ADDR/24" dev p0 &&
	ip -n "$NS_P" addr add "$PX_OUT/24" dev p1 &&
	ip -n "$NS_G" addr add "$GW_ADDR/24" dev g0 &&
	ip -n "$NS_G" addr add "$GW_LAN/24" dev g1 &&
	ip -n "$NS_L" addr add "$LAN_ADDR/24" dev l0 &&
	ip -n "$NS_C" link set c0 up && ip -n "$NS_P" link set p0 up &&
	ip -n "$NS_P" link set p1 up && ip -n "$NS_G" link set g0 up &&
	ip -n "$NS_G" link set g1 up && ip -n "$NS_L" link set l0 up &&
	ip -n "$NS_L" route add "$POOL" via "$GW_LAN" &&
	ip netns exec "$NS_G" sysctl -q -w net.ipv4.ip_forward=1 &&
	ip netns exec "$NS_P" sysctl -q -w net.ipv4.ip_forward=0 ||
	    die "set up the namespaces"
	printf 'nameserver 198.18.0.53\nsearch client.gpvpn.test\n' \
	    >"$T/client-resolv.conf"
	cp "$T/client-resolv.conf" "$T/client-resolv.orig"
	mkdir -p "$T/vpnc"
	printf '127.0.0.1 localhost\n%s %s\n' "$GW_ADDR" "$GW_NAME" \
	    >"$T/proxy-hosts"
	wait_until 30 0.1 ip netns exec "$NS_C" ping -c 1 -W 1 "$PX_ADDR" ||
	    die "client reaches the proxy"
	wait_until 30 0.1 ip netns exec "$NS_P" ping -c 1 -W 1 "$GW_ADDR" ||
	    die "proxy reaches the gateway"
}

# proxy_exec CMD...: CMD in the proxy namespace, with an /etc/hosts that
# names the gateway (bound in the mount namespace of this ip netns exec).
proxy_exec() {
	ip netns exec "$NS_P" sh -c 'mount --bind "$0" /etc/hosts &&
	    exec "$@"' "$T/proxy-hosts" "$@"
}

listening() {
	ip netns exec "$NS_P" ss -Hltn "sport = :$1" | grep -q LISTEN
}

# tinyproxy_start NAME PORT [CONFIG LINES]: tinyproxy -d as nobody,
# logging to $T/NAME.log.
tinyproxy_start() {
	n=$1
	port=$2
	shift 2
	: >"$T/$n.log"
	chown nobody:nogroup "$T/$n.log"
	{ printf 'User nobody\nGroup nogroup\nPort %s\nListen %s\n' \
	    "$port" "$PX_ADDR"
	  printf 'Timeout 60\nLogFile "%s"\nLogLevel Info\n' "$T/$n.log"
	  printf 'MaxClients 20\nAllow 198.18.10.0/24\n'
	  for l in "$@"; do printf '%s\n' "$l"; done
	} >"$T/$n.conf"
	proxy_exec tinyproxy -d -c "$T/$n.conf" >"$T/$n.out" 2>&1 &
	lib_track $!
	wait_until 50 0.1 listening "$port" || die "$n listens on $port"
}

proxies_start() {
	tinyproxy_start tinyproxy "$HTTP_PORT" "ConnectPort 443"
	tinyproxy_start tinydeny "$DENY_PORT" "ConnectPort 8443"
	proxy_exec microsocks -i "$PX_ADDR" -p "$SOCKS_PORT" \
	    >"$T/microsocks.out" 2>&1 &
	lib_track $!
	wait_until 50 0.1 listening "$SOCKS_PORT" ||
	    die "microsocks listens on $SOCKS_PORT"
	: >"$T/p403.log"
	proxy_exec "$PY" "$LIB_DIR/proxy403.py" "$PX_ADDR" "$P403_PORT" \
	    "$T/p403.log" >"$T/p403.out" 2>&1 &
	lib_track $!
	wait_until 50 0.1 grep -q ready "$T/p403.log" ||
	    die "proxy403.py listens on $P403_PORT"
}

# ---- the client ---------------------------------------------------------

# client_start ROUND URL [gp-tunnel options]: lib.sh's gpvpn_start with
# $AUTH_ARGS (split on blanks) added to gp-auth's options and URL as the
# gateway; pids in $AUTH_PID and $TUN_PID.
client_start() {
	r=$1
	url=$2
	shift 2
	make_script "script-$r"
	# shellcheck disable=SC2046,SC2086
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/auth-$r.pid" \
	    -r "$T/auth-$r.rc" -- $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    -v -v $AUTH_ARGS "$url" 2>"$T/auth-$r.err" |
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

show_tails() {
	for f in "$T/auth-$1.err" "$T/tun-$1.err"; do
		echo "# --- tail of $f" >&2
		tail -n 15 "$f" | sed 's/^/#   /' >&2
	done
}

# round_end ROUND: SIGTERM to gp-tunnel, both gone, the client clean.
round_end() {
	kill -TERM "$TUN_PID" 2>/dev/null
	check "$1: gp-tunnel exits after SIGTERM" \
	    wait_until 150 0.1 gone "$TUN_PID"
	check "$1: gp-auth exits after its tunnel" \
	    wait_until 100 0.1 gone "$AUTH_PID"
	check "$1: tun device gone" wait_until 30 0.1 client_tun_gone
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
}

# auth_only NAME URL [options]: gp-auth --authenticate in the client
# namespace with $AUTH_ENV (VAR=value words) in its environment, bounded
# to 40 s; status in $T/NAME.rc, output in $T/NAME.{out,err}.
auth_only() {
	n=$1
	url=$2
	shift 2
	# shellcheck disable=SC2046,SC2086
	printf '%s\n' "$PASSWORD" |
	    ip netns exec "$NS_C" timeout 40 $(as_auth_user) env $AUTH_ENV \
	    "$GP_AUTH" --authenticate --cafile "$CA" -u "$TEST_USER" \
	    --passwd-on-stdin -v "$@" "$url" >"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
}

tiny_connects() {
	grep -c "CONNECT $1" "$T/tinyproxy.log"
}

# Every TLS connection the gateway saw came from the proxy.
gw_peers_via_proxy() {
	gwlog "r.get('event') == 'tls'" | grep -qv '^0$' &&
	    [ "$(gwlog "r.get('event') == 'tls' and
	    not r['peer'].startswith('$PX_OUT:')")" -eq 0 ]
}

# check_proxied_round ROUND LABEL: the tunnel is up over HTTPS (ESP off,
# as the logs say), pings cross, VPNGATEWAY is the proxy.
check_proxied_round() {
	check "$2: gp-auth says ESP is off behind the proxy" \
	    grep -q 'ESP off: the tunnel goes through the' "$T/auth-$1.err"
	check "$2: gp-tunnel does not use ESP behind a proxy" \
	    grep -q 'esp: not used: the tunnel goes through a proxy' \
	    "$T/tun-$1.err"
	check "$2: gp-tunnel opened the tunnel through the proxy" \
	    grep -q "through the .* proxy $PX_ADDR port" "$T/tun-$1.err"
	check "$2: connect script: VPNGATEWAY is the proxy, $PX_ADDR" \
	    test "$(script_env connect VPNGATEWAY)" = "$PX_ADDR"
	check_pings "$2"
	check "$2: every TLS connection reached the gateway from the proxy" \
	    gw_peers_via_proxy
}

# ---- set-up ---------------------------------------------------------------

proxy_netns_setup
make_certs
make_password
make_xfer_files
gw_start
proxies_start
note "client $NS_C, proxy $NS_P, gateway $NS_G; logs in $T"

check "the client has no route to the gateway $GW_ADDR" \
    eval '! ip netns exec "$NS_C" ip route get "$GW_ADDR"'
AUTH_ENV=
auth_only direct "https://$GW_ADDR/"
check "without a proxy gp-auth cannot reach the gateway (exit 1)" \
    grep -qx 1 "$T/direct.rc"

umask 022
printf 'proxy %s:%s\n' "$PX_ADDR" "$HTTP_PORT" >"$T/policy-ok.conf"
printf 'proxy no\n' >"$T/policy-no.conf"

# ---- (a) http:// through tinyproxy ----------------------------------------

note "(a) --proxy http:// (tinyproxy), gateway by name, policy names it"
AUTH_ARGS="--proxy http://$PX_ADDR:$HTTP_PORT"
client_start http "https://$GW_NAME/" --policy "$T/policy-ok.conf"
if wait_until 200 0.1 client_tun_up && wait_until 50 0.1 script_ran connect
then
	ok "(a) http: gp-auth | gp-tunnel connects through tinyproxy"
	check_proxied_round http "(a) http"
	check_xfer "(a) http"
	check "(a) http: gateway: the tunnel request, START_TUNNEL sent" \
	    gwlog_has "r.get('path') == '/ssl-tunnel-connect.sslvpn' and
	    r['status'] == 200"
	check "(a) http: tinyproxy logged gp-auth's and gp-tunnel's CONNECT" \
	    test "$(tiny_connects "$GW_NAME:443")" -ge 2
	round_end "(a) http"
	check "(a) http: gp-auth logged out through the proxy" \
	    wait_until 50 0.1 gwlog_has \
	    "r.get('path') == '/ssl-vpn/logout.esp' and r['status'] == 200"
else
	notok "(a) http: gp-auth | gp-tunnel connects through tinyproxy"
	show_tails http
	round_end "(a) http"
fi

# ---- (b), (c) socks5:// and socks5h:// through microsocks ----------------

# proxied_round ROUND LABEL URL: connect, check, disconnect.
proxied_round() {
	client_start "$1" "$3"
	if wait_until 200 0.1 client_tun_up &&
	    wait_until 50 0.1 script_ran connect; then
		ok "$2: gp-auth | gp-tunnel connects through microsocks"
		check_proxied_round "$1" "$2"
	else
		notok "$2: gp-auth | gp-tunnel connects through microsocks"
		show_tails "$1"
	fi
	round_end "$2"
}

note "(b) --proxy socks5:// (microsocks): gp-auth resolves (--resolve)"
AUTH_ARGS="--proxy socks5://$PX_ADDR:$SOCKS_PORT --resolve $GW_NAME:$GW_ADDR"
proxied_round socks5 "(b) socks5" "https://$GW_NAME/"
check "(b) socks5: the proxy was given the address (frame target)" \
    grep -q "to $GW_ADDR port 443 through the socks5 proxy" "$T/tun-socks5.err"

note "(c) --proxy socks5h:// (microsocks): the proxy resolves the name"
AUTH_ARGS="--proxy socks5h://$PX_ADDR:$SOCKS_PORT"
proxied_round socks5h "(c) socks5h" "https://$GW_NAME/"
check "(c) socks5h: the proxy was given the name (frame target)" \
    grep -q "to $GW_NAME port 443 through the socks5 proxy" \
    "$T/tun-socks5h.err"
check "(c) socks5h: gp-auth did not resolve the gateway" \
    grep -q " $GW_NAME (resolved by the proxy) port 443 through the socks5h" \
    "$T/auth-socks5h.err"

# ---- (d) the environment ----------------------------------------------

note "(d) https_proxy in the environment"
PXURL=http://$PX_ADDR:$HTTP_PORT
ENVP="https_proxy=$PXURL all_proxy=$PXURL"
c0=$(tiny_connects "$GW_ADDR:443")
AUTH_ENV=$ENVP
auth_only envoff "https://$GW_ADDR/"
check "(d) without --proxy-from-env, https_proxy is ignored: no route" \
    grep -qx 1 "$T/envoff.rc"
check "(d) ... and tinyproxy saw no CONNECT" \
    test "$(tiny_connects "$GW_ADDR:443")" -eq "$c0"
auth_only envon "https://$GW_ADDR/" --proxy-from-env
check "(d) with --proxy-from-env, https_proxy is used: exit 0" \
    grep -qx 0 "$T/envon.rc"
check "(d) ... logged in" grep -q "^COOKIE=" "$T/envon.out"
check "(d) ... through tinyproxy" \
    test "$(tiny_connects "$GW_ADDR:443")" -gt "$c0"
check "(d) ... and gp-auth names where the proxy came from" \
    grep -q "from https_proxy" "$T/envon.err"
c1=$(tiny_connects "$GW_ADDR:443")
AUTH_ENV="$ENVP no_proxy=198.18.0.0/16"
auth_only envno "https://$GW_ADDR/" --proxy-from-env
check "(d) --proxy-from-env with the gateway in no_proxy: fails" \
    grep -qx 1 "$T/envno.rc"
check "(d) ... as it connects directly" \
    grep -q "is in no_proxy: connecting directly" "$T/envno.err"
check "(d) ... and tinyproxy saw no CONNECT" \
    test "$(tiny_connects "$GW_ADDR:443")" -eq "$c1"
AUTH_ENV="no_proxy=* NO_PROXY=*"
auth_only noproxy "https://$GW_ADDR/" --proxy "http://$PX_ADDR:$HTTP_PORT"
check "(d) --proxy with no_proxy=* in the environment: exit 0" \
    grep -qx 0 "$T/noproxy.rc"
check "(d) ... still through the proxy" \
    test "$(tiny_connects "$GW_ADDR:443")" -gt "$c1"
AUTH_ENV=

# ---- (e) a policy that forbids proxies --------------------------------

note "(e) gp-tunnel --policy with proxy no"
AUTH_ARGS="--proxy http://$PX_ADDR:$HTTP_PORT"
client_start policy "https://$GW_ADDR/" --policy "$T/policy-no.conf"
check "(e) policy: gp-tunnel exits" wait_until 300 0.1 gone "$TUN_PID"
check "(e) policy: ... with status 1" \
    wait_until 20 0.1 grep -qx 1 "$T/tun-policy.rc"
WHY="policy refuses the http-connect proxy $PX_ADDR port $HTTP_PORT:"
check "(e) policy: the refusal says why, nothing applied" grep -q \
    "$WHY the policy says proxy no (.*policy-no.conf); nothing applied" \
    "$T/tun-policy.err"
check "(e) policy: no connect script ran" eval '! script_ran connect'
check "(e) policy: no tun" client_tun_gone
check "(e) policy: gp-auth exits too" wait_until 100 0.1 gone "$AUTH_PID"

# ---- (f) a proxy that answers CONNECT with 403 --------------------------

note "(f) CONNECT refused with 403"
AUTH_ENV=
auth_only deny "https://$GW_ADDR/" --proxy "http://$PX_ADDR:$DENY_PORT"
check "(f) gp-auth through a refusing proxy: exit 1" grep -qx 1 "$T/deny.rc"
check "(f) ... the 403 said" grep -q "403" "$T/deny.err"
AUTH_ARGS="--proxy http://$PX_ADDR:$P403_PORT"
client_start deny403 "https://$GW_ADDR/"
check "(f) gp-tunnel refused by its proxy: exits" \
    wait_until 300 0.1 gone "$TUN_PID"
check "(f) ... with status 1" \
    wait_until 20 0.1 grep -qx 1 "$T/tun-deny403.rc"
check "(f) gp-tunnel says the proxy refused CONNECT with 403" grep -qF \
    "proxy: CONNECT $GW_ADDR:443 refused: \`HTTP/1.1 403 Forbidden\`" \
    "$T/tun-deny403.err"
check "(f) gp-auth had logged in through the same proxy" \
    grep -q '"ua": true' "$T/p403.log"
check "(f) no connect script ran" eval '! script_ran connect'
check "(f) no tun" client_tun_gone
wait_until 100 0.1 gone "$AUTH_PID"

# ---- (g) OpenConnect through tinyproxy, our yardstick --------------------

if command -v openconnect >/dev/null 2>&1; then
	note "(g) openconnect --proxy http:// (tinyproxy)"
	openconnect_start oc --proxy "http://$PX_ADDR:$HTTP_PORT"
	if wait_until 200 0.1 client_tun_up &&
	    wait_until 50 0.1 script_ran connect; then
		ok "(g) openconnect connects through tinyproxy"
		check "(g) openconnect's VPNGATEWAY is the proxy too" \
		    test "$(script_env connect VPNGATEWAY)" = "$PX_ADDR"
		check_pings "(g) openconnect"
	else
		notok "(g) openconnect connects through tinyproxy"
		tail -n 15 "$T/oc.err" | sed 's/^/#   /' >&2
	fi
	kill -TERM "$OC_PID" 2>/dev/null
	check "(g) openconnect exits after SIGTERM" \
	    wait_until 150 0.1 gone "$OC_PID"
else
	skip "(g) openconnect through tinyproxy" "openconnect is not installed"
fi

check "password and authcookies absent from client stderr at -v -v" \
    no_secret_in_files "$T"/auth-*.err "$T"/tun-*.err
gw_stop
check_host_untouched
lib_finish
