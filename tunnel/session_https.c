/* SPDX-License-Identifier: ISC */
/*
 * The HTTPS tunnel as a transport of gp-tunnel's loop (see
 * session_https.h): tun packets framed into a queue of whole frames and
 * written to TLS, records read and deframed to tun, keepalives and
 * dead-peer detection. Runs in [net]; bytes from the gateway are
 * untrusted and deframed by gpst.c; tun packets come from the kernel.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/gpst.h"
#include "tunnel/mtu.h"
#include "tunnel/session.h"
#include "tunnel/session_https.h"
#include "tunnel/transport.h"
#include "tunnel/tun.h"

#define SESSION_HTTPS_RX_BATCH	64	/* TLS reads per wakeup */
#define SESSION_HTTPS_TUN_PKTS	32	/* tun reads per wakeup */
#define SESSION_HTTPS_TXQ_BYTES	(128 * 1024)
#define SESSION_HTTPS_TUN_BYTES	(GPST_MAX_PAYLOAD + 1)	/* +1: oversize */
#define SESSION_HTTPS_FRAME_ROOM (GPST_HDR_BYTES + SESSION_HTTPS_TUN_BYTES)

/* Tests shorten these through session_set_timers(); gp-tunnel never does. */
static int64_t session_https_keepalive_ms = KEEPALIVE_IDLE_MS;
static int64_t session_https_dead_ms = DEAD_PEER_MS;

struct session_https {
	struct transport_env	*env;
	struct https_tunnel	*t;
	int64_t			 up_since, last_rx, last_tx;
	int64_t			 tx_blocked_since;	/* 0: not blocked */
	bool			 dpd_sent;	/* keepalive out, no reply */
	bool			 suspect;	/* pinged after a pause */
	bool			 rx_more;	/* read budget used up */
	short			 rx_wait, tx_wait;	/* what TLS waits for */
	/* The output queue: whole frames, appended only when empty, so a
	 * TLS write that would block is retried with the same bytes. */
	size_t			 tx_head, tx_tail;
	unsigned		 tx_pkts;
	struct gpst_rx		 rx;
	uint8_t			 rbuf[GPST_HDR_BYTES + GPST_MAX_PAYLOAD];
	uint8_t			 txq[SESSION_HTTPS_TXQ_BYTES];
};

void
session_https_set_timers(int keepalive_ms, int dead_ms)
{
	session_https_keepalive_ms = keepalive_ms;
	session_https_dead_ms = dead_ms;
}

static void
session_https_up(struct session_https *h, int64_t now)
{
	h->up_since = h->last_rx = h->last_tx = now;
	h->tx_blocked_since = 0;
	h->dpd_sent = false;
	/* Read before the first poll(): the records behind START_TUNNEL
	 * may already sit in OpenSSL's read-ahead buffer. */
	h->rx_more = true;
	h->rx_wait = POLLIN;
	h->tx_wait = 0;
	h->tx_head = h->tx_tail = 0;
	h->tx_pkts = 0;
	gpst_rx_init(&h->rx);
}

void
session_https_adopt(void *t, struct https_tunnel *tun, int64_t now)
{
	struct session_https *h = t;

	h->t = tun;
	session_https_up(h, now);
}

/* The TLS connection failed or the gateway closed it. */
static int
session_https_lost(long n, const struct gp_err *e)
{
	if (n == HTTPS_IO_CLOSED)
		log_warnx("https: gateway closed the tunnel");
	else
		log_warnx("%s", e->msg);
	return SESSION_RECONNECT;
}

static int
session_https_deframe(struct session_https *h, size_t n)
{
	struct transport_env *env = h->env;
	struct gpst_pkt p;
	struct gp_err e;
	struct buf in;
	int r;

	buf_view(&in, h->rbuf, n);
	for (;;) {
		switch (gpst_rx_next(&h->rx, &in, &p, &e)) {
		case GPST_RX_MORE:
			return SESSION_GO;
		case GPST_RX_PACKET:
			r = env->tun_write(env, p.data, p.len);
			if (r != SESSION_GO)
				return r;
			break;
		case GPST_RX_KEEPALIVE:
			env->st->keepalive_rx++;
			break;
		case GPST_RX_DROPPED:
			env->drop(env, e.msg);
			break;
		default:
			log_err("%s; reconnecting", e.msg);
			return SESSION_RECONNECT;
		}
	}
}

