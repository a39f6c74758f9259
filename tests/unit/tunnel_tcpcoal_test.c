/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for coalescing inner TCP segments for an offloading tun
 * (tunnel/tcpcoal.c): runs of IPv4 and IPv6 segments become one
 * super-packet whose lengths, flags, virtio-net header and partial
 * checksum are checked with a reference checksum; every reason to stop
 * (a gap, another ACK, window or timestamp, SYN/FIN/RST, a bad checksum,
 * PSH, a longer segment, 64 KiB) keeps the packets apart; and a
 * super-packet cut by tunvnet.c coalesces back to the same bytes.
 */
#include <netinet/in.h>

#include <string.h>

#include "tests/unit/fixture_pkt.h"
#include "tunnel/tcpcoal.h"
#include "tunnel/tunvnet.h"
#include "t.h"

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define SEQ0		0xffffff00u

static struct tcpcoal coal;
static uint8_t p[2000];

/* Segment i of a flow: mss-byte pieces, n bytes in this one. */
static size_t
segment(unsigned v, unsigned i, size_t mss, size_t n, uint8_t flags)
{
	return pk_build(p, v, IPPROTO_TCP, 32, n, SEQ0 + (uint32_t)(i * mss),
	    flags, (uint8_t)(i * mss));
}

/* Finish the held packet, the NEEDS_CSUM checksum done as the kernel
 * would, and check it: segs segments, payload pattern, header. */
static void
check_super(unsigned v, unsigned segs, size_t mss, size_t pay,
    uint8_t flags)
{
	static uint8_t b[TUNVNET_HDR_BYTES + TCPCOAL_MAX_BYTES];
	const uint8_t *out;
	struct tunvnet_hdr h;
	unsigned got;
	size_t n, l4 = v == 4 ? 20 : 40, i;
	uint32_t s;

	n = tcpcoal_finish(&coal, &out, &got);
	T_REQUIRE(n == TUNVNET_HDR_BYTES + l4 + 32 + pay);
	T_EQ_UINT(got, segs);
	memcpy(b, out, n);
	tunvnet_hdr_get(&h, b);
	T_EQ_UINT(h.gso_type, v == 4 ? TUNVNET_GSO_TCPV4 : TUNVNET_GSO_TCPV6);
	T_EQ_UINT(h.flags, TUNVNET_F_NEEDS_CSUM);
	T_EQ_UINT(h.gso_size, mss);
	T_EQ_UINT(h.hdr_len, l4 + 32);
	T_EQ_UINT(h.csum_start, l4);
	T_EQ_UINT(h.csum_offset, 16);
	out = b + TUNVNET_HDR_BYTES;
	n -= TUNVNET_HDR_BYTES;
	if (v == 4) {
		T_EQ_UINT(pk_rd16(out + 2), n);
		T_CHECK(pk_ip4_ok(out));
	} else
		T_EQ_UINT(pk_rd16(out + 4), n - 40);
	T_EQ_UINT(pk_rd32(out + l4 + 4), SEQ0);
	T_EQ_UINT(out[l4 + 13], flags);
	for (i = 0; i < pay; i++)
		if (out[l4 + 32 + i] != (uint8_t)i)
			break;
	T_EQ_UINT(i, pay);
	/* The kernel finishes it: the sum from csum_start, complemented. */
	s = ~pk_sum(0, out + l4, n - l4) & 0xffff;
	pk_wr16(b + TUNVNET_HDR_BYTES + l4 + 16, s);
	T_CHECK(pk_l4_ok(b + TUNVNET_HDR_BYTES, n, v, IPPROTO_TCP, l4));
}

