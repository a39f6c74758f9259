#!/bin/sh
# SPDX-License-Identifier: ISC
# errors_test.sh: the errors of issue 12 item 8 say the fix, each tried as
# a new user would: the exact line, the exit status and, for what is
# checked at start, no connection to the test gateway (its log shows no
# TLS handshake, no request). Option texts in full: ipc_opterr_test;
# --resolve forms: auth_resolveopt_test; the SAML hint's port:
# auth_saml_test; -c without a key: auth_certcheck_test. Needs root;
# gp-auth runs as nobody in the client namespace. Bounded to 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
need_client
netns_setup
make_certs
make_password
gw_start --2fa xml
URL=https://$GW_ADDR/

# auth NAME INPUT [gp-auth options]: gp-auth, INPUT (a printf format whose
# %s is the password) on stdin, bounded to 20 s; $T/NAME.{out,err,rc}.
auth() {
	n=$1
	in=$2
	shift 2
	# shellcheck disable=SC2046,SC2059
	printf "$in" "$PASSWORD" |
	    ip netns exec "$NS_C" timeout 20 $(as_auth_user) "$GP_AUTH" "$@" \
	    >"$T/$n.out" 2>"$T/$n.err"
	echo $? >"$T/$n.rc"
}

# tun NAME [gp-tunnel options]: gp-tunnel with stdin from $T/fifo, whose
# writer (this shell, descriptor 7) stays: a read would wait, and
# `timeout` would end it with 124. $TUN_AS runs it as another user.
tun() {
	n=$1
	shift
	# shellcheck disable=SC2086
	timeout 5 ${TUN_AS:-} "$GP_TUNNEL" "$@" <"$T/fifo" >"$T/$n.out" \
	    2>"$T/$n.err"
	echo $? >"$T/$n.rc"
}

# Every TCP connection the gateway saw, whatever became of it.
n_conn() {
	gwlog "r.get('event') in ('tls', 'tls_error', 'conn_error',
	    'request', 'bad_request')"
}

# says NAME RC LINE: exit status RC and LINE, whole, on stderr.
says() {
	grep -qx "$2" "$T/$1.rc" && grep -qxF -- "$3" "$T/$1.err"
}

# only NAME RC LINE: exit status RC and LINE the only line on stderr.
only() {
	says "$@" && [ "$(wc -l <"$T/$1.err")" -eq 1 ]
}

# at_start WHAT NAME LINE: refused with LINE, exit 1, and the gateway
# saw no connection (a refused option used to get this far).
at_start() {
	c0=$(n_conn)
	at_n=$2
	at_l=$3
	check "$1: \`$3\`, exit 1, no connection" eval \
	    'says "$at_n" 1 "$at_l" && sleep 0.3 && [ "$(n_conn)" = "$c0" ]'
}

mkfifo "$T/fifo"
exec 7<>"$T/fifo"

# ---- 1. a certificate with no key --------------------------------------

auth nokey '' --authenticate --cafile "$CA" -c "$T/pki/server.pem" "$URL"
at_start "-c without its key" nokey \
    "gp-auth: certificate \`$T/pki/server.pem\` holds no private key: give it with -k KEYFILE"

# ---- 2. --resolve HOST:notanip -----------------------------------------

auth resolve '%s\n' --authenticate --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin --resolve gw.gpvpn.test:notanip "$URL"
at_start "--resolve HOST:notanip" resolve \
    "gp-auth: --resolve: \`notanip\` is not an IPv4 or IPv6 address"

# ---- 3. --cafile missing, or with no certificate ------------------------

auth cafile '%s\n' --authenticate --cafile "$T/none.pem" -u "$TEST_USER" \
    --passwd-on-stdin "$URL"
at_start "--cafile missing" cafile \
    "gp-auth: --cafile \`$T/none.pem\`: No such file or directory"
echo 'not a certificate' >"$T/nocert.pem"
auth cafile2 '%s\n' --authenticate --cafile "$T/nocert.pem" \
    -u "$TEST_USER" --passwd-on-stdin "$URL"
at_start "--cafile without a certificate" cafile2 \
    "gp-auth: --cafile \`$T/nocert.pem\`: no PEM certificate could be read"

# ---- 4. a wrong 2FA code ------------------------------------------------

auth otp '%s\nwrong-otp\n' --authenticate --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin "$URL"
check "2FA, wrong code on stdin: \`the server refused the code\`, exit 1" \
    eval 'says otp 1 "gp-auth: login: the server refused the code (HTTP 512)" &&
    ! grep -q "username or password" "$T/otp.err"'
# On a terminal (script(1)'s pty), no -u: password, a wrong code, then
# the code asked again, not the user name.
if command -v script >/dev/null 2>&1; then
	tty_type "$URL" "$TEST_USER" "$PASSWORD" wrong-otp otp-1 |
	    ip netns exec "$NS_C" timeout 30 script -qec \
	    "$GP_AUTH --authenticate --cafile $CA $URL" /dev/null \
	    >"$T/otptty.raw" 2>&1
	echo $? >"$T/otptty.rc"
	tr -d '\r' <"$T/otptty.raw" >"$T/otptty.err"
	sed -n '/refused the code/,$p' "$T/otptty.err" >"$T/otptty.after"
	check "2FA, wrong code on a terminal: the code asked again, exit 0" \
	    eval 'says otptty 0 "gp-auth: asking for the code again (2 of 3)" &&
	    grep -q "^Enter OTP #1" "$T/otptty.after" &&
	    ! grep -Eq "^(Username|Password):" "$T/otptty.after"'
