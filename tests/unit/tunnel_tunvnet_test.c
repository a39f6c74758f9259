/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the offloading tun's header walk and segmentation
 * (tunnel/tunvnet.c): TSO super-packets on IPv4 (with IP options) and
 * IPv6 (with extension headers) and USO ones cut into pieces whose
 * lengths, IDs, sequence numbers, flags and checksums are checked with a
 * separate reference checksum; partial checksums finished; and hostile
 * headers (truncated, bad IHL, gso_size 0 or huge, csum_start beyond the
 * packet, fragments, routing headers) refused.
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "tests/unit/fixture_pkt.h"
#include "tunnel/tunvnet.h"
#include "t.h"

#define SEGMAX		1500
#define TCP_FIN		0x01
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_CWR		0x80

static uint8_t pkt[TUNVNET_PKT_MAX];
static uint8_t seg[SEGMAX];
static uint8_t joined[TUNVNET_PKT_MAX];

/* A super-packet: IPv4 with ihl bytes of header or IPv6 with exts
 * extension headers; TCP (th bytes) or UDP; n payload bytes. Its header
 * as the kernel fills it (csum_start at the transport header, the field
 * holding the pseudo-header sum only). Length of the packet. */
static size_t
super(unsigned v, size_t ihl, unsigned exts, uint8_t proto, size_t th,
    size_t n, size_t mss, struct tunvnet_hdr *h)
{
	size_t l4, len, i;

	len = (v == 4 ? ihl : 40 + 8 * (size_t)exts) + th + n;
	l4 = v == 4 ? pk_ip4(pkt, ihl, len, proto, 0xfffe) :
	    pk_ip6(pkt, len, proto, exts);
	if (proto == IPPROTO_TCP)
		pk_tcp(pkt + l4, th, 0xfffff000u,
		    TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR);
	else {
		memset(pkt + l4, 0, 8);
		pk_wr16(pkt + l4 + 4, (unsigned)(len - l4));
	}
	for (i = 0; i < n; i++)
		pkt[l4 + th + i] = (uint8_t)(i * 7 + i / 251);
	pk_wr16(pkt + l4 + (proto == IPPROTO_TCP ? 16 : 6),
	    pk_pseudo(pkt, v, proto, 0));
	memset(h, 0, sizeof(*h));
	h->flags = TUNVNET_F_NEEDS_CSUM;
	h->gso_type = proto == IPPROTO_UDP ? TUNVNET_GSO_UDP_L4 :
	    v == 4 ? TUNVNET_GSO_TCPV4 : TUNVNET_GSO_TCPV6;
	h->gso_size = (uint16_t)mss;
	h->hdr_len = (uint16_t)(l4 + th);
	h->csum_start = (uint16_t)l4;
	h->csum_offset = proto == IPPROTO_TCP ? 16 : 6;
	return len;
}

/* Cut the packet and check every piece against the original. */
static void
cut_and_check(size_t len, const struct tunvnet_hdr *h, unsigned want)
{
	struct tunvnet_plan g;
	struct gp_err e;
	unsigned i, v = pkt[0] >> 4;
	size_t n, pay, got = 0, l4, hl;
	uint8_t proto;

	if (tunvnet_plan(&g, h, pkt, len, SEGMAX, &e) == -1)
		printf("# %s\n", e.msg);
	T_REQUIRE(tunvnet_plan(&g, h, pkt, len, SEGMAX, &e) == 0);
	T_EQ_UINT(g.nseg, want);
	l4 = g.l4.off;
	hl = g.l4.hlen;
	proto = g.l4.proto;
	for (i = 0; i < g.nseg; i++) {
		n = tunvnet_seg(&g, i, seg, sizeof(seg));
		T_REQUIRE(n > hl && n <= hl + h->gso_size);
		pay = n - hl;
		T_CHECK(i + 1 == g.nseg || pay == h->gso_size);
		memcpy(joined + got, seg + hl, pay);
		got += pay;
		T_CHECK(pk_l4_ok(seg, n, v, proto, l4));
		if (v == 4) {
			T_EQ_UINT(pk_rd16(seg + 2), n);
			T_EQ_UINT(pk_rd16(seg + 4), (0xfffe + i) & 0xffff);
			T_CHECK(pk_ip4_ok(seg));
			T_EQ_MEM(seg + 20, pkt + 20, l4 - 20);	/* options */
		} else {
			T_EQ_UINT(pk_rd16(seg + 4), n - 40);
			T_EQ_MEM(seg + 40, pkt + 40, l4 - 40);	/* exts */
		}
		if (proto == IPPROTO_UDP) {
			T_EQ_UINT(pk_rd16(seg + l4 + 4), n - l4);
			continue;
		}
		T_EQ_UINT(pk_rd32(seg + l4 + 4), 0xfffff000u +
		    (uint32_t)(i * h->gso_size));
		T_EQ_UINT(seg[l4 + 13], TCP_ACK |
		    (i == 0 ? TCP_CWR : 0) |
		    (i + 1 == g.nseg ? TCP_PSH | TCP_FIN : 0));
		T_EQ_MEM(seg + l4 + 18, pkt + l4 + 18, hl - l4 - 18);
	}
	T_EQ_UINT(got, len - hl);
	T_EQ_MEM(joined, pkt + hl, len - hl);
	T_EQ_UINT(tunvnet_seg(&g, g.nseg, seg, sizeof(seg)), 0);
}

