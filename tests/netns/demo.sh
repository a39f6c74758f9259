#!/bin/sh
# SPDX-License-Identifier: ISC
# demo.sh: a narrated gpvpn session (`sudo make demo`). It builds three
# network namespaces (client, gateway, a LAN host), starts our test
# gateway, connects with gp-auth | gp-tunnel, pings both ways, moves 1 MiB
# each way over TCP, shows the transport (ESP over UDP by default) and the
# gateway's ESP and HTTPS counters, disconnects and cleans up, also on
# Ctrl-C. CLIENT=openconnect runs it with OpenConnect; ESP=0 uses the
# HTTPS tunnel only (client --no-esp, OpenConnect --no-dtls).
set -u

if [ "$(id -u)" -ne 0 ]; then
	cat <<'EOF'
The demo creates network namespaces, veth pairs and tun devices, which
needs root. Run it as:

    sudo make demo

Nothing outside the namespaces it creates is changed, and they are
removed at the end (also on Ctrl-C).
EOF
	exit 1
fi

. "$(dirname "$0")/lib.sh"
CLIENT=${CLIENT:-gpvpn}
ESP=${ESP:-1}
QUIET=0

if [ -t 1 ]; then
	BOLD=$(printf '\033[1m') DIM=$(printf '\033[2m') OFF=$(printf '\033[0m')
else
	BOLD='' DIM='' OFF=''
fi

step() {
	printf '\n%s== %s%s\n' "$BOLD" "$*" "$OFF"
}

say() {
	printf '   %s\n' "$*"
}

# show CMD...: print the command, run it, indent its output.
show() {
	printf '   %s$ %s%s\n' "$DIM" "$*" "$OFF"
	"$@" 2>&1 | sed 's/^/     /'
}

fail() {
	printf '\n   DEMO FAILED: %s\n' "$*"
	exit 1
}

tail_logs() {
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf '   --- last lines of %s\n' "$f"
		tail -n 12 "$f" | sed 's/^/     /'
	done
}

lib_start 600
if [ "$CLIENT" = gpvpn ] && { [ ! -x "$GP_AUTH" ] || [ ! -x "$GP_TUNNEL" ]; }
then
	fail "$GP_AUTH or $GP_TUNNEL is missing; run make first"
fi

step "1. Three network namespaces, addresses from 198.18.0.0/15"
cat <<EOF
     client $NS_C          gateway $NS_G           lan $NS_L
     $C_ADDR/24 --- veth --- $GW_ADDR/24
                                 $GW_LAN/24 --- veth --- $LAN_ADDR/24
                                 tun $GW_TUN $GW_TUN_ADDR/24
     No default routes anywhere: the client can reach the LAN host only
     through the VPN. Your own network configuration is not touched.
EOF
netns_setup
show ip -n "$NS_C" route
show ip netns exec "$NS_C" ping -c 1 -W 2 "$LAN_ADDR"
say "(no route yet: the LAN is only reachable through the tunnel)"

step "2. A throw-away CA and a certificate for the gateway"
make_certs
make_password
make_xfer_files
show openssl x509 -in "$T/pki/server.pem" -noout -subject -ext \
    subjectAltName
say "pin: $PIN"

step "3. Start the test gateway (tests/gateway/gpgw.py) in $NS_G"
say "\$ ip netns exec $NS_G $PY $GW_PY --listen $GW_ADDR:443 \\"
say "      --cert server.pem --key server.key --user $TEST_USER \\"
say "      --password-file FILE --tun $GW_TUN --tun-addr $GW_TUN_ADDR/24 \\"
say "      --pool $POOL --route $LAN_NET --log gw.log"
say "(it also listens for ESP on UDP $GW_ADDR:4501; each getconfig hands"
say " out fresh random ESP keys, aes-128-cbc + sha1 by default)"
gw_start
say "gateway ready (pid $GW_PID), log: $GW_LOG"

if [ "$CLIENT" = openconnect ]; then
	step "4. Connect with OpenConnect (CLIENT=openconnect)"
	OC_OPT=-v
	[ "$ESP" = 1 ] || OC_OPT=--no-dtls
	say "\$ printf 'PASSWORD\\n' | openconnect --protocol=gp $OC_OPT \\"
	say "      --cafile ca.pem -u $TEST_USER --passwd-on-stdin \\"
	say "      -i $C_TUN -s vpnc-script https://$GW_ADDR/"
	openconnect_start oc "$OC_OPT"
	STOP_PID=$OC_PID
	LOGS="$T/oc.err"
else
	step "4. Connect: gp-auth (as '$AUTH_USER') logs in and pipes the" \
	    "tunnel configuration to gp-tunnel (root)"
	TUN_OPT=
	[ "$ESP" = 1 ] || TUN_OPT=--no-esp
	say "\$ printf 'PASSWORD\\n' | gp-auth --cafile ca.pem -u $TEST_USER \\"
	say "      --passwd-on-stdin https://$GW_ADDR/ | \\"
	say "    gp-tunnel -i $C_TUN -s vpnc-script $TUN_OPT"
	say "(gp-tunnel probes ESP with magic pings first; no answer in 5 s"
	say " would make it open the HTTPS tunnel instead)"
	# shellcheck disable=SC2086
	gpvpn_start demo $TUN_OPT
	STOP_PID=$TUN_PID
	LOGS="$T/auth-demo.err $T/tun-demo.err"
