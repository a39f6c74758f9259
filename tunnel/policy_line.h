/* SPDX-License-Identifier: ISC */
/*
 * One line of a gp-tunnel policy file (policy.h), split into words, and
 * the refusal that names its number and a word. Runs in [priv] and in
 * tests; the text is untrusted until policy_load() has checked the file.
 */
#ifndef GPVPN_TUNNEL_POLICY_LINE_H
#define GPVPN_TUNNEL_POLICY_LINE_H

#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"

#define POLICY_LINE_TOKENS_MAX	4

struct policy_line {
	unsigned	 no;
	char		 text[POLICY_LINE_MAX_BYTES + 1];
	char		*tok[POLICY_LINE_TOKENS_MAX];
	unsigned	 n;
};

/*
 * Split l->text in place into l->tok: on blanks, a '#' starting a
 * comment, except that allow-script takes the rest of the line as its
 * one value. 0, or -1 if there are too many words.
 */
int	policy_line_split(struct policy_line *l);
/* err_set() with "policy line N: what: \"val\"" (val quoted); -1. */
int	policy_line_bad(struct gp_err *e, const struct policy_line *l,
	    const char *what, const char *val);

#endif
