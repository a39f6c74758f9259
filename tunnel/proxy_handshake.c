/* SPDX-License-Identifier: ISC */
/*
 * The proxy handshake on gp-tunnel [net]'s TCP socket (see proxy.h): the
 * request out, the answer in, read no further than it goes, all to the
 * tunnel's connect deadline. It makes the calls the HTTPS tunnel already
 * makes (sendto, read, poll); what the proxy sends is untrusted.
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/fdio.h"
#include "tunnel/proxy.h"

struct proxy_conn {
	int			 fd;
	int64_t			 deadline;
	volatile sig_atomic_t	*cancel;
};

static int
proxy_wait(const struct proxy_conn *pc, short events, const char *what,
    struct gp_err *e)
{
	return fdio_wait(pc->fd, events, pc->deadline, pc->cancel, "proxy",
	    what, e);
}

static bool
proxy_again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* All of p; MSG_NOSIGNAL, as the TLS writes (https.c). */
static int
proxy_send(const struct proxy_conn *pc, const void *p, size_t n,
    struct gp_err *e)
{
	const uint8_t *b = p;
	ssize_t k;

	while (n > 0) {
		k = send(pc->fd, b, n, MSG_NOSIGNAL);
		if (k > 0) {
			b += k;
			n -= (size_t)k;
		} else if (k == -1 && proxy_again()) {
			if (proxy_wait(pc, POLLOUT, "sending to the proxy",
			    e) == -1)
				return -1;
		} else
			return err_set(e, "proxy: send: %s", k == 0 ?
			    "nothing sent" : strerror(errno));
	}
	return 0;
}

/* Exactly n bytes: the answers say their own length. */
static int
proxy_recv(const struct proxy_conn *pc, uint8_t *p, size_t n,
    struct gp_err *e)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = read(pc->fd, p + got, n - got);
		if (k > 0)
			got += (size_t)k;
		else if (k == 0)
			return err_set(e, "proxy: the proxy closed the "
			    "connection before its answer was complete");
		else if (proxy_again()) {
			if (proxy_wait(pc, POLLIN, "waiting for the proxy's "
			    "answer", e) == -1)
				return -1;
		} else
			return err_set(e, "proxy: read: %s", strerror(errno));
	}
	return 0;
}

static int
proxy_http_status(const struct gp_config *c, const uint8_t *ans,
    const struct proxy_http_answer *a, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], auth[PROXY_AUTHORITY_MAX];

	if (a->status / 100 == 2)
		return 0;
	(void)proxy_authority(auth, sizeof(auth), c->proxy.target,
	    c->gw_port);
	if (a->status == 407)
		return err_set(e, "proxy: CONNECT %s: the proxy wants "
		    "authentication (HTTP 407); gpvpn does no proxy "
		    "authentication", auth);
	return err_set(e, "proxy: CONNECT %s refused: `%s`", auth,
	    err_quote(q, (const char *)ans, a->line_len));
}

/*
 * One byte at a time, parsed at each line's end: nothing after the empty
 * line may be taken, it belongs to TLS. At most PROXY_HTTP_REPLY_MAX
 * reads, once per tunnel.
 */
static int
proxy_http(const struct proxy_conn *pc, const struct gp_config *c,
    struct gp_err *e)
{
	char req[PROXY_HTTP_REQUEST_MAX];
	uint8_t ans[PROXY_HTTP_REPLY_MAX];
	struct proxy_http_answer a;
	size_t n = 0;
	int len, r = PROXY_MORE;

	len = proxy_http_request(req, sizeof(req), c->proxy.target,
	    c->gw_port, e);
	if (len == -1 || proxy_send(pc, req, (size_t)len, e) == -1)
		return -1;
	while (r == PROXY_MORE) {
		if (proxy_recv(pc, ans + n, 1, e) == -1)
			return -1;
		n++;
		if (ans[n - 1] == '\n' || n == sizeof(ans))
			r = proxy_http_reply(ans, n, &a, e);
	}
	if (r == -1)
		return -1;
	return proxy_http_status(c, ans, &a, e);
}

static int
proxy_socks5(const struct proxy_conn *pc, const struct gp_config *c,
    struct gp_err *e)
{
	uint8_t req[PROXY_SOCKS5_REQUEST_MAX], ans[PROXY_SOCKS5_REPLY_MAX];
	size_t n = 0, need = PROXY_SOCKS5_METHOD_BYTES;
	int len, r;

	if (proxy_send(pc, PROXY_SOCKS5_GREETING, PROXY_SOCKS5_GREETING_BYTES,
	    e) == -1 || proxy_recv(pc, ans, need, e) == -1 ||
	    proxy_socks5_method(ans, need, e) != 0)
		return -1;
	len = proxy_socks5_request(req, sizeof(req), c->proxy.target,
	    c->gw_port, e);
	if (len == -1 || proxy_send(pc, req, (size_t)len, e) == -1)
		return -1;
	r = proxy_socks5_reply(ans, 0, &need, e);
	while (r == PROXY_MORE) {
		if (need > sizeof(ans) || need <= n)
			return err_set(e, "proxy: SOCKS5 reply length `%zu`",
			    need);
		if (proxy_recv(pc, ans + n, need - n, e) == -1)
			return -1;
		n = need;
		r = proxy_socks5_reply(ans, n, &need, e);
	}
	return r;
}

int
proxy_handshake(int fd, const struct gp_config *c, int64_t deadline,
    volatile sig_atomic_t *cancel, struct gp_err *e)
{
	struct proxy_conn pc = { fd, deadline, cancel };

	switch (c->proxy.type) {
	case CFG_PROXY_HTTP:
		return proxy_http(&pc, c, e);
	case CFG_PROXY_SOCKS5:
		return proxy_socks5(&pc, c, e);
	default:
		return err_set(e, "proxy: unknown type `%u`", c->proxy.type);
	}
}
