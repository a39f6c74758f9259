/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the CE marks of gp-tunnel [net] (tunnel/ipecn.c): each
 * ECN code point of IPv4 and IPv6, the IPv4 header checksum against a
 * full recomputation, and headers too short to mark.
 */
#include <string.h>

#include "tests/unit/t.h"
#include "tunnel/ipecn.h"

/* The ones'-complement sum of an IPv4 header: 0xffff if its checksum
 * is right. */
static unsigned
sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s > 0xffff)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* A 20-byte IPv4/UDP header with this TOS and a right checksum. */
static void
v4(uint8_t *p, uint8_t tos)
{
	static const uint8_t h[20] = { 0x45, 0, 0, 48, 0x12, 0x34, 0x40, 0,
	    64, 17, 0, 0, 198, 18, 0, 1, 198, 18, 128, 10 };
	unsigned s;

	memcpy(p, h, sizeof(h));
	p[1] = tos;
	s = ~sum16(p, 20) & 0xffff;
	p[10] = (uint8_t)(s >> 8);
	p[11] = (uint8_t)s;
}

static void
ipv4(void)
{
	static const uint8_t tos[] = { 0x00, 0xb8, 0x02, 0x01, 0xba, 0xb9,
	    0x03, 0xff, 0xfe, 0xfd, 0xfc };
	uint8_t p[28], was[28];
	size_t i;

	for (i = 0; i < sizeof(tos); i++) {
		v4(p, tos[i]);
		memcpy(was, p, sizeof(p));
		if ((tos[i] & IPECN_CE) == IPECN_NOT_ECT) {
			T_FALSE(ipecn_mark_ce(p, sizeof(p)));
			T_EQ_MEM(p, was, sizeof(p));
			continue;
		}
		T_TRUE(ipecn_mark_ce(p, sizeof(p)));
		T_EQ_UINT(p[1], tos[i] | IPECN_CE);	/* DSCP kept */
		T_EQ_UINT(sum16(p, 20), 0xffff);
		T_EQ_MEM(p + 12, was + 12, sizeof(p) - 12);
	}
	v4(p, IPECN_ECT0);
	T_FALSE(ipecn_mark_ce(p, 19));
	T_EQ_UINT(p[1], IPECN_ECT0);
}

static void
ipv6(void)
{
	uint8_t p[48], was[48];
	unsigned ecn;

	for (ecn = 0; ecn < 4; ecn++) {
		memset(p, 0x11, sizeof(p));
		p[0] = 0x6b;		/* version 6, TC high nibble 0xb */
		p[1] = (uint8_t)(0x8c | ecn << 4);	/* flow label 0xc.. */
		memcpy(was, p, sizeof(p));
		T_EQ_INT(ipecn_mark_ce(p, sizeof(p)), ecn != IPECN_NOT_ECT);
		if (ecn == IPECN_NOT_ECT) {
			T_EQ_MEM(p, was, sizeof(p));
			continue;
		}
		T_EQ_UINT(p[0], 0x6b);
		T_EQ_UINT(p[1], 0xbc);
		T_EQ_MEM(p + 2, was + 2, sizeof(p) - 2);
	}
	p[1] = 0x2c;
	T_FALSE(ipecn_mark_ce(p, 39));
	T_EQ_UINT(p[1], 0x2c);
}

static void
not_ip(void)
{
	uint8_t p[40];

	memset(p, 0x02, sizeof(p));
	p[0] = 0x55;
	T_FALSE(ipecn_mark_ce(p, sizeof(p)));
	T_FALSE(ipecn_mark_ce(p, 0));
	T_EQ_UINT(p[1], 0x02);
}

int
main(void)
{
	T_RUN(ipv4);
	T_RUN(ipv6);
	T_RUN(not_ip);
	return T_DONE();
}