fi
say "waiting for the tunnel (at most 20 s)..."
if ! wait_until 200 0.1 client_tun_up; then
	# shellcheck disable=SC2086
	tail_logs $LOGS "$T/gw.err"
	fail "the tunnel did not come up"
fi
wait_until 50 0.1 script_ran connect
say "connected. The vpnc-script set the address, a route and DNS:"
show ip -n "$NS_C" addr show dev "$C_TUN"
show ip -n "$NS_C" route
say "the client's resolv.conf (a private copy, not the host's):"
sed 's/^/     /' "$T/client-resolv.conf"

step "5. Ping the LAN host $LAN_ADDR from the client, through the tunnel"
show ip netns exec "$NS_C" ping -c 4 -i 0.3 -W 2 "$LAN_ADDR"
TIP=$(client_tun_addr)

step "6. And back: the LAN host pings the client's tunnel address $TIP"
show ip netns exec "$NS_L" ping -c 4 -i 0.3 -W 2 "$TIP"

step "7. Move 1 MiB each way over TCP through the tunnel"
say "sent client -> lan: sha256 $(sha_of "$T/c2l.bin")"
say "sent lan -> client: sha256 $(sha_of "$T/l2c.bin")"
if xfer && xfer_verify >"$T/xfer.out" 2>&1; then
	sed 's/^/   received /' "$T/xfer.out"
	say "checksums match both ways."
else
	sed 's/^/     /' "$T/xfer.out" "$T/xfer-lan.err" "$T/xfer-client.err" \
	    2>/dev/null
	say "TRANSFER FAILED"
fi

step "8. Which transport carried it, and the counters on both ends"
if [ "$CLIENT" = openconnect ]; then
	say "openconnect says:"
	grep -E 'ESP session established|SSL connected|ESP established' \
	    "$T/oc.out" "$T/oc.err" 2>/dev/null | sed 's/^[^:]*:/     /'
else
	say "gp-tunnel's status line (SIGUSR1):"
	c=$(grep -c 'stats:' "$T/tun-demo.err")
	kill -USR1 "$TUN_PID"
	wait_until 30 0.1 eval \
	    '[ "$(grep -c stats: "$T/tun-demo.err")" -gt "$c" ]'
	grep 'stats:' "$T/tun-demo.err" | tail -n 1 | sed 's/.*stats: //' |
	    tr ';' '\n' | sed 's/^ */     /'
fi
say "the gateway's counters (SIGUSR1), per session:"
gw_counters
"$PY" - "$GW_LOG" <<'EOF'
import json, sys
last = None
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("event") == "counters":
        last = r
c = (last or {}).get("counters", {})
for s in (last or {}).get("sessions", []):
    print("     session %d (%s): transport %s" % (s["session"], s["user"],
                                                 s["transport"]))
    print("       ESP  client -> gateway: %8d packets %10d bytes"
          % (s["esp_in_pkts"], s["esp_in_bytes"]))
    print("       ESP  gateway -> client: %8d packets %10d bytes"
          % (s["esp_out_pkts"], s["esp_out_bytes"]))
    print("       magic pings answered %d, SAs issued %d, used %d, "
          "ESP drops %s" % (s["magic_replies"], s["sas_issued"],
                            s["sas_used"],
                            json.dumps(s["esp_drops"]) if s["esp_drops"]
                            else "none"))
    if "source" in s["esp_drops"]:
        print("       (source: not from the tunnel address, e.g. the "
              "client kernel's IPv6\n        router solicitation from "
              "fe80::, which the gateway does not route)")
    print("       HTTPS tunnel packets: client -> gateway %d, "
          "gateway -> client %d" % (s["https_c2s_pkts"],
                                    s["https_s2c_pkts"]))
print("     logins %d, HTTPS tunnels %d, keepalives echoed %d"
      % (c.get("logins", 0), c.get("tunnels", 0), c.get("keepalives", 0)))
EOF

step "9. Disconnect: SIGTERM to the tunnel process; the session logs out"
show kill -TERM "$STOP_PID"
wait_until 150 0.1 gone "$STOP_PID" || say "(still running after 15 s)"
if wait_until 100 0.1 gwlog_has "r.get('path') == '/ssl-vpn/logout.esp'"
then
	"$PY" - "$GW_LOG" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("path") == "/ssl-vpn/logout.esp":
        print("     gateway: logout.esp status %s, accepted: %s, fields: %s"
              % (r["status"], r.get("logout_ok"), " ".join(r["fields"])))
EOF
else
	say "the gateway saw no logout.esp"
fi
wait_until 50 0.1 client_tun_gone &&
    say "tun device $C_TUN is gone; the disconnect script restored DNS:"
sed 's/^/     /' "$T/client-resolv.conf"

step "10. Clean up: stop the gateway, delete the namespaces"
gw_stop
say "done. (Ctrl-C at any point also cleans up.)"
exit 0
