#!/bin/sh
# SPDX-License-Identifier: ISC
# authx_test.sh: gp-auth's 2FA (PROTOCOL.md §5.5), client certificates
# (§2) and HIP (§11) against the test gateway's gpauthx.py modes. gp-auth
# runs as nobody in the client namespace; answers come from stdin with
# --passwd-on-stdin (password, then one OTP per round). Needs root.
set -u
. "$(dirname "$0")/lib.sh"

AUTH_TIMEOUT_S=30

lib_start 240
[ -x "$GP_AUTH" ] || die "gp-auth is built in $BIN"
[ -x "$GP_TUNNEL" ] || die "gp-tunnel is built in $BIN"
netns_setup
make_certs
make_password

# auth_run NAME INPUT [gp-auth options]: gp-auth --authenticate with INPUT
# (a printf format whose %s is the password) on stdin and the file $FD3
# on descriptor 3; output in $T/NAME.{out,err}, status in $RC.
auth_run() {
	n=$1
	in=$2
	shift 2
	# shellcheck disable=SC2046,SC2059
	printf "$in" "$PASSWORD" |
	    ip netns exec "$NS_C" timeout "$AUTH_TIMEOUT_S" $(as_auth_user) \
	    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" \
	    --passwd-on-stdin --authenticate -v -v "$@" \
	    "https://$GW_ADDR/" >"$T/$n.out" 2>"$T/$n.err" \
	    3<"${FD3:-/dev/null}"
	RC=$?
}

show_err() {
	sed 's/^/#   /' "$T/$1.err" | tail -n 15 >&2
}

# ---- 2FA ----------------------------------------------------------------

twofa_round() {
	syn=$1
	gw_start --2fa "$syn" --2fa-rounds 2
	auth_run "2fa-$syn" '%s\notp-1\notp-2\n'
	if [ "$RC" -eq 0 ] && grep -q '^COOKIE=' "$T/2fa-$syn.out"; then
		ok "2fa $syn: two rounds answered from stdin, logged in"
	else
		notok "2fa $syn: two rounds (exit $RC)"
		show_err "2fa-$syn"
	fi
	check "2fa $syn: gateway saw both rounds with the right inputStr" \
	    gwlog_has "r.get('event') == '2fa_done' and r['rounds'] == 2"
	check "2fa $syn: gateway issued 2 challenges, then the JNLP" \
	    test "$(gwlog "r.get('challenge_syntax') == '$syn'")" -eq 2 -a \
	    "$(gwlog "r.get('path') == '/ssl-vpn/login.esp' and
	    r.get('passwd_ok') is True")" -eq 1
	check "2fa $syn: the server's prompt was shown in the log" \
	    grep -q "Enter OTP #2 & press <Enter>, 'now'" "$T/2fa-$syn.err"
	gw_stop
}

for syn in xml js html; do
	twofa_round "$syn"
done

# A wrong OTP: the gateway's 512 is an error, exit 1, and it is the
# code that was refused, not the password (errors_test.sh: on a terminal
# the code is asked again).
gw_start --2fa xml --2fa-rounds 2
auth_run 2fa-wrong '%s\notp-1\nnope\n'
check "2fa: a wrong OTP fails with exit 1" test "$RC" -eq 1
check "2fa: the wrong OTP is reported as a refused code" \
    grep -qx 'gp-auth: login: the server refused the code (HTTP 512)' \
    "$T/2fa-wrong.err"
gw_stop

# An endless challenge: capped after FLOW_CHALLENGE_MAX (5) rounds.
gw_start --2fa js --2fa-rounds 0
auth_run 2fa-endless '%s\notp-1\notp-2\notp-3\notp-4\notp-5\notp-6\n'
check "2fa: an endless challenge stops with exit 1" test "$RC" -eq 1
check "2fa: the error names the cap" \
    grep -q 'more than 5 challenges' "$T/2fa-endless.err"
check "2fa: the gateway saw at most 5 login requests" \
    test "$(gwlog "r.get('path') == '/ssl-vpn/login.esp'")" -le 5
