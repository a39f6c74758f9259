/*
 * The packet loop of gp-tunnel (see session.h): tun <-> HTTPS tunnel in
 * vectors of packets, keepalive and dead-peer detection, and a bounded
 * reconnect. Bytes from the gateway are untrusted and are deframed by
 * gpst.c; packets read from tun come from the local kernel.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/log.h"
#include "tunnel/gpst.h"
#include "tunnel/https.h"
#include "tunnel/session.h"

#define SESSION_BATCH_PKTS	32	/* tun reads per wakeup */
#define SESSION_RX_BATCH	64	/* TLS reads per wakeup */
#define SESSION_TXQ_BYTES	(128 * 1024)
#define SESSION_TUN_READ_BYTES	(GPST_MAX_PAYLOAD + 1)	/* +1: oversize */
#define SESSION_FRAME_ROOM	(GPST_HDR_BYTES + SESSION_TUN_READ_BYTES)
#define SESSION_TICK_MS		500	/* bounds a missed stop signal */
#define SESSION_BACKOFF_MIN_MS	1000
#define SESSION_BACKOFF_MAX_MS	10000
#define SESSION_STABLE_MS	30000	/* older tunnels end a reconnect run */

/* Step results besides the exit statuses 0, 1 and 2. */
#define SESSION_GO		(-1)
#define SESSION_RECONNECT	(-2)

/* Tests shorten these through session_set_timers(); gp-tunnel never does. */
static int64_t session_keepalive_ms = KEEPALIVE_IDLE_MS;
static int64_t session_dead_ms = DEAD_PEER_MS;

struct session {
	struct session_io	*io;
	struct tunnel_stats	*st;
	struct https_tunnel	*t;
	int			 ctl_fd;
	int64_t			 up_since, last_rx, last_tx;
	int64_t			 tx_blocked_since;	/* 0: not blocked */
	int64_t			 run_start;	/* of this reconnect run */
	int			 backoff_ms;
	bool			 dpd_sent;	/* keepalive out, no reply */
	bool			 rx_more;	/* read budget used up */
	short			 rx_wait, tx_wait;	/* what TLS waits for */
	/* The output queue: whole frames, appended only when empty, so a
	 * TLS write that would block is retried with the same bytes. */
	size_t			 tx_head, tx_tail;
	unsigned		 tx_pkts;
	struct gpst_rx		 rx;
	uint8_t			 rbuf[GPST_HDR_BYTES + GPST_MAX_PAYLOAD];
	uint8_t			 txq[SESSION_TXQ_BYTES];
};

static int64_t
session_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
session_stopped(const struct session *s)
{
	return s->io->stop != NULL && *s->io->stop != 0;
}

static void
session_maybe_dump(struct session *s)
{
	if (s->io->dump_stats != NULL && *s->io->dump_stats != 0) {
		*s->io->dump_stats = 0;
		session_log_stats(s->st);
	}
}

/* Rate-limited: the 1st, 2nd, 4th, 8th... drop is logged. */
static void
session_count_drop(struct session *s, const char *why)
{
	uint64_t n = ++s->st->drop_bad_frame;

	if ((n & (n - 1)) == 0)
		log_debug("dropped a frame (%" PRIu64 " so far): %s", n, why);
}

static void
session_tunnel_up(struct session *s, int64_t now)
{
	s->up_since = s->last_rx = s->last_tx = now;
	s->tx_blocked_since = 0;
	s->dpd_sent = false;
	s->rx_more = false;
	s->rx_wait = POLLIN;
	s->tx_wait = 0;
	s->tx_head = s->tx_tail = 0;
	s->tx_pkts = 0;
	gpst_rx_init(&s->rx);
}

static void
session_drop_tunnel(struct session *s)
{
	if (s->tx_head != s->tx_tail && s->tx_pkts > 0)
		log_info("https: up to %u queued packets lost with the "
		    "connection", s->tx_pkts);
	https_close(s->t);
	s->t = NULL;
	s->tx_head = s->tx_tail = 0;
	s->tx_pkts = 0;
}