static void
tso4_with_options(void)
{
	struct tunvnet_hdr h;
	size_t len = super(4, 32, 0, IPPROTO_TCP, 32, 64000, 1436, &h);

	cut_and_check(len, &h, (64000 + 1435) / 1436);
	len = super(4, 20, 0, IPPROTO_TCP, 20, 2000, 1000, &h);
	cut_and_check(len, &h, 2);	/* exact multiple */
	len = super(4, 20, 0, IPPROTO_TCP, 60, 1, 1000, &h);
	cut_and_check(len, &h, 1);	/* one byte */
}

static void
tso6_with_ext_headers(void)
{
	struct tunvnet_hdr h;
	size_t len = super(6, 0, 0, IPPROTO_TCP, 32, 60001, 1428, &h);

	cut_and_check(len, &h, (60001 + 1427) / 1428);
	len = super(6, 0, 2, IPPROTO_TCP, 32, 9000, 1400, &h);
	cut_and_check(len, &h, 7);
}

static void
uso4_and_uso6(void)
{
	struct tunvnet_hdr h;
	size_t len = super(4, 20, 0, IPPROTO_UDP, 8, 30001, 1200, &h);

	cut_and_check(len, &h, 26);
	len = super(6, 0, 1, IPPROTO_UDP, 8, 5000, 1000, &h);
	cut_and_check(len, &h, 5);
}

/* The ECN bit in gso_type is accepted (CWR rules hold anyway). */
static void
ecn_bit(void)
{
	struct tunvnet_hdr h;
	size_t len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);

	h.gso_type |= TUNVNET_GSO_ECN;
	cut_and_check(len, &h, 3);
}

/* A plain packet with NEEDS_CSUM: the checksum is finished in place,
 * as the reference computes it; without the flag nothing changes. */
static void
partial_checksum_finished(void)
{
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	uint8_t want[2];
	size_t len, l4;
	unsigned v;

	for (v = 4; v <= 6; v += 2) {
		len = super(v, 20, 0, IPPROTO_TCP, 32, 999, 1000, &h);
		l4 = h.csum_start;
		h.gso_type = TUNVNET_GSO_NONE;
		h.gso_size = 0;
		/* a plain packet's seed counts its length */
		pk_wr16(pkt + l4 + 16, pk_pseudo(pkt, v, IPPROTO_TCP,
		    len - l4));
		T_CHECK(!pk_l4_ok(pkt, len, v, IPPROTO_TCP, l4));
		memcpy(joined, pkt, len);
		pk_l4_fill(joined, len, v, IPPROTO_TCP, l4, 16);
		memcpy(want, joined + l4 + 16, 2);
		T_REQUIRE(tunvnet_plan(&g, &h, pkt, len, SEGMAX, &e) == 0);
		T_EQ_UINT(g.nseg, 1);
		T_EQ_MEM(pkt + l4 + 16, want, 2);
		T_CHECK(pk_l4_ok(pkt, len, v, IPPROTO_TCP, l4));
		T_EQ_UINT(tunvnet_seg(&g, 0, seg, sizeof(seg)), len);
		T_EQ_MEM(seg, pkt, len);
	}
	/* UDP, odd length */
	len = super(4, 20, 0, IPPROTO_UDP, 8, 333, 1000, &h);
	h.gso_type = TUNVNET_GSO_NONE;
	pk_wr16(pkt + 26, pk_pseudo(pkt, 4, IPPROTO_UDP, len - 20));
	T_REQUIRE(tunvnet_plan(&g, &h, pkt, len, SEGMAX, &e) == 0);
	T_CHECK(pk_l4_ok(pkt, len, 4, IPPROTO_UDP, 20));
}

