/* SPDX-License-Identifier: ISC */
/*
 * The START_TUNNEL answer of the HTTPS tunnel (tunnel/https_reply.c),
 * through the reader's own loop (https_reply_collect) on bytes from
 * memory, handed out in pieces. The expected results were recorded from
 * the parser before it moved onto the text cursor, so they pin its
 * behaviour. Test code only.
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit/t.h"
#include "tunnel/https.h"

struct reply_case {
	const char	*in;
	size_t		 len;
	size_t		 chunk;		/* bytes per read at most */
	int		 rc;		/* HTTPS_OPEN_* */
	size_t		 used;		/* bytes read from the stream */
	const char	*msg;
};

static const struct reply_case cases[] = {
	{ "START_TUNNEL", 12, 12,
	    0, 12,
	    "" },
	{ "START_TUNNEL", 12, 1,
	    0, 12,
	    "" },
	{ "START_TUNNEL\x00\x00\x00\x00", 16, 16,
	    0, 12,
	    "" },
	{ "START_TUNNE", 11, 4,
	    -1, 11,
	    "https: not an HTTP status line: `START_TUNNE`" },
	{ "START_TUNNEX\n", 13, 5,
	    -1, 13,
	    "https: not an HTTP status line: `START_TUNNEX`" },
	{ "start_tunnel", 12, 12,
	    -1, 12,
	    "https: not an HTTP status line: `start_tunnel`" },
	{ "", 0, 1,
	    -1, 0,
	    "https: gateway disconnected immediately" },
	{ "S", 1, 1,
	    -1, 1,
	    "https: not an HTTP status line: `S`" },
	{ "HTTP/1.1 502 Bad Gateway\r\n\r\n", 28, 28,
	    -2, 28,
	    "https: gateway rejected the auth cookie (HTTP 502)" },
	{ "HTTP/1.1 502 Bad Gateway\r\n\r\n", 28, 3,
	    -2, 27,
	    "https: gateway rejected the auth cookie (HTTP 502)" },
	{ "HTTP/1.0 502\r\n", 14, 100,
	    -2, 14,
	    "https: gateway rejected the auth cookie (HTTP 502)" },
	{ "HTTP/1.1 502", 12, 12,
	    -2, 12,
	    "https: gateway rejected the auth cookie (HTTP 502)" },
	{ "HTTP/1.1 5020\r\n", 15, 15,
	    -1, 15,
	    "https: not an HTTP status line: `HTTP/1.1 5020`" },
	{ "HTTP/1.1 403 Forbidden\r\nX: y\r\n\r\n", 33, 7,
	    -1, 28,
	    "https: gateway answered `HTTP/1.1 403 Forbidden` "
	    "instead of START_TUNNEL" },
	{ "HTTP/1.1 200 OK\nSTART_TUNNEL", 28, 28,
	    -1, 28,
	    "https: gateway answered `HTTP/1.1 200 OK` instead of "
	    "START_TUNNEL" },
	{ "HTTP/1.1 099 Low\n", 17, 17,
	    -1, 17,
	    "https: not an HTTP status line: `HTTP/1.1 099 Low`" },
	{ "HTTP/2 502\r\n", 12, 12,
	    -1, 12,
	    "https: not an HTTP status line: `HTTP/2 502`" },
	{ "HTTP/1.1 502Bad\r\n", 17, 17,
	    -1, 17,
	    "https: not an HTTP status line: `HTTP/1.1 502Bad`" },
	{ "HTTP/1.1  502\r\n", 15, 15,
	    -1, 15,
	    "https: not an HTTP status line: `HTTP/1.1  502`" },
	{ "HTTP/1.1 50\r\n", 13, 13,
	    -1, 13,
	    "https: not an HTTP status line: `HTTP/1.1 50`" },
	{ "HTTP/1.1 -02\r\n", 14, 14,
	    -1, 14,
	    "https: not an HTTP status line: `HTTP/1.1 -02`" },
	{ "HTTP/1.2 502\r\n", 14, 14,
	    -1, 14,
	    "https: not an HTTP status line: `HTTP/1.2 502`" },
	{ "garbage\n", 8, 8,
	    -1, 8,
	    "https: not an HTTP status line: `garbage`" },
	{ "\r\nHTTP/1.1 502\r\n", 16, 16,
	    -1, 12,
	    "https: not an HTTP status line: ``" },
	{ "\n", 1, 1,
	    -1, 1,
	    "https: not an HTTP status line: ``" },
	{ "HTTP/1.1 502 a\x00" "b\n", 16, 16,
	    -2, 16,
	    "https: gateway rejected the auth cookie (HTTP 502)" },
	{ "HTTP/1.1 404 N\xc3\xa4ht\n", 19, 19,
	    -1, 19,
	    "https: gateway answered `HTTP/1.1 404 N\\xc3\\xa4ht` "
	    "instead of START_TUNNEL" },
	{ "HTTP/1.1 404 \x1b[31mred\n", 22, 2,
	    -1, 22,
	    "https: gateway answered `HTTP/1.1 404 \\x1b[31mred` "
	    "instead of START_TUNNEL" },
	{ "HTTP/1.1 404 CR only\rrest", 25, 25,
	    -1, 25,
	    "https: gateway answered `HTTP/1.1 404 CR only` instead "
	    "of START_TUNNEL" },
	{ "START_TUNNEL\n", 13, 13,
	    0, 12,
	    "" },
	{ "STARTHTTP/1.1 502\n", 18, 3,
	    -1, 18,
	    "https: not an HTTP status line: `STARTHTTP/1.1 502`" },
};

