/* SPDX-License-Identifier: ISC */
/*
 * The virtio-net header of an offloading tun (see tunvnet.h): header
 * walks, TSO/USO segmentation and checksums, in gp-tunnel [net]. Every
 * offset is checked against the packet's length before it is read.
 */
#include <netinet/in.h>

#include <string.h>

#include "tunnel/tunvnet.h"

#define TCP_HDR_MIN	20
#define TCP_HDR_MAX	60
#define UDP_HDR_BYTES	8
#define IP4_HDR_MIN	20
#define IP6_HDR_BYTES	40
#define IP6_EXT_MAX	8	/* extension headers walked at most */
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_CWR		0x80

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

void
tunvnet_hdr_get(struct tunvnet_hdr *h, const uint8_t b[TUNVNET_HDR_BYTES])
{
	h->flags = b[0];
	h->gso_type = b[1];
	memcpy(&h->hdr_len, b + 2, 2);
	memcpy(&h->gso_size, b + 4, 2);
	memcpy(&h->csum_start, b + 6, 2);
	memcpy(&h->csum_offset, b + 8, 2);
}

void
tunvnet_hdr_put(uint8_t b[TUNVNET_HDR_BYTES], const struct tunvnet_hdr *h)
{
	b[0] = h->flags;
	b[1] = h->gso_type;
	memcpy(b + 2, &h->hdr_len, 2);
	memcpy(b + 4, &h->gso_size, 2);
	memcpy(b + 6, &h->csum_start, 2);
	memcpy(b + 8, &h->csum_offset, 2);
}

