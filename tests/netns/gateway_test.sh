#!/bin/sh
# SPDX-License-Identifier: ISC
# gateway_test.sh: checks the test gateway (tests/gateway/gpgw.py) on its
# own, with hand-made requests from the client namespace (gwprobe.py):
# error paths, TLS-record reassembly of GPST frames, anti-spoofing, logout
# rules, the log's redaction; then its ESP rules (espprobe.py): suite
# offer, magic ping, replay/ICV/padding/SPI/source drops, the grace period
# of an old SA, keys killed by the HTTPS tunnel and by logout. Needs root;
# TAP output; bounded to 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
netns_setup
make_certs
make_password
gw_start

ip netns exec "$NS_C" "$PY" "$LIB_DIR/gwprobe.py" "$CA" "$T/gw-password" \
    >"$T/probe.out" 2>"$T/probe.err"
grep -E '^(ok|not ok)' "$T/probe.out"
PASSES=$((PASSES + $(grep -c '^ok' "$T/probe.out")))
FAILS=$((FAILS + $(grep -c '^not ok' "$T/probe.out")))
grep '^#' "$T/probe.out" >&2
[ -s "$T/probe.err" ] && sed 's/^/#   /' "$T/probe.err" >&2

ip netns exec "$NS_C" "$PY" "$LIB_DIR/espprobe.py" "$CA" "$T/gw-password" \
    >"$T/espprobe.out" 2>"$T/espprobe.err"
grep -E '^(ok|not ok)' "$T/espprobe.out"
PASSES=$((PASSES + $(grep -c '^ok' "$T/espprobe.out")))
FAILS=$((FAILS + $(grep -c '^not ok' "$T/espprobe.out")))
grep '^#' "$T/espprobe.out" >&2
if [ -s "$T/espprobe.err" ]; then
	notok "espprobe.py ran cleanly"
	sed 's/^/#   /' "$T/espprobe.err" >&2
fi

check "log: password and authcookies are redacted" \
    no_secret_in_files "$GW_LOG" "$T/gw.err"
check "log: spoofed packet counted as a drop" \
    gwlog_has "r.get('event') == 'tunnel_disconnect' and r['drops'] >= 1"
kill -USR1 "$GW_PID"
check "SIGUSR1 writes the counters" \
    wait_until 30 0.1 gwlog_has "r.get('event') == 'counters' and
    r['why'] == 'SIGUSR1' and r['counters']['keepalives'] >= 3"
check "counters: ESP drops by reason (replay, icv, pad, spi, source)" \
    gwlog_has "r.get('event') == 'counters' and r['why'] == 'SIGUSR1' and
    all(r['counters'].get('esp_drop_' + k, 0) >= 1 for k in
    ('replay', 'icv', 'pad', 'spi', 'source')) and
    r['counters']['magic_replies'] >= 4 and
    'esp_internal_error' not in r['counters']"
gw_stop
lib_finish