static void
run_of_three(void)
{
	unsigned v;

	for (v = 4; v <= 6; v += 2) {
		tcpcoal_init(&coal);
		T_EQ_INT(tcpcoal_add(&coal, p, segment(v, 0, 1000, 1000,
		    TCP_ACK)), TCPCOAL_HELD);
		T_EQ_INT(tcpcoal_add(&coal, p, segment(v, 1, 1000, 1000,
		    TCP_ACK)), TCPCOAL_HELD);
		T_EQ_INT(tcpcoal_add(&coal, p, segment(v, 2, 1000, 500,
		    TCP_ACK | TCP_PSH)), TCPCOAL_HELD);
		T_CHECK(tcpcoal_pending(&coal));
		/* ended by the short, PSH one */
		T_EQ_INT(tcpcoal_add(&coal, p, segment(v, 3, 1000, 500,
		    TCP_ACK)), TCPCOAL_FLUSH);
		check_super(v, 3, 1000, 2500, TCP_ACK | TCP_PSH);
		T_FALSE(tcpcoal_pending(&coal));
	}
}

/* One held segment goes out unchanged behind a zeroed header. */
static void
single_unchanged(void)
{
	const uint8_t zero[TUNVNET_HDR_BYTES] = { 0 };
	const uint8_t *out;
	unsigned segs;
	size_t len;

	tcpcoal_init(&coal);
	len = segment(4, 0, 1000, 1000, TCP_ACK);
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_HELD);
	T_EQ_UINT(tcpcoal_finish(&coal, &out, &segs), TUNVNET_HDR_BYTES +
	    len);
	T_EQ_UINT(segs, 1);
	T_EQ_MEM(out, zero, sizeof(zero));
	T_EQ_MEM(out + TUNVNET_HDR_BYTES, p, len);
	T_EQ_UINT(tcpcoal_finish(&coal, &out, &segs), 0);
}

/* Held first, then p (changed by how) must not join. */
static void
apart(const char *what, void (*how)(size_t *len), enum tcpcoal_res want)
{
	size_t len;

	tcpcoal_init(&coal);
	T_EQ_INT(tcpcoal_add(&coal, p, segment(4, 0, 1000, 1000, TCP_ACK)),
	    TCPCOAL_HELD);
	len = segment(4, 1, 1000, 1000, TCP_ACK);
	how(&len);
	if (tcpcoal_add(&coal, p, len) != want)
		printf("# %s joined\n", what);
	T_EQ_INT(tcpcoal_add(&coal, p, len), want);
}

static void
refill(size_t *len)
{
	pk_l4_fill(p, *len, p[0] >> 4, IPPROTO_TCP, 20, 16);
}

static void gap(size_t *l) { pk_wr32(p + 24, SEQ0 + 1001); refill(l); }
static void ack(size_t *l) { p[31]++; refill(l); }
static void win(size_t *l) { p[34]++; refill(l); }
static void tsval(size_t *l) { p[47]++; refill(l); }
static void port(size_t *l) { p[21]++; refill(l); }
static void syn(size_t *l) { p[33] |= TCP_SYN; refill(l); }
static void fin(size_t *l) { p[33] |= TCP_FIN; refill(l); }
static void rst(size_t *l) { p[33] |= TCP_RST; refill(l); }
static void badsum(size_t *l) { (void)l; p[60] ^= 1; }
static void tos(size_t *l) { p[1] = 4; p[10] = p[11] = 0;
	pk_wr16(p + 10, ~pk_sum(0, p, 20) & 0xffff); refill(l); }
static void ttl(size_t *l) { p[8]--; p[10] = p[11] = 0;
	pk_wr16(p + 10, ~pk_sum(0, p, 20) & 0xffff); refill(l); }
static void longer(size_t *l) { *l = pk_build(p, 4, IPPROTO_TCP, 32,
	1001, SEQ0 + 1000, TCP_ACK, 0); }
static void v6(size_t *l) { *l = segment(6, 1, 1000, 1000, TCP_ACK); }

static void
reasons_to_stop(void)
{
	apart("a gap", gap, TCPCOAL_FLUSH);
	apart("another ACK", ack, TCPCOAL_FLUSH);
	apart("another window", win, TCPCOAL_FLUSH);
	apart("another timestamp", tsval, TCPCOAL_FLUSH);
	apart("another port", port, TCPCOAL_FLUSH);
	apart("SYN", syn, TCPCOAL_FLUSH);
	apart("FIN", fin, TCPCOAL_FLUSH);
	apart("RST", rst, TCPCOAL_FLUSH);
	apart("a bad checksum", badsum, TCPCOAL_FLUSH);
	apart("another TOS", tos, TCPCOAL_FLUSH);
	apart("another TTL", ttl, TCPCOAL_FLUSH);
	apart("a longer segment", longer, TCPCOAL_FLUSH);
	apart("IPv6 after IPv4", v6, TCPCOAL_FLUSH);
}

