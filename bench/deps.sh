#!/bin/sh
# SPDX-License-Identifier: ISC
# Installs what `make bench` needs on top of .ci/deps.sh (Debian 12):
# iperf3 for the load and python3-matplotlib for the plot, when run as
# root; otherwise names exactly what is missing. Used by make bench,
# make bench-short and tests/netns/bench_test.sh.
exec sh "$(dirname "$0")/../.ci/deps.sh" iperf3 python3-matplotlib
