#!/bin/sh
# SPDX-License-Identifier: ISC
# readme_test.sh: README.md says only what the programs do: every option
# its commands and its "Coming from OpenConnect" table give gp-auth or
# gp-tunnel is in that program's --help, every OpenConnect option in the
# table is in `openconnect --help` (those checks are skipped when
# openconnect is not installed; .ci/deps.sh installs it), and the
# sections issue 12 asks for are there (tests/readme_check.py). That every
# option is in its man page is man_test.sh's. Needs the built programs
# ($B), no root; TAP; under a second.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in
/*) ;;
*) B=$REPO/$B ;;
esac
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

for p in gp-auth gp-tunnel; do
	if ! "$B/$p" --help >"$T/$p.help" 2>&1; then
		echo "not ok - $B/$p --help exits 0"
		exit 1
	fi
done
# openconnect --help exits 1 after printing the help.
if command -v openconnect >/dev/null 2>&1; then
	openconnect --help >"$T/openconnect.help" 2>&1
fi
python3 "$REPO/tests/readme_check.py" "$REPO/README.md" "$T"