gw_stop

check "no secret in gp-auth's logs" no_secret_in_files "$T"/2fa-*.err

# ---- HIP ------------------------------------------------------------------

# hip_start NAME [gp-auth options]: printf PASSWORD | gp-auth | gp-tunnel
# --dump (no tun: HIP is all gp-auth), pid in $T/NAME.pid.
hip_start() {
	n=$1
	shift
	# shellcheck disable=SC2046
	( printf '%s\n' "$PASSWORD" |
	  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/$n.pid" -r "$T/$n.rc" \
	    -- $(as_auth_user) "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" \
	    --passwd-on-stdin -v -v "$@" "https://$GW_ADDR/" \
	    2>"$T/$n.err" |
	  "$GP_TUNNEL" --dump >"$T/$n.dump" 2>"$T/$n.dump.err" ) &
	lib_track $!
	wait_until 50 0.1 test -s "$T/$n.pid"
	HIP_PID=$(pidof_file "$T/$n.pid")
}

hip_report_seen() {
	gwlog_has "r.get('path') == '/ssl-vpn/hipreport.esp'"
}

# hip_checks NAME: the report arrived, valid, with the right md5/fields.
hip_checks() {
	check "hip $1: hipreportcheck sent the md5 of PROTOCOL.md §11.2" \
	    gwlog_has "r.get('path') == '/ssl-vpn/hipreportcheck.esp' and
	    r.get('md5_ok') is True"
	check "hip $1: hipreport.esp arrived with the cookie and client-ip" \
	    gwlog_has "r.get('path') == '/ssl-vpn/hipreport.esp' and
	    r.get('authcookie_valid') is True and
	    r['fields'].get('client-ip', '').startswith('198.18.128.')"
	check "hip $1: the report is valid: right md5 and user" \
	    gwlog_has "r.get('hip_valid') is True and
	    r['hip_fields']['md5-sum'] == r['hip_expected_md5'] and
	    r['hip_fields']['user-name'] == '$TEST_USER'"
}

gw_start --hip-required --no-esp
hip_start hip-builtin
if wait_until 150 0.1 hip_report_seen; then
	ok "hip builtin: gp-auth sent a report when asked"
else
	notok "hip builtin: gp-auth sent a report when asked"
	show_err hip-builtin
fi
hip_checks builtin
check "hip builtin: host facts: OS, interface c0 with its MAC" \
    gwlog_has "r.get('hip_valid') is True and
    r['hip_fields']['host-info/os'].startswith('Linux ') and
    'c0' in r['hip_fields']['interfaces'] and
    all(len(m) == 17 for m in r['hip_fields']['macs'])"
check "hip builtin: the report's ip-address is the tunnel address" \
    gwlog_has "r.get('hip_valid') is True and
    r['hip_fields']['ip-address'] == r['fields'].get('client-ip')"
stop_pid "$HIP_PID" TERM 5
gw_stop

# ---- HIP recheck at the portal's interval (§4.2) --------------------------

# hip-report-interval 65 s: recheck 60 s early, i.e. every 5 s
# (FLOW_HIP_RECHECK_MIN_S allows it). The gateway wants a report at every
# check, so each recheck sends one.
hip_checks_min() {
	gwlog_min "r.get('path') == '/ssl-vpn/hipreportcheck.esp'" "$1" &&
	    gwlog_min "r.get('path') == '/ssl-vpn/hipreport.esp' and
	    r.get('hip_valid') is True" "$1"
}

# The seconds between the first two hipreportchecks.
hip_gap() {
	"$PY" - "$GW_LOG" <<'PYEOF'
import json, sys
ts = [r["ts"] for r in map(json.loads, open(sys.argv[1]))
      if r.get("path") == "/ssl-vpn/hipreportcheck.esp"]
print("%.1f" % (ts[1] - ts[0]) if len(ts) >= 2 else "none")
PYEOF
}

gw_start --portal --portal-hip-interval 65 --hip-required --hip-every-check \
    --no-esp
