#!/bin/sh
# SPDX-License-Identifier: ISC
# pkcs11_test.sh: gp-auth's client certificate on a PKCS#11 token
# (-c pkcs11:...) against the test gateway requiring one. softhsm2 holds
# the key and certificate in a token made in $T; gp-auth (as nobody, in
# its sandbox) logs in with the PIN on --key-password-fd, through the
# module named in the URI and through p11-kit's proxy (the engine's
# default). A wrong PIN, a URI naming no object on the token and a
# malformed URI: exit 1 with a clear error, nothing sent. The PIN is in
# no argv, environment or log. Needs root; bounded to 60 s.
set -u
. "$(dirname "$0")/lib.sh"

SOFTHSM_MODULE=/usr/lib/softhsm/libsofthsm2.so
ENGINE_SO=/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so
AUTH_TIMEOUT_S=20

lib_start 60
need_client
for p in softhsm2-util pkcs11-tool "$SOFTHSM_MODULE" "$ENGINE_SO"; do
	command -v "$p" >/dev/null || [ -e "$p" ] ||
	    die "$p is installed (sh .ci/deps.sh)"
done
netns_setup
make_certs
make_password

# The client's key and certificate from the test CA, then onto a new
# softhsm2 token that $AUTH_USER owns. The PINs are random per run.
mk_token() {
	d=$T/p11
	PIN11="$(od -An -N5 -tu4 /dev/urandom | tr -d ' \n' | cut -c1-8)"
	SO_PIN="$(od -An -N5 -tu4 /dev/urandom | tr -d ' \n' | cut -c1-8)"
	mkdir -p "$d/tokens" &&
	printf 'directories.tokendir = %s\nobjectstore.backend = file\n%s\n' \
	    "$d/tokens" 'log.level = ERROR' >"$d/softhsm2.conf" &&
	printf '%s\n' "$PIN11" >"$d/pin" &&
	printf '%s9\n' "$PIN11" >"$d/badpin" &&
	printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,%s\n%s\n' \
	    digitalSignature extendedKeyUsage=clientAuth >"$d/client.ext" &&
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$d/client.key" &&
	openssl req -new -key "$d/client.key" -subj "/O=gpvpn/CN=$TEST_USER" \
	    -out "$d/client.csr" &&
	openssl x509 -req -in "$d/client.csr" -CA "$T/pki/ca.pem" \
	    -CAkey "$T/pki/ca.key" -set_serial 0x1111 -sha256 -days 30 \
	    -extfile "$d/client.ext" -out "$d/client.pem" &&
	openssl pkcs8 -topk8 -nocrypt -in "$d/client.key" -out "$d/client.p8" &&
	SOFTHSM2_CONF=$d/softhsm2.conf softhsm2-util --init-token --free \
	    --label gpvpn-test --pin "$PIN11" --so-pin "$SO_PIN" &&
	SOFTHSM2_CONF=$d/softhsm2.conf softhsm2-util --import "$d/client.p8" \
	    --token gpvpn-test --label vpn-key --id 42 --pin "$PIN11" &&
	SOFTHSM2_CONF=$d/softhsm2.conf pkcs11-tool --module "$SOFTHSM_MODULE" \
	    --token-label gpvpn-test --login --pin "$PIN11" \
	    --write-object "$d/client.pem" --type cert --id 42 \
	    --label vpn-key &&
	rm -f "$d/client.key" "$d/client.p8" "$d/client.csr" &&
	chown -R "$AUTH_USER" "$d" && chmod 755 "$d"
}
mk_token >"$T/token.log" 2>&1 || { cat "$T/token.log" >&2; die "token"; }
export SOFTHSM2_CONF="$T/p11/softhsm2.conf"
URI="pkcs11:token=gpvpn-test;object=vpn-key"
URI_MOD="$URI?module-path=$SOFTHSM_MODULE"

# auth_run NAME PINFILE URI [gp-auth options]: gp-auth --authenticate as
# $AUTH_USER with the password on stdin and PINFILE on descriptor 3, at
# $VERB (default -v -v); output in $T/NAME.{out,err}, status in $RC.
auth_run() {
	n=$1
	pf=$2
	u=$3
	v=${VERB--v -v}
	shift 3
	# shellcheck disable=SC2046,SC2086
	printf '%s\n' "$PASSWORD" | env ${NOLEAK:+ASAN_OPTIONS=detect_leaks=0} \
	    ip netns exec "$NS_C" timeout "$AUTH_TIMEOUT_S" $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin \
	    --authenticate $v -c "$u" --key-password-fd 3 "$@" \
	    "https://$GW_ADDR/" >"$T/$n.out" 2>"$T/$n.err" 3<"$pf"
	RC=$?
}

requests() {
	gwlog "r.get('event') == 'request'"
}

gw_start --client-cert-required "$CA"

auth_run good "$T/p11/pin" "$URI_MOD"
check "module-path: logged in with the key on the token (exit 0)" \
    test "$RC" -eq 0
check "module-path: the cookie is printed" grep -q '^COOKIE=' "$T/good.out"
check "module-path: the gateway verified the token's certificate" \
    gwlog_has "r.get('event') == 'client_cert' and r['cn'] == '$TEST_USER'"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$T/good.err" | tail -n 15 >&2

