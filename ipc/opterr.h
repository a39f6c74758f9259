/* SPDX-License-Identifier: ISC */
/*
 * One-line option errors for gp-auth and gp-tunnel: what getopt_long
 * refused, named as the user typed it, under the program's own name, and
 * a pointer to PROG --help instead of the whole usage text. Runs in both
 * programs' main(); argv is the user's own, quoted printable anyway.
 */
#ifndef GPVPN_OPTERR_H
#define GPVPN_OPTERR_H

#include <getopt.h>
#include <stddef.h>

#define OPTERR_EXIT	1	/* the exit status of a usage error */

/*
 * The message for getopt_long's '?' or ':' (ch; the option string must
 * begin with ':' and opterr be 0), given optind (ind) and optopt (opt)
 * as getopt_long left them: "PROG: unknown option `--foo`; see PROG
 * --help" and the like. out holds OPTERR_MAX bytes.
 */
#define OPTERR_MAX	512
void	opterr_text(char *out, const char *prog, int ch, char *const argv[],
	    int ind, int opt, const struct option *lo);
/* opterr_text on stderr, then exit(OPTERR_EXIT). */
void	opterr_exit(const char *prog, int ch, char *const argv[],
	    const struct option *lo) __attribute__((noreturn));
/* "PROG: " the message "; see PROG --help" on stderr, exit 1: for an
 * operand too many or missing, or an option value refused. */
void	opterr_operand(const char *prog, const char *fmt, ...)
	    __attribute__((noreturn, format(printf, 2, 3)));

#endif
