/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's --cookie-on-stdin reader (auth/cookie_io.c
 * cookie_io_read): one line, one newline dropped, bounded. The inputs
 * stand for untrusted stdin; one is auth_cookieio_fuzz's finding, kept in
 * fuzz/regressions/auth_cookieio_fuzz/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/cookie_io.h"
#include "ipc/limits.h"
#include "t.h"

#define REGRESSION \
	"fuzz/regressions/auth_cookieio_fuzz/line-fills-buffer-then-more"

/* cookie_io_read on s[0..n) as stdin, with a buffer of bufsz. */
static int
read_text(const char *s, size_t n, char *buf, size_t bufsz,
    struct gp_err *e)
{
	FILE *f = tmpfile();
	int rc;

	if (f == NULL || fwrite(s, 1, n, f) != n || fflush(f) != 0 ||
	    lseek(fileno(f), 0, SEEK_SET) != 0)
		return -2;
	rc = cookie_io_read(fileno(f), buf, bufsz, e);
	fclose(f);
	return rc;
}

static void
one_line(void)
{
	char buf[16];
	struct gp_err e;

	T_EQ_INT(read_text("abc\n", 4, buf, sizeof(buf), &e), 0);
	T_STREQ(buf, "abc");
	T_EQ_INT(read_text("abc", 3, buf, sizeof(buf), &e), 0);
	T_STREQ(buf, "abc");
	/* 15 bytes and the newline: exactly the buffer. */
	T_EQ_INT(read_text("0123456789abcde\n", 16, buf, sizeof(buf), &e),
	    0);
	T_STREQ(buf, "0123456789abcde");
}

static void
rejects(void)
{
	char buf[16];
	struct gp_err e;

	T_EQ_INT(read_text("", 0, buf, sizeof(buf), &e), -1);
	T_STREQ(e.msg, "cookie from stdin: empty");
	T_EQ_INT(read_text("\n", 1, buf, sizeof(buf), &e), -1);
	T_STREQ(e.msg, "cookie from stdin: empty");
	T_EQ_INT(read_text("a\nb", 3, buf, sizeof(buf), &e), -1);
	T_STREQ(e.msg, "cookie from stdin: more than one line");
	T_EQ_INT(read_text("a\n\n", 3, buf, sizeof(buf), &e), -1);
	T_STREQ(e.msg, "cookie from stdin: more than one line");
	T_EQ_INT(read_text("a\0b", 3, buf, sizeof(buf), &e), -1);
	T_EQ_INT(read_text("0123456789abcdef", 16, buf, sizeof(buf), &e),
	    -1);
	T_STREQ(e.msg, "cookie from stdin: too long");
}

/* A line that fills the buffer, its newline last, then more: the old
 * reader took the line and never looked at the rest. */
static void
fills_then_more(void)
{
	char buf[16];
	struct gp_err e;

	T_EQ_INT(read_text("0123456789abcde\nmore", 20, buf, sizeof(buf),
	    &e), -1);
	T_STREQ(e.msg, "cookie from stdin: too long");
}

/* The same at gp-auth's own size: COOKIE_STR_MAX bytes and a newline
 * fit, one byte more does not. */
static void
fills_then_more_full(void)
{
	size_t n = COOKIE_STR_MAX;
	char *text = malloc(n + 2), *buf = malloc(n + 1);
	struct gp_err e;

	if (text != NULL && buf != NULL) {
		memset(text, 'a', n);
		memcpy(text + n, "\nX", 2);
		T_EQ_INT(read_text(text, n + 2, buf, n + 1, &e), -1);
		T_STREQ(e.msg, "cookie from stdin: too long");
		T_EQ_INT(read_text(text, n + 1, buf, n + 1, &e), 0);
		T_EQ_UINT(strlen(buf), n);
	}
	T_CHECK(text != NULL && buf != NULL);
	free(text);
	free(buf);
}

/* The fuzzer's input: a cookie line cut by a newline at byte 15. */
static void
fuzz_regression(void)
{
	char text[512], buf[16];
	struct gp_err e;
	FILE *f = fopen(REGRESSION, "rb");
	size_t n;

	T_REQUIRE(f != NULL);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	T_REQUIRE(n > sizeof(buf) && text[sizeof(buf) - 1] == '\n');
	T_EQ_INT(read_text(text, n, buf, sizeof(buf), &e), -1);
	T_STREQ(e.msg, "cookie from stdin: too long");
}

int
main(void)
{
	T_RUN(one_line);
	T_RUN(rejects);
	T_RUN(fills_then_more);
	T_RUN(fills_then_more_full);
	T_RUN(fuzz_regression);
	return T_DONE();
}
