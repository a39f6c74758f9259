#!/bin/sh
# SPDX-License-Identifier: ISC
# The campaign's table in Markdown, on stdout: fuzz/results/campaign.tsv
# (fuzz/campaign.sh's rows) joined with the line coverage of
# fuzz/results/coverage.tsv (fuzz/coverage.sh, after the campaign) and, if
# kept, coverage-before.tsv (the same over the seeds, before). A target
# that did not run in the campaign shows "-" for what it did not do.
set -u
cd "$(dirname "$0")/.." || exit 1
R=fuzz/results
before=$R/coverage-before.tsv
[ -f "$before" ] || before=/dev/null
cat <<'EOF'
# Fuzz campaign results

Written by fuzz/report.sh from fuzz/results/*.tsv. One row per target:
the executions its campaign run made, against its goal (10^7, 3x10^7
for the frame, ESP and GPST decoders); `reached: no` means the run was
cut by its time cap, with the executions it did make. Corpus: files in
fuzz/corpus/<target>/ before the run and after minimising, and their
size. Line coverage: of the target's parser files (fuzz/coverage.sh),
over the seed corpus before the campaign and over the corpus after it.
Crashes: inputs the run stopped on (kept in fuzz/regressions/).

EOF
awk -F '\t' '
FILENAME ~ /coverage-before/ { before[$1] = $4; next }
FILENAME ~ /coverage.tsv$/ { cov[$1] = $4; lines[$1] = $2 "/" $3;
    files[$1] = $5; order[++n] = $1; next }
FNR > 1 { run[$1] = $0 }
END {
	print "| target | executions | goal | reached | exec/s | seconds |" \
	    " corpus files before → after | corpus KiB | line coverage" \
	    " seeds → after (lines) | parser files | crashes |"
	print "|---|---:|---:|---|---:|---:|---|---:|---|---|---:|"
	for (i = 1; i <= n; i++) {
		t = order[i]
		b = (t in before) ? before[t] : "-"
		if (t in run) {
			split(run[t], a, "\t")
			printf "| %s | %d | %d | %s | %d | %d | %d → %d | %d |" \
			    " %s → %s (%s) | %s | %d |\n", t, a[2], a[3],
			    a[4], a[5], a[6], a[7], a[8], a[9], b, cov[t],
			    lines[t], files[t], a[10]
		} else
			printf "| %s | - | - | not run | - | - | - | - |" \
			    " %s → %s (%s) | %s | - |\n", t, b, cov[t],
			    lines[t], files[t]
	}
}' "$before" "$R/coverage.tsv" "$R/campaign.tsv"