static void
session_https_heard(struct session_https *h, int64_t now)
{
	h->last_rx = now;
	h->dpd_sent = false;
	if (h->suspect)
		log_info("https: the gateway answered after the pause");
	h->suspect = false;
}

/* Drain decrypted records, up to a budget so tun gets its turn. */
static int
session_https_read(struct session_https *h, int64_t now)
{
	struct gp_err e;
	long n;
	int i, r;

	h->rx_wait = POLLIN;
	h->rx_more = false;
	for (i = 0; i < SESSION_HTTPS_RX_BATCH; i++) {
		n = https_read(h->t, h->rbuf, sizeof(h->rbuf), &e);
		if (n > 0) {
			session_https_heard(h, now);
			r = session_https_deframe(h, (size_t)n);
			if (r != SESSION_GO)
				return r;
			continue;
		}
		if (n == HTTPS_IO_WANT_READ)
			return SESSION_GO;
		if (n == HTTPS_IO_WANT_WRITE) {
			h->rx_wait = POLLOUT;
			return SESSION_GO;
		}
		return session_https_lost(n, &e);
	}
	h->rx_more = true;
	return SESSION_GO;
}

static int
session_https_rx(void *t, const struct pollfd *pfd, int64_t now)
{
	struct session_https *h = t;

	if (h->t != NULL && (pfd[0].revents != 0 || h->rx_more ||
	    https_pending(h->t)))
		return session_https_read(h, now);
	return SESSION_GO;
}

/* Read up to a batch of packets from tun into the (empty) queue. */
static int
session_https_tun_read(struct session_https *h)
{
	struct transport_env *env = h->env;
	struct gp_err e;
	uint8_t *slot;
	ssize_t n;
	int i;

	for (i = 0; i < SESSION_HTTPS_TUN_PKTS; i++) {
		if (sizeof(h->txq) - h->tx_tail < SESSION_HTTPS_FRAME_ROOM)
			break;
		slot = h->txq + h->tx_tail;
		n = tun_read_result(tun_read_plain(env->io->tun_fd,
		    slot + GPST_HDR_BYTES, SESSION_HTTPS_TUN_BYTES));
		if (n == TUN_READ_AGAIN)
			break;
		if (n == TUN_READ_DEAD)
			return 1;
		if (gpst_encode(slot, slot + GPST_HDR_BYTES, (size_t)n,
		    &e) == -1) {
			env->drop(env, e.msg);
			continue;
		}
		h->tx_tail += GPST_HDR_BYTES + (size_t)n;
		h->tx_pkts++;
		env->st->tx_pkts++;
		env->st->tx_bytes += (uint64_t)n;
	}
	return SESSION_GO;
}

static int
session_https_flush(struct session_https *h, int64_t now)
{
	struct gp_err e;
	long n;

	h->tx_wait = 0;
	while (h->tx_head < h->tx_tail) {
		n = https_write(h->t, h->txq + h->tx_head,
		    h->tx_tail - h->tx_head, &e);
		if (n > 0) {
			h->tx_head += (size_t)n;
			h->last_tx = now;
			h->tx_blocked_since = 0;
			continue;
		}
		if (n == HTTPS_IO_WANT_READ || n == HTTPS_IO_WANT_WRITE) {
			h->tx_wait = n == HTTPS_IO_WANT_READ ? POLLIN : POLLOUT;
			if (h->tx_blocked_since == 0)
				h->tx_blocked_since = now;
			return SESSION_GO;
		}
		return session_https_lost(n, &e);
	}
	h->tx_head = h->tx_tail = 0;
	h->tx_pkts = 0;
	return SESSION_GO;
}

