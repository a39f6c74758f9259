/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the one-line option errors (ipc/opterr.c): each kind of
 * getopt_long refusal, from a real getopt_long run on a small table, as
 * gp-auth and gp-tunnel print it. Test code only.
 */
#include <getopt.h>
#include <string.h>

#include "ipc/opterr.h"
#include "t.h"

static const struct option lo[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "usergroup", required_argument, NULL, 'g' },
	{ "proxy", required_argument, NULL, 300 },
	{ "protocol", required_argument, NULL, 301 },
	{ "resolve", required_argument, NULL, 302 },
	{ "version", no_argument, NULL, 303 },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

/* Run getopt_long over "prog" and the arguments until its first error;
 * the message for it into out, or "" if there is none. */
static const char *
first_error(char *out, const char *prog, int argc, char **argv)
{
	int ch;

	out[0] = '\0';
	optind = 0;	/* glibc: start afresh */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":u:g:v", lo, NULL)) != -1)
		if (ch == '?' || ch == ':') {
			opterr_text(out, prog, ch, argv, optind, optopt, lo);
			break;
		}
	return out;
}

#define ERR(prog, ...) do {						\
	char *v_[] = { (char *)prog, __VA_ARGS__, NULL };		\
	first_error(out, prog, (int)(sizeof(v_) / sizeof(v_[0])) - 1,	\
	    v_);							\
} while (0)

static void
unknown(void)
{
	char out[OPTERR_MAX];

	ERR("gp-auth", "--foo", "vpn");
	T_STREQ(out, "gp-auth: unknown option `--foo`; see gp-auth --help");
	ERR("gp-tunnel", "--foo=bar");
	T_STREQ(out, "gp-tunnel: unknown option `--foo`; see gp-tunnel "
	    "--help");
	ERR("gp-auth", "-x");
	T_STREQ(out, "gp-auth: unknown option `-x`; see gp-auth --help");
	/* In a cluster, after a long option with its value. */
	ERR("gp-auth", "--user=a", "-vZ");
	T_STREQ(out, "gp-auth: unknown option `-Z`; see gp-auth --help");
	ERR("gp-auth", "-Zv");
	T_STREQ(out, "gp-auth: unknown option `-Z`; see gp-auth --help");
}

static void
missing_argument(void)
{
	char out[OPTERR_MAX];

	ERR("gp-auth", "-u");
	T_STREQ(out, "gp-auth: option `-u` needs an argument; see gp-auth "
	    "--help");
	ERR("gp-auth", "-vg");
	T_STREQ(out, "gp-auth: option `-g` needs an argument; see gp-auth "
	    "--help");
	ERR("gp-auth", "--resolve");
	T_STREQ(out, "gp-auth: option `--resolve` needs an argument; see "
	    "gp-auth --help");
	/* --user is 'u' too: named as typed. */
	ERR("gp-auth", "--user");
	T_STREQ(out, "gp-auth: option `--user` needs an argument; see "
	    "gp-auth --help");
}

static void
ambiguous_and_no_argument(void)
{
	char out[OPTERR_MAX];

	ERR("gp-auth", "--pro", "x");
	T_STREQ(out, "gp-auth: option `--pro` is ambiguous: --proxy, "
	    "--protocol; see gp-auth --help");
	ERR("gp-auth", "--version=3");
	T_STREQ(out, "gp-auth: option `--version` takes no argument; see "
	    "gp-auth --help");
	ERR("gp-auth", "--verb=1");
	T_STREQ(out, "gp-auth: option `--verb` takes no argument; see "
	    "gp-auth --help");
	/* What is fine is no error. */
	ERR("gp-auth", "--userg", "x", "--verb", "-g", "y", "vpn");
	T_STREQ(out, "");
}

/* What the user typed is quoted printable. */
static void
quoted(void)
{
	char out[OPTERR_MAX];

	ERR("gp-auth", "--a\x1b[2Jb");
	T_STREQ(out, "gp-auth: unknown option `--a\\x1b[2Jb`; see gp-auth "
	    "--help");
	ERR("gp-auth", "-\x01");
	T_STREQ(out, "gp-auth: unknown option `-\\x01`; see gp-auth --help");
}

int
main(void)
{
	T_RUN(unknown);
	T_RUN(missing_argument);
	T_RUN(ambiguous_and_no_argument);
	T_RUN(quoted);
	return T_DONE();
}
