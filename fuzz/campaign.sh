#!/bin/sh
# SPDX-License-Identifier: ISC
# The fuzz campaign (issue 13 item 2): each target, one at a time, runs
# until CAMPAIGN_RUNS executions (three times that for the frame, ESP and
# GPST decoders), growing a copy of its corpus in a scratch directory; the
# result is minimised (-merge=1) back into fuzz/corpus/<name>/, keeping
# the hand-named seeds, and one row per target goes to
# fuzz/results/campaign.tsv. Usage: sh fuzz/campaign.sh [NAME...] (default:
# every target, most important first). CAMPAIGN_DEADLINE (epoch seconds)
# caps each run so that none runs past it, CAMPAIGN_MAX_SECS caps each
# target's run; a target cut short says so in its row (reached: no).
# Never pause a run (SIGSTOP): -timeout counts wall time, so the input
# it was on when stopped is reported as a timeout when it resumes.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=${CAMPAIGN_RUNS:-10000000}
DEADLINE=${CAMPAIGN_DEADLINE:-0}
MAX_SECS=${CAMPAIGN_MAX_SECS:-0}
SCRATCH=${CAMPAIGN_SCRATCH:-/tmp/gpvpn-campaign.$$}
OUT=fuzz/results/campaign.tsv
mkdir -p fuzz/results "$SCRATCH" || exit 1

# Most important first: the codecs across the privilege line, the
# packet decoders, then the network parsers, then the rest.
ORDER="ipc_frame_fuzz tunnel_privsep_fuzz tunnel_esp_fuzz tunnel_gpst_fuzz
tunnel_espgro_fuzz tunnel_tunvnet_fuzz tunnel_inner_fuzz
tunnel_starttunnel_fuzz
auth_getconfig_fuzz auth_prelogin_fuzz auth_login_fuzz auth_portal_fuzz
tunnel_proxyhttp_fuzz tunnel_proxysocks_fuzz auth_hipmsg_fuzz
tunnel_ctlrd_fuzz tunnel_policy_fuzz tunnel_scriptenv_fuzz
auth_cookieio_fuzz auth_cookie_fuzz auth_samlform_fuzz auth_htmltext_fuzz
auth_loginfix_fuzz auth_pin_fuzz auth_p11uri_fuzz auth_resolveopt_fuzz
ipc_textenc_fuzz ipc_cursor_fuzz
tunnel_ip6check_fuzz tunnel_record_fuzz tunnel_mountinfo_fuzz
tunnel_jsonw_fuzz"

# runs NAME: the executions a target must make.
runs() {
	case $1 in
	ipc_frame_fuzz|tunnel_esp_fuzz|tunnel_gpst_fuzz) echo $((RUNS * 3)) ;;
	*) echo "$RUNS" ;;
	esac
}

# maxlen NAME: the largest input tried; never below the largest seed.
maxlen() {
	case $1 in
	ipc_frame_fuzz|tunnel_privsep_fuzz|auth_getconfig_fuzz) m=16384 ;;
	tunnel_policy_fuzz) m=32768 ;;
	tunnel_gpst_fuzz|auth_login_fuzz|auth_prelogin_fuzz) m=8192 ;;
	auth_portal_fuzz|tunnel_scriptenv_fuzz) m=8192 ;;
	tunnel_esp_fuzz|tunnel_espgro_fuzz|tunnel_inner_fuzz) m=2048 ;;
	*) m=4096 ;;
	esac
	s=$(find "fuzz/corpus/$1" -type f -printf '%s\n' 2>/dev/null |
	    sort -n | tail -1)
	[ -n "$s" ] && [ "$s" -gt "$m" ] && m=$s
	echo "$m"
}

# hashname FILE: whether libFuzzer named it (40 hex digits), not a human.
hashname() {
	basename "$1" | grep -Eq '^[0-9a-f]{40}$'
}

