/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the login body fixer (auth/loginfix.c): arbitrary
 * bytes as a hostile server's challenge body. The result must be a
 * NUL-terminated string no shorter than the input, and fixing it again
 * must change nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/loginfix.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice;
	size_t n1, n2;

	if ((once = loginfix_body((const char *)data, size, &n1)) == NULL)
		abort();
	if (n1 < size || once[n1] != '\0')
		abort();
	if ((twice = loginfix_body(once, n1, &n2)) == NULL)
		abort();
	if (n2 != n1 || memcmp(once, twice, n1) != 0)
		abort();
	free(once);
	free(twice);
	return 0;
}