else
	skip "2FA, wrong code on a terminal" "no script(1)"
fi

# ---- 6, 7, 10. options --------------------------------------------------

auth unknown '' --foo "$URL"
check "gp-auth --foo: one line, exit 1" only unknown 1 \
    "gp-auth: unknown option \`--foo\`; see gp-auth --help"
auth stray '' "$URL" extra
check "gp-auth with a stray argument: one line, exit 1" only stray 1 \
    "gp-auth: one server only, not \`$URL\` and \`extra\`; see gp-auth --help"
tun tunknown --foo
check "gp-tunnel --foo: one line, exit 1" only tunknown 1 \
    "gp-tunnel: unknown option \`--foo\`; see gp-tunnel --help"
tun tstray stray
check "gp-tunnel with a stray argument: one line, exit 1" only tstray 1 \
    "gp-tunnel: unexpected argument \`stray\`: gp-tunnel takes options only, and gp-auth's output on stdin; see gp-tunnel --help"
tun tname --status-fd x
check "gp-tunnel's option errors carry its name" only tname 1 \
    "gp-tunnel: --status-fd: \`x\` is not a descriptor number"
p0=$(gwlog "r.get('path') == '/global-protect/prelogin.esp'")
auth g '%s\notp-1\n' --authenticate --cafile "$CA" -u "$TEST_USER" \
    --passwd-on-stdin -g gateway "$URL"
check "-g gateway: the gateway only, as --usergroup, exit 0" eval \
    'grep -qx 0 "$T/g.rc" && grep -q "^COOKIE=" "$T/g.out" &&
    [ "$(gwlog "r.get(\"path\") == \"/global-protect/prelogin.esp\"")" = "$p0" ]'

# ---- 8, 9. gp-tunnel: a terminal on stdin, not root ---------------------

if command -v script >/dev/null 2>&1; then
	timeout 10 script -qec "$GP_TUNNEL" /dev/null </dev/null \
	    >"$T/ttun.raw" 2>&1
	echo $? >"$T/ttun.rc"
	tr -d '\r' <"$T/ttun.raw" >"$T/ttun.err"
	check "gp-tunnel on a terminal: says what it expects, exit 1" \
	    only ttun 1 "gp-tunnel: stdin is a terminal: gp-tunnel expects gp-auth's output on stdin, as in \`gp-auth [options] SERVER | sudo gp-tunnel\`"
else
	skip "gp-tunnel on a terminal" "no script(1)"
fi
TUN_AS="setpriv --reuid=nobody --regid=nogroup --clear-groups"
tun noroot
check "gp-tunnel as nobody: says root, before reading stdin, exit 1" \
    only noroot 1 \
    "gp-tunnel: must run as root (it creates the tun device); run it with sudo"

# ---- 11, 12. --dump -----------------------------------------------------

# Unprivileged, from a writer that stays: it ends at SHUTDOWN.
# shellcheck disable=SC2016
{ cat "$REPO/tests/data/frame/ok_min.bin"
  printf 'GPVN\001\002\000\000\000\000\000\000'; } >&7
tun dump --dump
check "--dump as nobody ends at SHUTDOWN though the writer stays, exit 0" \
    eval 'grep -qx 0 "$T/dump.rc" &&
    grep -qx "frame 2: SHUTDOWN, 0 bytes" "$T/dump.out"'
check "--dump says how a live stream ends" grep -qxF \
    "gp-tunnel: --dump: gp-auth stays for the session and sends its rekeys here; the stream ends, and so does --dump, when gp-auth logs out (Ctrl-C, or SIGTERM to gp-auth)" \
    "$T/dump.err"
TUN_AS=
# A live gp-auth: the pin is the one --servercert takes.
# shellcheck disable=SC2046
( printf '%s\notp-1\n' "$PASSWORD" |
  ip netns exec "$NS_C" sh "$NSEXEC" -p "$T/live.pid" -- $(as_auth_user) \
    "$GP_AUTH" --cafile "$CA" -u "$TEST_USER" --passwd-on-stdin "$URL" \
    2>"$T/live-auth.err" |
  timeout 20 "$GP_TUNNEL" --dump >"$T/live.out" 2>"$T/live.err"
  echo $? >"$T/live.rc" ) &
lib_track $!
wait_until 100 0.1 grep -q '^esp_magic6' "$T/live.out"
check "--dump prints the gateway's pin as --servercert takes it" \
    grep -qxF "gw_pin: $PIN" "$T/live.out"
[ -s "$T/live.pid" ] && kill -TERM "$(cat "$T/live.pid")"
check "--dump returns when gp-auth logs out (SHUTDOWN), exit 0" eval \
    'wait_until 100 0.1 test -s "$T/live.rc" && grep -qx 0 "$T/live.rc"'

exec 7>&-
gw_stop
lib_finish
