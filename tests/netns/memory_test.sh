#!/bin/sh
# SPDX-License-Identifier: ISC
# memory_test.sh: what the session's processes hold (issue 11 item 4).
# gp-auth | gp-tunnel over ESP against the test gateway; [net], [priv]
# and gp-auth are sampled every 0.1 s from /proc while 2 MiB go each way
# through the tunnel, twice. The bounds are on anonymous memory
# (RssAnon), which is ours: the file-backed rest of RSS is shared
# library text, counted in 64 KiB fault-around windows, and moves with
# the distribution's builds of libc and libcrypto, not with our code.
#  - gp-auth writes "RSS N KiB after login (anonymous M KiB)" at -v and
#    its anonymous memory after login is under 2.5 MiB: it gave back its
#    response buffer (1 MiB, locked), the portal's policy (300 KiB,
#    locked) and malloc's free pages: 2.1 MiB; it held 3.5 MiB before
#    (a login with --cafile, one CA);
#  - gp-auth's locked memory is under 256 KiB: the session's secrets
#    (cookie, password, configuration: 68 KiB), none of the login's;
#  - [net]'s anonymous memory under load is under 3 MiB: its fixed ESP
#    vectors (1.2 MiB if all touched; ~0.2 MiB under load since sealed
#    datagrams are packed and UDP_GRO gets 2 slots of 64 KiB),
#    libcrypto's relocated data (0.4 MiB) and a heap and stack under
#    1 MiB; it held 1.4 MiB, 1.2 MiB since;
#  - [net]'s whole RSS under load is at most 4 MiB, the issue's bound:
#    this one figure includes library text, so it moves with the
#    distribution's builds, but it is the one the issue names. Measured
#    by bench/bench.sh (median of per-round maxima, 2 rounds): 3960 KiB
#    plain, 4080 KiB with BENCH_PEER_GSO=1 (coalesced UDP_GRO load; this
#    test's Python gateway cannot send that); 4144 and 4724 before;
#  - [net]'s anonymous memory grows by less than 64 KiB from the end of
#    the first transfer to the end of the second: nothing is allocated
#    per packet;
#  - [priv]'s anonymous memory is under 3 MiB.
# The full breakdown (Rss, Pss, anonymous, per library) goes to "#"
# lines. Under ASan (make asan) the bounds are skipped: its shadow memory
# and quarantine are the process's anonymous memory too. Needs root;
# takes binaries from $B; TAP; bounded to 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
need_client
netns_setup
make_certs
make_password
XFER_BYTES=2097152
make_xfer_files

# net_pid: the child of gp-tunnel [priv] that calls itself [net].
net_pid() {
	for p in $(ip netns pids "$NS_C"); do
		grep -qx "PPid:[[:space:]]*$TUN_PID" "/proc/$p/status" \
		    2>/dev/null || continue
		grep -qx 'gp-tunnel \[net\]' "/proc/$p/comm" && echo "$p"
	done
}

# kib PID FIELD: a /proc/PID/status field in KiB (0 if gone).
kib() {
	awk -v f="$2:" '$1 == f { print $2; found = 1 }
	    END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null
}

# sample_max WHO PID [FIELD]: the largest FIELD (RssAnon) of PID so far,
# in $T/max-WHO.
sample_max() {
	a=$(kib "$2" "${3:-RssAnon}")
	m=$(cat "$T/max-$1" 2>/dev/null || echo 0)
	[ "${a:-0}" -le "$m" ] || echo "$a" >"$T/max-$1"
}

# load_round: one 2 MiB exchange, sampling every 0.1 s while it runs.
load_round() {
	xfer >"$T/xfer.out" 2>&1 &
	lp=$!
	lib_track "$lp"
	while alive "$lp"; do
		sample_max net "$NET_PID"
		sample_max netrss "$NET_PID" VmRSS
		sample_max priv "$TUN_PID"
		sample_max auth "$AUTH_PID"
		sleep 0.1
	done
	wait "$lp" && xfer_verify >>"$T/xfer.out" 2>&1
}