hip_start hip-recheck
if wait_until 150 0.1 hip_checks_min 2; then
	ok "hip recheck: a second hipreportcheck and report came"
else
	notok "hip recheck: a second hipreportcheck and report came"
	show_err hip-recheck
fi
check "hip recheck: gp-auth took the portal's interval: every 5 s" \
    grep -q 'HIP report interval 65 s, recheck every 5 s' \
    "$T/hip-recheck.err"
gap=$(hip_gap)
check "hip recheck: the second check ~5 s after the first (got $gap)" \
    "$PY" -c "import sys; sys.exit(not 4.5 <= float('$gap') <= 8)"
stop_pid "$HIP_PID" TERM 5
gw_stop

# ---- HIP with --csd-wrapper -----------------------------------------------

# The script records its argv and APP_VERSION, and answers with a report
# carrying the md5 and user it was given (it runs as $AUTH_USER).
mkdir -p "$T/csd"
chmod 777 "$T/csd"
cat >"$T/csd.sh" <<EOF
#!/bin/sh
for a in "\$@"; do printf '%s\n' "\$a"; done >"$T/csd/argv"
printf 'APP_VERSION=%s\n' "\${APP_VERSION:-unset}" >"$T/csd/env"
while [ \$# -gt 1 ]; do
	case \$1 in
	--md5) md5=\$2 ;;
	--cookie) cookie=\$2 ;;
	esac
	shift
done
user=\$(printf '%s' "\$cookie" | tr '&' '\n' | sed -n 's/^user=//p')
printf '<?xml version="1.0" encoding="UTF-8"?>\n'
printf '<hip-report name="hip-report"><md5-sum>%s</md5-sum>' "\$md5"
printf '<user-name>%s</user-name><host-name>csd-script</host-name>' "\$user"
printf '</hip-report>\n'
EOF
chmod 755 "$T/csd.sh"

csd_arg() {
	grep -A1 -x -- "$1" "$T/csd/argv" | tail -n 1
}

gw_start --hip-required --no-esp
hip_start hip-csd --csd-wrapper "$T/csd.sh"
if wait_until 150 0.1 hip_report_seen; then
	ok "hip csd-wrapper: the script's report was sent (seccomp on)"
else
	notok "hip csd-wrapper: the script's report was sent"
	show_err hip-csd
fi
hip_checks csd-wrapper
check "hip csd-wrapper: the report is the script's" \
    gwlog_has "r.get('hip_valid') is True and
    r['hip_fields']['host-name'] == 'csd-script'"
check "hip csd-wrapper: argv has --cookie" test -n "$(csd_arg --cookie)"
check "hip csd-wrapper: argv has --client-ip" \
    test -n "$(csd_arg --client-ip)"
check "hip csd-wrapper: argv has --client-os Linux" \
    test "$(csd_arg --client-os)" = Linux
check "hip csd-wrapper: argv has an --md5 of 32 digits" \
    test "$(csd_arg --md5 | wc -c)" -eq 33
check "hip csd-wrapper: no authcookie in the script's argv" \
    eval '! grep -q authcookie "$T/csd/argv"'
check "hip csd-wrapper: no secret in the script's argv and environment" \
    no_secret_in_files "$T/csd/argv" "$T/csd/env"
check "hip csd-wrapper: APP_VERSION in the script's environment" \
    grep -q '^APP_VERSION=6\.' "$T/csd/env"
stop_pid "$HIP_PID" TERM 5
gw_stop

# ---- client certificates ----------------------------------------------------

