/*
 * The gateway's answer to the tunnel request (PROTOCOL.md §8.2): the 12
 * bytes START_TUNNEL, else an HTTP status line (502: the cookie was
 * rejected) or anything else, quoted in the error. Runs in [net]; the
 * answer is untrusted and read within HTTPS_REPLY_MAX bytes.
 */
#include <stdbool.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/https_int.h"

#define HTTPS_START_LEN	(sizeof(HTTPS_START_TUNNEL) - 1)
#define HTTPS_STATUS_502	502

static int
https_digit(struct buf *b, int *v)
{
	uint8_t ch = 0;

	if (buf_get_u8(b, &ch) == -1 || ch < '0' || ch > '9')
		return -1;
	*v = *v * 10 + (ch - '0');
	return 0;
}

int
https_reply_status(const char *line, size_t len, int *status,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], proto[7];
	struct buf b;
	uint8_t minor = 0, sp = 0;
	int code = 0;

	*status = 0;
	buf_view(&b, line, len);
	if (buf_get_bytes(&b, proto, sizeof(proto)) == -1 ||
	    memcmp(proto, "HTTP/1.", sizeof(proto)) != 0 ||
	    buf_get_u8(&b, &minor) == -1 || (minor != '0' && minor != '1') ||
	    buf_get_u8(&b, &sp) == -1 || sp != ' ' ||
	    https_digit(&b, &code) == -1 || https_digit(&b, &code) == -1 ||
	    https_digit(&b, &code) == -1 || code < 100 ||
	    (buf_get_u8(&b, &sp) == 0 && sp != ' '))
		return err_set(e, "https: not an HTTP status line: `%s`",
		    err_quote(q, line, len));
	*status = code;
	return 0;
}

/* Read at most len bytes, waiting to the deadline; bytes, 0 on EOF, -1. */
static long
https_read_wait(const struct https_ctx *x, struct https_tunnel *t,
    void *buf, size_t len, int64_t deadline, struct gp_err *e)
{
	long n;

	for (;;) {
		n = https_read(t, buf, len, e);
		if (n >= 0)
			return n;
		if (https_conn_step(x, t, n, deadline,
		    "waiting for START_TUNNEL", e) == -1)
			return -1;
	}
}

/* Not START_TUNNEL: the first line should be an HTTP status line. */
static int
https_reply_error(const char *reply, size_t have, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t n;
	int status;

	for (n = 0; n < have; n++)
		if (reply[n] == '\r' || reply[n] == '\n')
			break;
	if (https_reply_status(reply, n, &status, e) == -1)
		return HTTPS_OPEN_ERROR;
	if (status == HTTPS_STATUS_502) {
		err_set(e, "https: gateway rejected the auth cookie "
		    "(HTTP 502)");
		return HTTPS_OPEN_COOKIE_REJECTED;
	}
	err_set(e, "https: gateway answered `%s` instead of START_TUNNEL",
	    err_quote(q, reply, n));
	return HTTPS_OPEN_ERROR;
}

/* After have bytes of the answer (a buffer of cap): what next. */
enum https_reply_next
https_reply_next(const char *reply, size_t have, size_t cap)
{
	if (have <= HTTPS_START_LEN &&
	    memcmp(reply, HTTPS_START_TUNNEL, have) == 0)
		return have == HTTPS_START_LEN ? HTTPS_REPLY_START :
		    HTTPS_REPLY_MORE_START;	/* split over records */
	if (memchr(reply, '\n', have) != NULL || have == cap)
		return HTTPS_REPLY_DONE;
	return HTTPS_REPLY_MORE;
}

int
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
 * which asks https_pending() before it sleeps in poll().
 */
int
https_reply_read(const struct https_ctx *x, struct https_tunnel *t,
    int64_t deadline, struct gp_err *e)
{
	char reply[HTTPS_REPLY_MAX];
	size_t have = 0, want = HTTPS_START_LEN;
	long n;

	for (;;) {
		n = https_read_wait(x, t, reply + have, want - have, deadline,
		    e);
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
