/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the text cursor (ipc/cursor.c): every call at its exact
 * limit and one past it, NUL bytes inside the text, empty input, and no
 * advance on failure.
 */
#include <stdint.h>

#include "ipc/cursor.h"
#include "t.h"

static void
peek_and_next(void)
{
	struct cursor c;

	cur_init(&c, "ab\xff", 3);
	T_EQ_INT(cur_left(&c), 3);
	T_CHECK(!cur_eof(&c));
	T_EQ_INT(cur_peek(&c), 'a');
	T_EQ_UINT(cur_peek_at(&c, 2), 0xff);
	T_EQ_INT(cur_peek_at(&c, 3), -1);
	T_EQ_INT(cur_peek_at(&c, SIZE_MAX), -1);
	T_EQ_INT(cur_prev(&c), -1);
	T_EQ_INT(cur_next(&c), 'a');
	T_EQ_INT(cur_prev(&c), 'a');
	T_EQ_INT(cur_next(&c), 'b');
	T_EQ_UINT(cur_next(&c), 0xff);
	T_CHECK(cur_eof(&c));
	T_EQ_INT(cur_next(&c), -1);
	T_EQ_INT(cur_peek(&c), -1);
	T_EQ_INT(cur_left(&c), 0);
}

static void
empty_input(void)
{
	struct cursor c, s;
	char out[4] = "xyz";

	cur_init(&c, NULL, 5);	/* NULL is an empty view, whatever len */
	T_CHECK(cur_eof(&c));
	T_EQ_INT(cur_left(&c), 0);
	T_EQ_INT(cur_skip(&c, 0), 0);
	T_EQ_INT(cur_skip(&c, 1), -1);
	T_EQ_INT(cur_skip_char(&c, 'a'), 0);
	T_EQ_INT(cur_skip_lit(&c, ""), 1);
	T_EQ_INT(cur_skip_lit(&c, "a"), 0);
	T_EQ_INT(cur_skip_ws(&c), 0);
	T_EQ_INT(cur_take(&c, 0, &s), 0);
	T_EQ_INT(cur_left(&s), 0);
	T_EQ_INT(cur_take_until(&c, 'a', &s), -1);
	T_EQ_INT(cur_take_while(&c, cur_is_digit, &s), -1);
	T_EQ_INT(cur_find(&c, "a"), -1);
	T_EQ_INT(cur_find(&c, ""), 0);
	T_EQ_INT(cur_copy(&c, out, sizeof(out)), 0);
	T_STREQ(out, "");
}

static void
skip_limits(void)
{
	struct cursor c;

	cur_init(&c, "abcd", 4);
	T_EQ_INT(cur_skip(&c, 5), -1);
	T_EQ_INT(c.off, 0);
	T_EQ_INT(cur_skip(&c, 4), 0);
	T_CHECK(cur_eof(&c));
	cur_init(&c, "abcd", 4);
	T_EQ_INT(cur_skip_char(&c, 'b'), 0);
	T_EQ_INT(cur_skip_char(&c, -1), 0);
	T_EQ_INT(cur_skip_char(&c, 'a'), 1);
	T_EQ_INT(c.off, 1);
	T_EQ_INT(cur_skip_lit(&c, "bcde"), 0);	/* one past the end */
	T_EQ_INT(c.off, 1);
	T_EQ_INT(cur_skip_lit(&c, "bd"), 0);
	T_EQ_INT(cur_skip_lit(&c, "bcd"), 1);	/* exactly to the end */
	T_CHECK(cur_eof(&c));
}

static void
skip_icase(void)
{
	struct cursor c;

	cur_init(&c, "HttP/1.1 200", 12);
	T_EQ_INT(cur_skip_lit_icase(&c, "http/1.1 2000"), 0);
	T_EQ_INT(c.off, 0);
	T_EQ_INT(cur_skip_lit_icase(&c, "hTTp/"), 1);
	T_EQ_INT(c.off, 5);
	/* folding is ASCII letters only: '1' is not '!' and 0xc1 not 0xe1 */
	T_EQ_INT(cur_skip_lit_icase(&c, "!"), 0);
	cur_init(&c, "\xc1", 1);
	T_EQ_INT(cur_skip_lit_icase(&c, "\xe1"), 0);
	T_EQ_INT(cur_skip_lit_icase(&c, "\xc1"), 1);
}

