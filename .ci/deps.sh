#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs the Debian 12 packages gpvpn needs to build and test, when run as
# root; otherwise names exactly what is missing. Used by `make deps`,
# `make check`, `make demo` and .ci/run; with package names as arguments,
# only those (bench/deps.sh).
set -u
PKGS="build-essential pkg-config clang libclang-rt-14-dev llvm-14
libcurl4-openssl-dev libssl-dev libxml2-dev libcap-ng-dev libseccomp-dev
openssl ca-certificates iproute2 iputils-ping procps nftables
python3 python3-cryptography openconnect vpnc-scripts tshark systemd
util-linux sudo mandoc tinyproxy microsocks iperf3 python3-matplotlib
debhelper devscripts lintian fakeroot
libengine-pkcs11-openssl softhsm2 opensc valgrind"
[ $# -gt 0 ] && PKGS="$*"

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
	echo "gpvpn: missing Debian packages:$missing" >&2
	echo "gpvpn: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "gpvpn: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q $missing; then
	apt-get update -q && apt-get install -y -q $missing || exit 1
fi
