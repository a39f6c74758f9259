/* SPDX-License-Identifier: ISC */
/*
 * One-line option errors (see opterr.h). Runs in gp-auth's and
 * gp-tunnel's main() before anything else; the argument quoted is the
 * user's own, made printable and cut short by err_quote().
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/dynbuf.h"
#include "ipc/err.h"
#include "ipc/opterr.h"

/* The option's name as typed: "--name" without "=value". */
static size_t
opterr_long_len(const char *arg)
{
	return strcspn(arg, "=");
}

/* Long options that begin with arg[2..n): their count; the names go
 * into d, comma-separated. */
static int
opterr_matches(const char *arg, size_t n, const struct option *lo,
    struct dynbuf *d)
{
	int i, k = 0;

	for (i = 0; lo[i].name != NULL; i++) {
		if (strncmp(lo[i].name, arg + 2, n - 2) != 0)
			continue;
		(void)dynbuf_addf(d, "%s--%s", k > 0 ? ", " : "",
		    lo[i].name);
		k++;
	}
	return k;
}

/* A long option that takes no argument, given one (`--help=x`): getopt
 * leaves its value in opt; an unknown short option has one too. */
static bool
opterr_noarg(const char *arg, int opt, const struct option *lo)
{
	size_t n = opterr_long_len(arg);
	int i;

	if (opt == 0 || arg[n] != '=')
		return false;
	for (i = 0; lo[i].name != NULL; i++)
		if (lo[i].val == opt && lo[i].has_arg == no_argument &&
		    lo[i].flag == NULL &&
		    strncmp(lo[i].name, arg + 2, n - 2) == 0)
			return true;
	return false;
}

/* getopt_long's '?' on a long option: unknown or ambiguous. */
static void
opterr_long(struct dynbuf *d, const char *arg, const struct option *lo)
{
	char q[ERR_QUOTE_MAX], list[256];
	struct dynbuf l;
	size_t n = opterr_long_len(arg);

	dynbuf_fixed(&l, list, sizeof(list));
	err_quote(q, arg, n);
	if (n > 2 && opterr_matches(arg, n, lo, &l) > 1)
		(void)dynbuf_addf(d, "option `%s` is ambiguous: %s", q, list);
	else
		(void)dynbuf_addf(d, "unknown option `%s`", q);
}

void
opterr_text(char *out, const char *prog, int ch, char *const argv[],
    int ind, int opt, const struct option *lo)
{
	const char *arg = ind > 0 ? argv[ind - 1] : "";
	bool is_long = strncmp(arg, "--", 2) == 0 && arg[2] != '\0';
	char q[ERR_QUOTE_MAX], c = (char)opt;
	struct dynbuf d;

	dynbuf_fixed(&d, out, OPTERR_MAX);
	(void)dynbuf_addf(&d, "%s: ", prog);
	if (ch == ':' && is_long)
		(void)dynbuf_addf(&d, "option `%s` needs an argument",
		    err_quote(q, arg, opterr_long_len(arg)));
	else if (ch == ':')
		(void)dynbuf_addf(&d, "option `-%s` needs an argument",
		    err_quote(q, &c, 1));
	else if (is_long && opterr_noarg(arg, opt, lo))
		(void)dynbuf_addf(&d, "option `%s` takes no argument",
		    err_quote(q, arg, opterr_long_len(arg)));
	else if (is_long && opt == 0)
		opterr_long(&d, arg, lo);
	else
		(void)dynbuf_addf(&d, "unknown option `-%s`",
		    err_quote(q, &c, 1));
	(void)dynbuf_addf(&d, "; see %s --help", prog);
}

void
opterr_exit(const char *prog, int ch, char *const argv[],
    const struct option *lo)
{
	char msg[OPTERR_MAX];

	opterr_text(msg, prog, ch, argv, optind, optopt, lo);
	fprintf(stderr, "%s\n", msg);
	exit(OPTERR_EXIT);
}

void
opterr_operand(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "; see %s --help\n", prog);
	exit(OPTERR_EXIT);
}
