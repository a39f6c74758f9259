#!/bin/sh
# SPDX-License-Identifier: ISC
# pin_test.sh: gp-auth's --servercert against the test gateway. A partial
# pin (even a matching prefix) and a wrong whole pin: exit 1, the real pin
# printed, and the gateway sees the TLS handshake fail and no HTTP request
# (so no password). No pin and a chain the system CAs do not trust, or a
# host name the certificate does not name: the failure said, the pin to
# use printed as `--servercert pin-sha256:...`, no request; that printed
# pin then logs in, as do its 43-character and sha256:HEX forms. A
# portal's gateway under another name is not covered by the pin: its key
# is shown, but not as a --servercert to add. Needs root; takes gp-auth
# from $B (default build); bounded to 90 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 90
need_client
netns_setup
make_certs
make_password
gw_start

B64=${PIN#pin-sha256:}
OTHER_PIN=pin-sha256:$(printf 'another key' | openssl dgst -sha256 -binary |
    openssl base64 -A)
HEX=$(openssl x509 -in "$T/pki/server.pem" -noout -pubkey |
    openssl pkey -pubin -outform der | openssl dgst -sha256 -r |
    cut -d' ' -f1)
note "gateway pin $PIN"

# auth NAME [gp-auth options] [URL]: gp-auth --authenticate as $AUTH_USER
# in the client namespace, the password on stdin, bounded to 30 s. Exit
# status in $T/NAME.rc, output in $T/NAME.out and $T/NAME.err.
auth() {
	n=$1
	shift
	# shellcheck disable=SC2046
	printf '%s\n' "$PASSWORD" |
	    ip netns exec "$NS_C" timeout 30 $(as_auth_user) "$GP_AUTH" \
	    --authenticate -u "$TEST_USER" --passwd-on-stdin "$@" \
	    >"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
	sed "s/^/# $n: /" "$T/$n.err" | grep -v ' port [0-9]*$' >&2
}

n_req() {
	gwlog "r.get('event') in ('request', 'bad_request')"
}

n_tls_error() {
	gwlog "r.get('event') == 'tls_error'"
}

n_tls() {
	gwlog "r.get('event') == 'tls'"
}

n_conn_end() {
	gwlog "r.get('event') == 'conn_end'"
}

# refused NAME WHAT WANT [gp-auth options] URL: gp-auth exits 1 and prints
# WANT and the real pin; the gateway saw one handshake fail (the client
# aborted it) and no HTTP request at all.
refused() {
	n=$1
	what=$2
	want=$3
	shift 3
	req0=$(n_req)
	err0=$(n_tls_error)
	tls0=$(n_tls)
	auth "$n" "$@"
	check "$what: gp-auth exits 1" grep -qx 1 "$T/$n.rc"
	check "$what: says \`$want\`" grep -qF -- "$want" "$T/$n.err"
	check "$what: prints the server's real pin" \
	    grep -qF -- "$PIN" "$T/$n.err"
	check "$what: the gateway saw the TLS handshake fail" \
	    wait_until 50 0.1 eval '[ "$(n_tls_error)" -gt "$err0" ]'
	check "$what: no TLS session, no HTTP request reached the gateway" \
	    test "$(n_tls)/$(n_req)" = "$tls0/$req0"
}

URL=https://$GW_ADDR/

# ---- partial and wrong pins ----------------------------------------------

refused p4 "4-character prefix of the right pin" \
    "44 base64 characters (43 without the final \`=\`), not 4" \
    --servercert "pin-sha256:$(printf %.4s "$B64")" "$URL"
refused p42 "42-character prefix of the right pin" "not 42" \
    --servercert "pin-sha256:$(printf %.42s "$B64")" "$URL"
MISMATCH="specified via --servercert does not match server's certificate"
refused wrong "a wrong whole pin" "$MISMATCH: $PIN" \
    --servercert "$OTHER_PIN" "$URL"

# ---- no pin, untrusted chain ---------------------------------------------

refused nopin "no pin, a chain the system CAs do not trust" \
    "Certificate from VPN server \"$GW_ADDR\" failed verification." "$URL"
check "no pin: the reason is given" \
    grep -q '^gp-auth: Reason: SSL certificate problem: ' "$T/nopin.err"
check "no pin: prints the line to add, \`--servercert pin-sha256:...\`" \
    grep -qxF "gp-auth:     --servercert $PIN" "$T/nopin.err"

# ---- no pin, a host name the certificate does not name -------------------

# The chain verifies (--cafile), so the handshake completes; curl then
# checks the name and must close before it sends the request.
req0=$(n_req)
end0=$(n_conn_end)
auth name --cafile "$CA" --resolve "other.gpvpn.test:$GW_ADDR" \
    https://other.gpvpn.test/
check "wrong host name: gp-auth exits 1" grep -qx 1 "$T/name.rc"
check "wrong host name: the failure names the host" grep -qF \
    'Certificate from VPN server "other.gpvpn.test" failed verification.' \
    "$T/name.err"
check "wrong host name: the reason is the name" \
    grep -q '^gp-auth: Reason: .*other\.gpvpn\.test' "$T/name.err"
check "wrong host name: prints the line to add with the real pin" \
    grep -qxF "gp-auth:     --servercert $PIN" "$T/name.err"
# The connection's end is logged after anything it could log.
wait_until 50 0.1 eval '[ "$(n_conn_end)" -gt "$end0" ]'
check "wrong host name: no HTTP request reached the gateway" \
    test "$(n_req)" = "$req0"

# ---- the printed pin, and its other forms, log in ------------------------

# logs_in NAME WHAT [gp-auth options] URL: exit 0, the verified key is
# the gateway's, and the gateway accepted the login.
logs_in() {
	n=$1
	what=$2
	shift 2
	l0=$(gwlog "r.get('path') == '/ssl-vpn/login.esp' and
	    r.get('passwd_ok') is True")
	auth "$n" "$@"
	check "$what: gp-auth exits 0" grep -qx 0 "$T/$n.rc"
	check "$what: FINGERPRINT is the gateway's pin" \
	    grep -qxF "FINGERPRINT='$PIN'" "$T/$n.out"
	check "$what: the gateway accepted the login" \
	    test "$(gwlog "r.get('path') == '/ssl-vpn/login.esp' and
	    r.get('passwd_ok') is True")" -gt "$l0"
}

printed=$(sed -n 's/^gp-auth:     --servercert //p' "$T/nopin.err")
logs_in printed "the pin printed for the untrusted chain" \
    --servercert "$printed" "$URL"
logs_in bare "the whole pin without its \`=\` (43 characters)" \
    --servercert "pin-sha256:${B64%=}" "$URL"
logs_in hex "OpenConnect's sha256: and 64 hex digits" \
    --servercert "sha256:$HEX" "$URL"

# ---- a gateway from the portal's list, under another name ---------------

# The pin names the portal, gw.gpvpn.test; the gateway it lists is
# 198.18.0.1, another host name, so it is checked against the CAs, which
# do not know the test CA. Adding the printed key as --servercert would
# not help there (it would pin the portal), so that line is not offered.
gw_stop
gw_start --portal --portal-gateway "$GW_ADDR|gpvpn gateway|Any=1"
auth portalgw --servercert "$PIN" --resolve "gw.gpvpn.test:$GW_ADDR" \
    https://gw.gpvpn.test/
check "portal's gateway: gp-auth exits 1" grep -qx 1 "$T/portalgw.rc"
check "portal's gateway: the failure names gateway $GW_ADDR" grep -qF \
    "Certificate from VPN server \"$GW_ADDR\" failed verification." \
    "$T/portalgw.err"
check "portal's gateway: its key, and --cafile rather than --servercert" \
    grep -qF "Its key is $PIN; --servercert names the portal only" \
    "$T/portalgw.err"
check "portal's gateway: no \`--servercert\` line to add" \
    test "$(grep -c '^gp-auth:     --servercert' "$T/portalgw.err")" = 0
check "portal's gateway: the portal logged in, the gateway saw nothing" \
    test "$(gwlog "r.get('path') == '/global-protect/getconfig.esp' and
    r['status'] == 200")/$(gwlog "r.get('path', '').startswith(
    '/ssl-vpn/')")" = 1/0

gw_stop
lib_finish
