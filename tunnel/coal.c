/* SPDX-License-Identifier: ISC */
/*
 * Inner TCP segments and UDP datagrams coalesced into one super-packet
 * for an offloading tun (see coal.h), in gp-tunnel [net]. A packet joins
 * only when everything but its lengths, IP ID, checksums, TCP sequence
 * number and payload matches the first one byte for byte; anything else
 * is written on its own.
 */
#include <netinet/in.h>

#include <string.h>

#include "tunnel/coal.h"

#define TCP_ACK		0x10
#define TCP_PSH		0x08

void
coal_init(struct coal *c, bool udp)
{
	c->udp = udp;
	c->len = 0;
	c->nseg = 0;
}

bool
coal_pending(const struct coal *c)
{
	return c->len != 0;
}

static uint32_t
coal_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* TCP with data, ACK or ACK|PSH only. */
static bool
coal_tcp_ok(const uint8_t *p, const struct tunvnet_l4 *l4)
{
	uint8_t fl = p[l4->off + 13];

	return fl == TCP_ACK || fl == (TCP_ACK | TCP_PSH);
}

/* UDP whose length field covers the IP payload exactly (trailing bytes
 * would become data once joined) and that has a checksum: an IPv4
 * datagram sent without one would leave with one per piece. */
static bool
coal_udp_ok(const uint8_t *p, size_t len, const struct tunvnet_l4 *l4)
{
	const uint8_t *u = p + l4->off;

	return ((size_t)u[4] << 8 | u[5]) == len - l4->off &&
	    (u[6] | u[7]) != 0;
}

/* A packet that may start or join a run: plain IPv4 (no options) or
 * IPv6 (no extension headers), TCP or (if the tun takes it) UDP, with
 * data and a right checksum. */
static bool
coal_candidate(const struct coal *c, const uint8_t *p, size_t len,
    struct tunvnet_l4 *l4)
{
	struct gp_err e;

	if (tunvnet_l4_find(p, len, l4, &e) == -1 || l4->hlen >= len)
		return false;
	if (l4->off != (l4->ipv == 4 ? 20u : 40u))
		return false;
	if (l4->proto == IPPROTO_TCP) {
		if (!coal_tcp_ok(p, l4))
			return false;
	} else if (!c->udp || !coal_udp_ok(p, len, l4))
		return false;
	return tunvnet_l4_csum_ok(p, len, l4);
}

/* Everything but lengths, IP ID, checksums, sequence and PSH matches
 * the held first packet. */
static bool
coal_same(const struct coal *c, const uint8_t *p,
    const struct tunvnet_l4 *l4)
{
	const uint8_t *f = c->buf + TUNVNET_HDR_BYTES;
	size_t o = l4->off;

	if (l4->ipv != c->l4.ipv || l4->proto != c->l4.proto ||
	    l4->hlen != c->l4.hlen)
		return false;
	if (l4->ipv == 4 && (memcmp(f, p, 2) != 0 ||
	    memcmp(f + 6, p + 6, 4) != 0 || memcmp(f + 12, p + 12, 8) != 0))
		return false;
	if (l4->ipv == 6 && (memcmp(f, p, 4) != 0 ||
	    memcmp(f + 6, p + 6, 34) != 0))
		return false;
	if (memcmp(f + o, p + o, 4) != 0)		/* ports */
		return false;
	if (l4->proto == IPPROTO_UDP)
		return true;
	return memcmp(f + o + 8, p + o + 8, 5) == 0 &&	/* ack, offset */
	    memcmp(f + o + 14, p + o + 14, 2) == 0 &&	/* window */
	    memcmp(f + o + 18, p + o + 18, l4->hlen - o - 18) == 0;
}

static enum coal_res
coal_start(struct coal *c, const uint8_t *p, size_t len,
    const struct tunvnet_l4 *l4)
{
	bool tcp = l4->proto == IPPROTO_TCP;

	if (tcp && (p[l4->off + 13] & TCP_PSH) != 0)
		return COAL_SINGLE;	/* would end at once */
	memcpy(c->buf + TUNVNET_HDR_BYTES, p, len);
	c->len = len;
	c->l4 = *l4;
	c->mss = len - l4->hlen;
	c->nseg = 1;
	c->closed = false;
	c->next_seq = tcp ?
	    coal_rd32(p + l4->off + 4) + (uint32_t)c->mss : 0;
	return COAL_HELD;
}

