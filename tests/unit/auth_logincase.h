/* SPDX-License-Identifier: ISC */
/*
 * Whole login.esp bodies through login_parse with the result each one
 * gave before the parsers moved onto the cursor; shared by the
 * characterisation tests of auth/htmltext.c and auth/loginfix.c.
 */
#ifndef GPVPN_AUTH_LOGINCASE_H
#define GPVPN_AUTH_LOGINCASE_H

#include <string.h>

#include "auth/login.h"
#include "t.h"

struct login_case {
	const char	*body;
	int		 rc;
	const char	*prompt;
	const char	*input_str;
	const char	*err;		/* when rc is -1 */
};

static void
login_cases_check(const struct login_case *cases, size_t n)
{
	struct gp_cookie *c = cookie_new();
	struct login_result r;
	struct gp_err e;
	size_t i;
	int rc;

	T_CHECK(c != NULL);
	for (i = 0; c != NULL && i < n; i++) {
		e.msg[0] = '\0';
		rc = login_parse(cases[i].body, strlen(cases[i].body), &r, c,
		    &e);
		if (rc != cases[i].rc)
			fprintf(stderr, "  parse case %zu: %s\n", i, e.msg);
		T_EQ_INT(rc, cases[i].rc);
		T_STREQ(r.prompt, cases[i].prompt);
		T_STREQ(r.input_str, cases[i].input_str);
		if (rc == -1)
			T_STREQ(e.msg, cases[i].err);
	}
	cookie_free(c);
}

#endif
