/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for p11uri_parse (gp-auth's -c/-k pkcs11: URIs). Input
 * is arbitrary, as a user may type or paste it; an accepted URI must give
 * the engine a "pkcs11:" string no longer than the input, with no query,
 * and parse again to the same parts; a refused one must leave none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/p11uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct p11uri u, again;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct gp_err e;

	memcpy(s, data, size);
	s[size] = '\0';
	if (p11uri_parse(s, &u, &e) == 0) {
		if (strncmp(u.engine, P11URI_SCHEME, 7) != 0 ||
		    strlen(u.engine) > size || strchr(u.engine, '?') != NULL ||
		    (u.module[0] != '\0' && u.module[0] != '/'))
			abort();
		if (p11uri_parse(u.engine, &again, &e) != 0 ||
		    strcmp(again.engine, u.engine) != 0 ||
		    strcmp(again.token, u.token) != 0 ||
		    strcmp(again.object, u.object) != 0 ||
		    again.id_len != u.id_len)
			abort();
	} else if (u.engine[0] != '\0' || u.module[0] != '\0')
		abort();
	free(s);
	return 0;
}