/* The gateway's bytes, handed out at most chunk at a time. */
struct src {
	const char	*in;
	size_t		 len, off, chunk;
};

static long
src_read(void *arg, void *buf, size_t len, struct gp_err *e)
{
	struct src *s = arg;
	size_t n = len < s->chunk ? len : s->chunk;

	(void)e;
	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(buf, s->in + s->off, n);
	s->off += n;
	return (long)n;
}

/* As https_reply_read reads it, from memory. */
static int
drive(const char *in, size_t len, size_t chunk, size_t *used,
    struct gp_err *e)
{
	struct src s = { in, len, 0, chunk };
	int r;

	r = https_reply_collect(src_read, &s, e);
	*used = s.off;
	return r;
}

static void
recorded_answers(void)
{
	struct gp_err e;
	size_t i, used;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&e, 0, sizeof(e));
		used = 0;
		rc = drive(cases[i].in, cases[i].len, cases[i].chunk, &used,
		    &e);
		if (rc != cases[i].rc || used != cases[i].used ||
		    strcmp(e.msg, cases[i].msg) != 0)
			fprintf(stderr, "  case %zu: rc %d, %zu bytes, `%s`\n",
			    i, rc, used, e.msg);
		T_EQ_INT(rc, cases[i].rc);
		T_EQ_INT(used, cases[i].used);
		T_STREQ(e.msg, cases[i].msg);
	}
}

/* No line within HTTPS_REPLY_MAX: judged on what fits, quoted short. */
static void
no_line_within_the_cap(void)
{
	static char in[HTTPS_REPLY_MAX + 76];
	struct gp_err e;
	size_t used = 0;

	memset(in, 'A', sizeof(in));
	T_EQ_INT(drive(in, sizeof(in), 100, &used, &e), HTTPS_OPEN_ERROR);
	T_EQ_INT(used, HTTPS_REPLY_MAX);
	T_CHECK(strncmp(e.msg, "https: not an HTTP status line: `AAAA",
	    37) == 0);
	memcpy(in, "HTTP/1.1 500 ", 13);
	T_EQ_INT(drive(in, sizeof(in), sizeof(in), &used, &e),
	    HTTPS_OPEN_ERROR);
	T_EQ_INT(used, HTTPS_REPLY_MAX);
	T_CHECK(strncmp(e.msg, "https: gateway answered `HTTP/1.1 500 AAA",
	    41) == 0);
}

/* START_TUNNEL in any pieces; not a byte of the stream behind it. */
static void
start_in_pieces(void)
{
	static const char in[] = "START_TUNNEL\x01\x02\x03";
	struct gp_err e;
	size_t chunk, used;

	for (chunk = 1; chunk <= sizeof(in); chunk++) {
		T_EQ_INT(drive(in, sizeof(in) - 1, chunk, &used, &e),
		    HTTPS_OPEN_OK);
		T_EQ_INT(used, 12);
	}
}

/* A read error ends it with the reader's own message. */
static long
fail_read(void *arg, void *buf, size_t len, struct gp_err *e)
{
	(void)arg;
	(void)buf;
	(void)len;
	return err_set(e, "https: timed out while waiting for START_TUNNEL");
}

static void
read_error(void)
{
	struct gp_err e;

	T_EQ_INT(https_reply_collect(fail_read, NULL, &e), HTTPS_OPEN_ERROR);
	T_STREQ(e.msg, "https: timed out while waiting for START_TUNNEL");
}

int
main(void)
{
	T_RUN(recorded_answers);
	T_RUN(no_line_within_the_cap);
	T_RUN(start_in_pieces);
	T_RUN(read_error);
	return T_DONE();
}