/* Whether a candidate may join the held run. */
static bool
coal_joins(const struct coal *c, const uint8_t *p,
    const struct tunvnet_l4 *l4, size_t pay)
{
	if (c->closed || c->nseg == COAL_MAX_SEGS || pay > c->mss ||
	    pay > COAL_MAX_BYTES - c->len || !coal_same(c, p, l4))
		return false;
	return l4->proto != IPPROTO_TCP ||
	    coal_rd32(p + l4->off + 4) == c->next_seq;
}

enum coal_res
coal_add(struct coal *c, const uint8_t *p, size_t len)
{
	struct tunvnet_l4 l4;
	size_t pay;
	bool psh;

	if (!coal_candidate(c, p, len, &l4))
		return c->len != 0 ? COAL_FLUSH : COAL_SINGLE;
	if (c->len == 0)
		return coal_start(c, p, len, &l4);
	pay = len - l4.hlen;
	if (!coal_joins(c, p, &l4, pay))
		return COAL_FLUSH;
	memcpy(c->buf + TUNVNET_HDR_BYTES + c->len, p + l4.hlen, pay);
	c->len += pay;
	c->nseg++;
	c->next_seq += (uint32_t)pay;
	psh = l4.proto == IPPROTO_TCP && (p[l4.off + 13] & TCP_PSH) != 0;
	if (psh)
		c->buf[TUNVNET_HDR_BYTES + l4.off + 13] |= TCP_PSH;
	if (pay < c->mss || psh)
		c->closed = true;
	return COAL_HELD;
}

/* Lengths, the IPv4 header checksum, the TCP/UDP pseudo-header sum over
 * the whole length for the kernel to finish and adjust per piece
 * (NEEDS_CSUM), and the header that says so. */
static void
coal_seal(struct coal *c)
{
	uint8_t *p = c->buf + TUNVNET_HDR_BYTES;
	size_t o = c->l4.off, l4len = c->len - o;
	bool udp = c->l4.proto == IPPROTO_UDP;
	struct tunvnet_hdr h;
	uint16_t v;

	memset(&h, 0, sizeof(h));
	if (c->l4.ipv == 4) {
		p[2] = (uint8_t)(c->len >> 8);
		p[3] = (uint8_t)c->len;
		memset(p + 10, 0, 2);
		v = (uint16_t)~tunvnet_fold(tunvnet_sum(0, p, o));
		memcpy(p + 10, &v, 2);
		h.gso_type = TUNVNET_GSO_TCPV4;
	} else {
		p[4] = (uint8_t)(l4len >> 8);
		p[5] = (uint8_t)l4len;
		h.gso_type = TUNVNET_GSO_TCPV6;
	}
	if (udp) {
		p[o + 4] = (uint8_t)(l4len >> 8);
		p[o + 5] = (uint8_t)l4len;
		h.gso_type = TUNVNET_GSO_UDP_L4;
	}
	h.csum_offset = udp ? 6 : 16;
	v = tunvnet_fold(tunvnet_pseudo(p, &c->l4, l4len));
	memcpy(p + o + h.csum_offset, &v, 2);
	h.flags = TUNVNET_F_NEEDS_CSUM;
	h.hdr_len = (uint16_t)c->l4.hlen;
	h.gso_size = (uint16_t)c->mss;
	h.csum_start = (uint16_t)o;
	tunvnet_hdr_put(c->buf, &h);
}

size_t
coal_finish(struct coal *c, const uint8_t **out, unsigned *segs)
{
	size_t n = c->len;

	*out = c->buf;
	*segs = c->nseg;
	if (n == 0)
		return 0;
	if (c->nseg > 1)
		coal_seal(c);
	else
		memset(c->buf, 0, TUNVNET_HDR_BYTES);
	c->len = 0;
	c->nseg = 0;
	return TUNVNET_HDR_BYTES + n;
}