/* Not even a start: written alone, nothing held. */
static void
singles(void)
{
	size_t len;

	tcpcoal_init(&coal);
	len = segment(4, 0, 1000, 1000, TCP_ACK | TCP_PSH);
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_SINGLE);
	len = segment(4, 0, 1000, 0, TCP_ACK);		/* pure ACK */
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_SINGLE);
	len = pk_build(p, 4, IPPROTO_UDP, 8, 100, 0, 0, 0);
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_SINGLE);
	len = segment(4, 0, 1000, 1000, TCP_ACK);
	p[60] ^= 1;					/* bad sum */
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_SINGLE);
	len = segment(4, 0, 1000, 100, TCP_ACK);
	T_EQ_INT(tcpcoal_add(&coal, p, len - 1), TCPCOAL_SINGLE);
	T_EQ_INT(tcpcoal_add(&coal, p, 10), TCPCOAL_SINGLE);
	/* IPv6 with an extension header is not coalesced */
	len = 40 + 8 + 32 + 100;
	pk_ip6(p, len, IPPROTO_TCP, 1);
	pk_tcp(p + 48, 32, 1, TCP_ACK);
	pk_l4_fill(p, len, 6, IPPROTO_TCP, 48, 16);
	T_EQ_INT(tcpcoal_add(&coal, p, len), TCPCOAL_SINGLE);
	T_FALSE(tcpcoal_pending(&coal));
}

/* 1448-byte segments: never over 64 KiB or 64 segments. */
static void
bounded(void)
{
	unsigned i, held = 0;
	size_t len;

	tcpcoal_init(&coal);
	for (i = 0; i < 100; i++) {
		len = segment(4, i, 1448, 1448, TCP_ACK);
		if (tcpcoal_add(&coal, p, len) != TCPCOAL_HELD)
			break;
		held++;
		T_CHECK(coal.len <= TCPCOAL_MAX_BYTES);
	}
	T_EQ_UINT(held, (TCPCOAL_MAX_BYTES - 52) / 1448);
	tcpcoal_init(&coal);
	for (i = 0; i < 100; i++)
		if (tcpcoal_add(&coal, p, segment(4, i, 10, 10, TCP_ACK)) !=
		    TCPCOAL_HELD)
			break;
	T_EQ_UINT(i, TCPCOAL_MAX_SEGS);
}

/* tunvnet cuts a super-packet; tcpcoal puts it back together. */
static void
cut_then_coalesce(void)
{
	static uint8_t big[TUNVNET_PKT_MAX], seg[1500];
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	size_t len, n, i;
	unsigned k;

	len = 20 + 32 + 20000;
	pk_ip4(big, 20, len, IPPROTO_TCP, 7);
	pk_tcp(big + 20, 32, SEQ0, TCP_ACK);
	for (i = 0; i < 20000; i++)
		big[52 + i] = (uint8_t)i;
	pk_l4_fill(big, len, 4, IPPROTO_TCP, 20, 16);
	memset(&h, 0, sizeof(h));
	h.gso_type = TUNVNET_GSO_TCPV4;
	h.gso_size = 1400;
	T_REQUIRE(tunvnet_plan(&g, &h, big, len, sizeof(seg), &e) == 0);
	tcpcoal_init(&coal);
	for (k = 0; k < g.nseg; k++) {
		n = tunvnet_seg(&g, k, seg, sizeof(seg));
		T_EQ_INT(tcpcoal_add(&coal, seg, n), TCPCOAL_HELD);
	}
	check_super(4, g.nseg, 1400, 20000, TCP_ACK);
}

int
main(void)
{
	T_RUN(run_of_three);
	T_RUN(single_unchanged);
	T_RUN(reasons_to_stop);
	T_RUN(singles);
	T_RUN(bounded);
	T_RUN(cut_then_coalesce);
	return T_DONE();
}
