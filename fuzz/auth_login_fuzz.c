/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for login_parse (gp-auth): JNLP and the three
 * challenge syntaxes. Input is arbitrary, as from a hostile server; a
 * successful JNLP parse must also format into a cookie string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/login.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_cookie *c = cookie_new();
	struct gp_cookie *c2 = cookie_new();
	struct login_result r;
	struct gp_err e;
	char s[COOKIE_STR_MAX];

	if (login_parse((const char *)data, size, &r, c, &e) == 0 &&
	    r.kind == LOGIN_JNLP) {
		/* Whatever login accepts, the cookie parser reads back. */
		if (cookie_format(c, s, sizeof(s)) == 0 &&
		    cookie_parse(s, c2, &e) != 0)
			abort();
	}
	cookie_free(c);
	cookie_free(c2);
	return 0;
}
