/* SPDX-License-Identifier: ISC */
/*
 * CE marks on inner IPv4/IPv6 packets (see ipecn.h). Runs in [net] on
 * decrypted packets that passed the IP header check; each access is
 * still bounded by len.
 */
#include "tunnel/ipecn.h"

#define IPECN_V4_HDR	20
#define IPECN_V6_HDR	40

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m') for the 16-bit word holding
 * the TOS, so the rest of the header need not be summed again. */
static void
ipecn_v4_fix(uint8_t *p, uint16_t old, uint16_t new)
{
	uint32_t sum;

	sum = (uint16_t)~(p[10] << 8 | p[11]);
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	p[10] = (uint8_t)(sum >> 8);
	p[11] = (uint8_t)sum;
}

static bool
ipecn_v4(uint8_t *p, size_t len)
{
	uint16_t old;

	if (len < IPECN_V4_HDR || (p[1] & IPECN_CE) == IPECN_NOT_ECT)
		return false;
	if ((p[1] & IPECN_CE) == IPECN_CE)
		return true;
	old = (uint16_t)(p[0] << 8 | p[1]);
	p[1] |= IPECN_CE;
	ipecn_v4_fix(p, old, (uint16_t)(p[0] << 8 | p[1]));
	return true;
}

/* The traffic class straddles bytes 0 and 1; ECN is its low two bits,
 * bits 5-4 of byte 1. No checksum covers it. */
static bool
ipecn_v6(uint8_t *p, size_t len)
{
	unsigned ecn;

	if (len < IPECN_V6_HDR)
		return false;
	ecn = (p[1] >> 4) & IPECN_CE;
	if (ecn == IPECN_NOT_ECT)
		return false;
	p[1] |= IPECN_CE << 4;
	return true;
}

bool
ipecn_mark_ce(uint8_t *p, size_t len)
{
	if (len < 1)
		return false;
	switch (p[0] >> 4) {
	case 4:
		return ipecn_v4(p, len);
	case 6:
		return ipecn_v6(p, len);
	default:
		return false;
	}
}
