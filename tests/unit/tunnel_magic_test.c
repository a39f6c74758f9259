/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the magic ping (tunnel/magic.c): the IPv4 probe equals
 * the inner packet of the PROTOCOL.md §7.6 vector, the IPv6 checksum is
 * checked independently, and replies are recognised only when exact.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tunnel/magic.h"
#include "t.h"

/* PROTOCOL.md §7.6: the plaintext's first 44 bytes, a magic ping from
 * 192.168.7.2 to 127.0.0.1 with sequence 0. */
static const uint8_t vector_probe[MAGIC_PING4_BYTES] = {
	0x45, 0x00, 0x00, 0x2c, 0x47, 0x47, 0x40, 0x00, 0x40, 0x01, 0xac, 0xde,
	0xc0, 0xa8, 0x07, 0x02, 0x7f, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x0b, 0x09, 0x47, 0x47, 0x00, 0x00,
	0x6d, 0x6f, 0x6e, 0x69, 0x74, 0x6f, 0x72, 0x00, 0x00, 0x70, 0x61, 0x6e,
	0x20, 0x68, 0x61, 0x20
};

static struct gp_config *
cfg4(void)
{
	struct gp_config *c = config_new();

	if (c == NULL)
		return NULL;
	(void)config_addr_parse("192.168.7.2", &c->ip4);
	(void)config_addr_parse("127.0.0.1", &c->esp.magic4);
	return c;
}

static struct gp_config *
cfg6(void)
{
	struct gp_config *c = cfg4();

	if (c == NULL)
		return NULL;
	(void)config_addr_parse("fd00::c6a0", &c->ip6);
	(void)config_addr_parse("2001:db8::1", &c->esp.magic6);
	return c;
}

static uint32_t
sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		s += i % 2 == 0 ? (uint32_t)p[i] << 8 : p[i];
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s > 0xffff)
		s = (s >> 16) + (s & 0xffff);
	return (uint16_t)s;
}

static void
probe4_matches_vector(void)
{
	struct gp_config *c = cfg4();
	uint8_t out[MAGIC_PING6_BYTES];

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	T_EQ_INT(magic_family(c), CFG_AF_INET);
	T_EQ_INT(magic_build(c, 0, out, sizeof(out)), MAGIC_PING4_BYTES);
	T_EQ_MEM(out, vector_probe, MAGIC_PING4_BYTES);
	/* Sequence 5: header checksum unchanged, ICMP checksum valid. */
	T_EQ_INT(magic_build(c, 5, out, sizeof(out)), MAGIC_PING4_BYTES);
	T_EQ_INT(out[26], 0);
	T_EQ_INT(out[27], 5);
	T_EQ_UINT(fold(sum16(0, out, 20)), 0xffff);
	T_EQ_UINT(fold(sum16(0, out + 20, 24)), 0xffff);
	T_EQ_INT(magic_build(c, 0, out, MAGIC_PING4_BYTES - 1), 0);
	config_free(c);
}

static void
probe6_checksum(void)
{
	struct gp_config *c = cfg6();
	uint8_t out[MAGIC_PING6_BYTES], ph[40];

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	T_EQ_INT(magic_family(c), CFG_AF_INET6);
	T_EQ_INT(magic_build(c, 5, out, sizeof(out)), MAGIC_PING6_BYTES);
	T_EQ_UINT(out[0], 0x60);
	T_EQ_INT(out[4], 0);
	T_EQ_INT(out[5], 24);
	T_EQ_INT(out[6], 58);
	T_EQ_INT(out[7], 128);
	T_EQ_MEM(out + 8, c->ip6.bytes, 16);
	T_EQ_MEM(out + 24, c->esp.magic6.bytes, 16);
	T_EQ_INT(out[40], 128);
	T_EQ_INT(out[41], 0);
	T_EQ_UINT(out[44], 0x47);
	T_EQ_UINT(out[45], 0x47);
	T_EQ_INT(out[47], 5);
	/* Value computed with Python for these addresses and sequence 5. */
	T_EQ_UINT(out[42], 0xa1);
	T_EQ_UINT(out[43], 0x55);
	/* Pseudo-header: source, destination, u32 length, 0 0 0 58. */
	memcpy(ph, out + 8, 32);
	memcpy(ph + 32, "\0\0\0\x18\0\0\0\x3a", 8);
	T_EQ_UINT(fold(sum16(sum16(0, ph, 40), out + 40, 24)), 0xffff);
	T_EQ_MEM(out + 48, "monitor\0\0pan ha ", 16);
	T_EQ_INT(magic_build(c, 0, out, MAGIC_PING6_BYTES - 1), 0);
	config_free(c);
}

