#!/bin/sh
# SPDX-License-Identifier: ISC
# nsexec.sh [-p PIDFILE] [-r RCFILE] [-n RESOLV] -- CMD...: the launcher the
# namespace tests put in front of every client process, run as root inside
# `ip netns exec`. -n gives CMD a private /run (a tmpfs) and RESOLV bound
# over /etc/resolv.conf, so a vpnc-script can change DNS and keep its state
# without touching the host's files (ip netns exec already made the mount
# namespace private); the directory vpnc/ beside RESOLV is bound at
# /run/vpnc, where vpnc-script keeps its state and lib.sh's recording
# wrapper lives and writes (gp-tunnel's file-system view leaves that
# writable, and hides /tmp); gpvpn/ beside RESOLV, if there, is bound at
# /run/gpvpn (gp-tunnel's session records). -p writes CMD's pid; -r waits
# for CMD and writes its exit status, keeping stdin (an asynchronous list
# would get /dev/null).
set -eu
pidfile='' rcfile='' resolv=''
while [ $# -gt 0 ]; do
	case $1 in
	-p) pidfile=$2; shift 2 ;;
	-r) rcfile=$2; shift 2 ;;
	-n) resolv=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "nsexec: bad option $1" >&2; exit 64 ;;
	esac
done
[ $# -gt 0 ] || { echo "nsexec: no command" >&2; exit 64; }

if [ -n "$resolv" ]; then
	# Resolve a symlinked /etc/resolv.conf (systemd-resolved points it
	# into /run) before /run is covered.
	target=$(readlink -f /etc/resolv.conf)
	state=$(dirname "$resolv")/vpnc
	mkdir -p "$state"
	mount -t tmpfs -o mode=0755,size=4m gpvpn-run /run
	mkdir /run/vpnc
	mount --bind "$state" /run/vpnc
	# gp-tunnel's session records (tunnel/record.c), kept across runs
	# when the test made the directory beside RESOLV.
	if [ -d "$(dirname "$resolv")/gpvpn" ]; then
		mkdir /run/gpvpn
		mount --bind "$(dirname "$resolv")/gpvpn" /run/gpvpn
	fi
	case $target in
	/run/*)
		mkdir -p "$(dirname "$target")"
		: >"$target"
		mount --bind "$resolv" "$target"
		;;
	*)
		mount --bind "$resolv" "$target"
		;;
	esac
fi

if [ -z "$rcfile" ]; then
	[ -z "$pidfile" ] || echo $$ >"$pidfile"
	exec "$@"
fi

exec 3<&0
"$@" <&3 3<&- &
child=$!
# Hold no pipe ends of our own: the peers must see EOF/HUP when CMD ends.
exec 3<&- </dev/null >/dev/null
[ -z "$pidfile" ] || echo "$child" >"$pidfile"
# TERM/INT/HUP to this wrapper go to the child; we still record its status.
trap 'kill -TERM $child 2>/dev/null' TERM INT HUP
rc=0
while :; do
	wait "$child" && rc=0 || rc=$?
	# wait returns early (>128) when a trapped signal arrives; loop until
	# the child is really gone.
	[ -d "/proc/$child" ] || break
done
echo "$rc" >"$rcfile"
exit "$rc"