/* Plan must fail, naming the field. */
static void
refused(const struct tunvnet_hdr *h, size_t len, const char *field)
{
	struct tunvnet_plan g;
	struct gp_err e = { "" };

	T_EQ_INT(tunvnet_plan(&g, h, pkt, len, SEGMAX, &e), -1);
	if (strstr(e.msg, field) == NULL)
		printf("# error `%s' lacks `%s'\n", e.msg, field);
	T_CHECK(strstr(e.msg, field) != NULL);
}

static void
hostile_ip(void)
{
	struct tunvnet_hdr h;
	size_t len;

	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	refused(&h, 19, "packet of");
	refused(&h, 0, "packet of");
	refused(&h, len - 1, "total length");
	pkt[0] = 0x44;			/* IHL 16 bytes */
	refused(&h, len, "IPv4 header length");
	pkt[0] = 0x4f;			/* IHL 60 > a 40-byte packet */
	pk_wr16(pkt + 2, 40);
	refused(&h, 40, "IPv4 header length");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	pkt[6] = 0x20;			/* MF */
	refused(&h, len, "fragment");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	pkt[0] = 0x55;
	refused(&h, len, "IP version");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	pkt[9] = IPPROTO_ICMP;
	refused(&h, len, "protocol");
}

static void
hostile_ip6(void)
{
	struct tunvnet_hdr h;
	size_t len;
	unsigned i;

	len = super(6, 0, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	refused(&h, 39, "packet");
	refused(&h, len - 1, "payload length");
	pk_wr16(pkt + 4, 0);		/* jumbogram */
	refused(&h, len, "payload length");
	len = super(6, 0, 1, IPPROTO_TCP, 20, 100, 1000, &h);
	pkt[41] = 200;			/* ext header beyond the packet */
	refused(&h, len, "beyond");
	/* nine hop-by-hop headers: too many */
	len = super(6, 0, 0, IPPROTO_TCP, 20, 100, 1000, &h);
	memmove(pkt + 40 + 72, pkt + 40, len - 40);
	for (i = 0; i < 9; i++) {
		memset(pkt + 40 + 8 * i, 0, 8);
		pkt[40 + 8 * i] = i < 8 ? IPPROTO_HOPOPTS : IPPROTO_TCP;
	}
	pkt[6] = IPPROTO_HOPOPTS;
	pk_wr16(pkt + 4, (unsigned)(len + 72 - 40));
	refused(&h, len + 72, "too many");
	/* extension header cut short */
	len = super(6, 0, 0, IPPROTO_TCP, 20, 0, 1000, &h);
	pkt[6] = IPPROTO_DSTOPTS;
	refused(&h, 44, "payload length");
	pk_wr16(pkt + 4, 4);
	refused(&h, 44, "truncated");
	/* routing and fragment headers are not walked */
	len = super(6, 0, 1, IPPROTO_TCP, 20, 3000, 1000, &h);
	pkt[6] = 43;
	refused(&h, len, "protocol `43'");
	pkt[6] = 44;
	refused(&h, len, "protocol `44'");
}

static void
hostile_l4(void)
{
	struct tunvnet_hdr h;
	size_t len;

	len = super(4, 20, 0, IPPROTO_TCP, 20, 0, 1000, &h);
	pk_wr16(pkt + 2, 30);
	refused(&h, 30, "TCP header truncated");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	pkt[32] = 0x40;			/* doff 4 */
	refused(&h, len, "TCP header length");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 10, 1000, &h);
	pkt[32] = 0xf0;			/* doff 15: 60 > 30 bytes */
	refused(&h, len, "TCP header length");
	len = super(6, 0, 0, IPPROTO_UDP, 8, 0, 1000, &h);
	pk_wr16(pkt + 4, 4);
	refused(&h, 44, "UDP header truncated");
}

