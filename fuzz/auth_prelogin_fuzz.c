/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for prelogin_parse, hipcheck_parse and
 * errors_parse (gp-auth). Input is arbitrary, as from a hostile
 * server; any crash, leak or sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "auth/errors.h"
#include "auth/hipcheck.h"
#include "auth/parselim.h"
#include "auth/prelogin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prelogin p;
	struct gp_err e;
	enum gp_error_class cls;
	char text[PARSE_TEXT_MAX];
	bool needed;

	(void)prelogin_parse((const char *)data, size, &p, &e);
	(void)hipcheck_parse((const char *)data, size, &needed, &e);
	(void)errors_parse((const char *)data, size, text,
	    sizeof(text), &cls);
	return 0;
}
