#!/bin/sh
# SPDX-License-Identifier: ISC
# devlog.sh SOCK -- CMD...: runs CMD with SOCK (a datagram socket the test
# reads) as /dev/log, inside the private mount namespace that
# `ip netns exec` made: /dev becomes a tmpfs holding binds of the few
# devices the client needs, and the host's /dev is not touched. Run as
# root. Test code only.
set -eu
sock=$1
shift
[ "$1" = -- ] && shift
real=$(mktemp -d /tmp/gpvpn-devlog.XXXXXX)
mount --rbind /dev "$real"
mount -t tmpfs -o mode=0755,size=1m gpvpn-dev /dev
for n in null zero full random urandom tty; do
	[ -e "$real/$n" ] || continue
	: >"/dev/$n"
	mount --bind "$real/$n" "/dev/$n"
done
mkdir /dev/net /dev/pts /dev/shm
: >/dev/net/tun
mount --bind "$real/net/tun" /dev/net/tun
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
: >/dev/log
mount --bind "$sock" /dev/log
umount -l "$real"
rmdir "$real"
exec "$@"
