/* SPDX-License-Identifier: ISC */
/*
 * A tiny unit-test helper: each test is a function; T_RUN prints
 * "ok - name" or "not ok - name" (TAP style) and tests/run.sh counts them.
 * A failed check prints file:line, the expressions and both values.
 * Test code only; never linked into the programs.
 */
#ifndef GPVPN_T_H
#define GPVPN_T_H

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int t_failed_now;
static int t_failures;
static const char *t_skip_why;	/* set by T_SKIP in the running test */

/* A failed check: where, and what was asserted. */
static void __attribute__((unused))
t_where(const char *file, int line, const char *what)
{
	fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
	t_failed_now = 1;
}

static void __attribute__((unused))
t_fail_int(const char *file, int line, const char *ea, const char *eb,
    intmax_t a, intmax_t b)
{
	fprintf(stderr, "  %s:%d: check failed: %s == %s\n"
	    "    left:  %jd\n    right: %jd\n", file, line, ea, eb, a, b);
	t_failed_now = 1;
}

static void __attribute__((unused))
t_fail_uint(const char *file, int line, const char *ea, const char *eb,
    uintmax_t a, uintmax_t b)
{
	fprintf(stderr, "  %s:%d: check failed: %s == %s\n"
	    "    left:  %ju (0x%jx)\n    right: %ju (0x%jx)\n",
	    file, line, ea, eb, a, a, b, b);
	t_failed_now = 1;
}

/* A string on one line, quoted, control bytes escaped, cut at 200. */
static void __attribute__((unused))
t_put_str(const char *tag, const char *s)
{
	size_t i;

	fprintf(stderr, "    %s", tag);
	if (s == NULL) {
		fputs("(null)\n", stderr);
		return;
	}
	fputc('"', stderr);
	for (i = 0; s[i] != '\0' && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (isprint(c))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs(s[i] != '\0' ? "\"...\n" : "\"\n", stderr);
}

/* NULL equals only NULL when nullok; otherwise a NULL never matches. */
static int __attribute__((unused))
t_str(const char *file, int line, const char *ea, const char *eb,
    const char *a, const char *b, int nullok)
{
	int eq;

	if (a == NULL || b == NULL)
		eq = nullok && a == b;
	else
		eq = strcmp(a, b) == 0;
	if (eq)
		return 0;
	fprintf(stderr, "  %s:%d: check failed: %s == %s\n",
	    file, line, ea, eb);
	t_put_str("left:  ", a);
	t_put_str("right: ", b);
	if (a == NULL && b == NULL)
		fputs("    (T_STREQ: NULL never matches)\n", stderr);
	t_failed_now = 1;
	return -1;
}

/* Sixteen bytes in hex from off (fewer at the end), `^^` under off. */
static void __attribute__((unused))
t_put_hex(const char *tag, const unsigned char *p, size_t n, size_t from)
{
	size_t i;

	fprintf(stderr, "    %s [%zu]", tag, from);
	for (i = from; i < n && i < from + 16; i++)
		fprintf(stderr, " %02x", p[i]);
	fputc('\n', stderr);
}

static void __attribute__((unused))
t_mem(const char *file, int line, const char *ea, const char *eb,
    const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;
	size_t i, from;

	if (pa == NULL || pb == NULL) {
		if (pa == pb && n == 0)
			return;
		fprintf(stderr, "  %s:%d: check failed: %s == %s: "
		    "%s is NULL\n", file, line, ea, eb,
		    pa == NULL ? "left" : "right");
		t_failed_now = 1;
		return;
	}
	for (i = 0; i < n && pa[i] == pb[i]; i++)
		;
	if (i == n)
		return;
	from = i - i % 16;
	t_failed_now = 1;
	fprintf(stderr, "  %s:%d: check failed: %s == %s (%zu bytes)\n"
	    "    first difference at byte %zu: 0x%02x != 0x%02x\n",
	    file, line, ea, eb, n, i, pa[i], pb[i]);
	t_put_hex("left: ", pa, n, from);
	t_put_hex("right:", pb, n, from);
}

/* The condition must hold. */
#define T_CHECK(cond) do {						\
	if (!(cond))							\
		t_where(__FILE__, __LINE__, #cond);			\
} while (0)

#define T_TRUE(cond)	T_CHECK(cond)
#define T_FALSE(cond)	T_CHECK(!(cond))
#define T_NULL(p)	T_CHECK((p) == NULL)
#define T_NONNULL(p)	T_CHECK((p) != NULL)

/* The condition must hold, or the test function returns at once. */
#define T_REQUIRE(cond) do {						\
	if (!(cond)) {							\
		t_where(__FILE__, __LINE__, #cond);			\
		return;							\
	}								\
} while (0)

/*
 * Integers: each side is evaluated once, converted to the type `a == b`
 * compares in (the type of a + b), so the check means what `a == b` did.
 * T_EQ_INT prints in the signedness of that type; T_EQ_UINT also in hex.
 */
#define T_EQ_INT(a, b) do {						\
	__typeof__((a) + (b)) t_a_ = (a), t_b_ = (b);			\
	if (t_a_ != t_b_) {						\
		if ((__typeof__(t_a_))-1 > 0)				\
			t_fail_uint(__FILE__, __LINE__, #a, #b,		\
			    (uintmax_t)t_a_, (uintmax_t)t_b_);		\
		else							\
			t_fail_int(__FILE__, __LINE__, #a, #b,		\
			    (intmax_t)t_a_, (intmax_t)t_b_);		\
	}								\
} while (0)

#define T_EQ_UINT(a, b) do {						\
	__typeof__((a) + (b)) t_a_ = (a), t_b_ = (b);			\
	if (t_a_ != t_b_)						\
		t_fail_uint(__FILE__, __LINE__, #a, #b,			\
		    (uintmax_t)t_a_, (uintmax_t)t_b_);			\
} while (0)

/* Strings, NULL-safe: NULL equals only NULL. */
#define T_EQ_STR(a, b)							\
	((void)t_str(__FILE__, __LINE__, #a, #b, (a), (b), 1))

/* Like T_EQ_STR, but a NULL on either side never matches. */
#define T_STREQ(a, b)							\
	((void)t_str(__FILE__, __LINE__, #a, #b, (a), (b), 0))

/* n bytes; a failure shows the first differing byte and its row. */
#define T_EQ_MEM(a, b, n)						\
	t_mem(__FILE__, __LINE__, #a, #b, (a), (b), (n))

/*
 * The running test cannot run here (no root, no device): it is reported
 * "ok - name # SKIP why", which tests/run.sh counts as skipped, not
 * passed. The test returns after T_SKIP; a failed check still fails it.
 */
#define T_SKIP(why)	(t_skip_why = (why))

#define T_RUN(fn) do {							\
	t_failed_now = 0;						\
	t_skip_why = NULL;						\
	fn();								\
	if (t_failed_now || t_skip_why == NULL)				\
		printf("%s - %s\n", t_failed_now ? "not ok" : "ok", #fn);\
	else								\
		printf("ok - %s # SKIP %s\n", #fn, t_skip_why);		\
	t_failures += t_failed_now;					\
} while (0)

#define T_DONE() (t_failures != 0)

#endif
