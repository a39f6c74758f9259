/*
 * The START_TUNNEL answer of the HTTPS tunnel (tunnel/https_reply.c),
 * driven the way https_reply_read drives it: read in pieces, then
 * judged. The expected results were recorded from the parser before it
 * moved onto the text cursor, so they pin its behaviour. Test code only.
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

/* As https_reply_read: 12 bytes first, then up to the buffer. */
static int
drive(const char *in, size_t len, size_t chunk, size_t *used,
    struct gp_err *e)
{
	char reply[HTTPS_REPLY_MAX];
	size_t have = 0, want = 12, off = 0, n;

	for (;;) {
		n = want - have;
		n = n < chunk ? n : chunk;
		n = n < len - off ? n : len - off;
		if (n == 0)
			break;
		memcpy(reply + have, in + off, n);
		off += n;
		have += n;
		*used = off;
		switch (https_reply_next(reply, have, sizeof(reply))) {
		case HTTPS_REPLY_START:
			return HTTPS_OPEN_OK;
		case HTTPS_REPLY_MORE_START:
			continue;
		case HTTPS_REPLY_MORE:
			want = sizeof(reply);
			continue;
		default:
			break;
		}
		break;
	}
	*used = off;
	return https_reply_judge(reply, have, e);
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
		T_CHECK(rc == cases[i].rc);
		T_CHECK(used == cases[i].used);
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
	T_CHECK(drive(in, sizeof(in), 100, &used, &e) == HTTPS_OPEN_ERROR);
	T_CHECK(used == HTTPS_REPLY_MAX);
	T_CHECK(strncmp(e.msg, "https: not an HTTP status line: `AAAA",
	    37) == 0);
	memcpy(in, "HTTP/1.1 500 ", 13);
	T_CHECK(drive(in, sizeof(in), sizeof(in), &used, &e) ==
	    HTTPS_OPEN_ERROR);
	T_CHECK(used == HTTPS_REPLY_MAX);
	T_CHECK(strncmp(e.msg, "https: gateway answered `HTTP/1.1 500 AAA",
	    41) == 0);
}

/* The next-step answer alone, at each length of START_TUNNEL. */
static void
next_steps(void)
{
	size_t i;

	for (i = 1; i < 12; i++)
		T_CHECK(https_reply_next("START_TUNNEL", i, 1024) ==
		    HTTPS_REPLY_MORE_START);
	T_CHECK(https_reply_next("START_TUNNEL", 12, 1024) ==
	    HTTPS_REPLY_START);
	T_CHECK(https_reply_next("STARX", 5, 1024) == HTTPS_REPLY_MORE);
	T_CHECK(https_reply_next("HTTP\n", 5, 1024) == HTTPS_REPLY_DONE);
	T_CHECK(https_reply_next("HTTPS", 5, 5) == HTTPS_REPLY_DONE);
	T_CHECK(https_reply_next("", 0, 1024) == HTTPS_REPLY_MORE_START);
}

int
main(void)
{
	T_RUN(recorded_answers);
	T_RUN(no_line_within_the_cap);
	T_RUN(next_steps);
	return T_DONE();
}
