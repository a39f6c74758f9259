#!/bin/sh
# Installs what `make bench` needs on top of .ci/deps.sh (Debian 12):
# iperf3 for the load and python3-matplotlib for the plot, when run as
# root; otherwise names exactly what is missing. Used by make bench,
# make bench-short and tests/netns/bench_test.sh.
set -u
PKGS="iperf3 python3-matplotlib"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "bench: missing Debian packages:$missing" >&2
	echo "bench: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "bench: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q $missing; then
	apt-get update -q && apt-get install -y -q $missing || exit 1
fi
