/* SPDX-License-Identifier: ISC */
/*
 * The gateway's answer to the tunnel request (PROTOCOL.md §8.2): the 12
 * bytes START_TUNNEL, else an HTTP status line (502: the cookie was
 * rejected) or anything else, quoted in the error. Runs in [net]; the
 * answer is untrusted, read within HTTPS_REPLY_MAX bytes and parsed
 * through the checked text cursor (ipc/cursor.h).
 */
#include <stdbool.h>
#include <string.h>

#include "ipc/cursor.h"
#include "tunnel/https_int.h"

#define HTTPS_START_LEN	(sizeof(HTTPS_START_TUNNEL) - 1)
#define HTTPS_STATUS_502	502

/* After have bytes of the START_TUNNEL answer: what next. */
enum https_reply_next {
	HTTPS_REPLY_START = 0,	/* START_TUNNEL: the tunnel is open */
	HTTPS_REPLY_MORE_START,	/* a prefix of it: read up to 12 bytes */
	HTTPS_REPLY_MORE,	/* read on, up to the buffer */
	HTTPS_REPLY_DONE	/* a whole line, or a full buffer */
};

/* One decimal digit into *v; -1 if the next byte is none. */
static int
https_reply_digit(struct cursor *c, int *v)
{
	int ch = cur_peek(c);

	if (!cur_is_digit(ch))
		return -1;
	(void)cur_next(c);
	*v = *v * 10 + (ch - '0');
	return 0;
}

/* "HTTP/1.0 " or "HTTP/1.1 ", three digits, then the end or a space. */
static int
https_reply_code(struct cursor *c, int *code)
{
	int minor;

	if (cur_skip_lit(c, "HTTP/1.") != 1)
		return -1;
	minor = cur_next(c);
	if ((minor != '0' && minor != '1') || cur_skip_char(c, ' ') != 1)
		return -1;
	if (https_reply_digit(c, code) == -1 ||
	    https_reply_digit(c, code) == -1 ||
	    https_reply_digit(c, code) == -1 || *code < 100)
		return -1;
	if (!cur_eof(c) && cur_peek(c) != ' ')
		return -1;
	return 0;
}

int
https_reply_status(const char *line, size_t len, int *status,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cursor c;
	int code = 0;

	*status = 0;
	cur_init(&c, line, len);
	if (https_reply_code(&c, &code) == -1)
		return err_set(e, "https: not an HTTP status line: `%s`",
		    err_quote(q, line, len));
	*status = code;
	return 0;
}

static int
https_reply_not_eol(int ch)
{
	return ch != '\r' && ch != '\n';
}

/* Not START_TUNNEL: the first line should be an HTTP status line. */
static int
https_reply_error(const char *reply, size_t have, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cursor c, line;
	int status;

	cur_init(&c, reply, have);
	(void)cur_take_while(&c, https_reply_not_eol, &line);
	if (https_reply_status(cur_ptr(&line), cur_left(&line), &status,
	    e) == -1)
		return HTTPS_OPEN_ERROR;
	if (status == HTTPS_STATUS_502) {
		err_set(e, "https: gateway rejected the auth cookie "
		    "(HTTP 502)");
		return HTTPS_OPEN_COOKIE_REJECTED;
	}
	err_set(e, "https: gateway answered `%s` instead of START_TUNNEL",
	    err_quote(q, cur_ptr(&line), cur_left(&line)));
	return HTTPS_OPEN_ERROR;
}

/* All of c is the start of START_TUNNEL (or all of it). */
static bool
https_reply_is_start(struct cursor *c)
{
	const char *start = HTTPS_START_TUNNEL;
	size_t i;
	int ch;

	if (cur_left(c) > HTTPS_START_LEN)
		return false;
	for (i = 0; (ch = cur_next(c)) != -1; i++)
		if (ch != (unsigned char)start[i])
			return false;
	return true;
}

/* After have bytes of the answer (a buffer of cap): what next. */
static enum https_reply_next
https_reply_next(const char *reply, size_t have, size_t cap)
{
	struct cursor c;

	cur_init(&c, reply, have);
	if (https_reply_is_start(&c))
		return have == HTTPS_START_LEN ? HTTPS_REPLY_START :
		    HTTPS_REPLY_MORE_START;	/* split over records */
	cur_init(&c, reply, have);
	if (cur_find(&c, "\n") == 0 || have == cap)
		return HTTPS_REPLY_DONE;
	return HTTPS_REPLY_MORE;
}

/* Not START_TUNNEL, after have bytes (0: EOF at once): why. */
static int
https_reply_judge(const char *reply, size_t have, struct gp_err *e)
{
	if (have == 0) {
		err_set(e, "https: gateway disconnected immediately");
		return HTTPS_OPEN_ERROR;
	}
	return https_reply_error(reply, have, e);
}

/*
 * Exactly 12 bytes first, so that no byte of the framed stream behind
 * START_TUNNEL is taken here: it stays inside TLS for the packet loop,
 * which reads once before it first sleeps in poll() (https_pending()).
 */
int
https_reply_collect(long (*rd)(void *arg, void *buf, size_t len,
    struct gp_err *e), void *arg, struct gp_err *e)
{
	char reply[HTTPS_REPLY_MAX];
	size_t have = 0, want = HTTPS_START_LEN;
	long n;

	for (;;) {
		n = rd(arg, reply + have, want - have, e);
		if (n == -1)
			return HTTPS_OPEN_ERROR;
		if (n == 0)
			break;
		have += (size_t)n;
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
	return https_reply_judge(reply, have, e);
}

struct https_reply_src {
	const struct https_ctx	*x;
	struct https_tunnel	*t;
	int64_t			 deadline;
};

/* Read at most len bytes, waiting to the deadline; bytes, 0 on EOF, -1. */
static long
https_reply_read_wait(void *arg, void *buf, size_t len, struct gp_err *e)
{
	struct https_reply_src *src = arg;
	long n;

	for (;;) {
		n = https_read(src->t, buf, len, e);
		if (n >= 0)
			return n;
		if (https_conn_step(src->x, src->t, n, src->deadline,
		    "waiting for START_TUNNEL", e) == -1)
			return -1;
	}
}

int
https_reply_read(const struct https_ctx *x, struct https_tunnel *t,
    int64_t deadline, struct gp_err *e)
{
	struct https_reply_src src = { x, t, deadline };

	return https_reply_collect(https_reply_read_wait, &src, e);
}
