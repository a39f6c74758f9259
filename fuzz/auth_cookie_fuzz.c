/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for cookie_parse and form_decode (gp-auth). Input is
 * arbitrary, as from a pasted or piped cookie; a parsed cookie must
 * format and parse back to the same fields, and form_decoded_len must
 * agree with form_decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/cookie.h"
#include "auth/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_cookie *c = cookie_new(), *c2 = cookie_new();
	struct gp_err e;
	char *s = malloc(size + 1), out[COOKIE_STR_MAX], dec[256];
	size_t n;
	int rc;

	memcpy(s, data, size);
	s[size] = '\0';
	rc = form_decode(s, dec, sizeof(dec));
	if (form_decoded_len(s, &n) == 0 && n < sizeof(dec) &&
	    (rc != 0 || strlen(dec) != n))
		abort();
	if (cookie_parse(s, c, &e) == 0) {
		if (cookie_format(c, out, sizeof(out)) != 0 ||
		    cookie_parse(out, c2, &e) != 0 ||
		    memcmp(c, c2, sizeof(*c)) != 0)
			abort();
	}
	free(s);
	cookie_free(c);
	cookie_free(c2);
	return 0;
}
