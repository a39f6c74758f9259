/* SPDX-License-Identifier: ISC */
/*
 * The ESP transport's I/O (PROTOCOL.md §7): datagrams in by recvmmsg
 * (runs of them split after UDP_GRO, espgro.c), tun packets out
 * encrypted in place and sent by UDP_SEGMENT runs (espgso.c) or
 * sendmmsg, over a fixed buffer pool;
 * and magic-ping probes. Runs in [net]; datagrams are
 * untrusted: only what passes esp_decrypt and an IP header check reaches
 * tun, and probe replies never do.
 */
#define _GNU_SOURCE	/* recvmmsg, sendmmsg */

#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/espgso.h"
#include "tunnel/ipecn.h"
#include "tunnel/session.h"
#include "tunnel/session_esp_int.h"
#include "tunnel/transport.h"
#include "tunnel/tun.h"

/* One datagram, no retry: UDP may lose it anyway. */
static void
session_espio_send1(struct session_esp *x, const uint8_t *p, size_t len)
{
	if (send(x->udp_fd, p, len, MSG_DONTWAIT) == (ssize_t)len)
		return;
	x->env->st->udp_tx_drop++;
	if (errno == ECONNREFUSED)
		session_esp_refused(x);
}

void
session_espio_probe(struct session_esp *x)
{
	size_t out;

	if (x->sa_out == NULL || x->udp_fd == -1)
		return;
	out = espstart_probe(x->env->io->cfg, x->sa_out, x->probe_seq,
	    x->probe, sizeof(x->probe));
	if (out == 0) {
		log_warnx("esp: cannot build probe %u", (unsigned)x->probe_seq);
		return;
	}
	log_trace("esp: probe %u", (unsigned)x->probe_seq);
	x->probe_seq++;
	x->env->st->probes_tx++;
	session_espio_send1(x, x->probe, out);
}

/* The SA for this datagram's SPI: the new one, or the old one inside the
 * grace window. */
static struct esp_sa *
session_espio_pick(struct session_esp *x, const uint8_t *d, size_t len)
{
	struct buf b;
	uint32_t spi;

	buf_view(&b, d, len);
	if (x->sa_in_old != NULL && buf_get_u32(&b, &spi) == 0 &&
	    spi != esp_sa_spi(x->sa_in) && spi == esp_sa_spi(x->sa_in_old))
		return x->sa_in_old;
	return x->sa_in;
}

static int
session_espio_decrypt(struct session_esp *x, uint8_t *d, size_t len,
    size_t *off, size_t *ilen)
{
	struct esp_sa *sa = session_espio_pick(x, d, len), *old = x->sa_in_old;
	enum esp_drop why, why_old;

	if (esp_decrypt(sa, d, len, off, ilen, &why) == 0)
		return 0;
	/* Both configs with the same inbound SPI: the ICV tells them
	 * apart, and a failed ICV check leaves the datagram as it was. */
	if (why == ESP_DROP_ICV && sa == x->sa_in && old != NULL &&
	    esp_sa_spi(old) == esp_sa_spi(sa) &&
	    esp_decrypt(old, d, len, off, ilen, &why_old) == 0)
		return 0;
	session_esp_drop(x, why, &x->env->st->esp_drop[why]);
	return -1;
}

/* A good datagram: tell the loop; a probe reply may bring ESP up. */
static void
session_espio_heard(struct session_esp *x, bool reply, int64_t now)
{
	struct transport_env *env = x->env;

	if (env->event(env, reply ? TRANSPORT_EV_RX_REPLY : TRANSPORT_EV_RX,
	    now) != 1)
		return;
	log_info("esp: tunnel up (SPI out 0x%08" PRIx32 ", in 0x%08"
	    PRIx32 ")", esp_sa_spi(x->sa_out), esp_sa_spi(x->sa_in));
	(void)env->event(env, TRANSPORT_EV_UP, now);
}

/*
 * CoDel's verdict on a decrypted data packet that waited sojourn ns in
 * the socket (-1: unknown): false if it is dropped. Deciding after
 * esp_decrypt costs one decryption per drop, a few per interval against
 * ~10^5 datagrams a second, and buys two things: an ECN-capable packet
 * is marked CE rather than lost (RFC 8289 §5.7, RFC 3168), and probe
 * replies, recognised before this, are never dropped on purpose, so DPD
 * and the probing never see an AQM loss.
 */
static bool
session_espio_aqm(struct session_esp *x, uint8_t *p, size_t len,
    int64_t sojourn)
{
	struct tunnel_stats *st = x->env->st;

	if (!rxaqm_should_drop(&x->codel, sojourn, x->rx_mono_ns))
		return true;
	if (ipecn_mark_ce(p, len)) {
		st->aqm_mark++;
		return true;
	}
	st->aqm_drop++;
	return false;
}