uint64_t
tunvnet_sum(uint64_t sum, const uint8_t *p, size_t len)
{
	uint32_t w;

	while (len >= 4) {
		memcpy(&w, p, 4);	/* host order; folded the same */
		sum += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		sum += (uint32_t)p[0] | (uint32_t)p[1] << 8;
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += p[0];
	return sum;
}

/* Folded to 16 bits, not complemented. Words were added as loaded in
 * host order, so the result is stored back with memcpy (RFC 1071). */
uint16_t
tunvnet_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint64_t
tunvnet_pseudo(const uint8_t *p, const struct tunvnet_l4 *l4, size_t l4len)
{
	uint8_t t[4];
	uint64_t sum;

	if (l4->ipv == 4)
		sum = tunvnet_sum(0, p + 12, 8);
	else
		sum = tunvnet_sum(0, p + 8, 32);
	t[0] = 0;
	t[1] = l4->proto;
	wr16(t + 2, (uint16_t)l4len);
	if (l4->ipv == 6)
		sum = tunvnet_sum(sum, (const uint8_t *)"\0\0", 2);
	return tunvnet_sum(sum, t, 4);
}

/* IPv4: the header and protocol; not a fragment. */
static int
tunvnet_ip4(const uint8_t *p, size_t len, struct tunvnet_l4 *l4,
    struct gp_err *e)
{
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;

	if (ihl < IP4_HDR_MIN || ihl > len)
		return err_set(e, "tun: bad IPv4 header length `%zu'", ihl);
	if (rd16(p + 2) != len)
		return err_set(e, "tun: IPv4 total length `%u' is not the "
		    "packet's %zu", (unsigned)rd16(p + 2), len);
	if ((rd16(p + 6) & 0x3fff) != 0)
		return err_set(e, "tun: IPv4 fragment");
	l4->ipv = 4;
	l4->proto = p[9];
	l4->off = ihl;
	return 0;
}

/* IPv6: past hop-by-hop and destination options to the protocol. */
static int
tunvnet_ip6(const uint8_t *p, size_t len, struct tunvnet_l4 *l4,
    struct gp_err *e)
{
	size_t off = IP6_HDR_BYTES;
	uint8_t nh = p[6];
	unsigned i;

	if (len < IP6_HDR_BYTES || rd16(p + 4) != len - IP6_HDR_BYTES)
		return err_set(e, "tun: IPv6 payload length `%u' is not the "
		    "packet's", len < IP6_HDR_BYTES ? 0 :
		    (unsigned)rd16(p + 4));
	for (i = 0; nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS; i++) {
		if (i == IP6_EXT_MAX || len - off < 8)
			return err_set(e, "tun: IPv6 extension header `%u' "
			    "truncated or too many", (unsigned)nh);
		nh = p[off];
		off += ((size_t)p[off + 1] + 1) * 8;
		if (off > len)
			return err_set(e, "tun: IPv6 extension header "
			    "beyond the packet");
	}
	l4->ipv = 6;
	l4->proto = nh;
	l4->off = off;
	return 0;
}

int
tunvnet_l4_find(const uint8_t *p, size_t len, struct tunvnet_l4 *l4,
    struct gp_err *e)
{
	size_t th;

	memset(l4, 0, sizeof(*l4));
	if (len < IP4_HDR_MIN)
		return err_set(e, "tun: packet of `%zu' bytes", len);
	if (p[0] >> 4 == 4 ? tunvnet_ip4(p, len, l4, e) == -1 :
	    p[0] >> 4 == 6 ? tunvnet_ip6(p, len, l4, e) == -1 :
	    err_set(e, "tun: IP version `%u'", (unsigned)(p[0] >> 4)) == -1)
		return -1;
	if (l4->proto == IPPROTO_UDP) {
		if (len - l4->off < UDP_HDR_BYTES)
			return err_set(e, "tun: UDP header truncated");
		l4->hlen = l4->off + UDP_HDR_BYTES;
		return 0;
	}
	if (l4->proto != IPPROTO_TCP)
		return err_set(e, "tun: protocol `%u' is not TCP or UDP",
		    (unsigned)l4->proto);
	if (len - l4->off < TCP_HDR_MIN)
		return err_set(e, "tun: TCP header truncated");
	th = (size_t)(p[l4->off + 12] >> 4) * 4;
	if (th < TCP_HDR_MIN || th > len - l4->off)
		return err_set(e, "tun: bad TCP header length `%zu'", th);
	l4->hlen = l4->off + th;
	return 0;
}

bool
tunvnet_l4_csum_ok(const uint8_t *p, size_t len, const struct tunvnet_l4 *l4)
{
	uint64_t sum = tunvnet_pseudo(p, l4, len - l4->off);

	sum = tunvnet_sum(sum, p + l4->off, len - l4->off);
	return tunvnet_fold(sum) == 0xffff;
}

/* A non-GSO packet with NEEDS_CSUM: the field holds the pseudo-header
 * sum; the sum from csum_start to the end, complemented, goes there. */
static int
tunvnet_csum_finish(const struct tunvnet_hdr *h, uint8_t *p, size_t len,
    struct gp_err *e)
{
	size_t at = (size_t)h->csum_start + h->csum_offset;
	uint16_t c;

	if (len < 2 || h->csum_start >= len || at > len - 2 ||
	    h->csum_offset % 2 != 0)
		return err_set(e, "tun: csum_start `%u' offset `%u' beyond "
		    "the packet's %zu bytes", (unsigned)h->csum_start,
		    (unsigned)h->csum_offset, len);
	c = (uint16_t)~tunvnet_fold(tunvnet_sum(0, p + h->csum_start,
	    len - h->csum_start));
	memcpy(p + at, &c, 2);
	return 0;
}

/* A GSO packet: the type agrees with the headers, and the pieces fit. */
static int
tunvnet_plan_gso(struct tunvnet_plan *g, const struct tunvnet_hdr *h,
    size_t segmax, struct gp_err *e)
{
	uint8_t type = h->gso_type & (uint8_t)~TUNVNET_GSO_ECN;
	size_t pay;

	if (tunvnet_l4_find(g->p, g->len, &g->l4, e) == -1)
		return -1;
	if (!((type == TUNVNET_GSO_TCPV4 && g->l4.ipv == 4 &&
	    g->l4.proto == IPPROTO_TCP) || (type == TUNVNET_GSO_TCPV6 &&
	    g->l4.ipv == 6 && g->l4.proto == IPPROTO_TCP) ||
	    (type == TUNVNET_GSO_UDP_L4 && g->l4.proto == IPPROTO_UDP)))
		return err_set(e, "tun: gso_type `%u' does not match the "
		    "packet", (unsigned)h->gso_type);
	if ((h->flags & TUNVNET_F_NEEDS_CSUM) != 0 &&
	    h->csum_start != g->l4.off)
		return err_set(e, "tun: csum_start `%u' is not the transport "
		    "header's %zu", (unsigned)h->csum_start, g->l4.off);
	pay = g->len - g->l4.hlen;
	g->mss = h->gso_size;
	if (g->mss == 0 || g->mss > segmax || g->l4.hlen > segmax - g->mss)
		return err_set(e, "tun: gso_size `%u' with %zu header bytes",
		    (unsigned)h->gso_size, g->l4.hlen);
	if (pay == 0 || (pay + g->mss - 1) / g->mss > TUNVNET_MAX_SEGS)
		return err_set(e, "tun: %zu bytes in gso_size `%u' pieces",
		    pay, (unsigned)h->gso_size);
	g->nseg = (unsigned)((pay + g->mss - 1) / g->mss);
	return 0;
}

int
tunvnet_plan(struct tunvnet_plan *g, const struct tunvnet_hdr *h,
    uint8_t *p, size_t len, size_t segmax, struct gp_err *e)
{
	memset(g, 0, sizeof(*g));
	g->p = p;
	g->len = len;
	g->nseg = 1;
	if (h->gso_type != TUNVNET_GSO_NONE)
		return tunvnet_plan_gso(g, h, segmax, e);
	if (len == 0 || len > segmax)
		return err_set(e, "tun: packet of `%zu' bytes", len);
	if ((h->flags & TUNVNET_F_NEEDS_CSUM) != 0)
		return tunvnet_csum_finish(h, p, len, e);
	return 0;
}

/* The IP header of a piece of plen payload bytes, the i-th. */
static void
tunvnet_seg_ip(const struct tunvnet_plan *g, unsigned i, uint8_t *out,
    size_t n)
{
	uint16_t c;

	if (g->l4.ipv == 6) {
		wr16(out + 4, (uint16_t)(n - IP6_HDR_BYTES));
		return;
	}
	wr16(out + 2, (uint16_t)n);
	wr16(out + 4, (uint16_t)(rd16(g->p + 4) + i));
	memset(out + 10, 0, 2);
	c = (uint16_t)~tunvnet_fold(tunvnet_sum(0, out, g->l4.off));
	memcpy(out + 10, &c, 2);
}

/* The TCP/UDP header and checksum of the i-th piece. */
static void
tunvnet_seg_l4(const struct tunvnet_plan *g, unsigned i, uint8_t *out,
    size_t n)
{
	uint8_t *t = out + g->l4.off;
	size_t at = g->l4.proto == IPPROTO_TCP ? 16 : 6;
	uint16_t c;

	if (g->l4.proto == IPPROTO_TCP) {
		wr32(t + 4, rd32(g->p + g->l4.off + 4) +
		    (uint32_t)((size_t)i * g->mss));
		if (i + 1 != g->nseg)
			t[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (i != 0)
			t[13] &= (uint8_t)~TCP_CWR;
	} else
		wr16(t + 4, (uint16_t)(n - g->l4.off));
	memset(t + at, 0, 2);
	c = (uint16_t)~tunvnet_fold(tunvnet_sum(tunvnet_pseudo(out, &g->l4,
	    n - g->l4.off), t, n - g->l4.off));
	if (c == 0 && g->l4.proto == IPPROTO_UDP)
		c = 0xffff;
	memcpy(t + at, &c, 2);
}

size_t
tunvnet_seg(const struct tunvnet_plan *g, unsigned i, uint8_t *out,
    size_t cap)
{
	size_t pay, from, n;

	if (g->mss == 0)	/* as it is */
		return i == 0 && g->len <= cap ?
		    (memcpy(out, g->p, g->len), g->len) : 0;
	pay = g->len - g->l4.hlen;
	from = (size_t)i * g->mss;
	if (i >= g->nseg || from >= pay)
		return 0;
	n = g->l4.hlen + (pay - from < g->mss ? pay - from : g->mss);
	if (n > cap)
		return 0;
	memcpy(out, g->p, g->l4.hlen);
	memcpy(out + g->l4.hlen, g->p + g->l4.hlen + from, n - g->l4.hlen);
	tunvnet_seg_ip(g, i, out, n);
	tunvnet_seg_l4(g, i, out, n);
	return n;
}