static void
hostile_gso(void)
{
	struct tunvnet_hdr h;
	size_t len;

	len = super(4, 20, 0, IPPROTO_TCP, 20, 3000, 1000, &h);
	h.gso_size = 0;
	refused(&h, len, "gso_size");
	h.gso_size = 65535;
	refused(&h, len, "gso_size");
	h.gso_size = SEGMAX - 39;	/* 40 header bytes + 1461 > 1500 */
	refused(&h, len, "gso_size");
	h.gso_size = 1;			/* 3000 pieces */
	refused(&h, len, "pieces");
	h.gso_size = 1000;
	h.gso_type = TUNVNET_GSO_TCPV6;
	refused(&h, len, "gso_type");
	h.gso_type = TUNVNET_GSO_UDP_L4;
	refused(&h, len, "gso_type");
	h.gso_type = 3;			/* UFO */
	refused(&h, len, "gso_type");
	h.gso_type = TUNVNET_GSO_TCPV4;
	h.csum_start = 24;
	refused(&h, len, "csum_start");
	len = super(4, 20, 0, IPPROTO_TCP, 20, 0, 1000, &h);
	refused(&h, len, "pieces");	/* no payload at all */
}

static void
hostile_csum(void)
{
	struct tunvnet_hdr h;
	size_t len;

	len = super(4, 20, 0, IPPROTO_TCP, 20, 100, 1000, &h);
	h.gso_type = TUNVNET_GSO_NONE;
	h.csum_start = (uint16_t)len;
	refused(&h, len, "csum_start");
	h.csum_start = 20;
	h.csum_offset = (uint16_t)(len - 21);	/* field 1 byte over */
	refused(&h, len, "csum_start");
	h.csum_offset = 65535;
	h.csum_start = 65535;
	refused(&h, len, "csum_start");
	h.csum_start = 20;
	h.csum_offset = 17;
	refused(&h, len, "csum_start");
	refused(&h, SEGMAX + 1, "packet of");	/* plain, too big */
	refused(&h, 0, "packet of");		/* plain, empty */
	h.csum_start = 0;			/* found by the fuzzer: */
	h.csum_offset = 0x1424;			/* 1 byte, len - 2 < 0 */
	refused(&h, 1, "csum_start");
}

/* The header's fields land where virtio_net_hdr has them. */
static void
header_layout(void)
{
	const uint8_t b[TUNVNET_HDR_BYTES] = { 1, 4, 0x42, 0, 0xa8, 5,
	    0x28, 0, 0x10, 0 };
	struct tunvnet_hdr h;
	uint8_t out[TUNVNET_HDR_BYTES];

	tunvnet_hdr_get(&h, b);
	T_EQ_UINT(h.flags, 1);
	T_EQ_UINT(h.gso_type, 4);
	T_EQ_UINT(h.hdr_len, 0x42);
	T_EQ_UINT(h.gso_size, 1448);
	T_EQ_UINT(h.csum_start, 40);
	T_EQ_UINT(h.csum_offset, 16);
	tunvnet_hdr_put(out, &h);
	T_EQ_MEM(out, b, sizeof(b));
}

/* Random headers over a valid packet: never a crash, and any plan
 * accepted yields pieces inside SEGMAX. */
static void
random_headers(void)
{
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	size_t len, n;
	unsigned i, k;

	srand(11);
	for (i = 0; i < 20000; i++) {
		len = super(i % 2 ? 4 : 6, 20, i % 3, i % 5 ? IPPROTO_TCP :
		    IPPROTO_UDP, 20, (size_t)(rand() % 5000), 1000, &h);
		h.gso_type = (uint8_t)(rand() % 8);
		h.gso_size = (uint16_t)(rand() % 2000);
		h.csum_start = (uint16_t)(rand() % 80);
		h.csum_offset = (uint16_t)(rand() % 40);
		h.flags = (uint8_t)(rand() % 4);
		pkt[rand() % 60] ^= (uint8_t)rand();
		if (tunvnet_plan(&g, &h, pkt, len, SEGMAX, &e) == -1)
			continue;
		for (k = 0; k < g.nseg; k++) {
			n = tunvnet_seg(&g, k, seg, sizeof(seg));
			T_CHECK(n > 0 && n <= SEGMAX);
		}
	}
}

int
main(void)
{
	T_RUN(header_layout);
	T_RUN(tso4_with_options);
	T_RUN(tso6_with_ext_headers);
	T_RUN(uso4_and_uso6);
	T_RUN(ecn_bit);
	T_RUN(partial_checksum_finished);
	T_RUN(hostile_ip);
	T_RUN(hostile_ip6);
	T_RUN(hostile_l4);
	T_RUN(hostile_gso);
	T_RUN(hostile_csum);
	T_RUN(random_headers);
	return T_DONE();
}
