/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for resolveopt_check (gp-auth's --resolve HOST:IP).
 * Input is arbitrary, as typed or pasted by a user; an accepted value
 * must have a colon, a host part of LDH labels and an address that
 * config_addr_parse takes, and every message must be printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/resolveopt.h"
#include "ipc/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	const char *colon;
	struct cfg_addr a;
	struct gp_err e;
	size_t i;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (resolveopt_check(s, &e) == 0) {
		if ((colon = strchr(s, ':')) == NULL || colon == s ||
		    config_addr_parse(colon + 1, &a) == -1 ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") !=
		    (size_t)(colon - s))
			abort();
	} else {
		for (i = 0; e.msg[i] != '\0'; i++)
			if (e.msg[i] < 0x20 || e.msg[i] > 0x7e)
				abort();
	}
	free(s);
	return 0;
}
