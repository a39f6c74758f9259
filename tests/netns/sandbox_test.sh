#!/bin/sh
# SPDX-License-Identifier: ISC
# sandbox_test.sh: gp-tunnel's privilege separation, live, in namespaces.
# Round esp (ESP) and round https (--no-esp): /proc shows [net] with four
# non-zero uids, no capabilities (effective, permitted, bounding),
# NoNewPrivs 1 and Seccomp 2, and [priv] with uid 0 and CAP_NET_ADMIN
# alone (bounding set too), under its filter; ping works through the
# sandboxed session, SIGUSR1 still prints the counters, no secret in the
# two processes' cmdline/environ, SIGTERM runs disconnect and removes
# tun. Then the policy (--policy): a foreign gateway, a route outside the
# allowed prefixes, DNS under "dns no", and a group-writable file are
# refused with the reason, exit 1, no tun, no script. Needs root; binaries
# from $B; TAP; bounded to 60 s.
set -u
. "$(dirname "$0")/lib.sh"

lib_start 60
need_client
netns_setup
make_certs
make_password

CAP_NET_ADMIN_MASK=0000000000001000
NO_CAPS=0000000000000000

# net_pid: the child of gp-tunnel [priv] that calls itself [net].
net_pid() {
	for p in $(ip netns pids "$NS_C"); do
		grep -qx "PPid:[[:space:]]*$TUN_PID" "/proc/$p/status" \
		    2>/dev/null || continue
		grep -qx 'gp-tunnel \[net\]' "/proc/$p/comm" && echo "$p"
	done
}

# status_is PID FIELD VALUE: the /proc/PID/status line "FIELD: VALUE".
status_is() {
	grep -Eq "^$2:[[:space:]]+$3\$" "/proc/$1/status"
}

# all_nonzero PID KIND: Uid or Gid, real, effective, saved, fs.
all_nonzero() {
	awk -v k="$2:" '$1 == k { ok = ($2 && $3 && $4 && $5) }
	    END { exit !ok }' "/proc/$1/status"
}

show_status() {
	note "$1 (pid $2):"
	f='Name|Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb'
	grep -E "^($f|NoNewPrivs|Seccomp):" "/proc/$2/status" |
	    while IFS= read -r l; do note "    $l"; done
}

# The password and the cookies absent from both processes' /proc files.
no_secret_in_procs() {
	secret_patterns || return 1
	for p in "$@"; do
		for f in cmdline environ; do
			if tr '\0' '\n' <"/proc/$p/$f" |
			    grep -qF -f "$T/secret-patterns"; then
				echo "secret in /proc/$p/$f"
				return 1
			fi
		done
	done
}

check_split() {
	r=$1
	NET_PID=
	wait_until 20 0.1 eval 'NET_PID=$(net_pid); [ -n "$NET_PID" ]'
	NET_PID=$(net_pid)
	if [ -z "$NET_PID" ]; then
		notok "$r: gp-tunnel [net] found"
		return 1
	fi
	show_status "$r: gp-tunnel [priv]" "$TUN_PID"
	show_status "$r: gp-tunnel [net]" "$NET_PID"
	note "$r: ps:"
	ps -o user,pid,ppid,stat,args -p "$TUN_PID,$NET_PID" |
	    while IFS= read -r l; do note "    $l"; done
	check "$r: [net] has four non-zero uids" all_nonzero "$NET_PID" Uid
	check "$r: [net] has four non-zero gids" all_nonzero "$NET_PID" Gid
	for c in CapEff CapPrm CapBnd CapInh CapAmb; do
		check "$r: [net] $c is 0" status_is "$NET_PID" $c $NO_CAPS
	done
	check "$r: [net] NoNewPrivs 1" status_is "$NET_PID" NoNewPrivs 1
	check "$r: [net] Seccomp 2 (filter)" status_is "$NET_PID" Seccomp 2
	s='[[:space:]]+'
	check "$r: [priv] is uid 0" status_is "$TUN_PID" Uid "0${s}0${s}0${s}0"
	for c in CapEff CapPrm CapBnd; do
		check "$r: [priv] $c is CAP_NET_ADMIN alone" \
		    status_is "$TUN_PID" $c $CAP_NET_ADMIN_MASK
	done
	check "$r: [priv] NoNewPrivs 1" status_is "$TUN_PID" NoNewPrivs 1
	check "$r: [priv] Seccomp 2 (filter)" status_is "$TUN_PID" Seccomp 2
	check "$r: the [priv] process title" \
	    grep -q "^gp-tunnel \[priv\]" "/proc/$TUN_PID/cmdline"
	check "$r: the [net] process title" \
	    grep -q "^gp-tunnel \[net\]" "/proc/$NET_PID/cmdline"
	check "$r: no secret in /proc of [priv] and [net]" \
	    no_secret_in_procs "$TUN_PID" "$NET_PID"
}