/* One datagram from the gateway, which waited sojourn ns (-1: unknown). */
static int
session_espio_in(struct session_esp *x, uint8_t *d, size_t len, int flags,
    int64_t sojourn, int64_t now)
{
	struct tunnel_stats *st = x->env->st;
	const uint8_t *p;
	size_t off, ilen;
	bool reply;

	if ((flags & MSG_TRUNC) != 0) {
		session_esp_drop(x, SESSION_ESP_DROP_BIG, &st->esp_drop_big);
		return SESSION_GO;
	}
	if (x->sa_in == NULL || session_espio_decrypt(x, d, len, &off,
	    &ilen) == -1)
		return SESSION_GO;
	p = d + off;
	if (!xport_inner_ok(p, ilen)) {
		session_esp_drop(x, SESSION_ESP_DROP_INNER,
		    &st->esp_drop_inner);
		return SESSION_GO;
	}
	reply = magic_is_reply(x->env->io->cfg, p, ilen);
	session_espio_heard(x, reply, now);
	if (reply) {
		st->probe_replies++;
		return SESSION_GO;
	}
	if (x->env->io->tun_fd == -1) {
		session_esp_drop(x, SESSION_ESP_DROP_EARLY,
		    &st->esp_drop_early);
		return SESSION_GO;
	}
	if (!session_espio_aqm(x, d + off, ilen, sojourn))
		return SESSION_GO;
	st->esp_rx_pkts++;
	st->esp_rx_bytes += ilen;
	if (tun_vnet())
		return session_espvnet_deliver(x, p, ilen);
	return x->env->tun_write(x->env, p, ilen);
}

static void
session_espio_point(struct session_esp_vec *v, unsigned i, uint8_t *d,
    size_t len)
{
	v->iov[i].iov_base = d;
	v->iov[i].iov_len = len;
	memset(&v->msg[i].msg_hdr, 0, sizeof(v->msg[i].msg_hdr));
	v->msg[i].msg_hdr.msg_iov = &v->iov[i];
	v->msg[i].msg_hdr.msg_iovlen = 1;
	v->msg[i].msg_len = 0;
}

_Static_assert(SESSION_ESP_GRO_SLOTS * (size_t)ESPGRO_MAX_BYTES <=
    SESSION_ESP_RX_ARENA, "the rx arena holds the GRO slots");
_Static_assert(SESSION_ESP_TV_BYTES <= SESSION_ESP_RX_ARENA,
    "the rx arena holds a tun super-packet");

/*
 * Slot k-1 was sealed (its iov set) in this batch, so by induction slot
 * k begins at most k strides in: a whole stride, SESSION_ESP_SLOT_BYTES
 * or more, is left for it.
 */
uint8_t *
session_espio_slot(struct session_esp *x, unsigned k)
{
	struct session_esp_vec *v = &x->vtx;
	size_t off = 0;

	if (k > 0)
		off = (size_t)((uint8_t *)v->iov[k - 1].iov_base - v->arena) +
		    v->iov[k - 1].iov_len;
	off = (off + SESSION_ESP_ALIGN - 1) &
	    ~(size_t)(SESSION_ESP_ALIGN - 1);
	return v->arena + off;
}

/* Point the receive vector at the arena: n slots of size bytes each,
 * each with room for a UDP_GRO cmsg and a receive stamp. */
static void
session_espio_rxpoint(struct session_esp_rxvec *v, unsigned n, size_t size)
{
	struct msghdr *h;
	unsigned i;

	for (i = 0; i < n; i++) {
		v->iov[i].iov_base = v->arena + (size_t)i * size;
		v->iov[i].iov_len = size;
		h = &v->msg[i].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_iov = &v->iov[i];
		h->msg_iovlen = 1;
		h->msg_control = v->ctl[i];
		h->msg_controllen = sizeof(v->ctl[i]);
		v->msg[i].msg_len = 0;
	}
}

/* One received buffer: a datagram, or with UDP_GRO a run of them, which
 * share one stamp; each datagram of a run is a drop candidate of its
 * own, so the AQM drops one inner packet, not the run. */
static int
session_espio_super(struct session_esp *x, unsigned i, int64_t now,
    unsigned *dgrams)
{
	struct mmsghdr *m = &x->vrx.msg[i];
	struct espgro_iter it;
	uint8_t *d;
	size_t len, seg;
	int64_t sojourn = -1;
	int r;

	if ((m->msg_hdr.msg_flags & MSG_TRUNC) != 0)
		return session_espio_in(x, NULL, 0, MSG_TRUNC, -1, now);
	if (x->aqm)
		sojourn = rxaqm_sojourn(rxaqm_stamp(&m->msg_hdr),
		    x->rx_real_ns);
	seg = espgro_segsize(&m->msg_hdr);
	if (seg != 0 && seg < m->msg_len)
		x->env->st->esp_rx_gro++;
	espgro_begin(&it, m->msg_hdr.msg_iov->iov_base, m->msg_len, seg);
	while (espgro_next(&it, &d, &len)) {
		(*dgrams)++;
		r = session_espio_in(x, d, len, 0, sojourn, now);
		if (r != SESSION_GO || x->udp_fd == -1)
			return r;
	}
	return SESSION_GO;
}

