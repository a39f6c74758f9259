/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for coalescing inner packets for an offloading tun
 * (tunnel/coal.c): runs of IPv4 and IPv6 TCP segments become one
 * super-packet whose lengths, flags, virtio-net header and partial
 * checksum are checked with a reference checksum; every reason to stop
 * (a gap, another ACK, window or timestamp, SYN/FIN/RST, a bad checksum,
 * PSH, a longer segment, 64 KiB) keeps the packets apart; and a
 * super-packet cut by tunvnet.c coalesces back to the same bytes. UDP
 * datagrams of one flow (when the tun takes USO) become a GSO_UDP_L4
 * packet that tunvnet.c cuts back into the very datagrams.
 */
#include <netinet/in.h>

#include <string.h>

#include "tests/unit/fixture_pkt.h"
#include "tunnel/coal.h"
#include "tunnel/tunvnet.h"
#include "t.h"

#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define SEQ0		0xffffff00u

static struct coal coal;
static uint8_t p[2000];

/* Segment i of a flow: mss-byte pieces, n bytes in this one. */
static size_t
segment(unsigned v, unsigned i, size_t mss, size_t n, uint8_t flags)
{
	return pk_build(p, v, IPPROTO_TCP, 32, n, SEQ0 + (uint32_t)(i * mss),
	    flags, (uint8_t)(i * mss));
}

/* Datagram i of a UDP flow of size-byte datagrams, n bytes in this one:
 * the payloads joined count up from 0 (mod 256). */
static size_t
datagram(unsigned v, unsigned i, size_t size, size_t n)
{
	return pk_build(p, v, IPPROTO_UDP, 8, n, 0, 0, (uint8_t)(i * size));
}

/* Finish the held packet, the NEEDS_CSUM checksum done as the kernel
 * would, and check it: segs segments, payload pattern, header. */
static void
check_super(unsigned v, unsigned segs, size_t mss, size_t pay,
    uint8_t flags)
{
	static uint8_t b[TUNVNET_HDR_BYTES + COAL_MAX_BYTES];
	const uint8_t *out;
	struct tunvnet_hdr h;
	unsigned got;
	size_t n, l4 = v == 4 ? 20 : 40, i;
	uint32_t s;

	n = coal_finish(&coal, &out, &got);
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
		coal_init(&coal, true);
		T_EQ_INT(coal_add(&coal, p, segment(v, 0, 1000, 1000,
		    TCP_ACK)), COAL_HELD);
		T_EQ_INT(coal_add(&coal, p, segment(v, 1, 1000, 1000,
		    TCP_ACK)), COAL_HELD);
		T_EQ_INT(coal_add(&coal, p, segment(v, 2, 1000, 500,
		    TCP_ACK | TCP_PSH)), COAL_HELD);
		T_CHECK(coal_pending(&coal));
		/* ended by the short, PSH one */
		T_EQ_INT(coal_add(&coal, p, segment(v, 3, 1000, 500,
		    TCP_ACK)), COAL_FLUSH);
		check_super(v, 3, 1000, 2500, TCP_ACK | TCP_PSH);
		T_FALSE(coal_pending(&coal));
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

	coal_init(&coal, true);
	len = segment(4, 0, 1000, 1000, TCP_ACK);
	T_EQ_INT(coal_add(&coal, p, len), COAL_HELD);
	T_EQ_UINT(coal_finish(&coal, &out, &segs), TUNVNET_HDR_BYTES +
	    len);
	T_EQ_UINT(segs, 1);
	T_EQ_MEM(out, zero, sizeof(zero));
	T_EQ_MEM(out + TUNVNET_HDR_BYTES, p, len);
	T_EQ_UINT(coal_finish(&coal, &out, &segs), 0);
}

/* Packet i of a flow into p, its length. */
typedef size_t (*mkpkt)(unsigned i);

/* Held first (mk(0)), then mk(1) changed by how must not join. */
static void
apart_run(const char *what, mkpkt mk, void (*how)(size_t *len),
    enum coal_res want)
{
	size_t len;

	coal_init(&coal, true);
	T_EQ_INT(coal_add(&coal, p, mk(0)), COAL_HELD);
	len = mk(1);
	how(&len);
	if (coal_add(&coal, p, len) != want)
		printf("# %s joined\n", what);
	T_EQ_INT(coal_add(&coal, p, len), want);
}

static size_t
tcp1000(unsigned i)
{
	return segment(4, i, 1000, 1000, TCP_ACK);
}

