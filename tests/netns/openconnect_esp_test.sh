#!/bin/sh
# SPDX-License-Identifier: ISC
# openconnect_esp_test.sh: checks the test gateway's own ESP (gpesp.py)
# against an independent implementation, OpenConnect, in namespaces.
# OpenConnect runs WITHOUT --no-dtls, so it probes ESP with magic pings
# and never opens the HTTPS tunnel when they are answered. For each of the
# six suites: connect, pings both ways, 1 MiB each way over TCP, SIGTERM;
# the gateway's per-session counters must show ESP carried everything.
# Then the "aes128" spelling, and an IPv6 round (ICMPv6 magic ping to
# gw-address-v6, ping6 through ESP). The first round's ESP is decrypted by
# tshark as a check of esp_tshark.py. Needs root; TAP; bounded to 120 s.
set -u
. "$(dirname "$0")/lib.sh"

if ! command -v openconnect >/dev/null 2>&1; then
	skip "openconnect_esp_test" "openconnect is not installed"
	exit 0
fi

lib_start 120
"$PY" "$REPO/tests/gateway/gpesp.py" --selftest >"$T/selftest.out" 2>&1
check "gpesp.py's self-test has no failure" \
    eval '! grep -q "^not ok" "$T/selftest.out"'
check "gpesp.py reproduces the PROTOCOL.md §7.6 vector (self-test)" \
    grep -q "^ok - gpesp: §7.6 datagram reproduced" "$T/selftest.out"
netns_setup
make_certs
make_password
make_xfer_files

V6_NET=2001:db8:198:18::/64
V6_GW=2001:db8:198:18::1

# oc_round NAME XFER [gpgw options]: one OpenConnect session over ESP.
oc_round() {
	name=$1
	xf=$2
	shift 2
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start "$@"
	openconnect_start "oc-$name" -v
	if ! { wait_until 150 0.1 client_tun_up &&
	    wait_until 50 0.1 script_ran connect; }; then
		notok "$name: openconnect connects over ESP"
		tail -n 15 "$T/oc-$name.err" | sed 's/^/#   /' >&2
		stop_pid "$OC_PID" TERM 5
		gw_stop
		return 1
	fi
	ok "$name: openconnect connects (tun $C_TUN up)"
	check_pings "$name"
	[ "$xf" = xfer ] && check_xfer "$name"
	if [ "$xf" = v6 ]; then
		check "$name: client pings $V6_GW through ESP (IPv6 inner)" \
		    ip netns exec "$NS_C" ping -6 -c 3 -i 0.2 -W 2 "$V6_GW"
	fi
	check "$name: openconnect said ESP is connected" \
	    grep -q "ESP session established" "$T/oc-$name.out"
	kill -TERM "$OC_PID"
	check "$name: openconnect exits within 15 s of SIGTERM" \
	    wait_until 150 0.1 gone "$OC_PID"
	check "$name: ... with status 0" \
	    wait_until 20 0.1 grep -qx 0 "$T/oc-$name.rc"
	check "$name: tun device gone after disconnect" \
	    wait_until 30 0.1 client_tun_gone
	gw_stop
	# The only drop allowed: the client kernel's IPv6 router
	# solicitation from fe80::, not from its tunnel address.
	check "$name: gateway counters: ESP carried it, no HTTPS packet" \
	    gw_session "$esp_only_expr and
	    not set(s['esp_drops']) - {'source'}"
	check "$name: gateway never saw an HTTPS tunnel request" \
	    no_tunnel_request
}

# The first round is also captured and decrypted by tshark with the
# issued keys: this checks esp_tshark.py (used on our client in
# esp_test.sh) against OpenConnect's bytes.
capture_start oc
oc_round aes128-sha1 xfer
capture_stop
capture_check "openconnect: "
for enc in aes-128-cbc aes-256-cbc; do
	for mac in md5 sha1 sha256; do
		[ "$enc/$mac" = aes-128-cbc/sha1 ] && continue
		oc_round "$enc-$mac" xfer --esp-enc "$enc" --esp-hmac "$mac"
	done
done
oc_round spelling-aes128 ping --esp-enc aes128
oc_round ipv6 v6 --ipv6-pool "$V6_NET" --gw-address-v6 "$V6_GW"
check "ipv6: the magic pings were ICMPv6 (answered from gw-address-v6)" \
    gw_session "s['magic_replies_v6'] >= 1 and
    s['magic_replies_v6'] == s['magic_replies']"

check "password and authcookies absent from the gateway logs" \
    no_secret_in_files "$T"/gw-*.log "$T/gw.err"
check_host_untouched
lib_finish