/* When the batch was read, once for all of it: every datagram in it
 * left the socket's queue with the one recvmmsg. (vDSO reads, else
 * clock_gettime, which [net]'s filter allows; a failure leaves -1, which
 * makes no decision.) */
static void
session_espio_clocks(struct session_esp *x)
{
	x->rx_real_ns = clock_ns(CLOCK_REALTIME);
	x->rx_mono_ns = clock_ns(CLOCK_MONOTONIC);
	if (x->rx_mono_ns == -1)
		x->rx_real_ns = -1;	/* no CoDel timers: no decision */
}

/* Up to a batch of buffers, their datagrams counted into *dgrams; a
 * full batch means come back at once. */
static int
session_espio_recv1(struct session_esp *x, int64_t now, unsigned *dgrams)
{
	unsigned i, k = x->gro ? SESSION_ESP_GRO_SLOTS : SESSION_ESP_BATCH;
	int n, r;

	x->rx_more = false;
	session_espio_rxpoint(&x->vrx, k, x->gro ? ESPGRO_MAX_BYTES :
	    SESSION_ESP_SLOT_BYTES);
	n = recvmmsg(x->udp_fd, x->vrx.msg, k, MSG_DONTWAIT, NULL);
	if (n == -1) {
		if (errno == ECONNREFUSED)
			session_esp_refused(x);
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)	/* ICMP errors: DPD decides */
			log_debug("esp: recvmmsg: %s", strerror(errno));
		return SESSION_GO;
	}
	if (x->aqm)
		session_espio_clocks(x);
	for (i = 0; i < (unsigned)n; i++) {
		r = session_espio_super(x, i, now, dgrams);
		if (r != SESSION_GO || x->udp_fd == -1)
			return r;
	}
	x->rx_more = (unsigned)n == k;
	return SESSION_GO;
}

/*
 * Batches while they come back full, up to SESSION_ESP_BATCH datagrams
 * in all, as one batch of single datagrams holds: with UDP_GRO a batch
 * is 2 buffers, which hold 2 datagrams when the sender's were not
 * coalesced (a veth, a NIC without GRO), and a poll() and the loop's
 * timers every 2 datagrams took a fifth of [net]'s time in a 64-byte
 * flood (BENCH_PERF=1 make bench, pps64-rx: poll's own symbols 8 %, and
 * the syscall entry and exit 20 % -> 14 % without them). Then what was
 * held to coalesce goes to tun, once the socket is drained: a full batch
 * comes back at once (rx_more), and a run split across batches is still
 * one super-packet.
 */
static int
session_espio_recv(struct session_esp *x, int64_t now)
{
	unsigned dgrams = 0;
	int r, r2;

	do
		r = session_espio_recv1(x, now, &dgrams);
	while (r == SESSION_GO && x->rx_more && x->udp_fd != -1 &&
	    dgrams < SESSION_ESP_BATCH);

	if (!coal_pending(&x->coal) || (r == SESSION_GO && x->rx_more))
		return r;
	r2 = session_espvnet_flush(x);
	return r != SESSION_GO ? r : r2;
}

int
session_espio_rx(void *t, const struct pollfd *pfd, int64_t now)
{
	struct session_esp *x = t;

	if (x->udp_fd != -1 && (pfd[0].revents != 0 || x->rx_more))
		return session_espio_recv(x, now);
	if (coal_pending(&x->coal))	/* the socket went meanwhile */
		return session_espvnet_flush(x);
	return SESSION_GO;
}

/* Datagrams from..k-1 by sendmmsg: how many went, or -1 (errno). */
static int
session_espio_mmsg(struct session_esp *x, unsigned from, unsigned k)
{
	return sendmmsg(x->udp_fd, x->vtx.msg + from, k - from,
	    MSG_DONTWAIT);
}

/* A run from `from` in one UDP_SEGMENT sendmsg; on a refusal other than
 * a full socket, the run by sendmmsg (and, if the kernel cannot do it
 * at all, sendmmsg from now on). How many went, or -1 (errno). */
