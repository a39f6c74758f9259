/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the bounded appenders (ipc/dynbuf.c): the ceiling to the
 * byte in both modes, failed appends leaving the text as it was, and
 * take/reset/free handing back or wiping the storage.
 */
#include <stdlib.h>
#include <string.h>

#include "ipc/dynbuf.h"
#include "t.h"

static void
empty_heap(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 16);
	T_CHECK(d.mem == NULL);
	T_STREQ(dynbuf_str(&d), "");
	T_EQ_INT(dynbuf_len(&d), 0);
	T_EQ_INT(dynbuf_add(&d, "", 0), 0);
	T_STREQ(dynbuf_str(&d), "");
	dynbuf_free(&d);
	T_CHECK(d.mem == NULL);
}

/* max counts the NUL: 8 holds 7 characters, not 8. */
static void
heap_limit_exact(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 8);
	T_EQ_INT(dynbuf_addstr(&d, "abc"), 0);
	T_EQ_INT(dynbuf_addstr(&d, "defg"), 0);
	T_STREQ(dynbuf_str(&d), "abcdefg");
	T_EQ_INT(dynbuf_len(&d), 7);
	T_EQ_INT(dynbuf_add(&d, "h", 1), -1);
	T_STREQ(dynbuf_str(&d), "abcdefg");
	T_EQ_INT(dynbuf_len(&d), 7);
	T_EQ_INT(dynbuf_add(&d, "", 0), 0);
	dynbuf_free(&d);
}

static void
heap_overflow_by_one_unchanged(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 6);
	T_EQ_INT(dynbuf_addstr(&d, "ab"), 0);
	T_EQ_INT(dynbuf_addstr(&d, "cdef"), -1);
	T_STREQ(dynbuf_str(&d), "ab");
	T_EQ_INT(dynbuf_addstr(&d, "cde"), 0);
	T_STREQ(dynbuf_str(&d), "abcde");
	dynbuf_free(&d);
}

static void
zero_max_holds_nothing(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 0);
	T_EQ_INT(dynbuf_add(&d, "a", 1), -1);
	T_EQ_INT(dynbuf_addf(&d, "%s", ""), -1);
	T_STREQ(dynbuf_str(&d), "");
	dynbuf_free(&d);
}

/* Growth past the first allocation, many times, up to a large ceiling. */
static void
heap_grows(void)
{
	struct dynbuf d;
	size_t i;
	int ok = 1;

	dynbuf_init(&d, 10001);
	for (i = 0; i < 10000; i++)
		ok &= dynbuf_add(&d, i % 2 ? "b" : "a", 1) == 0;
	T_CHECK(ok);
	T_EQ_INT(dynbuf_len(&d), 10000);
	T_CHECK(d.cap <= 10001);
	T_EQ_INT(strlen(dynbuf_str(&d)), 10000);
	T_EQ_MEM(dynbuf_str(&d) + 9996, "abab", 5);
	T_EQ_INT(dynbuf_add(&d, "x", 1), -1);
	dynbuf_free(&d);
}

static void
fixed_limit_exact(void)
{
	char mem[5] = "zzzz";
	struct dynbuf d;

	dynbuf_fixed(&d, mem, sizeof(mem));
	T_EQ_INT(mem[0], '\0');
	T_STREQ(dynbuf_str(&d), "");
	T_EQ_INT(dynbuf_addstr(&d, "abcd"), 0);
	T_CHECK(dynbuf_str(&d) == mem);
	T_STREQ(mem, "abcd");
	T_EQ_INT(dynbuf_add(&d, "e", 1), -1);
	T_STREQ(mem, "abcd");
	T_CHECK(dynbuf_take(&d) == NULL);
	dynbuf_reset(&d);
	T_EQ_MEM(mem, "\0\0\0\0\0", 5);
	T_EQ_INT(dynbuf_addstr(&d, "xyz"), 0);
	dynbuf_free(&d);
	T_EQ_MEM(mem, "\0\0\0\0\0", 5);
	T_CHECK(d.mem == mem);
	T_STREQ(dynbuf_str(&d), "");
}

static void
fixed_overflow_by_one(void)
{
	char mem[4];
	struct dynbuf d;

	dynbuf_fixed(&d, mem, sizeof(mem));
	T_EQ_INT(dynbuf_addstr(&d, "abcd"), -1);
	T_STREQ(dynbuf_str(&d), "");
	T_EQ_INT(dynbuf_addf(&d, "%d", 1234), -1);
	T_STREQ(dynbuf_str(&d), "");
	T_EQ_INT(dynbuf_addf(&d, "%d", 123), 0);
	T_STREQ(dynbuf_str(&d), "123");
}

static void
printf_appends(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 12);
	T_EQ_INT(dynbuf_addf(&d, "%s=%d", "ab", 42), 0);
	T_EQ_INT(dynbuf_addf(&d, "&%02x", 10), 0);
	T_STREQ(dynbuf_str(&d), "ab=42&0a");
	T_EQ_INT(dynbuf_addf(&d, "%s", "1234"), -1);
	T_STREQ(dynbuf_str(&d), "ab=42&0a");
	T_EQ_INT(dynbuf_addf(&d, "%s", "123"), 0);
	T_STREQ(dynbuf_str(&d), "ab=42&0a123");
	dynbuf_free(&d);
}

static void
take_hands_over(void)
{
	struct dynbuf d;
	char *s;

	dynbuf_init(&d, 32);
	s = dynbuf_take(&d);
	T_STREQ(s, "");
	free(s);
	T_EQ_INT(dynbuf_addstr(&d, "hello"), 0);
	s = dynbuf_take(&d);
	T_STREQ(s, "hello");
	T_CHECK(d.mem == NULL);
	T_EQ_INT(dynbuf_len(&d), 0);
	T_STREQ(dynbuf_str(&d), "");
	T_EQ_INT(dynbuf_addstr(&d, "again"), 0);
	T_STREQ(dynbuf_str(&d), "again");
	free(s);
	dynbuf_free(&d);
}

static void
reset_and_truncate_wipe(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 32);
	T_EQ_INT(dynbuf_addstr(&d, "secret"), 0);
	dynbuf_truncate(&d, 3);
	T_STREQ(dynbuf_str(&d), "sec");
	T_EQ_MEM(d.mem, "sec\0\0\0\0", 7);
	dynbuf_truncate(&d, 10);
	T_STREQ(dynbuf_str(&d), "sec");
	dynbuf_reset(&d);
	T_EQ_INT(dynbuf_len(&d), 0);
	T_EQ_MEM(d.mem, "\0\0\0\0", 4);
	T_STREQ(dynbuf_str(&d), "");
	dynbuf_free(&d);
}

/* Binary bytes, NULs among them, are counted, not cut. */
static void
binary_bytes(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 8);
	T_EQ_INT(dynbuf_add(&d, "a\0b", 3), 0);
	T_EQ_INT(dynbuf_len(&d), 3);
	T_EQ_MEM(dynbuf_str(&d), "a\0b\0", 4);
	dynbuf_free(&d);
}

int
main(void)
{
	T_RUN(empty_heap);
	T_RUN(heap_limit_exact);
	T_RUN(heap_overflow_by_one_unchanged);
	T_RUN(zero_max_holds_nothing);
	T_RUN(heap_grows);
	T_RUN(fixed_limit_exact);
	T_RUN(fixed_overflow_by_one);
	T_RUN(printf_appends);
	T_RUN(take_hands_over);
	T_RUN(reset_and_truncate_wipe);
	T_RUN(binary_bytes);
	return T_DONE();
}