static void
skip_ws(void)
{
	struct cursor c;

	cur_init(&c, " \t\r\n\vx", 6);
	T_EQ_INT(cur_skip_ws(&c), 4);	/* \v is not one of them */
	T_EQ_INT(cur_peek(&c), '\v');
	T_EQ_INT(cur_skip_ws(&c), 0);
	cur_init(&c, "  ", 2);
	T_EQ_INT(cur_skip_ws(&c), 2);
	T_CHECK(cur_eof(&c));
	cur_init(&c, " \0 ", 3);
	T_EQ_INT(cur_skip_ws(&c), 1);	/* a NUL ends the run */
}

static void
take_limits(void)
{
	struct cursor c, s;

	cur_init(&c, "abcdef", 6);
	T_EQ_INT(cur_take(&c, 7, &s), -1);
	T_EQ_INT(cur_left(&s), 0);
	T_EQ_INT(c.off, 0);
	T_EQ_INT(cur_take(&c, 2, &s), 0);
	T_EQ_INT(cur_left(&s), 2);
	T_EQ_INT(cur_peek(&s), 'a');
	T_EQ_INT(cur_peek_at(&s, 2), -1);	/* a span ends where it ends */
	T_EQ_INT(cur_take(&c, 4, &s), 0);
	T_CHECK(cur_eof(&c));
	T_EQ_INT(cur_left(&s), 4);
	T_EQ_INT(cur_take_rest(&c, &s), 0);
	T_EQ_INT(cur_left(&s), 0);
}

static void
take_until(void)
{
	struct cursor c, s;

	cur_init(&c, "key=v=w", 7);
	T_EQ_INT(cur_take_until(&c, '=', &s), 0);
	T_EQ_INT(cur_left(&s), 3);
	T_EQ_INT(cur_peek(&c), '=');		/* stop not consumed */
	T_EQ_INT(cur_take_until(&c, '=', &s), 0);
	T_EQ_INT(cur_left(&s), 0);		/* stop comes first */
	T_EQ_INT(cur_skip_char(&c, '='), 1);
	T_EQ_INT(cur_take_until(&c, ';', &s), -1);
	T_EQ_INT(c.off, 4);
	T_EQ_INT(cur_left(&s), 0);
	T_EQ_INT(cur_take_until(&c, -1, &s), -1);
	T_EQ_INT(cur_take_until(&c, 0x13d, &s), -1);	/* not a byte */
	/* a NUL is a byte like any other, and a possible stop */
	cur_init(&c, "a\0b\0", 4);
	T_EQ_INT(cur_take_until(&c, '\0', &s), 0);
	T_EQ_INT(cur_left(&s), 1);
	cur_init(&c, "a\0b;", 4);
	T_EQ_INT(cur_take_until(&c, ';', &s), 0);
	T_EQ_INT(cur_left(&s), 3);
	/* the stop in the last byte, and just past the view */
	cur_init(&c, "abc;", 3);
	T_EQ_INT(cur_take_until(&c, ';', &s), -1);
	cur_init(&c, "abc;", 4);
	T_EQ_INT(cur_take_until(&c, ';', &s), 0);
	T_EQ_INT(cur_left(&s), 3);
}

static void
take_while(void)
{
	struct cursor c, s;

	cur_init(&c, "123ab", 5);
	T_EQ_INT(cur_take_while(&c, cur_is_digit, &s), 0);
	T_EQ_INT(cur_left(&s), 3);
	T_EQ_INT(cur_take_while(&c, cur_is_digit, &s), -1);
	T_EQ_INT(c.off, 3);
	T_EQ_INT(cur_take_while(&c, cur_is_xdigit, &s), 0);
	T_CHECK(cur_eof(&c));
	T_EQ_INT(cur_left(&s), 2);
	cur_init(&c, "12", 1);	/* the view ends before the second digit */
	T_EQ_INT(cur_take_while(&c, cur_is_digit, &s), 0);
	T_EQ_INT(cur_left(&s), 1);
	T_CHECK(cur_is_alnum('z'));
	T_CHECK(!cur_is_alnum('_'));
	T_CHECK(!cur_is_alnum(-1));
	T_CHECK(!cur_is_xdigit('g'));
}

