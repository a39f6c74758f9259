/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for getconfig_parse (gp-auth). Input is arbitrary, as
 * from a hostile gateway; an accepted config must keep its invariants
 * (route count, ESP all-zero when absent).
 */
#include <stdint.h>
#include <stdlib.h>

#include "auth/getconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gp_config *c;
	struct gp_err e;

	if (c == NULL && (c = config_new()) == NULL)
		abort();
	if (getconfig_parse((const char *)data, size, c, &e) == 0) {
		if (c->n_routes > CFG_ROUTES_MAX || c->n_dns > CFG_DNS_MAX ||
		    c->n_suffix > CFG_SUFFIX_MAX ||
		    (!c->esp.present && c->esp.spi_c2s != 0))
			abort();
	}
	return 0;
}
