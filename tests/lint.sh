#!/bin/sh
# SPDX-License-Identifier: ISC
# STYLE.md 12: banned functions, 80 columns, and a header comment opening
# every C file. Prints one TAP line per check.
set -u
files=$(git ls-files '*.c' '*.h' 2>/dev/null; \
	git ls-files --others --exclude-standard '*.c' '*.h' 2>/dev/null)
files=$(printf '%s\n' $files | sort -u)

banned=$(printf '%s\n' $files | grep -v '^fuzz/' | xargs -r grep -HnE \
    '\b(sprintf|vsprintf|strcpy|strcat|strncat|gets|atoi|strtok|alloca)[[:space:]]*\(' \
    | grep -v 'lint:allow')
if [ -z "$banned" ]; then
	echo "ok - no banned functions"
else
	echo "not ok - banned functions in use"
	echo "$banned" >&2
fi

long=$(printf '%s\n' $files | xargs -r awk '{
	l = 0
	for (i = 1; i <= length($0); i++) {
		c = substr($0, i, 1)
		if (c == "\t") l += 8 - l % 8; else l++
	}
	if (l > 80) print FILENAME ":" FNR ": " l " columns"
}')
if [ -z "$long" ]; then
	echo "ok - lines fit in 80 columns"
else
	echo "not ok - lines over 80 columns"
	echo "$long" >&2
fi

# Line 1 is the licence (SPDX), line 2 opens the header comment.
nohead=""
for f in $files; do
	head -n 2 "$f" | tail -n 1 | grep -q '^/\*' || nohead="$nohead $f"
done
if [ -z "$nohead" ]; then
	echo "ok - every C file opens with a header comment"
else
	echo "not ok - files without a header comment:$nohead"
fi

# Every file we wrote carries the licence: sources, scripts, units, pages.
srcs=$( (git ls-files; git ls-files --others --exclude-standard) \
	2>/dev/null | sort -u | grep -E '(\.(c|h|sh|py|[158])|Makefile)$|^(completions|systemd|\.ci)/|^debian/rules$|^examples/' \
	| grep -vE '^(fuzz/corpus|tests/data|bench/results)/')
nospdx=""
for f in $srcs; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier: ISC' ||
	    nospdx="$nospdx $f"
done
if [ -z "$nospdx" ]; then
	echo "ok - every source file carries SPDX-License-Identifier: ISC"
else
	echo "not ok - files without the SPDX line:$nospdx"
fi