static void
family_rule(void)
{
	struct gp_config *c = cfg6();
	uint8_t out[MAGIC_PING6_BYTES];

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	/* Both magic addresses, only an IPv4 client address: ICMPv4. */
	c->ip6.family = CFG_AF_NONE;
	T_EQ_INT(magic_family(c), CFG_AF_INET);
	c->esp.magic4.family = CFG_AF_NONE;
	T_EQ_INT(magic_family(c), CFG_AF_NONE);
	T_EQ_INT(magic_build(c, 0, out, sizeof(out)), 0);
	T_CHECK(!magic_is_reply(c, vector_probe, sizeof(vector_probe)));
	config_free(c);
}

/* The gateway's answer to a probe: addresses swapped, echo reply. */
static void
reply4(uint8_t *p)
{
	memcpy(p, vector_probe, MAGIC_PING4_BYTES);
	memcpy(p + 12, vector_probe + 16, 4);
	memcpy(p + 16, vector_probe + 12, 4);
	p[20] = 0;
}

static void
reply4_recognised(void)
{
	struct gp_config *c = cfg4();
	uint8_t p[128];

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	reply4(p);
	T_CHECK(magic_is_reply(c, p, MAGIC_PING4_BYTES));
	T_CHECK(magic_is_reply(c, p, sizeof(p)));	/* trailing bytes */
	/* With 4 bytes of IP options. */
	memmove(p + 24, p + 20, 24);
	memset(p + 20, 1, 4);
	p[0] = 0x46;
	p[3] = 48;
	T_CHECK(magic_is_reply(c, p, 48));
	config_free(c);
}

static void
reply4_rejected(void)
{
	struct gp_config *c = cfg4();
	uint8_t p[64];
	size_t n;

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	T_CHECK(!magic_is_reply(c, vector_probe, MAGIC_PING4_BYTES));
	for (n = 0; n < MAGIC_PING4_BYTES; n++) {
		reply4(p);
		T_CHECK(!magic_is_reply(c, p, n));	/* truncated */
	}
	reply4(p), p[9] = 17;
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[15] = 2;				/* other source */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[43] ^= 1;				/* payload */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[3] = 45;			/* total length > len */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[3] = 43;			/* payload cut short */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[0] = 0x44;				/* IHL 4 */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[0] = 0x4f;			/* options past the end */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[6] = 0x20;				/* a fragment */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	reply4(p), p[0] = 0x65;				/* version 6 */
	T_CHECK(!magic_is_reply(c, p, MAGIC_PING4_BYTES));
	config_free(c);
}

static void
reply6(const struct gp_config *c, uint8_t *p)
{
	(void)magic_build(c, 1, p, MAGIC_PING6_BYTES);
	memcpy(p + 8, c->esp.magic6.bytes, 16);
	memcpy(p + 24, c->ip6.bytes, 16);
	p[40] = 129;
}

static void
reply6_recognised_and_rejected(void)
{
	struct gp_config *c = cfg6();
	uint8_t p[MAGIC_PING6_BYTES], q[MAGIC_PING6_BYTES];
	size_t n;

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	reply6(c, p);
	T_CHECK(magic_is_reply(c, p, sizeof(p)));
	for (n = 0; n < sizeof(p); n++)
		T_CHECK(!magic_is_reply(c, p, n));
	memcpy(q, p, sizeof(q)), q[40] = 128;		/* a request */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	memcpy(q, p, sizeof(q)), q[6] = 0;		/* extension hdr */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	memcpy(q, p, sizeof(q)), q[23] ^= 1;		/* other source */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	memcpy(q, p, sizeof(q)), q[5] = 25;		/* plen > len */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	memcpy(q, p, sizeof(q)), q[5] = 23;		/* plen too small */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	memcpy(q, p, sizeof(q)), q[63] ^= 1;		/* payload */
	T_CHECK(!magic_is_reply(c, q, sizeof(q)));
	/* An IPv4 reply while the probes are IPv6. */
	reply4(q);
	T_CHECK(!magic_is_reply(c, q, MAGIC_PING4_BYTES));
	config_free(c);
}

int
main(void)
{
	T_RUN(probe4_matches_vector);
	T_RUN(probe6_checksum);
	T_RUN(family_rule);
	T_RUN(reply4_recognised);
	T_RUN(reply4_rejected);
	T_RUN(reply6_recognised_and_rejected);
	return T_DONE();
}