static void
find(void)
{
	struct cursor c;

	cur_init(&c, "a<b\0<challenge", 14);
	T_EQ_INT(cur_find(&c, "<challenge"), 0);	/* past a NUL */
	T_EQ_INT(c.off, 4);
	T_EQ_INT(cur_find(&c, "<challenge"), 0);	/* already there */
	T_EQ_INT(c.off, 4);
	T_EQ_INT(cur_skip(&c, 1), 0);
	T_EQ_INT(cur_find(&c, "<challenge"), -1);
	T_EQ_INT(c.off, 5);
	cur_init(&c, "<challeng", 9);	/* one byte short */
	T_EQ_INT(cur_find(&c, "<challenge"), -1);
	cur_init(&c, "<challenge", 9);	/* the view is one byte short */
	T_EQ_INT(cur_find(&c, "<challenge"), -1);
	T_EQ_INT(c.off, 0);
}

static void
numbers(void)
{
	struct cursor c;
	uint32_t v = 7;

	cur_init(&c, "1114111;", 8);
	T_EQ_INT(cur_u32(&c, 10, 0x10ffff, &v), 0);
	T_EQ_UINT(v, 0x10ffff);
	T_EQ_INT(cur_peek(&c), ';');
	cur_init(&c, "1114112", 7);		/* max + 1 */
	T_EQ_INT(cur_u32(&c, 10, 0x10ffff, &v), -1);
	T_EQ_INT(v, 0);
	T_EQ_INT(c.off, 0);
	cur_init(&c, "FfFfFfFf0", 9);		/* overflow past 32 bits */
	T_EQ_INT(cur_u32(&c, 16, UINT32_MAX, &v), -1);
	T_EQ_INT(cur_u32(&c, 10, UINT32_MAX, &v), -1);	/* no digit */
	cur_init(&c, "FfFfFfFf", 8);
	T_EQ_INT(cur_u32(&c, 16, UINT32_MAX, &v), 0);
	T_EQ_INT(v, UINT32_MAX);
	cur_init(&c, "0x41", 4);		/* no prefix */
	T_EQ_INT(cur_u32(&c, 16, UINT32_MAX, &v), 0);
	T_EQ_INT(v, 0);
	T_EQ_INT(c.off, 1);
	cur_init(&c, " 1", 2);
	T_EQ_INT(cur_u32(&c, 10, 9, &v), -1);
	cur_init(&c, "-1", 2);
	T_EQ_INT(cur_u32(&c, 10, 9, &v), -1);
	cur_init(&c, "9", 1);
	T_EQ_INT(cur_u32(&c, 8, 9, &v), -1);	/* bases 10 and 16 only */
	cur_init(&c, "00000000000000000000042", 23);	/* zeros are free */
	T_EQ_INT(cur_u32(&c, 10, 42, &v), 0);
	T_EQ_INT(v, 42);
}

static void
copy(void)
{
	struct cursor c, s;
	char out[4];

	cur_init(&c, "abcd", 4);
	T_EQ_INT(cur_copy(&c, out, sizeof(out)), -1);	/* no room for NUL */
	T_STREQ(out, "");
	T_EQ_INT(cur_take(&c, 3, &s), 0);
	T_EQ_INT(cur_copy(&s, out, sizeof(out)), 0);	/* exactly fits */
	T_STREQ(out, "abc");
	T_EQ_INT(cur_copy(&c, out, sizeof(out)), 0);	/* the unread part */
	T_STREQ(out, "d");
	T_EQ_INT(cur_copy(&c, out, 0), -1);
	cur_init(&c, "a\0b", 3);
	T_EQ_INT(cur_copy(&c, out, sizeof(out)), -1);
	T_STREQ(out, "");
	cur_init(&c, "ab\0", 3);	/* a NUL at the end */
	T_EQ_INT(cur_copy(&c, out, sizeof(out)), -1);
}

int
main(void)
{
	T_RUN(peek_and_next);
	T_RUN(empty_input);
	T_RUN(skip_limits);
	T_RUN(skip_icase);
	T_RUN(skip_ws);
	T_RUN(take_limits);
	T_RUN(take_until);
	T_RUN(take_while);
	T_RUN(find);
	T_RUN(numbers);
	T_RUN(copy);
	return T_DONE();
}
