/* SPDX-License-Identifier: ISC */
/*
 * tunoff (see tunoff.h): TSO segmentation of what bench/esppeer reads
 * from its tun and coalescing of what it writes, in the benchmark's ESP
 * peer. Every length is checked against the buffer before it is used;
 * packets that do not fit the simple IPv4 TCP cases are left alone.
 */
#include <arpa/inet.h>
#include <string.h>

#include "bench/tunoff.h"

#define TUNOFF_IP_TCP		6
#define TUNOFF_TCP_FIN		0x01
#define TUNOFF_TCP_PSH		0x08
#define TUNOFF_TCP_ACK		0x10
#define TUNOFF_TCP_CWR		0x80

static uint16_t
tunoff_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
tunoff_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t
tunoff_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
tunoff_put32(uint8_t *p, uint32_t v)
{
	tunoff_put16(p, (uint16_t)(v >> 16));
	tunoff_put16(p + 2, (uint16_t)v);
}

/* One's complement sum in network order (RFC 1071), unfolded. */
static uint64_t
tunoff_sum(const uint8_t *p, size_t n, uint64_t s)
{
	while (n >= 4) {
		s += tunoff_get32(p);
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		s += tunoff_get16(p);
		p += 2;
		n -= 2;
	}
	if (n == 1)
		s += (uint64_t)p[0] << 8;
	return s;
}

static uint16_t
tunoff_fold(uint64_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The TCP pseudo-header sum for a segment of tcp_len bytes. */
static uint64_t
tunoff_pseudo(const uint8_t *ip, size_t tcp_len)
{
	return tunoff_sum(ip + 12, 8, TUNOFF_IP_TCP + (uint64_t)tcp_len);
}

static void
tunoff_ip_csum(uint8_t *ip, size_t ihl)
{
	tunoff_put16(ip + 10, 0);
	tunoff_put16(ip + 10, (uint16_t)~tunoff_fold(tunoff_sum(ip, ihl, 0)));
}

/* IPv4, no fragment, TCP: the IP and TCP header lengths, or 0. */
static size_t
tunoff_tcp4(const uint8_t *pkt, size_t len, size_t *ihl, size_t *thl)
{
	if (len < 40 || pkt[0] >> 4 != 4 || pkt[9] != TUNOFF_IP_TCP ||
	    (tunoff_get16(pkt + 6) & 0x3fff) != 0 ||
	    tunoff_get16(pkt + 2) != len)
		return 0;
	*ihl = (size_t)(pkt[0] & 15) * 4;
	if (*ihl < 20 || len < *ihl + 20)
		return 0;
	*thl = (size_t)(pkt[*ihl + 12] >> 4) * 4;
	if (*thl < 20 || len < *ihl + *thl)
		return 0;
	return *ihl + *thl;
}

size_t
tunoff_seg_count(const struct virtio_net_hdr *h, const uint8_t *pkt,
    size_t len)
{
	size_t ihl, thl, pay;

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return len > 0 && len <= TUNOFF_MAX_BYTES ? 1 : 0;
	if ((h->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) !=
	    VIRTIO_NET_HDR_GSO_TCPV4 || h->gso_size == 0 ||
	    tunoff_tcp4(pkt, len, &ihl, &thl) == 0)
		return 0;
	pay = len - ihl - thl;
	return (pay + h->gso_size - 1) / h->gso_size;
}

/* A plain packet, its partial checksum (if any) completed. */
static size_t
tunoff_plain(const struct virtio_net_hdr *h, const uint8_t *pkt,
    size_t len, uint8_t *out, size_t cap)
{
	size_t at = (size_t)h->csum_start + h->csum_offset;

	if (len > cap)
		return 0;
	memcpy(out, pkt, len);
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return len;
	if (h->csum_start >= len || at + 2 > len)
		return 0;
	tunoff_put16(out + at, (uint16_t)~tunoff_fold(tunoff_sum(
	    out + h->csum_start, len - h->csum_start, 0)));
	return len;
}

size_t
tunoff_seg_build(const struct virtio_net_hdr *h, const uint8_t *pkt,
    size_t len, size_t i, uint8_t *out, size_t cap)
{
	size_t ihl, thl, hl, off, n;
	uint8_t *tcp;

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE)
		return i == 0 ? tunoff_plain(h, pkt, len, out, cap) : 0;
	if ((hl = tunoff_tcp4(pkt, len, &ihl, &thl)) == 0 ||
	    h->gso_size == 0)
		return 0;
	off = i * h->gso_size;
	if (off >= len - hl)
		return 0;
	n = len - hl - off < h->gso_size ? len - hl - off : h->gso_size;
	if (hl + n > cap)
		return 0;
	memcpy(out, pkt, hl);
	memcpy(out + hl, pkt + hl + off, n);
	tunoff_put16(out + 2, (uint16_t)(hl + n));
	tunoff_put16(out + 4, (uint16_t)(tunoff_get16(pkt + 4) + i));
	tunoff_ip_csum(out, ihl);
	tcp = out + ihl;
	tunoff_put32(tcp + 4, tunoff_get32(pkt + ihl + 4) + (uint32_t)off);
	if (off + n < len - hl)
		tcp[13] &= (uint8_t)~(TUNOFF_TCP_FIN | TUNOFF_TCP_PSH);
	if (i > 0)
		tcp[13] &= (uint8_t)~TUNOFF_TCP_CWR;
	tunoff_put16(tcp + 16, 0);
	tunoff_put16(tcp + 16, (uint16_t)~tunoff_fold(tunoff_sum(tcp,
	    thl + n, tunoff_pseudo(out, thl + n))));
	return hl + n;
}