static int
session_https_tx(void *t, int64_t now, bool tun)
{
	struct session_https *h = t;
	int r;

	if (h->t == NULL)
		return SESSION_GO;
	if (tun && h->tx_head == h->tx_tail) {
		if ((r = session_https_tun_read(h)) != SESSION_GO)
			return r;
		if (h->tx_head != h->tx_tail &&
		    (r = session_https_flush(h, now)) != SESSION_GO)
			return r;
	}
	if (h->tx_head != h->tx_tail)
		return session_https_flush(h, now);
	return SESSION_GO;
}

/* When the timers next have something to do. */
static int64_t
session_https_next(const struct session_https *h, int64_t now)
{
	int64_t next = INT64_MAX;

	if (h->t == NULL)
		return next;
	if (h->rx_more || https_pending(h->t))
		return now;
	next = h->last_rx + session_https_dead_ms;
	if (h->tx_blocked_since != 0 &&
	    h->tx_blocked_since + session_https_dead_ms < next)
		next = h->tx_blocked_since + session_https_dead_ms;
	if (h->tx_head == h->tx_tail) {
		if (h->last_tx + session_https_keepalive_ms < next)
			next = h->last_tx + session_https_keepalive_ms;
		if (!h->dpd_sent &&
		    h->last_rx + session_https_keepalive_ms < next)
			next = h->last_rx + session_https_keepalive_ms;
	}
	return next;
}

/* Dead-peer detection. */
static bool
session_https_dead(const struct session_https *h, int64_t now)
{
	if (now - h->last_rx >= session_https_dead_ms) {
		if (h->suspect)
			log_warnx("https: no answer to a keepalive after the "
			    "pause; reconnecting");
		else
			log_warnx("https: nothing from the gateway for %d ms; "
			    "reconnecting", (int)session_https_dead_ms);
		return true;
	}
	if (h->tx_blocked_since != 0 &&
	    now - h->tx_blocked_since >= session_https_dead_ms) {
		log_warnx("https: cannot send to the gateway for %d ms; "
		    "reconnecting", (int)session_https_dead_ms);
		return true;
	}
	return false;
}

/* Dead-peer detection, then a keepalive if one is due. */
static int
session_https_keepalive(struct session_https *h, int64_t now)
{
	bool tx_idle, rx_idle;

	if (session_https_dead(h, now))
		return SESSION_RECONNECT;
	tx_idle = now - h->last_tx >= session_https_keepalive_ms;
	rx_idle = !h->dpd_sent &&
	    now - h->last_rx >= session_https_keepalive_ms;
	if ((!tx_idle && !rx_idle) || h->tx_head != h->tx_tail)
		return SESSION_GO;
	gpst_encode_keepalive(h->txq + h->tx_tail);
	h->tx_tail += GPST_HDR_BYTES;
	h->env->st->keepalive_tx++;
	h->dpd_sent = true;
	log_trace("https: keepalive sent");
	return session_https_flush(h, now);
}

static int
session_https_timers(void *t, int64_t now, int64_t *next)
{
	struct session_https *h = t;
	int r = SESSION_GO;

	if (h->t != NULL)
		r = session_https_keepalive(h, now);
	*next = session_https_next(h, now);
	return r;
}

/* Ping at once and give the gateway a short while: a keepalive now and
 * the dead-peer limit moved up to XPORT_SUSPECT_WAIT_MS from now. */
static void
session_https_suspect(struct session_https *h, int64_t now)
{
	int64_t wait = session_https_dead_ms - session_https_keepalive_ms;

	if (wait > XPORT_SUSPECT_WAIT_MS)
		wait = XPORT_SUSPECT_WAIT_MS;
	if (h->t == NULL)
		return;
	h->suspect = true;
	h->dpd_sent = false;
	h->last_rx = now - (session_https_dead_ms - wait);
	if (h->tx_blocked_since != 0)
		h->tx_blocked_since = h->last_rx;
}