static void
apart(const char *what, void (*how)(size_t *len), enum coal_res want)
{
	apart_run(what, tcp1000, how, want);
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
	apart("a gap", gap, COAL_FLUSH);
	apart("another ACK", ack, COAL_FLUSH);
	apart("another window", win, COAL_FLUSH);
	apart("another timestamp", tsval, COAL_FLUSH);
	apart("another port", port, COAL_FLUSH);
	apart("SYN", syn, COAL_FLUSH);
	apart("FIN", fin, COAL_FLUSH);
	apart("RST", rst, COAL_FLUSH);
	apart("a bad checksum", badsum, COAL_FLUSH);
	apart("another TOS", tos, COAL_FLUSH);
	apart("another TTL", ttl, COAL_FLUSH);
	apart("a longer segment", longer, COAL_FLUSH);
	apart("IPv6 after IPv4", v6, COAL_FLUSH);
}

/* Not even a start: written alone, nothing held. */
static void
singles(void)
{
	size_t len;

	coal_init(&coal, false);
	len = segment(4, 0, 1000, 1000, TCP_ACK | TCP_PSH);
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);
	len = segment(4, 0, 1000, 0, TCP_ACK);		/* pure ACK */
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);
	len = pk_build(p, 4, IPPROTO_UDP, 8, 100, 0, 0, 0);
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);	/* UDP off */
	len = segment(4, 0, 1000, 1000, TCP_ACK);
	p[60] ^= 1;					/* bad sum */
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);
	len = segment(4, 0, 1000, 100, TCP_ACK);
	T_EQ_INT(coal_add(&coal, p, len - 1), COAL_SINGLE);
	T_EQ_INT(coal_add(&coal, p, 10), COAL_SINGLE);
	/* IPv6 with an extension header is not coalesced */
	len = 40 + 8 + 32 + 100;
	pk_ip6(p, len, IPPROTO_TCP, 1);
	pk_tcp(p + 48, 32, 1, TCP_ACK);
	pk_l4_fill(p, len, 6, IPPROTO_TCP, 48, 16);
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);
	T_FALSE(coal_pending(&coal));
}

/* 1448-byte segments: never over 64 KiB or 64 segments. */
static void
bounded(void)
{
	unsigned i, held = 0;
	size_t len;

	coal_init(&coal, true);
	for (i = 0; i < 100; i++) {
		len = segment(4, i, 1448, 1448, TCP_ACK);
		if (coal_add(&coal, p, len) != COAL_HELD)
			break;
		held++;
		T_CHECK(coal.len <= COAL_MAX_BYTES);
	}
	T_EQ_UINT(held, (COAL_MAX_BYTES - 52) / 1448);
	coal_init(&coal, true);
	for (i = 0; i < 100; i++)
		if (coal_add(&coal, p, segment(4, i, 10, 10, TCP_ACK)) !=
		    COAL_HELD)
			break;
	T_EQ_UINT(i, COAL_MAX_SEGS);
}

/* tunvnet cuts a super-packet; coal puts it back together. */
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
	coal_init(&coal, true);
	for (k = 0; k < g.nseg; k++) {
		n = tunvnet_seg(&g, k, seg, sizeof(seg));
		T_EQ_INT(coal_add(&coal, seg, n), COAL_HELD);
	}
	check_super(4, g.nseg, 1400, 20000, TCP_ACK);
}

/* The held UDP run: header, lengths, payload; the bytes (header first)
 * into b, their length into *blen. */
static void
check_udp_super(unsigned v, unsigned segs, size_t size, size_t pay,
    uint8_t *b, size_t *blen)
{
	const uint8_t *out;
	struct tunvnet_hdr h;
	unsigned got;
	size_t n, l4 = v == 4 ? 20 : 40, i;

	n = coal_finish(&coal, &out, &got);
	*blen = n;
	T_REQUIRE(n == TUNVNET_HDR_BYTES + l4 + 8 + pay);
	T_EQ_UINT(got, segs);
	memcpy(b, out, n);
	tunvnet_hdr_get(&h, b);
	T_EQ_UINT(h.gso_type, TUNVNET_GSO_UDP_L4);
	T_EQ_UINT(h.flags, TUNVNET_F_NEEDS_CSUM);
	T_EQ_UINT(h.gso_size, size);
	T_EQ_UINT(h.hdr_len, l4 + 8);
	T_EQ_UINT(h.csum_start, l4);
	T_EQ_UINT(h.csum_offset, 6);
	b += TUNVNET_HDR_BYTES;
	n -= TUNVNET_HDR_BYTES;
	if (v == 4) {
		T_EQ_UINT(pk_rd16(b + 2), n);
		T_CHECK(pk_ip4_ok(b));
	} else
		T_EQ_UINT(pk_rd16(b + 4), n - 40);
	/* The UDP length is the whole run's, as the pseudo-header sum. */
	T_EQ_UINT(pk_rd16(b + l4 + 4), n - l4);
	for (i = 0; i < pay; i++)
		if (b[l4 + 8 + i] != (uint8_t)i)
			break;
	T_EQ_UINT(i, pay);
}