# A client certificate from the test CA, in the forms gp-auth reads. The
# keys are throw-away and readable by $AUTH_USER.
mk_client_certs() {
	d=$T/pki
	KEYPASS="kp-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
	( umask 022
	printf '%s\n' "$KEYPASS" >"$d/keypass"
	printf 'wrong-passphrase\n' >"$d/badpass"
	printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,%s\n%s\n' \
	    digitalSignature extendedKeyUsage=clientAuth >"$d/client.ext"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$d/client.key" &&
	openssl req -new -key "$d/client.key" -subj "/O=gpvpn/CN=$TEST_USER" \
	    -out "$d/client.csr" &&
	openssl x509 -req -in "$d/client.csr" -CA "$d/ca.pem" \
	    -CAkey "$d/ca.key" -set_serial 0x4242 -sha256 -days 30 \
	    -extfile "$d/client.ext" -out "$d/client.pem" &&
	cat "$d/client.pem" "$d/client.key" >"$d/client-both.pem" &&
	openssl pkey -in "$d/client.key" -aes256 \
	    -passout "file:$d/keypass" -out "$d/client-enc.key" &&
	openssl pkcs12 -export -in "$d/client.pem" -inkey "$d/client.key" \
	    -passout "file:$d/keypass" -out "$d/client.p12" &&
	chmod 644 "$d"/client* "$d/keypass" "$d/badpass" ) \
	    >"$T/client-certs.log" 2>&1
}

requests() {
	gwlog "r.get('event') == 'request'"
}

mk_client_certs || die "make the client certificates"
gw_start --client-cert-required "$CA"

auth_run cert-none '%s\n'
check "cert: without one, login fails with exit 2 (§2: fatal)" \
    test "$RC" -eq 2
check "cert: the gateway's message is shown" \
    grep -q 'Valid client certificate is required' "$T/cert-none.err"
CERT_MSG="login: the server refuses, and a retry will not help: \
\`Valid client certificate is required\`"
check "cert: the step and the server's words" \
    grep -qF "$CERT_MSG" "$T/cert-none.err"
check "cert: not a cookie message" \
    eval '! grep -q "authentication cookie" "$T/cert-none.err"'

auth_run cert-pem '%s\n' -c "$T/pki/client-both.pem"
check "cert: PEM with the key in the same file: logged in" \
    test "$RC" -eq 0
check "cert: the gateway verified the client certificate" \
    gwlog_has "r.get('event') == 'client_cert' and r['cn'] == '$TEST_USER'"

FD3=$T/pki/keypass auth_run cert-pem-enc '%s\n' -c "$T/pki/client.pem" \
    -k "$T/pki/client-enc.key" --key-password-fd 3
check "cert: PEM with an encrypted -k key, --key-password-fd: logged in" \
    test "$RC" -eq 0

FD3=$T/pki/keypass auth_run cert-p12 '%s\n' -c "$T/pki/client.p12" \
    --key-password-fd 3
check "cert: PKCS#12 with a passphrase from --key-password-fd: logged in" \
    test "$RC" -eq 0
check "cert: three logins with the certificate" \
    test "$(gwlog "r.get('event') == 'client_cert'")" -eq 3

nreq=$(requests)
FD3=$T/pki/badpass auth_run cert-p12-bad '%s\n' -c "$T/pki/client.p12" \
    --key-password-fd 3
check "cert: PKCS#12 with a wrong passphrase fails with exit 1" \
    test "$RC" -eq 1
check "cert: the error says the passphrase is wrong" \
    grep -q 'wrong passphrase' "$T/cert-p12-bad.err"
FD3=$T/pki/badpass auth_run cert-pem-bad '%s\n' -c "$T/pki/client.pem" \
    -k "$T/pki/client-enc.key" --key-password-fd 3
check "cert: an encrypted PEM key with a wrong passphrase: exit 1" \
    test "$RC" -eq 1 -a -n "$(grep 'passphrase' "$T/cert-pem-bad.err")"
auth_run cert-pkcs11 '%s\n' -c 'pkcs11:token=x;object=y'
check "cert: a pkcs11: URI naming no token: exit 1, a clear message" \
    test "$RC" -eq 1 -a -n "$(grep -F 'no certificate matches `pkcs11:' \
    "$T/cert-pkcs11.err")"
check "cert: nothing was sent with a bad key or passphrase" \
    test "$(requests)" -eq "$nreq"
check "cert: the passphrase is in no log" \
    eval '! grep -qF -e "$KEYPASS" "$T"/cert-*.err "$GW_LOG"'
gw_stop

check_host_untouched
lib_finish