/* Same flow and headers as g's first segment, but for IP length, id and
 * checksum, TCP sequence, PSH and checksum (Linux's GRO rule). */
static int
tunoff_gro_same(const struct tunoff_gro *g, const uint8_t *pkt,
    size_t ihl)
{
	const uint8_t *a = g->pkt, *ta = g->pkt + ihl, *tb = pkt + ihl;

	return memcmp(a, pkt, 2) == 0 && memcmp(a + 6, pkt + 6, 4) == 0 &&
	    memcmp(a + 12, pkt + 12, ihl - 12) == 0 &&
	    memcmp(ta, tb, 4) == 0 && memcmp(ta + 8, tb + 8, 5) == 0 &&
	    memcmp(ta + 14, tb + 14, 2) == 0 &&
	    memcmp(ta + 18, tb + 18, g->hlen - ihl - 18) == 0 &&
	    (ta[13] & ~TUNOFF_TCP_PSH) == (tb[13] & ~TUNOFF_TCP_PSH);
}

int
tunoff_gro_add(struct tunoff_gro *g, const uint8_t *pkt, size_t len)
{
	size_t ihl, thl, hl, pay;

	if ((hl = tunoff_tcp4(pkt, len, &ihl, &thl)) == 0 || len == hl ||
	    (pkt[ihl + 13] & ~TUNOFF_TCP_PSH) != TUNOFF_TCP_ACK)
		return 0;
	pay = len - hl;
	if (g->len == 0) {
		memcpy(g->pkt, pkt, len);
		g->len = len;
		g->hlen = hl;
		g->mss = g->last = pay;
		g->segs = 1;
		g->next_seq = tunoff_get32(pkt + ihl + 4) + (uint32_t)pay;
		return 1;
	}
	if (hl != g->hlen || g->last != g->mss || pay > g->mss ||
	    g->segs >= TUNOFF_MAX_SEGS || g->len + pay > TUNOFF_MAX_BYTES ||
	    (g->pkt[ihl + 13] & TUNOFF_TCP_PSH) ||
	    tunoff_get32(pkt + ihl + 4) != g->next_seq ||
	    !tunoff_gro_same(g, pkt, ihl))
		return 0;
	memcpy(g->pkt + g->len, pkt + hl, pay);
	g->pkt[ihl + 13] |= pkt[ihl + 13] & TUNOFF_TCP_PSH;
	g->len += pay;
	g->last = pay;
	g->segs++;
	g->next_seq += (uint32_t)pay;
	return 1;
}

size_t
tunoff_gro_take(struct tunoff_gro *g, const uint8_t **out)
{
	struct virtio_net_hdr h;
	size_t ihl = (size_t)(g->pkt[0] & 15) * 4, n = g->len;

	memset(&h, 0, sizeof(h));
	if (n == 0)
		return 0;
	if (g->segs > 1) {
		tunoff_put16(g->pkt + 2, (uint16_t)n);
		tunoff_ip_csum(g->pkt, ihl);
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum. */
		tunoff_put16(g->pkt + ihl + 16,
		    tunoff_fold(tunoff_pseudo(g->pkt, n - ihl)));
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
		h.hdr_len = (uint16_t)g->hlen;
		h.gso_size = (uint16_t)g->mss;
		h.csum_start = (uint16_t)ihl;
		h.csum_offset = 16;
	}
	memcpy(g->hdr, &h, sizeof(h));
	*out = g->hdr;
	g->len = 0;
	return TUNOFF_HDR_BYTES + n;
}
