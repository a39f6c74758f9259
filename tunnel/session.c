/*
 * The packet loop of gp-tunnel (see session.h): start (ESP probes or the
 * HTTPS tunnel), tun <-> HTTPS in vectors of packets with keepalive and
 * dead-peer detection, a bounded reconnect, and the ESP side driven from
 * session_esp.c. Bytes from the gateway are untrusted and are deframed
 * by gpst.c; packets read from tun come from the local kernel.
 */
#define _GNU_SOURCE	/* recvmmsg, sendmmsg */

#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/gpst.h"
#include "tunnel/https.h"
#include "tunnel/mtu.h"
#include "tunnel/session_int.h"

#define SESSION_TICK_MS		500	/* bounds a missed stop signal */
#define SESSION_POLL_FDS	4	/* tun, https, ctl, udp */

/* Tests shorten these through session_set_timers(); gp-tunnel never does. */
static int64_t session_keepalive_ms = KEEPALIVE_IDLE_MS;
static int64_t session_dead_ms = DEAD_PEER_MS;

bool
session_stopped(const struct session *s)
{
	return s->io->stop != NULL && *s->io->stop != 0;
}

int64_t
session_keepalive(void)
{
	return session_keepalive_ms;
}

int64_t
session_dead(void)
{
	return session_dead_ms;
}

void
session_sync_stats(struct session *s)
{
	const char *name = xport_name(&s->xp);

	if (!s->started && s->xp.state != XPORT_ESP && s->t == NULL)
		name = s->udp_fd != -1 ? "probing" : "none";
	snprintf(s->st->transport, sizeof(s->st->transport), "%s", name);
	if (s->udp_fd == -1 && s->xp.state != XPORT_ESP)
		s->st->sa_since_ms = 0;
}

static void
session_maybe_dump(struct session *s)
{
	if (s->io->dump_stats != NULL && *s->io->dump_stats != 0) {
		*s->io->dump_stats = 0;
		session_sync_stats(s);
		session_log_stats(s->st);
	}
}

/* Rate-limited: the 1st, 2nd, 4th, 8th... drop is logged. */
void
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

void
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

