/* SPDX-License-Identifier: ISC */
/*
 * The GP magic ping (see magic.h, PROTOCOL.md §7.7) in gp-tunnel's packet
 * process: builds the ICMP/ICMPv6 echo request probes and recognises the
 * gateway's replies. Pure code; received packets are untrusted and read
 * through struct buf.
 */
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/magic.h"

#define MAGIC_ID		0x4747	/* IPv4 ID and ICMP identifier */
#define MAGIC_IP4_HDR_BYTES	20
#define MAGIC_IP6_HDR_BYTES	40
#define MAGIC_ICMP_HDR_BYTES	8
#define MAGIC_TTL		64
#define MAGIC_HOP_LIMIT		128
#define MAGIC_PROTO_ICMP	1
#define MAGIC_PROTO_ICMP6	58
#define MAGIC_ECHO4_REQUEST	8
#define MAGIC_ECHO4_REPLY	0
#define MAGIC_ECHO6_REQUEST	128
#define MAGIC_ECHO6_REPLY	129
#define MAGIC_IP4_DF		0x4000

static const uint8_t magic_payload[MAGIC_PAYLOAD_BYTES] = {
	'm', 'o', 'n', 'i', 't', 'o', 'r', 0, 0, 'p', 'a', 'n', ' ', 'h', 'a',
	' '
};

uint8_t
magic_family(const struct gp_config *c)
{
	if (c->esp.magic6.family == CFG_AF_INET6 &&
	    c->ip6.family == CFG_AF_INET6)
		return CFG_AF_INET6;
	if (c->esp.magic4.family == CFG_AF_INET &&
	    c->ip4.family == CFG_AF_INET)
		return CFG_AF_INET;
	return CFG_AF_NONE;
}