# minimise NAME BIN GROWN: the hand-named seeds stay; libFuzzer's own
# files are replaced by the fewest that keep the coverage of all.
minimise() {
	n=$1 bin=$2 grown=$3
	fresh=$SCRATCH/$n.fresh
	rm -rf "$fresh" && mkdir -p "$fresh" "fuzz/corpus/$n" || return 1
	for f in "fuzz/corpus/$n"/*; do
		[ -f "$f" ] && ! hashname "$f" && cp "$f" "$fresh/"
	done
	"$bin" -merge=1 -max_len="$(maxlen "$n")" -rss_limit_mb=2048 \
	    -timeout=25 "$fresh" "fuzz/corpus/$n" "$grown" \
	    >"$SCRATCH/$n.merge.log" 2>&1 || return 1
	find "fuzz/corpus/$n" -type f -regextype egrep \
	    -regex '.*/[0-9a-f]{40}' -delete
	for f in "$fresh"/*; do
		hashname "$f" && cp "$f" "fuzz/corpus/$n/"
	done
	rm -rf "$fresh"
}

# stat LOG KEY: one of libFuzzer's -print_final_stats figures.
stat() {
	sed -n "s/^stat::$2: *//p" "$1" | tail -1
}

# one NAME: the campaign for one target; its row appended to $OUT.
one() {
	n=$1 bin=build-fuzz/$1
	[ -x "$bin" ] || { echo "campaign: no $bin" >&2; return 1; }
	want=$(runs "$n")
	grown=$SCRATCH/$n
	rm -rf "$grown" && mkdir -p "$grown" "$SCRATCH/$n.art"
	before=$(find "fuzz/corpus/$n" -type f 2>/dev/null | wc -l)
	cap=$MAX_SECS
	if [ "$DEADLINE" -gt 0 ]; then
		left=$((DEADLINE - $(date +%s) - 60))
		[ "$left" -lt 30 ] && { echo "campaign: $n: no time" >&2;
		    return 1; }
		[ "$cap" -eq 0 ] || [ "$left" -lt "$cap" ] && cap=$left
	fi
	[ "$cap" -gt 0 ] && cap=-max_total_time=$cap || cap=""
	log=$SCRATCH/$n.log
	t0=$(date +%s)
	# A 16 MiB ASan quarantine, not 256: the XML parsers allocate and
	# free some 100 KiB per input, and cycling through 256 MiB of
	# quarantined heap made page faults (with TLB shootdowns) most of
	# their time: 8 s runs from the corpus, alternating, auth_prelogin
	# 323-1751 -> 2211-3109 exec/s, auth_portal 4990-7351 -> 7189-8302.
	# A use after free within an input, or within the next ~100 inputs'
	# frees, is still caught.
	ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} \
	"$bin" -runs="$want" $cap -max_len="$(maxlen "$n")" -timeout=25 \
	    -rss_limit_mb=2048 -print_final_stats=1 -print_pcs=0 \
	    -artifact_prefix="$SCRATCH/$n.art/" "$grown" "fuzz/corpus/$n" \
	    >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	[ "$secs" -gt 0 ] || secs=1
	execs=$(stat "$log" number_of_executed_units)
	execs=${execs:-0}
	# What the run stopped on; not libFuzzer's slow-unit-* notes, which
	# a run starved of CPU (nice 19 on a busy machine) also writes.
	crashes=$(find "$SCRATCH/$n.art" -type f ! -name 'slow-unit-*' |
	    wc -l)
	if [ "$crashes" -gt 0 ]; then
		mkdir -p "fuzz/regressions/$n"
		find "$SCRATCH/$n.art" -type f ! -name 'slow-unit-*' \
		    -exec cp {} "fuzz/regressions/$n/" \;
	fi
	minimise "$n" "$bin" "$grown" || echo "campaign: $n: merge failed" >&2
	after=$(find "fuzz/corpus/$n" -type f | wc -l)
	kb=$(($(du -sb "fuzz/corpus/$n" | cut -f1) / 1024))
	done=no
	[ "$execs" -ge "$want" ] && done=yes
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$execs" \
	    "$want" "$done" "$((execs / secs))" "$secs" "$before" "$after" \
	    "$kb" "$crashes" "$rc" >>"$OUT"
	rm -rf "$grown"
	echo "campaign: $n: $execs of $want executions in ${secs}s," \
	    "corpus $before -> $after files, $crashes crashes (rc $rc)"
}

[ -s "$OUT" ] || printf 'target\texecs\twanted\treached\texec_per_s\tsecs\tcorpus_before\tcorpus_after\tcorpus_kb\tcrashes\trc\n' >"$OUT"
[ $# -gt 0 ] && ORDER="$*"
for n in $ORDER; do
	[ -x "build-fuzz/$n" ] || continue
	one "$n"
done
rm -rf "$SCRATCH"
