/* SPDX-License-Identifier: ISC */
/*
 * tunoff_test: checks bench/tunoff.c, the benchmark peer's TSO splitting
 * and TCP coalescing, on a synthetic 10000-byte TSO packet: each segment
 * has valid checksums and the right sequence, flags and lengths, and the
 * segments coalesce back into the original. Run by bench_test.sh; TAP.
 */
#include <string.h>
#include <stdio.h>

#include "bench/tunoff.h"

#define T_PAYLOAD	10000
#define T_MSS		1448
#define T_HDRS		52	/* IPv4 20 + TCP 32 (timestamps) */
#define T_SEGS		((T_PAYLOAD + T_MSS - 1) / T_MSS)

static int fails;

static void
ok(int cond, const char *what)
{
	printf("%s - tunoff: %s\n", cond ? "ok" : "not ok", what);
	fails += !cond;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)(p[0] << 8 | p[1]);
}

static unsigned long
get32(const uint8_t *p)
{
	return (unsigned long)get16(p) << 16 | get16(p + 2);
}

/* Folded one's complement sum; 0xffff over data with a valid checksum. */
static unsigned
fold(const uint8_t *p, size_t n, unsigned long s)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (unsigned long)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned)s;
}

static void
make_tso(uint8_t *pkt, struct virtio_net_hdr *h)
{
	static const uint8_t hdr[T_HDRS] = {
		0x45, 0, (T_HDRS + T_PAYLOAD) >> 8, (T_HDRS + T_PAYLOAD) & 255,
		0x12, 0x34, 0x40, 0, 64, 6, 0, 0,
		198, 18, 64, 1, 198, 18, 128, 10,
		0x14, 0x51, 0x9c, 0x40, 0, 0, 0x03, 0xe8,	/* seq 1000 */
		0, 0, 0x13, 0x88, 0x80, 0x18, 0x01, 0xf4,	/* ACK|PSH */
		0, 0, 0, 0, 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9,
	};
	size_t i;

	memcpy(pkt, hdr, sizeof(hdr));
	for (i = 0; i < T_PAYLOAD; i++)
		pkt[T_HDRS + i] = (uint8_t)(i * 7);
	memset(h, 0, sizeof(*h));
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->hdr_len = T_HDRS;
	h->gso_size = T_MSS;
	h->csum_start = 20;
	h->csum_offset = 16;
}

/* Segment i as the client's kernel would check it. */
static int
segment_ok(const uint8_t *s, size_t n, size_t i)
{
	size_t pay = i + 1 < T_SEGS ? T_MSS : T_PAYLOAD - i * T_MSS;
	unsigned long pseudo = get16(s + 12) + get16(s + 14) +
	    get16(s + 16) + get16(s + 18) + 6 + (n - 20);

	return n == T_HDRS + pay && get16(s + 2) == n &&
	    fold(s, 20, 0) == 0xffff && fold(s + 20, n - 20, pseudo) ==
	    0xffff && get32(s + 24) == 1000 + i * T_MSS &&
	    (s[33] & 0x08) == (i + 1 == T_SEGS ? 0x08 : 0);
}

int
main(void)
{
	static uint8_t pkt[T_HDRS + T_PAYLOAD], seg[T_SEGS][2048];
	static struct tunoff_gro g;
	struct virtio_net_hdr h, back;
	size_t i, n[T_SEGS], len;
	const uint8_t *out;
	int good = 1, taken = 1;

	make_tso(pkt, &h);
	ok(tunoff_seg_count(&h, pkt, sizeof(pkt)) == T_SEGS,
	    "a 10000-byte TSO packet is 7 segments of MSS 1448");
	for (i = 0; i < T_SEGS; i++) {
		n[i] = tunoff_seg_build(&h, pkt, sizeof(pkt), i, seg[i],
		    sizeof(seg[i]));
		good &= segment_ok(seg[i], n[i], i) &&
		    memcmp(seg[i] + T_HDRS, pkt + T_HDRS + i * T_MSS,
		    n[i] - T_HDRS) == 0;
	}
	ok(good, "segments: lengths, checksums, sequence, PSH on the last");
	ok(tunoff_seg_build(&h, pkt, sizeof(pkt), T_SEGS, seg[0],
	    sizeof(seg[0])) == 0, "no segment past the last");
	for (i = 0; i < T_SEGS; i++)
		taken &= tunoff_gro_add(&g, seg[i], n[i]);
	ok(taken, "the segments in order coalesce");
	ok(!tunoff_gro_add(&g, seg[1], n[1]),
	    "a segment out of order does not");
	len = tunoff_gro_take(&g, &out);
	memcpy(&back, out, sizeof(back));
	ok(len == TUNOFF_HDR_BYTES + sizeof(pkt) &&
	    back.gso_type == VIRTIO_NET_HDR_GSO_TCPV4 &&
	    back.gso_size == T_MSS && back.hdr_len == T_HDRS &&
	    back.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM &&
	    back.csum_start == 20 && back.csum_offset == 16,
	    "the GSO header: TCPV4, MSS 1448, partial checksum at 20+16");
	out += TUNOFF_HDR_BYTES;
	ok(memcmp(out + T_HDRS, pkt + T_HDRS, T_PAYLOAD) == 0 &&
	    memcmp(out, pkt, 10) == 0 && memcmp(out + 12, pkt + 12, 24) ==
	    0 && fold(out, 20, 0) == 0xffff && out[33] == 0x18,
	    "coalesced: the original payload, headers, ACK|PSH");
	ok(tunoff_gro_take(&g, &out) == 0, "taken: empty again");
	return fails != 0;
}
