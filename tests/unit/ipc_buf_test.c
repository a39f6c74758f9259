/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the checked buffer (ipc/buf.c): every getter at its edge,
 * zeroed output on failure, no advance on failure, writers at the ceiling.
 */
#include <stdint.h>

#include "ipc/buf.h"
#include "t.h"

static void
get_ints(void)
{
	const uint8_t in[] = { 1, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef };
	struct buf b;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	buf_view(&b, in, sizeof(in));
	T_EQ_INT(buf_get_u8(&b, &u8), 0);
	T_EQ_INT(u8, 1);
	T_EQ_INT(buf_get_u16(&b, &u16), 0);
	T_EQ_UINT(u16, 0x1234);
	T_EQ_INT(buf_get_u32(&b, &u32), 0);
	T_EQ_UINT(u32, 0xdeadbeef);
	T_EQ_INT(buf_avail(&b), 0);
	u8 = 7;
	T_EQ_INT(buf_get_u8(&b, &u8), -1);
	T_EQ_INT(u8, 0);
}

static void
short_reads_do_not_advance(void)
{
	const uint8_t in[] = { 1, 2, 3 };
	struct buf b;
	uint32_t u32 = 99;
	uint16_t u16;

	buf_view(&b, in, sizeof(in));
	T_EQ_INT(buf_get_u32(&b, &u32), -1);
	T_EQ_INT(u32, 0);
	T_EQ_INT(buf_avail(&b), 3);
	T_EQ_INT(buf_get_u16(&b, &u16), 0);
	T_EQ_UINT(u16, 0x0102);
	T_EQ_INT(buf_get_u16(&b, &u16), -1);
	T_EQ_INT(u16, 0);
	T_EQ_INT(buf_avail(&b), 1);
}

static void
strings(void)
{
	const char in[] = "abc\0def";
	char out[4], big[8];
	struct buf b;

	buf_view(&b, in, 7);
	T_EQ_INT(buf_get_str(&b, 3, out, sizeof(out)), 0);
	T_STREQ(out, "abc");
	/* embedded NUL */
	T_EQ_INT(buf_get_str(&b, 2, out, sizeof(out)), -1);
	T_EQ_INT(out[0], 0);
	T_EQ_INT(buf_avail(&b), 4);
	buf_view(&b, "abcd", 4);
	/* no room for the terminator */
	T_EQ_INT(buf_get_str(&b, 4, out, sizeof(out)), -1);
	T_EQ_INT(buf_get_str(&b, 5, big, sizeof(big)), -1);
	T_EQ_INT(buf_get_str(&b, 0, out, sizeof(out)), 0);
	T_EQ_INT(out[0], 0);
}

static void
views(void)
{
	const uint8_t in[] = { 1, 2, 3, 4 };
	struct buf b, sub;
	uint16_t u16;

	buf_view(&b, in, sizeof(in));
	T_EQ_INT(buf_get_view(&b, &sub, 5), -1);
	T_EQ_INT(buf_avail(&sub), 0);
	T_EQ_INT(buf_get_view(&b, &sub, 2), 0);
	T_EQ_INT(buf_avail(&sub), 2);
	T_EQ_INT(buf_get_u16(&sub, &u16), 0);
	T_EQ_UINT(u16, 0x0102);
	T_EQ_INT(buf_get_u16(&b, &u16), 0);
	T_EQ_UINT(u16, 0x0304);
	T_EQ_INT(buf_skip(&b, 1), -1);
}

/* The unread rest as a view: b does not move, the view is read-only. */
static void
view_rest(void)
{
	const uint8_t in[] = { 1, 2, 3, 4, 5 };
	struct buf b, rest, bad;
	uint8_t u8;

	buf_view(&b, in, sizeof(in));
	T_EQ_INT(buf_skip(&b, 2), 0);
	T_EQ_INT(buf_view_rest(&b, &rest), 0);
	T_EQ_INT(buf_avail(&rest), 3);
	T_CHECK(buf_ptr(&rest) == in + 2);
	T_EQ_INT(buf_avail(&b), 3);
	T_EQ_INT(buf_get_u8(&rest, &u8), 0);
	T_EQ_INT(u8, 3);
	T_EQ_INT(buf_avail(&b), 3);
	T_EQ_INT(buf_put_u8(&rest, 9), -1);
	T_EQ_INT(buf_skip(&b, 3), 0);
	T_EQ_INT(buf_view_rest(&b, &rest), 0);
	T_EQ_INT(buf_avail(&rest), 0);
	T_EQ_INT(buf_get_u8(&rest, &u8), -1);
	bad = b;
	bad.off = bad.len + 1;
	T_EQ_INT(buf_view_rest(&bad, &rest), -1);
	T_EQ_INT(buf_avail(&rest), 0);
}

static void
writer_rest(void)
{
	struct buf b, rest;
	uint16_t u16;

	T_EQ_INT(buf_init(&b, 8), 0);
	T_EQ_INT(buf_put_u32(&b, 0x01020304), 0);
	T_EQ_INT(buf_skip(&b, 2), 0);
	T_EQ_INT(buf_view_rest(&b, &rest), 0);
	T_EQ_INT(buf_get_u16(&rest, &u16), 0);
	T_EQ_UINT(u16, 0x0304);
	T_CHECK(rest.mem == NULL);
	buf_free(&b);
}

static void
writer_ceiling(void)
{
	struct buf b;
	uint32_t u32;

	T_EQ_INT(buf_init(&b, 6), 0);
	T_EQ_INT(buf_put_u32(&b, 0xa1b2c3d4), 0);
	T_EQ_INT(buf_put_u32(&b, 1), -1);
	T_EQ_INT(buf_put_u16(&b, 0x0506), 0);
	T_EQ_INT(buf_put_u8(&b, 1), -1);
	T_EQ_INT(buf_poke_u32(&b, 3, 0), -1);
	T_EQ_INT(buf_poke_u16(&b, 4, 0x0708), 0);
	T_EQ_INT(buf_get_u32(&b, &u32), 0);
	T_EQ_UINT(u32, 0xa1b2c3d4);
	T_EQ_INT(buf_avail(&b), 2);
	T_EQ_INT(buf_ptr(&b)[0], 7);
	buf_reset(&b);
	T_EQ_INT(buf_avail(&b), 0);
	T_EQ_INT(b.len, 0);
	buf_free(&b);
	T_CHECK(b.mem == NULL);
}

static void
view_is_read_only(void)
{
	struct buf b;

	buf_view(&b, "x", 1);
	T_EQ_INT(buf_put_u8(&b, 1), -1);
}

int
main(void)
{
	T_RUN(get_ints);
	T_RUN(short_reads_do_not_advance);
	T_RUN(strings);
	T_RUN(views);
	T_RUN(view_rest);
	T_RUN(writer_rest);
	T_RUN(writer_ceiling);
	T_RUN(view_is_read_only);
	return T_DONE();
}
