#!/bin/sh
# SPDX-License-Identifier: ISC
# openconnect_test.sh: checks our test gateway (tests/gateway/gpgw.py) with
# a real client, OpenConnect, in network namespaces: login, tunnel, pings
# both ways, 1 MiB each way over TCP, SIGTERM, logout, and that the host
# was not touched. The HTTPS tunnel only: the gateway offers ESP, the
# client is told --no-dtls (openconnect_esp_test.sh does ESP). Needs root;
# prints TAP lines; bounded to 85 s.
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v openconnect >/dev/null 2>&1; then
	skip "openconnect_test" "openconnect is not installed"
	exit 0
fi

lib_start 85
netns_setup
make_certs
make_password
make_xfer_files
gw_start
note "gateway up in $NS_G, client namespace $NS_C, logs in $T"

openconnect_start oc --no-dtls

if wait_until 200 0.1 client_tun_up && wait_until 50 0.1 script_ran connect
then
	ok "openconnect connects through gpgw.py (tun $C_TUN is up)"
else
	sed 's/^/#   /' "$T/oc.err" | tail -n 20 >&2
	die "openconnect connects through gpgw.py"
fi

check_connect_env
check_tunnel_traffic

note "stopping openconnect (pid $OC_PID) with SIGTERM"
kill -TERM "$OC_PID"
check "openconnect exits within 15 s of SIGTERM" \
    wait_until 150 0.1 gone "$OC_PID"
check "openconnect exit status 0" \
    wait_until 20 0.1 grep -qx 0 "$T/oc.rc"
check_logout
check_after_disconnect

gw_stop
check_gateway_saw_login
check "gateway printed its counters at exit" \
    grep -q 'c2s_pkts' "$T/gw.err"
check "password and authcookies absent from the gateway log" \
    no_secret_in_files "$GW_LOG" "$T/gw.err"
check_host_untouched
lib_finish