/* A decrypted packet goes to tun; a full tun queue drops it. */
static int
session_tun_write(struct session *s, const struct gpst_pkt *p)
{
	ssize_t n;

	n = write(s->io->tun_fd, p->data, p->len);
	if (n >= 0 && (size_t)n == p->len) {
		s->st->rx_pkts++;
		s->st->rx_bytes += p->len;
		return SESSION_GO;
	}
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS || errno == EINTR)) {
		s->st->drop_tun_full++;
		return SESSION_GO;
	}
	if (n >= 0 || errno == EINVAL || errno == EIO || errno == EMSGSIZE) {
		session_count_drop(s, "tun refused the packet");
		return SESSION_GO;
	}
	log_err("tun write: %s", strerror(errno));
	return 1;
}

static int
session_deframe(struct session *s, size_t n)
{
	struct gpst_pkt p;
	struct gp_err e;
	struct buf in;
	int r;

	buf_view(&in, s->rbuf, n);
	for (;;) {
		switch (gpst_rx_next(&s->rx, &in, &p, &e)) {
		case GPST_RX_MORE:
			return SESSION_GO;
		case GPST_RX_PACKET:
			r = session_tun_write(s, &p);
			if (r != SESSION_GO)
				return r;
			break;
		case GPST_RX_KEEPALIVE:
			s->st->keepalive_rx++;
			break;
		case GPST_RX_DROPPED:
			session_count_drop(s, e.msg);
			break;
		default:
			log_err("%s; reconnecting", e.msg);
			return SESSION_RECONNECT;
		}
	}
}

/* Drain decrypted records, up to a budget so tun gets its turn. */
static int
session_rx(struct session *s, int64_t now)
{
	struct gp_err e;
	long n;
	int i, r;

	s->rx_wait = POLLIN;
	s->rx_more = false;
	for (i = 0; i < SESSION_RX_BATCH; i++) {
		n = https_read(s->t, s->rbuf, sizeof(s->rbuf), &e);
		if (n > 0) {
			s->last_rx = now;
			s->dpd_sent = false;
			r = session_deframe(s, (size_t)n);
			if (r != SESSION_GO)
				return r;
			continue;
		}
		if (n == HTTPS_IO_WANT_READ)
			return SESSION_GO;
		if (n == HTTPS_IO_WANT_WRITE) {
			s->rx_wait = POLLOUT;
			return SESSION_GO;
		}
		if (n == HTTPS_IO_CLOSED)
			log_warn("https: gateway closed the tunnel");
		else
			log_warn("%s", e.msg);
		return SESSION_RECONNECT;
	}
	s->rx_more = true;
	return SESSION_GO;
}

/* Read up to a batch of packets from tun into the (empty) queue. */
static int
session_tun_read(struct session *s)
{
	struct gp_err e;
	uint8_t *slot;
	ssize_t n;
	int i;

	for (i = 0; i < SESSION_BATCH_PKTS; i++) {
		if (sizeof(s->txq) - s->tx_tail < SESSION_FRAME_ROOM)
			break;
		slot = s->txq + s->tx_tail;
		n = read(s->io->tun_fd, slot + GPST_HDR_BYTES,
		    SESSION_TUN_READ_BYTES);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			break;
		if (n <= 0) {
			log_err("tun read: %s", n == 0 ? "device closed" :
			    strerror(errno));
			return 1;
		}
		if (gpst_encode(slot, slot + GPST_HDR_BYTES, (size_t)n,
		    &e) == -1) {
			session_count_drop(s, e.msg);
			continue;
		}
		s->tx_tail += GPST_HDR_BYTES + (size_t)n;
		s->tx_pkts++;
		s->st->tx_pkts++;
		s->st->tx_bytes += (uint64_t)n;
	}
	return SESSION_GO;
}

static int
session_flush(struct session *s, int64_t now)
{
	struct gp_err e;
	long n;

	s->tx_wait = 0;
	while (s->tx_head < s->tx_tail) {
		n = https_write(s->t, s->txq + s->tx_head,
		    s->tx_tail - s->tx_head, &e);
		if (n > 0) {
			s->tx_head += (size_t)n;
			s->last_tx = now;
			s->tx_blocked_since = 0;
			continue;
		}
		if (n == HTTPS_IO_WANT_READ || n == HTTPS_IO_WANT_WRITE) {
			s->tx_wait = n == HTTPS_IO_WANT_READ ? POLLIN : POLLOUT;
			if (s->tx_blocked_since == 0)
				s->tx_blocked_since = now;
			return SESSION_GO;
		}
		if (n == HTTPS_IO_CLOSED)
			log_warn("https: gateway closed the tunnel");
		else
			log_warn("%s", e.msg);
		return SESSION_RECONNECT;
	}
	s->tx_head = s->tx_tail = 0;
	s->tx_pkts = 0;
	return SESSION_GO;
}