/* Three full datagrams and a short last one, IPv4 and IPv6; the short
 * one ends the run. Cut again as the kernel would (tunvnet.c), each
 * piece is the datagram that went in, but for the IPv4 ID. */
static void
udp_run(void)
{
	static uint8_t b[TUNVNET_HDR_BYTES + COAL_MAX_BYTES], seg[1500];
	static uint8_t in[4][1500];
	size_t len[4], n, l4;
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	unsigned v, i;

	for (v = 4; v <= 6; v += 2) {
		coal_init(&coal, true);
		for (i = 0; i < 4; i++) {
			len[i] = datagram(v, i, 1000, i < 3 ? 1000 : 300);
			memcpy(in[i], p, len[i]);
			T_EQ_INT(coal_add(&coal, p, len[i]), COAL_HELD);
		}
		T_EQ_INT(coal_add(&coal, p, datagram(v, 4, 1000, 300)),
		    COAL_FLUSH);
		check_udp_super(v, 4, 1000, 3300, b, &n);
		T_REQUIRE(n > TUNVNET_HDR_BYTES);
		tunvnet_hdr_get(&h, b);
		T_REQUIRE(tunvnet_plan(&g, &h, b + TUNVNET_HDR_BYTES,
		    n - TUNVNET_HDR_BYTES, sizeof(seg), &e) == 0);
		T_EQ_UINT(g.nseg, 4);
		l4 = v == 4 ? 20 : 40;
		for (i = 0; i < g.nseg && i < 4; i++) {
			n = tunvnet_seg(&g, i, seg, sizeof(seg));
			T_EQ_UINT(n, len[i]);
			T_CHECK(pk_l4_ok(seg, n, v, IPPROTO_UDP, l4));
			if (v == 4) {
				T_CHECK(pk_ip4_ok(seg));
				memcpy(seg + 4, in[i] + 4, 2);	/* ID */
				memcpy(seg + 10, in[i] + 10, 2);
			}
			T_EQ_MEM(seg, in[i], n);
		}
	}
}

static size_t
udp1000(unsigned i)
{
	return datagram(4, i, 1000, 1000);
}

static void
udp_apart(const char *what, void (*how)(size_t *len))
{
	apart_run(what, udp1000, how, COAL_FLUSH);
}

static void
urefill(size_t *len)
{
	pk_l4_fill(p, *len, 4, IPPROTO_UDP, 20, 6);
}

static void uport(size_t *l) { p[23]++; urefill(l); }
static void ulonger(size_t *l) { *l = datagram(4, 1, 1000, 1001); }
static void usum(size_t *l) { (void)l; p[40] ^= 1; }
static void unosum(size_t *l) { (void)l; p[26] = p[27] = 0; }
static void ulen(size_t *l) { pk_wr16(p + 24, 1007); urefill(l); }
static void utcp(size_t *l) { *l = segment(4, 0, 1000, 1000, TCP_ACK); }
static void uttl(size_t *l) { p[8]--; p[10] = p[11] = 0;
	pk_wr16(p + 10, ~pk_sum(0, p, 20) & 0xffff); urefill(l); }

static void
udp_reasons_to_stop(void)
{
	size_t len;

	udp_apart("another port", uport);
	udp_apart("a longer datagram", ulonger);
	udp_apart("a bad checksum", usum);
	udp_apart("no checksum", unosum);
	udp_apart("a UDP length short of the packet", ulen);
	udp_apart("TCP after UDP", utcp);
	udp_apart("another TTL", uttl);
	/* Nor do they start a run. */
	coal_init(&coal, true);
	len = datagram(4, 0, 1000, 1000);
	p[26] = p[27] = 0;
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);
	len = datagram(4, 0, 1000, 0);
	T_EQ_INT(coal_add(&coal, p, len), COAL_SINGLE);	/* no data */
	T_FALSE(coal_pending(&coal));
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
	T_RUN(udp_run);
	T_RUN(udp_reasons_to_stop);
	return T_DONE();
}
