/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the policy file's line reader (tunnel/policy_line.c):
 * words split on blanks, a '#' comment, allow-script's rest-of-line value
 * and the refusal text. Test code only; the lines are fixed strings.
 */
#include <stdio.h>
#include <string.h>

#include "tunnel/policy_line.h"
#include "t.h"

static int
split(struct policy_line *l, const char *text)
{
	memset(l, 0, sizeof(*l));
	l->no = 7;
	snprintf(l->text, sizeof(l->text), "%s", text);
	return policy_line_split(l);
}

static void
test_words(void)
{
	struct policy_line l;

	T_EQ_INT(split(&l, " \tgateway  198.18.0.1\r"), 0);
	T_EQ_INT(l.n, 2);
	T_STREQ(l.tok[0], "gateway");
	T_STREQ(l.tok[1], "198.18.0.1");
	T_EQ_INT(split(&l, "route 10.0.0.0/8 # a comment"), 0);
	T_EQ_INT(l.n, 2);
	T_STREQ(l.tok[1], "10.0.0.0/8");
	T_EQ_INT(split(&l, "   # only a comment"), 0);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(split(&l, ""), 0);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(split(&l, "a b c d"), 0);
	T_EQ_INT(l.n, 4);
	T_EQ_INT(split(&l, "a b c d e"), -1);
}

static void
test_script(void)
{
	struct policy_line l;

	T_EQ_INT(split(&l, "  allow-script  vpn-slice 10.0.0.0/8  # c"), 0);
	T_EQ_INT(l.n, 2);
	T_STREQ(l.tok[0], "allow-script");
	T_STREQ(l.tok[1], "vpn-slice 10.0.0.0/8");
	/* a '#' not after a blank is part of the value */
	T_EQ_INT(split(&l, "allow-script /bin/x a#b c d e"), 0);
	T_EQ_INT(l.n, 2);
	T_STREQ(l.tok[1], "/bin/x a#b c d e");
	T_EQ_INT(split(&l, "allow-script   "), 0);
	T_EQ_INT(l.n, 1);
	/* allow-scripts is another keyword: split into words */
	T_EQ_INT(split(&l, "allow-scripts a b"), 0);
	T_EQ_INT(l.n, 3);
}

static void
test_bad(void)
{
	struct policy_line l;
	struct gp_err e = { "" };

	T_EQ_INT(split(&l, "dns maybe"), 0);
	T_EQ_INT(policy_line_bad(&e, &l, "expected yes or no", l.tok[1]),
	    -1);
	T_STREQ(e.msg, "policy line 7: expected yes or no: \"maybe\"");
}

int
main(void)
{
	T_RUN(test_words);
	T_RUN(test_script);
	T_RUN(test_bad);
	return T_DONE();
}
