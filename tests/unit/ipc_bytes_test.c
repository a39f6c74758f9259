/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the byte predicates (ipc/bytes.c): all-zero at every
 * position of a non-zero byte, and the empty range.
 */
#include <stdint.h>
#include <string.h>

#include "ipc/bytes.h"
#include "t.h"

static void
all_zero(void)
{
	uint8_t b[17];
	size_t i;
	int hits = 0;

	memset(b, 0, sizeof(b));
	T_EQ_INT(bytes_all_zero(b, sizeof(b)), 1);
	T_EQ_INT(bytes_all_zero(b, 0), 1);
	for (i = 0; i < sizeof(b); i++) {
		b[i] = 0x80;
		hits += bytes_all_zero(b, sizeof(b)) == 0;
		hits += bytes_all_zero(b, i) == 1;
		b[i] = 0;
	}
	T_EQ_INT(hits, 2 * (int)sizeof(b));
	b[16] = 1;
	T_EQ_INT(bytes_all_zero(b, 16), 1);
	T_EQ_INT(bytes_all_zero(b, 17), 0);
}

int
main(void)
{
	T_RUN(all_zero);
	return T_DONE();
}