/* Dead-peer detection, then a keepalive if one is due. */
static int
session_timers(struct session *s, int64_t now)
{
	bool tx_idle, rx_idle;

	if (now - s->last_rx >= session_dead_ms) {
		log_warn("https: nothing from the gateway for %d ms; "
		    "reconnecting", (int)session_dead_ms);
		return SESSION_RECONNECT;
	}
	if (s->tx_blocked_since != 0 &&
	    now - s->tx_blocked_since >= session_dead_ms) {
		log_warn("https: cannot send to the gateway for %d ms; "
		    "reconnecting", (int)session_dead_ms);
		return SESSION_RECONNECT;
	}
	tx_idle = now - s->last_tx >= session_keepalive_ms;
	rx_idle = !s->dpd_sent && now - s->last_rx >= session_keepalive_ms;
	if ((!tx_idle && !rx_idle) || s->tx_head != s->tx_tail)
		return SESSION_GO;
	gpst_encode_keepalive(s->txq + s->tx_tail);
	s->tx_tail += GPST_HDR_BYTES;
	s->st->keepalive_tx++;
	s->dpd_sent = true;
	log_trace("https: keepalive sent");
	return session_flush(s, now);
}

static int64_t
session_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int
session_timeout(const struct session *s, int64_t now)
{
	int64_t next = now + SESSION_TICK_MS;

	if (s->rx_more || https_pending(s->t))
		return 0;
	next = session_min(next, s->last_rx + session_dead_ms);
	if (s->tx_blocked_since != 0)
		next = session_min(next, s->tx_blocked_since + session_dead_ms);
	if (s->tx_head == s->tx_tail) {
		next = session_min(next, s->last_tx + session_keepalive_ms);
		if (!s->dpd_sent)
			next = session_min(next,
			    s->last_rx + session_keepalive_ms);
	}
	return next <= now ? 0 : (int)(next - now);
}

/* The control stream is readable: one frame, one action. */
static int
session_ctl(struct session *s, short revents)
{
	if ((revents & POLLNVAL) != 0 || s->io->on_ctl == NULL) {
		log_warn("session: control stream unusable; ignoring it");
		s->ctl_fd = -1;
		return SESSION_GO;
	}
	if (s->io->on_ctl(s->io->ctl_arg) == CTL_STOP) {
		log_info("session: stop requested on the control stream");
		return 0;
	}
	return SESSION_GO;
}

static int
session_after_poll(struct session *s, const struct pollfd *pfd)
{
	int64_t now = session_now_ms();
	int r;

	if (pfd[2].revents != 0 && (r = session_ctl(s, pfd[2].revents)) !=
	    SESSION_GO)
		return r;
	if (pfd[1].revents != 0 || s->rx_more || https_pending(s->t)) {
		r = session_rx(s, now);
		if (r != SESSION_GO)
			return r;
	}
	if (pfd[0].revents != 0 && s->tx_head == s->tx_tail) {
		r = session_tun_read(s);
		if (r != SESSION_GO)
			return r;
	}
	if (s->tx_head != s->tx_tail)
		return session_flush(s, now);
	return SESSION_GO;
}

static int
session_step(struct session *s)
{
	struct pollfd pfd[3];
	int64_t now = session_now_ms();
	int r;

	r = session_timers(s, now);
	if (r != SESSION_GO)
		return r;
	/* Read tun only when the queue is empty: that is the back-pressure
	 * when TLS cannot take more; the kernel queue holds the rest. */
	pfd[0].fd = s->tx_head == s->tx_tail ? s->io->tun_fd : -1;
	pfd[0].events = POLLIN;
	pfd[1].fd = https_fd(s->t);
	pfd[1].events = (short)(s->rx_wait | s->tx_wait);
	pfd[2].fd = s->ctl_fd;
	pfd[2].events = POLLIN;
	pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
	if (poll(pfd, 3, session_timeout(s, now)) == -1 && errno != EINTR) {
		log_err("session: poll: %s", strerror(errno));
		return 1;
	}
	return session_after_poll(s, pfd);
}

