/* SPDX-License-Identifier: ISC */
/*
 * The ESP transport over an offloading tun (IFF_VNET_HDR): super-packets
 * read from tun cut into MSS-sized packets (tunvnet.c) that are sealed
 * into the send slots, and decrypted inner TCP segments and UDP datagrams
 * coalesced (coal.c) into super-packets written to tun. Runs in [net]; tun
 * bytes are checked as untrusted, decrypted ones passed esp_decrypt.
 */
#define _GNU_SOURCE	/* struct mmsghdr */

#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/session.h"
#include "tunnel/session_esp_int.h"
#include "tunnel/tun.h"

/* A tun packet that cannot be cut: dropped, logged rate-limited. */
static void
session_espvnet_bad(struct session_esp *x, const char *why)
{
	x->env->drop(x->env, why);
}

/* The plan's pieces into slots *k on; a full vector is sent first. */
static void
session_espvnet_cut(struct session_esp *x, const struct tunvnet_plan *g,
    unsigned *k)
{
	unsigned i;
	size_t n;

	for (i = 0; i < g->nseg; i++) {
		if (*k == SESSION_ESP_BATCH) {
			session_espio_flush(x, *k);
			*k = 0;
		}
		n = tunvnet_seg(g, i, session_espio_slot(x, *k) +
		    ESP_HEADROOM, SESSION_ESP_INNER_MAX);
		if (n == 0) {
			session_espvnet_bad(x, "tun: a piece does not fit");
			return;
		}
		if (session_espio_seal(x, *k, n))
			(*k)++;
	}
}

int
session_espvnet_fill(struct session_esp *x, unsigned *k)
{
	uint8_t *tv = x->vrx.arena;	/* idle while tx runs */
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	ssize_t n;

	n = tun_read_result(read(x->env->io->tun_fd, tv,
	    SESSION_ESP_TV_BYTES));
	if (n < 0)
		return (int)n;	/* TUN_READ_AGAIN -1, TUN_READ_DEAD -2 */
	if ((size_t)n < TUNVNET_HDR_BYTES ||
	    (size_t)n == SESSION_ESP_TV_BYTES) {
		session_esp_drop(x, SESSION_ESP_DROP_BIG,
		    &x->env->st->esp_drop_big);
		return 0;
	}
	tunvnet_hdr_get(&h, tv);
	if (tunvnet_plan(&g, &h, tv + TUNVNET_HDR_BYTES,
	    (size_t)n - TUNVNET_HDR_BYTES, SESSION_ESP_INNER_MAX, &e) == -1) {
		session_espvnet_bad(x, e.msg);
		return 0;
	}
	if (g.mss != 0)
		x->env->st->tun_tso++;
	session_espvnet_cut(x, &g, k);
	return 0;
}

/* A UDP super-packet refused: the kernel does not take GSO_UDP_L4 from
 * tun after all, so UDP goes one datagram per write from now on. */
static void
session_espvnet_no_udp(struct session_esp *x)
{
	if (!x->coal.udp)
		return;
	x->coal.udp = false;
	log_warnx("tun: a coalesced UDP packet refused (%s): inner UDP "
	    "written one datagram at a time from now on", strerror(errno));
}

/* write(2) of a header and packet; counted as segs packets of tun. */
static int
session_espvnet_write(struct session_esp *x, const uint8_t *b, size_t n,
    unsigned segs, size_t bytes, bool udp)
{
	struct tunnel_stats *st = x->env->st;
	ssize_t w;

	w = write(x->env->io->tun_fd, b, n);
	if (w >= 0 && (size_t)w == n) {
		st->rx_pkts += segs;
		st->rx_bytes += bytes;
		st->tun_coal += segs > 1;
		st->tun_coal_udp += segs > 1 && udp;
		return SESSION_GO;
	}
	if (w == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS || errno == EINTR)) {
		st->drop_tun_full += segs;
		return SESSION_GO;
	}
	if (w >= 0 || errno == EINVAL || errno == EIO || errno == EMSGSIZE) {
		if (udp && segs > 1 && w == -1 && errno == EINVAL)
			session_espvnet_no_udp(x);
		x->env->drop(x->env, "tun refused a coalesced packet");
		return SESSION_GO;
	}
	log_err("tun write: %s", strerror(errno));
	return 1;
}

int
session_espvnet_flush(struct session_esp *x)
{
	const uint8_t *b;
	unsigned segs;
	size_t n, hlen = x->coal.l4.hlen;
	bool udp = x->coal.l4.proto == IPPROTO_UDP;

	n = coal_finish(&x->coal, &b, &segs);
	if (n == 0)
		return SESSION_GO;
	/* The bytes the segments had on their own. */
	return session_espvnet_write(x, b, n, segs, n - TUNVNET_HDR_BYTES +
	    (size_t)(segs - 1) * hlen, udp);
}

int
session_espvnet_deliver(struct session_esp *x, const uint8_t *p,
    size_t len)
{
	enum coal_res r = coal_add(&x->coal, p, len);
	int f;

	if (r == COAL_FLUSH) {
		if ((f = session_espvnet_flush(x)) != SESSION_GO)
			return f;
		r = coal_add(&x->coal, p, len);
	}
	if (r == COAL_HELD)
		return SESSION_GO;
	return x->env->tun_write(x->env, p, len);
}