/* A packet from the gateway goes to tun; a full tun queue drops it. */
int
session_tun_write(struct session *s, const uint8_t *p, size_t len)
{
	ssize_t n;

	n = write(s->io->tun_fd, p, len);
	if (n >= 0 && (size_t)n == len) {
		s->st->rx_pkts++;
		s->st->rx_bytes += len;
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
			r = session_tun_write(s, p.data, p.len);
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
			if (s->suspect)
				log_info("https: the gateway answered after "
				    "the pause");
			s->suspect = false;
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
		if (s->suspect)
			log_warn("https: no answer to a keepalive after the "
			    "pause; reconnecting");
		else
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

int64_t
session_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* PROTOCOL.md §10 for the HTTPS tunnel, from what the kernel knows of
 * our TCP connection to the gateway. */
static unsigned
session_https_mtu(const struct session *s)
{
	const struct gp_config *c = s->io->cfg;
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	unsigned base = 0, mss = 0;
	int v, fd = https_fd(s->t);

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

/* The config's MTU wins; else the transport's; never below 1280 while
 * the tunnel carries IPv6. After start, tun follows through the caller's
 * callback (SET_MTU to [priv]). */
void
session_set_mtu(struct session *s, unsigned mtu)
{
	const struct gp_config *c = s->io->cfg;
	unsigned want = c->mtu != 0 ? c->mtu : mtu;

	mtu = mtu_tunnel(c->mtu, mtu, mtu_inner_v6(c, s->io->no_ipv6));
	if (mtu == 0 || mtu == s->mtu)
		return;
	if (mtu != want)
		log_info("MTU %u (%s) raised to %u: the tunnel carries IPv6",
		    want, c->mtu != 0 ? "the gateway's" : "the transport's",
		    mtu);
	if (s->started)
		log_info("MTU %u -> %u for the %s transport", s->mtu, mtu,
		    xport_name(&s->xp));
	s->mtu = mtu;
	if (s->started && s->io->set_mtu != NULL &&
	    s->io->set_mtu(s->io->mtu_arg, mtu) == -1)
		log_warn("could not set the tun MTU to %u", mtu);
}

/* The HTTPS tunnel now: at start (no ESP, or no probe reply) and when
 * ESP died. Before start succeeded a failure ends gp-tunnel. */
int
session_https_now(struct session *s)
{
	struct gp_err e = { "" };
	int r;

	r = https_open(s->io->https, s->io->cfg, &s->t, &e);
	if (r == HTTPS_OPEN_OK) {
		session_tunnel_up(s, clock_now_ms());
		xport_https_up(&s->xp);
		session_set_mtu(s, session_https_mtu(s));
		return SESSION_GO;
	}
	if (r == HTTPS_OPEN_COOKIE_REJECTED) {
		log_err("%s", e.msg);
		return 2;
	}
	if (session_stopped(s))
		return 0;
	if (!s->started) {
		log_err("%s", e.msg);
		return 1;
	}
	log_warn("%s", e.msg);
	return SESSION_RECONNECT;
}

static int
session_timeout(const struct session *s, int64_t now)
{
	int64_t next = now + SESSION_TICK_MS;

	if (s->esp_rx_more)
		return 0;
	next = session_min(next, xport_next(&s->xp));
	if (s->t == NULL)
		return next <= now ? 0 : (int)(next - now);
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

static bool
session_esp_carries(const struct session *s)
{
	return s->xp.state == XPORT_ESP && s->udp_fd != -1 &&
	    s->sa_out != NULL;
}

/* tun -> the transport in use. */
static int
session_from_tun(struct session *s, int64_t now)
{
	int r;

	if (session_esp_carries(s))
		return session_esp_tx(s);
	if (s->t == NULL || s->tx_head != s->tx_tail)
		return SESSION_GO;
	if ((r = session_tun_read(s)) != SESSION_GO)
		return r;
	return s->tx_head != s->tx_tail ? session_flush(s, now) : SESSION_GO;
}

static int
session_after_poll(struct session *s, const struct pollfd *pfd)
{
	int64_t now = clock_now_ms();
	int r;

	if (pfd[2].revents != 0) {
		if ((r = session_ctl(s, pfd[2].revents)) != SESSION_GO)
			return r;
		session_esp_check_rekey(s, now);
	}
	if (s->udp_fd != -1 && (pfd[3].revents != 0 || s->esp_rx_more) &&
	    (r = session_esp_rx(s, now)) != SESSION_GO)
		return r;
	if (s->t != NULL && (pfd[1].revents != 0 || s->rx_more ||
	    https_pending(s->t)) && (r = session_rx(s, now)) != SESSION_GO)
		return r;
	if (pfd[0].revents != 0 && (r = session_from_tun(s, now)) !=
	    SESSION_GO)
		return r;
	if (s->t != NULL && s->tx_head != s->tx_tail)
		return session_flush(s, now);
	return SESSION_GO;
}

static void
session_poll_set(struct session *s, struct pollfd *pfd)
{
	int i;

	/* Read tun only when the transport can take it: ESP up, or the
	 * HTTPS queue empty (the back-pressure when TLS cannot take more;
	 * the kernel queue holds the rest). */
	pfd[0].fd = -1;
	if (session_esp_carries(s) || (s->t != NULL &&
	    s->tx_head == s->tx_tail))
		pfd[0].fd = s->io->tun_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = s->t != NULL ? https_fd(s->t) : -1;
	pfd[1].events = (short)(s->rx_wait | s->tx_wait);
	pfd[2].fd = s->ctl_fd;
	pfd[2].events = POLLIN;
	pfd[3].fd = s->udp_fd;
	pfd[3].events = POLLIN;
	for (i = 0; i < SESSION_POLL_FDS; i++)
		pfd[i].revents = 0;
}

/* One turn of the loop. A pause (SIGSTOP, suspend) shows as a turn that
 * starts much later than its poll() allowed: checked first, before the
 * timers take the silence it caused for a dead gateway. */
int
session_step(struct session *s)
{
	struct pollfd pfd[SESSION_POLL_FDS];
	int64_t now = clock_now_ms();
	int r, ms;

	session_pause_check(s, now);
	session_esp_check_rekey(s, now);
	if ((r = session_esp_timers(s, now)) != SESSION_GO)
		return r;
	if (s->t != NULL && (r = session_timers(s, now)) != SESSION_GO)
		return r;
	session_poll_set(s, pfd);
	ms = session_timeout(s, now);
	session_pause_mark(s, ms);
	if (poll(pfd, SESSION_POLL_FDS, ms) == -1 && errno != EINTR) {
		log_err("session: poll: %s", strerror(errno));
		return 1;
	}
	return session_after_poll(s, pfd);
}

/* Sleep before a reconnect attempt, still obeying signals and ctl. */
int
session_sleep(struct session *s, int ms)
{
	int64_t end = clock_now_ms() + ms, left;
	struct pollfd pfd;
	int n;

	while ((left = end - clock_now_ms()) > 0) {
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

struct session *
session_new(struct session_io *io, struct tunnel_stats *st)
{
	struct session *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_err("session: out of memory");
		return NULL;
	}
	s->io = io;
	s->st = st;
	s->ctl_fd = io->ctl_fd;
	s->udp_fd = -1;
	s->born = clock_now_ms();
	s->gen = io->cfg_gen != NULL ? *io->cfg_gen : 0;
	https_ctx_set_cancel(io->https, io->stop);
	xport_init(&s->xp, clock_now_ms(), false);
	return s;
}

/* ESP probes for up to 5 s, else (or without ESP) the HTTPS tunnel. */
int
session_start(struct session *s)
{
	int r = SESSION_GO;

	xport_init(&s->xp, clock_now_ms(), session_esp_setup(s));
	if (s->udp_fd != -1)
		log_info("esp: probing the gateway on UDP port %u",
		    (unsigned)s->udp_port);
	while (s->xp.state != XPORT_ESP && s->t == NULL) {
		session_maybe_dump(s);
		if (session_stopped(s))
			return 0;
		r = session_step(s);
		if (r == SESSION_RECONNECT)
			return 1;
		if (r != SESSION_GO)
			return r;
	}
	s->started = true;
	session_sync_stats(s);
	return SESSION_UP;
}

unsigned
session_mtu(const struct session *s)
{
	return s->mtu;
}

int
session_loop(struct session *s)
{
	int r = SESSION_GO;

	s->tick_mono = 0;	/* the connect script's time is no pause */
	while (r == SESSION_GO || r == SESSION_RECONNECT) {
		session_maybe_dump(s);
		if (session_stopped(s))
			r = 0;
		else if (r == SESSION_RECONNECT)
			r = session_reconnect(s);
		else
			r = session_step(s);
	}
	session_sync_stats(s);
	return r;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_drop_tunnel(s);
	session_esp_close(s);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

int
session_run(struct session_io *io, struct tunnel_stats *st)
{
	struct session *s;
	int r;

	if ((s = session_new(io, st)) == NULL) {
		https_close(io->first);
		io->first = NULL;
		return 1;
	}
	if (io->first != NULL) {
		s->t = io->first;
		io->first = NULL;
		session_tunnel_up(s, clock_now_ms());
		xport_https_up(&s->xp);
		s->started = true;
		r = session_loop(s);
	} else if ((r = session_start(s)) == SESSION_UP)
		r = session_loop(s);
	session_free(s);
	return r;
}

/* "12" seconds since the SA came in, or "-" without one. */
static const char *
session_sa_age(const struct tunnel_stats *st, char *out, size_t len)
{
	if (st->sa_since_ms == 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%" PRId64,
		    (clock_now_ms() - st->sa_since_ms) / 1000);
	return out;
}

void
session_log_stats(const struct tunnel_stats *st)
{
	const uint64_t *d = st->esp_drop;
	char age[24];

	log_info("stats: tx %" PRIu64 " packets %" PRIu64 " bytes, rx %"
	    PRIu64 " packets %" PRIu64 " bytes; transport %s, SA age %s s;"
	    " esp tx %" PRIu64 "/%" PRIu64 " rx %" PRIu64 "/%" PRIu64
	    ", probes %" PRIu64 " replies %" PRIu64 "; esp drops: "
	    "bad ICV %" PRIu64 ", replay %" PRIu64 ", bad padding %" PRIu64
	    ", wrong SPI %" PRIu64 ", too short %" PRIu64 ", bad next header %"
	    PRIu64 ", bad inner %" PRIu64 ", too large %" PRIu64 ", early %"
	    PRIu64 "; udp tx drops %" PRIu64 ", reopens %" PRIu64 "; esp "
	    "fallbacks %" PRIu64 ", deaths %" PRIu64 ", rekeys %" PRIu64
	    "; https: keepalive tx %" PRIu64 " rx %" PRIu64 ", dropped %"
	    PRIu64 " bad frames %" PRIu64 " tun full, reconnects %" PRIu64,
	    st->tx_pkts, st->tx_bytes, st->rx_pkts, st->rx_bytes,
	    st->transport[0] != '\0' ? st->transport : "none",
	    session_sa_age(st, age, sizeof(age)),
	    st->esp_tx_pkts, st->esp_tx_bytes, st->esp_rx_pkts,
	    st->esp_rx_bytes, st->probes_tx, st->probe_replies,
	    d[ESP_DROP_ICV], d[ESP_DROP_REPLAY], d[ESP_DROP_PAD],
	    d[ESP_DROP_SPI], d[ESP_DROP_SHORT], d[ESP_DROP_NEXTHDR],
	    st->esp_drop_inner, st->esp_drop_big, st->esp_drop_early,
	    st->udp_tx_drop, st->udp_reopens, st->esp_fallbacks,
	    st->esp_deaths, st->rekeys, st->keepalive_tx, st->keepalive_rx,
	    st->drop_bad_frame, st->drop_tun_full, st->reconnects);
}

void
session_set_timers(int keepalive_ms, int dead_ms)
{
	session_keepalive_ms = keepalive_ms;
	session_dead_ms = dead_ms;
}