auth_run proxy "$T/p11/pin" "$URI"
check "p11-kit's proxy (no module-path): logged in (exit 0)" \
    test "$RC" -eq 0 -a -n "$(grep '^COOKIE=' "$T/proxy.out")"
check "two logins with the token's certificate" \
    test "$(gwlog "r.get('event') == 'client_cert'")" -eq 2

# Under ASan (make asan), the wrong-PIN runs go without LeakSanitizer:
# libp11 (libengine-pkcs11-openssl 0.4.12) leaks its own RSA, EC and
# pkey methods at exit when its engine never loaded a key (allocated in
# ENGINE_by_id's load and in OPENSSL_cleanup's ENGINE_remove, in the
# engine's code), and LSan's report would be counted as gp-auth's lines.
# The successful logins above and below run with leak checks on.
NOLEAK=
if ldd "$GP_AUTH" 2>/dev/null | grep -q libasan; then
	NOLEAK=1
fi
nreq=$(requests)
auth_run badpin "$T/p11/badpin" "$URI_MOD"
check "wrong PIN: exit 1" test "$RC" -eq 1
check "wrong PIN: says the token refused the PIN" \
    grep -q 'the token refused the PIN' "$T/badpin.err"
check "wrong PIN: at -vv, the engine's own errors are shown" \
    grep -q 'pkcs11 engine: error:.*PIN incorrect' "$T/badpin.err"
VERB= auth_run badpin0 "$T/p11/badpin" "$URI_MOD"
check "wrong PIN, no -v: one line, no OpenSSL error dump" \
    test "$RC" -eq 1 -a "$(wc -l <"$T/badpin0.err")" -eq 1 -a \
    -n "$(grep 'the token refused the PIN$' "$T/badpin0.err")"
NOLEAK=

auth_run noobj "$T/p11/pin" "pkcs11:token=gpvpn-test;object=nosuch"
check "a URI naming no object on the token: exit 1" test "$RC" -eq 1
check "a URI naming no object: says no certificate matches it" \
    grep -qF 'no certificate matches `pkcs11:token=gpvpn-test;object=nosuch`' \
    "$T/noobj.err"

auth_run badpct "$T/p11/pin" "pkcs11:token=gpvpn%zz"
check "a malformed URI: exit 1, the attribute named" \
    test "$RC" -eq 1 -a -n "$(grep -F '`token`: a `%` without two hex' \
    "$T/badpct.err")"
auth_run pinval "$T/p11/pin" "$URI?pin-value=0000"
check "a URI with pin-value: refused, the prompt or fd is the way" \
    test "$RC" -eq 1 -a -n "$(grep -F '`pin-value`: a PIN in the command' \
    "$T/pinval.err")"
check "nothing was sent with a bad PIN or URI" test "$(requests)" -eq "$nreq"

# While gp-auth waits for its password (after the token login, in its
# sandbox), its argv and environment are looked at: the PIN is in
# neither. Through p11-kit's proxy, which leaves an eventfd open: the
# sandbox must not have closed it behind the module's back.
mkfifo "$T/pw.fifo" && chmod 666 "$T/pw.fifo"
# shellcheck disable=SC2046
ip netns exec "$NS_C" timeout "$AUTH_TIMEOUT_S" $(as_auth_user) "$GP_AUTH" \
    --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin --authenticate -v -v \
    -c "$URI" --key-password-fd 3 "https://$GW_ADDR/" \
    <"$T/pw.fifo" >"$T/ps.out" 2>"$T/ps.err" 3<"$T/p11/pin" &
PS_PID=$!
lib_track "$PS_PID"
exec 4>"$T/pw.fifo"
wait_until 10 0.1 grep -q 'sandbox auth: entered' "$T/ps.err"
AUTH_PID=$(pgrep -P "$PS_PID" -x gp-auth)
ps -eo args >"$T/ps.list"
cat "/proc/$AUTH_PID/environ" >"$T/ps.environ" 2>/dev/null
ls -l "/proc/$AUTH_PID/fd" >"$T/ps.fds" 2>&1
check "ps: gp-auth runs, the token already logged in" \
    test -n "$AUTH_PID" -a -s "$T/ps.environ"
check "ps: the PIN is in no process's argv" \
    eval '! grep -qF -e "$PIN11" "$T/ps.list"'
check "ps: the PIN is not in gp-auth's environment" \
    eval '! tr "\0" "\n" <"$T/ps.environ" | grep -qF -e "$PIN11"'
check "sandbox: the descriptor p11-kit opened is still open, and said" \
    test -n "$(grep 'eventfd' "$T/ps.fds")" -a \
    -n "$(grep 'keeps descriptor [0-9]*, which the PKCS#11' "$T/ps.err")"
printf '%s\n' "$PASSWORD" >&4
exec 4>&-
wait "$PS_PID"
check "ps: that login completed too" grep -q '^COOKIE=' "$T/ps.out"
check "the PIN is in no log (-vv) nor the gateway's" \
    eval '! grep -qF -e "$PIN11" "$T"/*.err "$T"/*.out "$GW_LOG"'
gw_stop

check_host_untouched
lib_finish
