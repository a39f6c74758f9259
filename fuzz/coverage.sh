#!/bin/sh
# SPDX-License-Identifier: ISC
# Line coverage per fuzz target over its corpus (and kept regressions):
# build-cov/<name> (make fuzz-coverage builds them) runs each input once,
# llvm-profdata merges the profile and llvm-cov reports the lines of the
# parser files the target exercises, from the table below. Prints a table
# and writes fuzz/results/coverage.tsv. Usage: sh fuzz/coverage.sh [NAME...]
set -u
cd "$(dirname "$0")/.." || exit 1
PROFDATA=${LLVM_PROFDATA:-llvm-profdata}
COV=${LLVM_COV:-llvm-cov}
PROF=build-cov/prof
OUT=fuzz/results/coverage.tsv

# files NAME: the parser files of a target (whole files: ctl.c and
# transport.c hold more than the parser, so their figure is a floor).
files() {
	case $1 in
	auth_cookie_fuzz) echo auth/cookie.c auth/form.c ;;
	auth_cookieio_fuzz) echo auth/cookie_io.c ;;
	auth_getconfig_fuzz) echo auth/getconfig.c auth/getconfig_esp.c ;;
	auth_hipmsg_fuzz) echo auth/hipmsg.c ;;
	auth_htmltext_fuzz) echo auth/htmltext.c ;;
	auth_login_fuzz) echo auth/login.c ;;
	auth_loginfix_fuzz) echo auth/loginfix.c ;;
	auth_p11uri_fuzz) echo auth/p11uri.c ;;
	auth_pin_fuzz) echo auth/pin.c ;;
	auth_portal_fuzz) echo auth/portal.c auth/gwchoice.c ;;
	auth_prelogin_fuzz) echo auth/prelogin.c auth/hipcheck.c \
	    auth/errors.c ;;
	auth_resolveopt_fuzz) echo auth/resolveopt.c ;;
	auth_samlform_fuzz) echo auth/saml.c ;;
	ipc_cursor_fuzz) echo ipc/cursor.c ;;
	ipc_frame_fuzz) echo ipc/frame.c ipc/config.c ;;
	ipc_textenc_fuzz) echo ipc/textenc.c ipc/bytes.c ;;
	tunnel_ctlrd_fuzz) echo tunnel/ctl.c ;;
	tunnel_esp_fuzz) echo tunnel/esp.c ;;
	tunnel_espgro_fuzz) echo tunnel/espgro.c ;;
	tunnel_gpst_fuzz) echo tunnel/gpst.c ;;
	tunnel_inner_fuzz) echo tunnel/transport.c tunnel/magic.c ;;
	tunnel_ip6check_fuzz) echo tunnel/ip6check.c ;;
	tunnel_jsonw_fuzz) echo tunnel/jsonw.c ;;
	tunnel_mountinfo_fuzz) echo tunnel/mountinfo.c ;;
	tunnel_policy_fuzz) echo tunnel/policy*.c ;;
	tunnel_privsep_fuzz) echo tunnel/privsep.c tunnel/privsep_report.c ;;
	tunnel_proxyhttp_fuzz|tunnel_proxysocks_fuzz) echo tunnel/proxy.c ;;
	tunnel_record_fuzz) echo tunnel/record.c ;;
	tunnel_scriptenv_fuzz) echo tunnel/script.c ;;
	tunnel_starttunnel_fuzz) echo tunnel/https_reply.c ;;
	tunnel_tunvnet_fuzz) echo tunnel/tunvnet.c tunnel/coal.c ;;
	*) return 1 ;;
	esac
}

# one NAME: "lines covered/lines  percent" of its files over its corpus.
one() {
	n=$1 bin=build-cov/$1
	f=$(files "$n") || { echo "coverage: $n: no files listed" >&2;
	    return 1; }
	[ -x "$bin" ] || { echo "coverage: no $bin" >&2; return 1; }
	rm -f "$PROF/$n".*
	dirs=fuzz/corpus/$n
	[ -d "fuzz/regressions/$n" ] && dirs="$dirs fuzz/regressions/$n"
	# shellcheck disable=SC2086
	LLVM_PROFILE_FILE=$PROF/$n.%p.profraw "$bin" -runs=0 \
	    -rss_limit_mb=2048 $dirs >"$PROF/$n.log" 2>&1 ||
	    echo "coverage: $n: an input fails (see $PROF/$n.log)" >&2
	"$PROFDATA" merge -sparse -o "$PROF/$n.profdata" "$PROF/$n".*.profraw ||
	    return 1
	# shellcheck disable=SC2086
	"$COV" report "$bin" -instr-profile="$PROF/$n.profdata" $f |
	    awk -v n="$n" -v f="$f" -v o="$OUT" '
	    $1 == "TOTAL" || (NF >= 10 && $1 ~ /\.c$/) { t = $0 }
	    END {
		split(t, a); lines = a[8]; miss = a[9]; pct = a[10]
		printf "%-26s %6d/%-6d %7s  %s\n", n, lines - miss, lines,
		    pct, f
		printf "%s\t%d\t%d\t%s\t%s\n", n, lines - miss, lines, pct,
		    f >> o
	    }'
}

mkdir -p "$PROF" fuzz/results || exit 1
: >"$OUT"
if [ $# -eq 0 ]; then
	set -- $(for b in build-cov/*_fuzz; do basename "$b"; done)
fi
printf '%-26s %13s %7s  %s\n' target lines cover "parser files"
rc=0
for n in "$@"; do
	one "$n" || rc=1
done
exit $rc
