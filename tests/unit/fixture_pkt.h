/* SPDX-License-Identifier: ISC */
/*
 * Packet builders for the tun offload tests (tunnel_tunvnet_test.c,
 * tunnel_coal_test.c): IPv4/IPv6 with TCP or UDP, with a reference
 * checksum written the plain RFC 1071 way (big-endian words), independent
 * of tunnel/tunvnet.c's. Test code only; header-only (static).
 */
#ifndef GPVPN_TESTS_FIXTURE_PKT_H
#define GPVPN_TESTS_FIXTURE_PKT_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t
pk_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
pk_rd32(const uint8_t *p)
{
	return (uint32_t)pk_rd16(p) << 16 | pk_rd16(p + 2);
}

static inline void
pk_wr16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
pk_wr32(uint8_t *p, uint32_t v)
{
	pk_wr16(p, v >> 16);
	pk_wr16(p + 2, v & 0xffff);
}

/* RFC 1071 over big-endian words. */
static inline uint32_t
pk_sum(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += pk_rd16(p + i);
	if (n % 2)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* The pseudo-header sum (not complemented). */
static inline uint32_t
pk_pseudo(const uint8_t *ip, unsigned v, uint8_t proto, size_t l4len)
{
	uint32_t s = v == 4 ? pk_sum(0, ip + 12, 8) : pk_sum(0, ip + 8, 32);

	return pk_sum(s + proto + (uint32_t)l4len, (const uint8_t *)"", 0);
}

/* Whether the TCP/UDP checksum at l4 (to the end) is right. */
static inline bool
pk_l4_ok(const uint8_t *ip, size_t len, unsigned v, uint8_t proto,
    size_t l4)
{
	uint32_t s = pk_pseudo(ip, v, proto, len - l4);

	return pk_sum(s, ip + l4, len - l4) == 0xffff;
}

static inline bool
pk_ip4_ok(const uint8_t *ip)
{
	return pk_sum(0, ip, (size_t)(ip[0] & 15) * 4) == 0xffff;
}

/* Fill the TCP/UDP checksum at l4 (field at l4 + at). */
static inline void
pk_l4_fill(uint8_t *ip, size_t len, unsigned v, uint8_t proto, size_t l4,
    size_t at)
{
	uint32_t s;

	memset(ip + l4 + at, 0, 2);
	s = pk_sum(pk_pseudo(ip, v, proto, len - l4), ip + l4, len - l4);
	s = ~s & 0xffff;
	if (s == 0 && proto == IPPROTO_UDP)
		s = 0xffff;
	pk_wr16(ip + l4 + at, s);
}

/* An IPv4 header of ihl bytes (options NOPs), total len, the checksum. */
static inline size_t
pk_ip4(uint8_t *p, size_t ihl, size_t len, uint8_t proto, uint16_t id)
{
	memset(p, 0, ihl);
	memset(p + 20, 1, ihl - 20);
	p[0] = (uint8_t)(0x40 | ihl / 4);
	pk_wr16(p + 2, (unsigned)len);
	pk_wr16(p + 4, id);
	p[6] = 0x40;	/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, "\xc6\x12\x80\x0a\xc6\x12\x40\x02", 8);
	pk_wr16(p + 10, ~pk_sum(0, p, ihl) & 0xffff);
	return ihl;
}

/* An IPv6 header, then ext hop-by-hop/dest-option headers of 8 bytes. */
static inline size_t
pk_ip6(uint8_t *p, size_t len, uint8_t proto, unsigned exts)
{
	unsigned i;

	memset(p, 0, 40);
	p[0] = 0x60;
	pk_wr16(p + 4, (unsigned)(len - 40));
	p[6] = exts > 0 ? IPPROTO_HOPOPTS : proto;
	p[7] = 64;
	memcpy(p + 8, "\x20\x01\x00\x02\x00\x00\x00\x18", 8);
	p[23] = 0x10;
	memcpy(p + 24, "\x20\x01\x00\x02\x00\x00\x00\x18", 8);
	p[39] = 0x01;
	for (i = 0; i < exts; i++) {
		memset(p + 40 + 8 * i, 0, 8);
		p[40 + 8 * i] = i + 1 < exts ? IPPROTO_DSTOPTS : proto;
		p[40 + 8 * i + 2] = 1;	/* PadN */
		p[40 + 8 * i + 3] = 4;
	}
	return 40 + 8 * (size_t)exts;
}

/* A TCP header of th bytes (options: NOP NOP timestamps, then NOPs). */
static inline size_t
pk_tcp(uint8_t *t, size_t th, uint32_t seq, uint8_t flags)
{
	size_t i;

	memset(t, 0, th);
	pk_wr16(t, 40000);
	pk_wr16(t + 2, 5001);
	pk_wr32(t + 4, seq);
	pk_wr32(t + 8, 0x01020304);
	t[12] = (uint8_t)(th / 4 << 4);
	t[13] = flags;
	pk_wr16(t + 14, 502);
	for (i = 20; i < th; i++)
		t[i] = 1;
	if (th >= 32) {
		t[22] = 8;
		t[23] = 10;
		pk_wr32(t + 24, 0xaabbccdd);
		pk_wr32(t + 28, 0x11223344);
	}
	return th;
}

/* A whole packet: v 4/6, TCP (th header bytes) or UDP (th 8), n payload
 * bytes of pat+i; right checksums. Its length. */
static inline size_t
pk_build(uint8_t *p, unsigned v, uint8_t proto, size_t th, size_t n,
    uint32_t seq, uint8_t flags, uint8_t pat)
{
	size_t l4, i, len;

	len = (v == 4 ? 20 : 40) + th + n;
	l4 = v == 4 ? pk_ip4(p, 20, len, proto, 0x1000) :
	    pk_ip6(p, len, proto, 0);
	if (proto == IPPROTO_TCP)
		pk_tcp(p + l4, th, seq, flags);
	else {
		memset(p + l4, 0, 8);
		pk_wr16(p + l4, 5353);
		pk_wr16(p + l4 + 2, 5354);
		pk_wr16(p + l4 + 4, (unsigned)(8 + n));
	}
	for (i = 0; i < n; i++)
		p[l4 + th + i] = (uint8_t)(pat + i);
	pk_l4_fill(p, len, v, proto, l4, proto == IPPROTO_TCP ? 16 : 6);
	return len;
}

#endif
