/* SPDX-License-Identifier: ISC */
/*
 * Characterisation tests for the login body fixer (auth/loginfix.c):
 * every expected value below was captured from the fixer as it was in
 * auth/login.c before the move onto the cursor. Test code; the inputs
 * imitate hostile servers.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/loginfix.h"
#include "auth_logincase.h"
#include "t.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Body and its length (which may cut it short), fixed body and length. */
static const struct {
	const char	*in;
	size_t		 len;
	const char	*want;
	size_t		 wantlen;
} fix_cases[] = {
	{ "", 0, "", 0 },
	{ "&", 1, "&amp;", 5 },
	{ "&;", 2, "&amp;;", 6 },
	{ "&a;", 3, "&a;", 3 },
	{ "&amp;", 5, "&amp;", 5 },
	{ "&#;", 3, "&#;", 3 },
	{ "&#x27;", 6, "&#x27;", 6 },
	{ "&#1;", 4, "&#1;", 4 },
	{ "&##1;", 5, "&amp;##1;", 9 },
	{ "a & b", 5, "a &amp; b", 9 },
	{ "&abcdefghij;", 12, "&abcdefghij;", 12 },
	{ "&abcdefghijk;", 13, "&amp;abcdefghijk;", 17 },
	{ "&abcdefghijk", 12, "&amp;abcdefghijk", 16 },
	{ "&abcdefghij", 11, "&amp;abcdefghij", 15 },
	{ "&a", 2, "&amp;a", 6 },
	{ "&a b;", 5, "&amp;a b;", 9 },
	{ "&&amp;", 6, "&amp;&amp;", 10 },
	{ "&#", 2, "&amp;#", 6 },
	{ "&a#b;", 5, "&amp;a#b;", 9 },
	{ "&_x;", 4, "&amp;_x;", 8 },
	{ "&-;", 3, "&amp;-;", 7 },
	{ "<", 1, "&lt;", 4 },
	{ "a<", 2, "a&lt;", 5 },
	{ "< b", 3, "&lt; b", 6 },
	{ "<=", 2, "&lt;=", 5 },
	{ "<5", 2, "&lt;5", 5 },
	{ "<9", 2, "&lt;9", 5 },
	{ "<a", 2, "<a", 2 },
	{ "<<", 2, "<&lt;", 5 },
	{ "<\000", 2, "<\000", 2 },
	{ "&\000;", 3, "&amp;\000;", 7 },
	{ "<challenge>&</challenge>", 24, "<challenge>&amp;</challenge>", 28 },
	{ "x&amp;y&z<1 <b>", 15, "x&amp;y&amp;z&lt;1 <b>", 22 },
	{ "&#x;", 4, "&#x;", 4 },
	{ "<challenge><respmsg>Enter PIN & press <OK> < 5 <= x</r" "espmsg>",
	    61, "<challenge><respmsg>Enter PIN &amp; press <OK> &lt; 5 "
	    "&lt;= x</respmsg>", 71 },
	{ "&&&", 3, "&amp;&amp;&amp;", 15 },
	{ "<<<", 3, "<<&lt;", 6 },
	{ "&\303\251;", 4, "&amp;\303\251;", 8 },
	{ "&a\012;", 4, "&amp;a\012;", 8 },
	{ "< \011", 3, "&lt; \011", 6 },
	{ "<\012", 2, "<\012", 2 },
	{ "<!-- -->", 8, "<!-- -->", 8 },
	{ "&#65;&lt;&", 10, "&#65;&lt;&amp;", 14 },
	{ "&#x10ffff;", 10, "&#x10ffff;", 10 },
	{ "&a1B2c3D4e5;", 12, "&a1B2c3D4e5;", 12 },
	{ "&a1B2c3D4e5f;", 13, "&amp;a1B2c3D4e5f;", 17 },
	{ "\000&\000<\000", 5, "\000&amp;\000<\000", 9 },
	{ "&;;", 3, "&amp;;;", 7 },
	{ "&#;;", 4, "&#;;", 4 },
	{ "&#a;", 4, "&#a;", 4 },
	{ "&a;", 2, "&amp;a", 6 },
	{ "<5", 1, "&lt;", 4 },
	{ "&amp;x", 4, "&amp;amp", 8 },
	{ "&abcdefghij;", 11, "&amp;abcdefghij", 15 },
	{ "< ", 1, "&lt;", 4 },
	{ "&#1;", 3, "&amp;#1", 7 },
};

/* Broken XML challenges through login_parse, which needs the fixer. */
static const struct login_case parse_cases[] = {
	{ "<challenge><user>u</user><inputstr>in1</inputstr><resp"
	    "msg>Enter PIN & press <OK> < 5 <= x</respmsg></challen" "ge>", 0,
	    "Enter PIN & press  < 5 <= x", "in1", "" },
	{ "<challenge><inputstr>in2</inputstr><respmsg>a &b; &amp"
	    "; c &#; d</respmsg></challenge>", -1, "", "",
	    "login challenge: bad XML at line 1: Entity 'b' not def" "ined" },
	{ "<challenge><inputstr>in3</inputstr><respmsg>1<2 and 3<"
	    "=4 <</respmsg></challenge>", 0, "1<2 and 3<=4", "in3", "" },
	{ "<challenge><inputstr>in4</inputstr><respmsg>&abcdefghi"
	    "jk; &x</respmsg></challenge>", 0, "&abcdefghijk; &x", "in4", "" },
	{ "<challenge><inputstr>in5</inputstr><respmsg>&&&<<<</re"
	    "spmsg></challenge>", 0, "&&&", "in5", "" },
	{ "<\077xml version=\"1.0\"\077>\012<challenge>\012<input"
	    "str>in6</inputstr>\012<respmsg>Tom & Jerry</respmsg>"
	    "\012</challenge>\012", 0, "Tom & Jerry", "in6", "" },
};

static void
fix_table(void)
{
	size_t i, n;
	char *out;

	for (i = 0; i < NITEMS(fix_cases); i++) {
		n = 12345;
		out = loginfix_body(fix_cases[i].in, fix_cases[i].len, &n);
		T_CHECK(out != NULL);
		if (out == NULL)
			continue;
		if (n != fix_cases[i].wantlen ||
		    memcmp(out, fix_cases[i].want, n) != 0)
			fprintf(stderr, "  fix case %zu: `%s`\n", i, out);
		T_EQ_INT(n, fix_cases[i].wantlen);
		T_EQ_MEM(out, fix_cases[i].want,
		    n < fix_cases[i].wantlen ? n : fix_cases[i].wantlen);
		T_EQ_INT(out[n], '\0');
		free(out);
	}
}

static void
parse_table(void)
{
	login_cases_check(parse_cases, NITEMS(parse_cases));
}

int
main(void)
{
	T_RUN(fix_table);
	T_RUN(parse_table);
	return T_DONE();
}