# live ROUND TRANSPORT [gp-tunnel options]
live() {
	r=$1
	tr_name=$2
	shift 2
	cp "$T/client-resolv.orig" "$T/client-resolv.conf"
	gw_start
	gpvpn_start "$r" "$@"
	if gpvpn_up "$r"; then
		check_split "$r"
		check "$r: ping through the sandboxed session" \
		    ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 2 "$LAN_ADDR"
		check "$r: SIGUSR1 prints the counters ($tr_name)" \
		    tun_stats "$r" "'transport $tr_name' in line"
		stop_pid "$TUN_PID" TERM 15
		check "$r: exit status 0 after SIGTERM" \
		    wait_until 30 0.1 grep -qx 0 "$T/tun-$r.rc"
		check "$r: disconnect ran" script_ran disconnect
		check "$r: tun removed" client_tun_gone
		check "$r: [net] gone too" eval '! alive "$NET_PID"'
	fi
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	gw_stop
}

# A policy that allows what the test gateway sends (no pin: the test
# does not compute the key's SHA-256 here; tests/unit does the pins).
POL=$T/policy
allow_policy() {
	( umask 022
	  printf '%s\n' "# allows the test gateway" "gateway $GW_ADDR" \
	      "route 198.18.64.0/24" "route 198.18.128.0/24" "dns yes" \
	      >"$POL" )
}

allow_policy
live esp esp --policy "$POL"
live https https --no-esp

# refused NAME REGEX POLICY-LINES...: exit 1, the reason, nothing done.
refused() {
	r=$1
	want=$2
	shift 2
	( umask 022; printf '%s\n' "$@" >"$POL" )
	gw_start
	gpvpn_start "$r" --policy "$POL"
	check "$r: gp-tunnel exits 1" \
	    wait_until 100 0.1 grep -qx 1 "$T/tun-$r.rc"
	check "$r: the reason is logged" \
	    grep -Eq "gp-tunnel: $want" "$T/tun-$r.err"
	grep 'policy' "$T/tun-$r.err" | tail -n 1 | while IFS= read -r l
	do note "$r: $l"; done
	check "$r: no tun device" client_tun_gone
	check "$r: no script" eval '! script_ran connect'
	wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5
	gw_stop
}

refused gateway "policy refuses gateway $GW_ADDR: not an allowed gateway" \
    "gateway 198.18.0.99" "route 198.18.0.0/15"
refused route \
    "policy refuses the split-include route 198.18.64.0/24: outside" \
    "gateway $GW_ADDR" "route 198.18.128.0/24"
refused dns "policy refuses the DNS settings .*dns no" "dns no"
allow_policy
chmod 664 "$POL"
gpvpn_start mode --policy "$POL"
check "mode: a group-writable policy is refused" \
    wait_until 50 0.1 grep -qx 1 "$T/tun-mode.rc"
check "mode: the reason is logged" \
    grep -q 'must be owned by root and not writable' "$T/tun-mode.err"
check "mode: no tun device" client_tun_gone
wait_until 100 0.1 gone "$AUTH_PID" || stop_pid "$AUTH_PID" TERM 5

check_host_untouched
lib_finish