static int
session_https_ctl(void *t, enum transport_ctl c, int64_t now)
{
	if (c == TRANSPORT_CTL_SUSPECT)
		session_https_suspect(t, now);
	return c == TRANSPORT_CTL_REKEY || c == TRANSPORT_CTL_REKEY_LIVE ?
	    -1 : SESSION_GO;
}

/* PROTOCOL.md §10 for the HTTPS tunnel, from what the kernel knows of
 * our TCP connection to the gateway. */
static unsigned
session_https_mtu(const void *t)
{
	const struct session_https *h = t;
	const struct gp_config *c = h->env->io->cfg;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	unsigned base = 0, mss = 0;
	int v, fd = https_fd(h->t);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0 &&
	    len >= offsetof(struct tcp_info, tcpi_pmtu) + sizeof(ti.tcpi_pmtu))
		base = ti.tcpi_pmtu;
	len = sizeof(v);
	if (getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &v, &len) == 0 && v > 0)
		mss = (unsigned)v;
	log_debug("https: path MTU %u, TCP MSS %u", base, mss);
	return mtu_https(base, mss,
	    config_tunnel_peer(c)->family == CFG_AF_INET6);
}

/* Before start succeeded a failure ends gp-tunnel; after, it is one
 * more reason to reconnect. */
static int
session_https_open(void *t, enum transport_open how, int64_t now)
{
	struct session_https *h = t;
	const struct session_io *io = h->env->io;
	struct gp_err e = { "" };
	int r;

	r = https_open(io->https, io->cfg, &h->t, &e);
	if (r == HTTPS_OPEN_OK) {
		session_https_up(h, now);
		return SESSION_GO;
	}
	if (r == HTTPS_OPEN_COOKIE_REJECTED) {
		log_err("%s", e.msg);
		return 2;
	}
	if (io->stop != NULL && *io->stop != 0)
		return 0;
	if (how == TRANSPORT_OPEN_NEW) {
		log_err("%s", e.msg);
		return 1;
	}
	log_warnx("%s", e.msg);
	return SESSION_RECONNECT;
}

static size_t
session_https_pollfds(void *t, struct pollfd *pfd, size_t n)
{
	struct session_https *h = t;

	pfd[0].fd = h->t != NULL ? https_fd(h->t) : -1;
	pfd[0].events = (short)(h->rx_wait | h->tx_wait);
	pfd[0].revents = 0;
	return n;
}

static enum transport_state
session_https_state(const void *t)
{
	const struct session_https *h = t;

	if (h->t == NULL)
		return TRANSPORT_CLOSED;
	return h->tx_head == h->tx_tail ? TRANSPORT_READY : TRANSPORT_OPEN;
}

static void
session_https_close(void *t, enum transport_close how)
{
	struct session_https *h = t;

	if (how == TRANSPORT_CLOSE_HANDOVER && h->t != NULL)
		log_info("https: closing the tunnel, ESP carries the traffic");
	else if (h->tx_head != h->tx_tail && h->tx_pkts > 0)
		log_info("https: up to %u queued packets lost with the "
		    "connection", h->tx_pkts);
	if (how == TRANSPORT_CLOSE_KEEP)
		h->suspect = false;
	https_close(h->t);
	h->t = NULL;
	h->tx_head = h->tx_tail = 0;
	h->tx_pkts = 0;
}

void *
session_https_new(struct transport_env *env)
{
	struct session_https *h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->env = env;
	https_ctx_set_cancel(env->io->https, env->io->stop);
	return h;
}

static void
session_https_free(void *t)
{
	struct session_https *h = t;

	if (h == NULL)
		return;
	session_https_close(h, TRANSPORT_CLOSE_ALL);
	explicit_bzero(h, sizeof(*h));
	free(h);
}

const struct transport_ops session_https_ops = {
	.name = "https",
	.open = session_https_open,
	.pollfds = session_https_pollfds,
	.rx = session_https_rx,
	.tx = session_https_tx,
	.timers = session_https_timers,
	.ctl = session_https_ctl,
	.state = session_https_state,
	.mtu = session_https_mtu,
	.close = session_https_close,
	.free = session_https_free,
};