# breakdown WHO PID: the smaps totals and the largest mappings.
breakdown() {
	"$PY" - "$1" "/proc/$2/smaps" <<'EOF' | sed 's/^/# /'
import collections, sys
rows, cur = [], None
for line in open(sys.argv[2]):
    f = line.split()
    if not f[0].endswith(":"):
        cur = {"name": f[5].rsplit("/", 1)[-1] if len(f) > 5 else "[anon]"}
        rows.append(cur)
    elif len(f) >= 2 and f[1].isdigit():
        cur[f[0][:-1]] = int(f[1])
tot = {k: sum(r.get(k, 0) for r in rows)
       for k in ("Rss", "Pss", "Anonymous", "Shared_Dirty")}
print("%s: Rss %d Pss %d Anonymous %d (shared dirty %d) KiB" % (
    sys.argv[1], tot["Rss"], tot["Pss"], tot["Anonymous"],
    tot["Shared_Dirty"]))
agg = collections.defaultdict(lambda: [0, 0])
for r in rows:
    agg[r["name"]][0] += r.get("Rss", 0)
    agg[r["name"]][1] += r.get("Anonymous", 0)
for n, (rss, anon) in sorted(agg.items(), key=lambda x: -x[1][0])[:8]:
    print("  %-28s Rss %5d anonymous %5d KiB" % (n, rss, anon))
EOF
}

gw_start
gpvpn_start m
gpvpn_up m || die "no tunnel: nothing to measure"
NET_PID=$(net_pid)
check "found gp-tunnel [net] ($NET_PID)" test -n "$NET_PID"
[ -n "$NET_PID" ] || die "no [net]"

check "gp-auth logs its RSS after login at -v" \
    wait_until 50 0.1 grep -q \
    'RSS [0-9]* KiB after login (anonymous [0-9]* KiB)' "$T/auth-m.err"
line=$(grep -o 'RSS [0-9]* KiB after login.*' "$T/auth-m.err" | head -n 1)
note "gp-auth: $line"

check "first 2 MiB each way through the tunnel" load_round
net1=$(kib "$NET_PID" RssAnon)
check "second 2 MiB each way through the tunnel" load_round
net2=$(kib "$NET_PID" RssAnon)
for w in net priv auth; do
	note "largest RssAnon of $w under load: $(cat "$T/max-$w") KiB"
done
note "largest VmRSS of net under load: $(cat "$T/max-netrss") KiB"
breakdown "gp-tunnel [net]" "$NET_PID"
breakdown "gp-tunnel [priv]" "$TUN_PID"
breakdown "gp-auth" "$AUTH_PID"
note "[net] VmRSS $(kib "$NET_PID" VmRSS) KiB, RssAnon $net2 KiB;" \
    "gp-auth VmRSS $(kib "$AUTH_PID" VmRSS) KiB"

# check_bounds: the bounds of the header, on what was sampled.
check_bounds() {
	check "[net] RssAnon under load $(cat "$T/max-net") KiB <= 3072" \
	    test "$(cat "$T/max-net")" -le 3072
	check "[net] VmRSS under load $(cat "$T/max-netrss") KiB <= 4096" \
	    test "$(cat "$T/max-netrss")" -le 4096
	d="[net] RssAnon grew $((net2 - net1)) KiB in the second round"
	check "$d (< 64)" test $((net2 - net1)) -lt 64
	check "[priv] RssAnon $(cat "$T/max-priv") KiB <= 3072" \
	    test "$(cat "$T/max-priv")" -le 3072
	d="gp-auth RssAnon in the session $(cat "$T/max-auth") KiB"
	check "$d <= 2560" test "$(cat "$T/max-auth")" -le 2560
	lck=$(kib "$AUTH_PID" VmLck)
	check "gp-auth locked memory $lck KiB <= 256 (no login buffers)" \
	    test "$lck" -le 256
}

if ldd "$GP_TUNNEL" "$GP_AUTH" 2>/dev/null | grep -q libasan; then
	skip "memory bounds" "an ASan build: its shadow memory counts"
else
	check_bounds
fi

stop_pid "$TUN_PID" TERM 15
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
gw_stop
lib_finish
