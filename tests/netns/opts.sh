# SPDX-License-Identifier: ISC
# opts.sh: sourced by the packaging tests (POSIX sh). The options of each
# program as its getopt_long tables and option strings in the sources
# say, so that man pages and completions are checked against the code.

# long_opts ROOM: the long option names of every `struct option` table
# in ROOM/*.c (auth: gp-auth, tunnel: gp-tunnel), one a line, sorted.
long_opts() {
	sed -n 's/^[[:space:]]*{[[:space:]]*"\([a-z0-9-]*\)",[[:space:]]*[a-z]*_argument.*/\1/p' \
	    "$REPO/$1"/*.c | LC_ALL=C sort -u
}

# short_opts ROOM: the letters of the getopt_long option strings in
# ROOM/*.c, one a line, sorted.
short_opts() {
	sed -n 's/.*getopt_long([^"]*"\([^"]*\)".*/\1/p' "$REPO/$1"/*.c |
	    tr -d ':\n' | fold -w 1 | LC_ALL=C sort -u
}
