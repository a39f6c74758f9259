/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the session record parser (tunnel/record.c): the
 * input is an untrusted file's text. A parsed record must name a valid
 * interface, say reason=disconnect, hold no more variables than a script
 * environment may, and format back into text that parses the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/record.h"
#include "tunnel/tun.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_out[RECORD_MAX_BYTES];

static void
fuzz_same(const struct record *a, const struct record *b)
{
	size_t i;

	if (strcmp(a->script, b->script) != 0 ||
	    strcmp(a->ifname, b->ifname) != 0 || a->env.n != b->env.n)
		abort();
	for (i = 0; i < a->env.n; i++)
		if (strcmp(a->env.vars[i], b->env.vars[i]) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record r, again;
	struct gp_err e = { "" };
	int n;

	if (record_parse((const char *)data, size, &r, &e) == -1) {
		if (e.msg[0] == '\0' || r.env.n != 0 || r.script[0] != '\0')
			abort();
		return 0;
	}
	if (!tun_name_ok(r.ifname) || r.env.n > SCRIPT_ENV_MAX ||
	    r.env.vars[r.env.n] != NULL)
		abort();
	n = record_format(fuzz_out, sizeof(fuzz_out), r.script, &r.env, &e);
	if (n < 0 || record_parse(fuzz_out, (size_t)n, &again, &e) == -1)
		abort();
	fuzz_same(&r, &again);
	record_free(&again);
	record_free(&r);
	return 0;
}
