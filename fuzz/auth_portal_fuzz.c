/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for portal_parse and the gateway choice (gp-auth).
 * Input is arbitrary, as from a hostile portal; any crash, leak or
 * sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdlib.h>

#include "auth/gwchoice.h"
#include "auth/portal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct portal_policy p;
	struct gp_err e;
	size_t idx;

	if (portal_parse((const char *)data, size, &p, &e) == 0) {
		gwchoice_sort(&p, "Earth");
		(void)gwchoice_match(&p, "e", &idx, &e);
	}
	return 0;
}
