/* SPDX-License-Identifier: ISC */
/*
 * Inner TCP segments coalesced into one super-packet for an offloading
 * tun (see tcpcoal.h), in gp-tunnel [net]. A segment joins only when
 * everything but its sequence number and payload matches the first one
 * byte for byte; anything else is written on its own.
 */
#include <netinet/in.h>

#include <string.h>

#include "tunnel/tcpcoal.h"

#define TCP_ACK		0x10
#define TCP_PSH		0x08

void
tcpcoal_init(struct tcpcoal *c)
{
	c->len = 0;
	c->nseg = 0;
}

bool
tcpcoal_pending(const struct tcpcoal *c)
{
	return c->len != 0;
}

static uint32_t
tcpcoal_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A segment that may start or join a run: plain IPv4 (no options) or
 * IPv6 (no extension headers) TCP with data, ACK or ACK|PSH only, a
 * right checksum. */
static bool
tcpcoal_candidate(const uint8_t *p, size_t len, struct tunvnet_l4 *l4)
{
	struct gp_err e;
	uint8_t fl;

	if (tunvnet_l4_find(p, len, l4, &e) == -1 ||
	    l4->proto != IPPROTO_TCP || l4->hlen >= len)
		return false;
	if (l4->off != (l4->ipv == 4 ? 20u : 40u))
		return false;
	fl = p[l4->off + 13];
	if (fl != TCP_ACK && fl != (TCP_ACK | TCP_PSH))
		return false;
	return tunvnet_l4_csum_ok(p, len, l4);
}

/* Everything but lengths, IP ID, checksums, sequence and PSH matches
 * the held first segment. */
static bool
tcpcoal_same(const struct tcpcoal *c, const uint8_t *p,
    const struct tunvnet_l4 *l4)
{
	const uint8_t *f = c->buf + TUNVNET_HDR_BYTES;
	size_t o = l4->off;

	if (l4->ipv != c->l4.ipv || l4->hlen != c->l4.hlen)
		return false;
	if (l4->ipv == 4 && (memcmp(f, p, 2) != 0 ||
	    memcmp(f + 6, p + 6, 4) != 0 || memcmp(f + 12, p + 12, 8) != 0))
		return false;
	if (l4->ipv == 6 && (memcmp(f, p, 4) != 0 ||
	    memcmp(f + 6, p + 6, 34) != 0))
		return false;
	return memcmp(f + o, p + o, 4) == 0 &&		/* ports */
	    memcmp(f + o + 8, p + o + 8, 5) == 0 &&	/* ack, offset */
	    memcmp(f + o + 14, p + o + 14, 2) == 0 &&	/* window */
	    memcmp(f + o + 18, p + o + 18, l4->hlen - o - 18) == 0;
}

static enum tcpcoal_res
tcpcoal_start(struct tcpcoal *c, const uint8_t *p, size_t len,
    const struct tunvnet_l4 *l4)
{
	if ((p[l4->off + 13] & TCP_PSH) != 0)
		return TCPCOAL_SINGLE;	/* would end at once */
	memcpy(c->buf + TUNVNET_HDR_BYTES, p, len);
	c->len = len;
	c->l4 = *l4;
	c->mss = len - l4->hlen;
	c->nseg = 1;
	c->closed = false;
	c->next_seq = tcpcoal_rd32(p + l4->off + 4) + (uint32_t)c->mss;
	return TCPCOAL_HELD;
}

enum tcpcoal_res
tcpcoal_add(struct tcpcoal *c, const uint8_t *p, size_t len)
{
	struct tunvnet_l4 l4;
	size_t pay;

	if (!tcpcoal_candidate(p, len, &l4))
		return c->len != 0 ? TCPCOAL_FLUSH : TCPCOAL_SINGLE;
	if (c->len == 0)
		return tcpcoal_start(c, p, len, &l4);
	pay = len - l4.hlen;
	if (c->closed || c->nseg == TCPCOAL_MAX_SEGS || pay > c->mss ||
	    pay > TCPCOAL_MAX_BYTES - c->len || !tcpcoal_same(c, p, &l4) ||
	    tcpcoal_rd32(p + l4.off + 4) != c->next_seq)
		return TCPCOAL_FLUSH;
	memcpy(c->buf + TUNVNET_HDR_BYTES + c->len, p + l4.hlen, pay);
	c->len += pay;
	c->nseg++;
	c->next_seq += (uint32_t)pay;
	if (pay < c->mss || (p[l4.off + 13] & TCP_PSH) != 0) {
		c->buf[TUNVNET_HDR_BYTES + l4.off + 13] |= p[l4.off + 13];
		c->closed = true;
	}
	return TCPCOAL_HELD;
}

/* Lengths, the IPv4 header checksum, the TCP pseudo-header sum for the
 * kernel to finish (NEEDS_CSUM), and the header that says so. */
static void
tcpcoal_seal(struct tcpcoal *c)
{
	uint8_t *p = c->buf + TUNVNET_HDR_BYTES;
	struct tunvnet_hdr h;
	uint16_t v;

	memset(&h, 0, sizeof(h));
	if (c->l4.ipv == 4) {
		p[2] = (uint8_t)(c->len >> 8);
		p[3] = (uint8_t)c->len;
		memset(p + 10, 0, 2);
		v = (uint16_t)~tunvnet_fold(tunvnet_sum(0, p, c->l4.off));
		memcpy(p + 10, &v, 2);
		h.gso_type = TUNVNET_GSO_TCPV4;
	} else {
		p[4] = (uint8_t)((c->len - 40) >> 8);
		p[5] = (uint8_t)(c->len - 40);
		h.gso_type = TUNVNET_GSO_TCPV6;
	}
	v = tunvnet_fold(tunvnet_pseudo(p, &c->l4, c->len - c->l4.off));
	memcpy(p + c->l4.off + 16, &v, 2);
	h.flags = TUNVNET_F_NEEDS_CSUM;
	h.hdr_len = (uint16_t)c->l4.hlen;
	h.gso_size = (uint16_t)c->mss;
	h.csum_start = (uint16_t)c->l4.off;
	h.csum_offset = 16;
	tunvnet_hdr_put(c->buf, &h);
}

size_t
tcpcoal_finish(struct tcpcoal *c, const uint8_t **out, unsigned *segs)
{
	size_t n = c->len;

	*out = c->buf;
	*segs = c->nseg;
	if (n == 0)
		return 0;
	if (c->nseg > 1)
		tcpcoal_seal(c);
	else
		memset(c->buf, 0, TUNVNET_HDR_BYTES);
	c->len = 0;
	c->nseg = 0;
	return TUNVNET_HDR_BYTES + n;
}
