/* SPDX-License-Identifier: ISC */
/*
 * peerpkt (see peerpkt.h): magic ping replies and discard-port packets
 * for bench/esppeer, the benchmark's ESP peer. Its inputs are inner
 * packets that esp_decrypt authenticated; every offset is checked
 * against the length before it is read.
 */
#include <string.h>

#include "bench/peerpkt.h"

#define PEERPKT_IP_ICMP		1
#define PEERPKT_IP_UDP		17
#define PEERPKT_ICMP_ECHO	8
#define PEERPKT_ICMP_REPLY	0
#define PEERPKT_MAGIC_BYTES	16

static const uint8_t peerpkt_magic[PEERPKT_MAGIC_BYTES] =
    "monitor\0\0pan ha ";

uint16_t
peerpkt_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
peerpkt_put16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)(v >> 8);
	at[1] = (uint8_t)v;
}

/* The IPv4 header length, or 0 if pkt is not IPv4 of at least that. */
static size_t
peerpkt_ihl(const uint8_t *pkt, size_t len)
{
	size_t ihl;

	if (len < 20 || pkt[0] >> 4 != 4)
		return 0;
	ihl = (size_t)(pkt[0] & 15) * 4;
	return ihl >= 20 && len >= ihl ? ihl : 0;
}

int
peerpkt_is_magic(const uint8_t *pkt, size_t len, const uint8_t gw4[4])
{
	size_t ihl = peerpkt_ihl(pkt, len);

	if (ihl == 0 || len < ihl + 8 + PEERPKT_MAGIC_BYTES ||
	    pkt[9] != PEERPKT_IP_ICMP || memcmp(pkt + 16, gw4, 4) != 0)
		return 0;
	return pkt[ihl] == PEERPKT_ICMP_ECHO &&
	    memcmp(pkt + ihl + 8, peerpkt_magic, PEERPKT_MAGIC_BYTES) == 0;
}

size_t
peerpkt_magic_reply(const uint8_t *pkt, size_t len, uint8_t *out)
{
	size_t ihl = peerpkt_ihl(pkt, len);
	size_t icmp = len - ihl;

	memcpy(out, pkt, 20);
	out[0] = 0x45;
	peerpkt_put16(out + 2, (uint16_t)(20 + icmp));
	out[8] = 64;
	memcpy(out + 12, pkt + 16, 4);
	memcpy(out + 16, pkt + 12, 4);
	peerpkt_put16(out + 10, 0);
	peerpkt_put16(out + 10, peerpkt_csum(out, 20));
	memcpy(out + 20, pkt + ihl, icmp);
	out[20] = PEERPKT_ICMP_REPLY;
	peerpkt_put16(out + 22, 0);
	peerpkt_put16(out + 22, peerpkt_csum(out + 20, icmp));
	return 20 + icmp;
}

int
peerpkt_is_discard(const uint8_t *pkt, size_t len)
{
	size_t ihl = peerpkt_ihl(pkt, len);

	return ihl != 0 && pkt[9] == PEERPKT_IP_UDP && len >= ihl + 8 &&
	    pkt[ihl + 2] == 0 && pkt[ihl + 3] == PEERPKT_DISCARD_PORT;
}

/* The UDP checksum of a discard packet (its payload is zeros), as
 * every real stack fills it in: the pseudo-header and the UDP header. */
static uint16_t
peerpkt_udp_csum(const uint8_t *ip, size_t len)
{
	uint8_t t[20];
	uint16_t c;

	memcpy(t, ip + 12, 8);
	t[8] = 0;
	t[9] = PEERPKT_IP_UDP;
	peerpkt_put16(t + 10, (uint16_t)(len - 20));
	memcpy(t + 12, ip + 20, 6);
	t[18] = t[19] = 0;
	c = peerpkt_csum(t, sizeof(t));
	return c == 0 ? 0xffff : c;
}

void
peerpkt_discard(uint8_t *out, size_t len, const uint8_t src[4],
    const uint8_t dst[4])
{
	memset(out, 0, len);
	out[0] = 0x45;
	peerpkt_put16(out + 2, (uint16_t)len);
	out[6] = 0x40;			/* DF */
	out[8] = 64;
	out[9] = PEERPKT_IP_UDP;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, dst, 4);
	peerpkt_put16(out + 10, peerpkt_csum(out, 20));
	peerpkt_put16(out + 20, PEERPKT_DISCARD_PORT);
	peerpkt_put16(out + 22, PEERPKT_DISCARD_PORT);
	peerpkt_put16(out + 24, (uint16_t)(len - 20));
	peerpkt_put16(out + 26, peerpkt_udp_csum(out, len));
}
