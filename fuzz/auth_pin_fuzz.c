/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for pin_parse (gp-auth's --servercert). Input is
 * arbitrary, as typed or pasted by a user; an accepted pin must be 44
 * canonical base64 characters that parse back to themselves, and a
 * refused one must leave the empty pin that matches no key.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/pin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), b64[PIN_B64_LEN + 1], again[PIN_STR_MAX];
	char b64b[PIN_B64_LEN + 1];
	uint8_t zero[CFG_PIN_BYTES];
	struct gp_err e;

	memcpy(s, data, size);
	s[size] = '\0';
	memset(zero, 0, sizeof(zero));
	if (pin_parse(s, b64, sizeof(b64), &e) == 0) {
		memcpy(again, PIN_PREFIX, strlen(PIN_PREFIX));
		memcpy(again + strlen(PIN_PREFIX), b64, sizeof(b64));
		if (strlen(b64) != PIN_B64_LEN ||
		    pin_parse(again, b64b, sizeof(b64b), &e) != 0 ||
		    strcmp(b64, b64b) != 0)
			abort();
	} else if (b64[0] != '\0' || pin_match(b64, zero))
		abort();
	free(s);
	return 0;
}