static int
session_espio_gso(struct session_esp *x, unsigned from, unsigned k)
{
	struct session_esp_vec *v = &x->vtx;
	size_t run = espgso_run(v->iov, k, from);
	int e;

	if (espgso_send(x->udp_fd, &v->iov[from], run) >= 0) {
		x->env->st->esp_tx_gso += run > 1;
		return (int)run;
	}
	e = errno;
	if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS ||
	    e == ECONNREFUSED || e == EINTR)
		return -1;
	if (espgso_unsupported(e)) {
		log_info("esp: UDP_SEGMENT refused (%s): sendmmsg",
		    strerror(e));
		x->gso = false;
	}
	return sendmmsg(x->udp_fd, v->msg + from, (unsigned)run,
	    MSG_DONTWAIT);
}

/* Send the encrypted vector; what the socket cannot take is lost. */
static void
session_espio_send(struct session_esp *x, unsigned k)
{
	struct session_esp_vec *v = &x->vtx;
	struct tunnel_stats *st = x->env->st;
	unsigned sent = 0, i;
	int n;

	while (sent < k) {
		n = x->gso ? session_espio_gso(x, sent, k) :
		    session_espio_mmsg(x, sent, k);
		if (n > 0) {
			for (i = sent; i < sent + (unsigned)n; i++) {
				st->esp_tx_pkts++;
				st->esp_tx_bytes += v->inner[i];
			}
			sent += (unsigned)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		st->udp_tx_drop += k - sent;
		if (n == -1 && errno == ECONNREFUSED)
			session_esp_refused(x);
		return;
	}
}

/* Encrypt slot k's packet of n bytes in place; false: dropped. */
bool
session_espio_seal(struct session_esp *x, unsigned k, size_t n)
{
	struct session_esp_vec *v = &x->vtx;
	struct transport_env *env = x->env;
	uint8_t *d = session_espio_slot(x, k);
	size_t out;

	if (esp_encrypt(x->sa_out, d, SESSION_ESP_SLOT_BYTES, n,
	    &out) == -1) {
		env->drop(env, "esp: cannot encrypt a tun packet");
		if (esp_sa_exhausted(x->sa_out))
			(void)env->event(env, TRANSPORT_EV_EXHAUSTED, 0);
		return false;
	}
	session_espio_point(v, k, d, out);
	v->inner[k] = n;
	env->st->tx_pkts++;
	env->st->tx_bytes += (uint64_t)n;
	return true;
}

/* Read one packet from tun into slot k and encrypt it in place.
 * 1: ready, 0: dropped, -1: tun empty, -2: tun failed (exit 1). */
static int
session_espio_fill(struct session_esp *x, unsigned k)
{
	ssize_t n;

	n = tun_read_result(read(x->env->io->tun_fd,
	    session_espio_slot(x, k) + ESP_HEADROOM,
	    SESSION_ESP_INNER_MAX + 1));
	if (n < 0)
		return (int)n;	/* TUN_READ_AGAIN -1, TUN_READ_DEAD -2 */
	if ((size_t)n > SESSION_ESP_INNER_MAX) {
		session_esp_drop(x, SESSION_ESP_DROP_BIG,
		    &x->env->st->esp_drop_big);
		return 0;
	}
	return session_espio_seal(x, k, (size_t)n) ? 1 : 0;
}

/* Send slots 0..k-1. */
void
session_espio_flush(struct session_esp *x, unsigned k)
{
	if (k > 0 && x->udp_fd != -1)
		session_espio_send(x, k);
	else if (k > 0)
		x->env->st->udp_tx_drop += k;	/* the reopen failed */
}

/*
 * Up to a batch of packets from tun (with offloads: of super-packets,
 * cut), encrypted in place, sent in UDP_SEGMENT runs or by sendmmsg.
 * A turn stops reading tun past SESSION_ESP_TX_BUDGET datagrams: one
 * offloaded read may make 45, and what came in meanwhile (an echo
 * reply, the ACKs of an upload) waits for the turn to end.
 */
int
session_espio_tx(void *t, int64_t now, bool tun)
{
	struct session_esp *x = t;
	struct tunnel_stats *st = x->env->st;
	uint64_t first = st->tx_pkts;
	bool vnet = tun_vnet();
	unsigned i, k = 0;
	int r = 0;

	(void)now;
	if (!tun)
		return SESSION_GO;
	if (vnet)
		(void)tun_offload(x->env->io->tun_fd, true);
	for (i = 0; i < SESSION_ESP_BATCH; i++) {
		if (st->tx_pkts - first >= SESSION_ESP_TX_BUDGET)
			break;
		if (vnet)
			r = session_espvnet_fill(x, &k);
		else if ((r = session_espio_fill(x, k)) > 0)
			k += (unsigned)r;
		if (r < 0)
			break;
	}
	session_espio_flush(x, k);
	if (st->tx_pkts - first > st->tx_turn_max)
		st->tx_turn_max = st->tx_pkts - first;
	return r == -2 ? 1 : SESSION_GO;
}