/* One's-complement sum of 16-bit big-endian words, not yet folded. */
static uint32_t
magic_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2 != 0)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
magic_fold(uint32_t sum)
{
	while (sum >> 16 != 0)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
magic_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* ICMP(v6) echo request header and the magic payload at p. */
static void
magic_echo(uint8_t *p, uint8_t type, uint16_t seq)
{
	p[0] = type;
	p[1] = 0;
	magic_put16(p + 2, 0);		/* checksum, filled in later */
	magic_put16(p + 4, MAGIC_ID);
	magic_put16(p + 6, seq);
	memcpy(p + MAGIC_ICMP_HDR_BYTES, magic_payload, MAGIC_PAYLOAD_BYTES);
}

static size_t
magic_build4(const struct gp_config *c, uint16_t seq, uint8_t *out)
{
	uint8_t *icmp = out + MAGIC_IP4_HDR_BYTES;
	size_t icmp_len = MAGIC_ICMP_HDR_BYTES + MAGIC_PAYLOAD_BYTES;

	out[0] = 0x45;
	out[1] = 0;
	magic_put16(out + 2, MAGIC_PING4_BYTES);
	magic_put16(out + 4, MAGIC_ID);
	magic_put16(out + 6, MAGIC_IP4_DF);
	out[8] = MAGIC_TTL;
	out[9] = MAGIC_PROTO_ICMP;
	magic_put16(out + 10, 0);
	memcpy(out + 12, c->ip4.bytes, 4);
	memcpy(out + 16, c->esp.magic4.bytes, 4);
	magic_put16(out + 10, magic_fold(magic_sum(0, out,
	    MAGIC_IP4_HDR_BYTES)));
	magic_echo(icmp, MAGIC_ECHO4_REQUEST, seq);
	magic_put16(icmp + 2, magic_fold(magic_sum(0, icmp, icmp_len)));
	return MAGIC_PING4_BYTES;
}

/* The checksum covers the RFC 8200 §8.1 pseudo-header too. */
static size_t
magic_build6(const struct gp_config *c, uint16_t seq, uint8_t *out)
{
	uint8_t *icmp = out + MAGIC_IP6_HDR_BYTES;
	uint16_t icmp_len = MAGIC_ICMP_HDR_BYTES + MAGIC_PAYLOAD_BYTES;
	uint32_t sum;

	memset(out, 0, MAGIC_IP6_HDR_BYTES);
	out[0] = 0x60;
	magic_put16(out + 4, icmp_len);
	out[6] = MAGIC_PROTO_ICMP6;
	out[7] = MAGIC_HOP_LIMIT;
	memcpy(out + 8, c->ip6.bytes, 16);
	memcpy(out + 24, c->esp.magic6.bytes, 16);
	magic_echo(icmp, MAGIC_ECHO6_REQUEST, seq);
	sum = magic_sum(0, out + 8, 32);	/* source, destination */
	sum += icmp_len + MAGIC_PROTO_ICMP6;
	sum = magic_sum(sum, icmp, icmp_len);
	magic_put16(icmp + 2, magic_fold(sum));
	return MAGIC_PING6_BYTES;
}

size_t
magic_build(const struct gp_config *c, uint16_t seq, uint8_t *out,
    size_t cap)
{
	switch (magic_family(c)) {
	case CFG_AF_INET:
		if (cap < MAGIC_PING4_BYTES)
			return 0;
		return magic_build4(c, seq, out);
	case CFG_AF_INET6:
		if (cap < MAGIC_PING6_BYTES)
			return 0;
		return magic_build6(c, seq, out);
	default:
		return 0;
	}
}

/* The echo reply header and the magic payload, at the cursor. */
static bool
magic_echo_reply(struct buf *b, uint8_t type)
{
	uint8_t t = 0, pl[MAGIC_PAYLOAD_BYTES];

	if (buf_get_u8(b, &t) == -1 || t != type ||
	    buf_skip(b, MAGIC_ICMP_HDR_BYTES - 1) == -1 ||
	    buf_get_bytes(b, pl, sizeof(pl)) == -1)
		return false;
	return memcmp(pl, magic_payload, sizeof(pl)) == 0;
}

/* Field order: version/IHL, TOS, total length, ID, flags/fragment, TTL,
 * protocol, checksum, source, destination, options. */
static bool
magic_is_reply4(const struct gp_config *c, const uint8_t *pkt, size_t len)
{
	struct buf b;
	uint8_t vihl = 0, proto = 0, src[4];
	uint16_t total = 0, frag = 0;
	size_t hlen;

	buf_view(&b, pkt, len);
	if (buf_get_u8(&b, &vihl) == -1 || vihl >> 4 != 4 ||
	    buf_skip(&b, 1) == -1 || buf_get_u16(&b, &total) == -1 ||
	    buf_skip(&b, 2) == -1 || buf_get_u16(&b, &frag) == -1 ||
	    buf_skip(&b, 1) == -1 || buf_get_u8(&b, &proto) == -1 ||
	    buf_skip(&b, 2) == -1 || buf_get_bytes(&b, src, 4) == -1)
		return false;
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < MAGIC_IP4_HDR_BYTES || total > len ||
	    total < hlen + MAGIC_ICMP_HDR_BYTES + MAGIC_PAYLOAD_BYTES ||
	    (frag & 0x3fff) != 0 || proto != MAGIC_PROTO_ICMP ||
	    memcmp(src, c->esp.magic4.bytes, 4) != 0)
		return false;
	buf_view(&b, pkt, total);
	return buf_skip(&b, hlen) == 0 &&
	    magic_echo_reply(&b, MAGIC_ECHO4_REPLY);
}

/* Field order: version/class/flow, payload length, next header, hop
 * limit, source, destination; no extension headers are accepted. */
static bool
magic_is_reply6(const struct gp_config *c, const uint8_t *pkt, size_t len)
{
	struct buf b;
	uint8_t v = 0, nh = 0, src[16];
	uint16_t plen = 0;

	buf_view(&b, pkt, len);
	if (buf_get_u8(&b, &v) == -1 || v >> 4 != 6 ||
	    buf_skip(&b, 3) == -1 || buf_get_u16(&b, &plen) == -1 ||
	    buf_get_u8(&b, &nh) == -1 || buf_skip(&b, 1) == -1 ||
	    buf_get_bytes(&b, src, 16) == -1 || buf_skip(&b, 16) == -1)
		return false;
	if ((size_t)plen + MAGIC_IP6_HDR_BYTES > len ||
	    plen < MAGIC_ICMP_HDR_BYTES + MAGIC_PAYLOAD_BYTES ||
	    nh != MAGIC_PROTO_ICMP6 ||
	    memcmp(src, c->esp.magic6.bytes, 16) != 0)
		return false;
	return magic_echo_reply(&b, MAGIC_ECHO6_REPLY);
}

bool
magic_is_reply(const struct gp_config *c, const uint8_t *pkt, size_t len)
{
	switch (magic_family(c)) {
	case CFG_AF_INET:
		return magic_is_reply4(c, pkt, len);
	case CFG_AF_INET6:
		return magic_is_reply6(c, pkt, len);
	default:
		return false;
	}
}