/* Sleep before a reconnect attempt, still obeying signals and ctl. */
static int
session_sleep(struct session *s, int ms)
{
	int64_t end = session_now_ms() + ms, left;
	struct pollfd pfd;
	int n;

	while ((left = end - session_now_ms()) > 0) {
		if (session_stopped(s))
			return 0;
		session_maybe_dump(s);
		pfd.fd = s->ctl_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)session_min(left, SESSION_TICK_MS));
		if (n == -1 && errno != EINTR) {
			log_err("session: poll: %s", strerror(errno));
			return 1;
		}
		if (n > 0 && (n = session_ctl(s, pfd.revents)) != SESSION_GO)
			return n;
	}
	return SESSION_GO;
}

/*
 * Back-off 1, 2, 4, 8, then 10 s, until RECONNECT_TIMEOUT_MS from the
 * first failure. A tunnel that dies within SESSION_STABLE_MS of coming up
 * does not start a new run, so a gateway that accepts and drops us at
 * once cannot keep us reconnecting forever. A 502 ends it: exit 2.
 */
static int
session_reconnect(struct session *s)
{
	int64_t now = session_now_ms();
	struct gp_err e;
	int r;

	session_drop_tunnel(s);
	if (s->run_start == 0 || now - s->up_since >= SESSION_STABLE_MS) {
		s->run_start = now;
		s->backoff_ms = SESSION_BACKOFF_MIN_MS;
	}
	for (;;) {
		if (now - s->run_start + s->backoff_ms > RECONNECT_TIMEOUT_MS) {
			log_err("https: giving up reconnecting after %d s",
			    (int)((now - s->run_start) / 1000));
			return 1;
		}
		log_info("https: reconnecting in %d s", s->backoff_ms / 1000);
		if ((r = session_sleep(s, s->backoff_ms)) != SESSION_GO)
			return r;
		s->backoff_ms = (int)session_min(2 * (int64_t)s->backoff_ms,
		    SESSION_BACKOFF_MAX_MS);
		r = https_open(s->io->https, s->io->cfg, &s->t, &e);
		if (r == HTTPS_OPEN_OK)
			break;
		if (r == HTTPS_OPEN_COOKIE_REJECTED) {
			log_err("%s", e.msg);
			return 2;
		}
		log_warn("%s", e.msg);
		if (session_stopped(s))
			return 0;
		now = session_now_ms();
	}
	s->st->reconnects++;
	log_info("https: tunnel re-established");
	session_tunnel_up(s, session_now_ms());
	return SESSION_GO;
}

int
session_run(struct session_io *io, struct tunnel_stats *st)
{
	struct session *s;
	int r = SESSION_GO;

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		log_err("session: out of memory");
		https_close(io->first);
		io->first = NULL;
		return 1;
	}
	s->io = io;
	s->st = st;
	s->ctl_fd = io->ctl_fd;
	s->t = io->first;
	io->first = NULL;
	https_ctx_set_cancel(io->https, io->stop);
	session_tunnel_up(s, session_now_ms());
	if (s->t == NULL)
		r = SESSION_RECONNECT;
	while (r == SESSION_GO || r == SESSION_RECONNECT) {
		session_maybe_dump(s);
		if (session_stopped(s))
			r = 0;
		else if (r == SESSION_RECONNECT)
			r = session_reconnect(s);
		else
			r = session_step(s);
	}
	session_drop_tunnel(s);
	explicit_bzero(s, sizeof(*s));
	free(s);
	return r;
}

void
session_log_stats(const struct tunnel_stats *st)
{
	log_info("stats: tx %" PRIu64 " packets %" PRIu64 " bytes, rx %"
	    PRIu64 " packets %" PRIu64 " bytes, keepalive tx %" PRIu64
	    " rx %" PRIu64 ", dropped %" PRIu64 " bad frames %" PRIu64
	    " tun full, reconnects %" PRIu64, st->tx_pkts, st->tx_bytes,
	    st->rx_pkts, st->rx_bytes, st->keepalive_tx, st->keepalive_rx,
	    st->drop_bad_frame, st->drop_tun_full, st->reconnects);
}

void
session_set_timers(int keepalive_ms, int dead_ms)
{
	session_keepalive_ms = keepalive_ms;
	session_dead_ms = dead_ms;
}
