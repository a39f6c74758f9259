/* SPDX-License-Identifier: ISC */
/*
 * Byte predicates (see bytes.h), linked into every process. Keys and
 * pins pass through here, so the loop never stops early.
 */
#include <stdint.h>

#include "bytes.h"

int
bytes_all_zero(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	uint8_t acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= b[i];
	return acc == 0;
}
