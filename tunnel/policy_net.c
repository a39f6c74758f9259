/* SPDX-License-Identifier: ISC */
/*
 * The address rules of the gp-tunnel policy file (policy_net.h): the
 * gateway lines with their pin-sha256 codec, the route and dns-server
 * prefixes, and the prefix match the CONFIG checks use. Runs in [priv];
 * every line is untrusted text, parsed strictly and with bounds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/policy_net.h"

static const char policy_net_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
policy_net_b64_val(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(policy_net_b64, c)) == NULL)
		return -1;
	return (int)(p - policy_net_b64);
}

/* Exactly 44 characters of standard base64 for 32 bytes; strict. */
static int
policy_net_pin_decode(const char *s, uint8_t out[CFG_PIN_BYTES])
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int v, bits = 0;

	if (strlen(s) != POLICY_NET_PIN_CHARS ||
	    s[POLICY_NET_PIN_CHARS - 1] != '=')
		return -1;
	for (i = 0; i < POLICY_NET_PIN_CHARS - 1; i++) {
		if ((v = policy_net_b64_val(s[i])) == -1)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == CFG_PIN_BYTES)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* 43 * 6 = 258 bits: 256 used, the last 2 must be zero. */
	if (o != CFG_PIN_BYTES || (acc & ((1U << bits) - 1)) != 0)
		return -1;
	return 0;
}

void
policy_net_pin_encode(const uint8_t pin[CFG_PIN_BYTES],
    char out[POLICY_NET_PIN_CHARS + 1])
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < CFG_PIN_BYTES; i++) {
		acc = (acc << 8) | pin[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = policy_net_b64[(acc >> bits) & 0x3f];
		}
	}
	out[o++] = policy_net_b64[(acc << (6 - bits)) & 0x3f];
	out[o++] = '=';
	out[o] = '\0';
}

static bool
policy_net_host_bits_zero(const struct cfg_addr *a, unsigned plen)
{
	unsigned nbytes = a->family == CFG_AF_INET ? 4 : 16, i;

	for (i = 0; i < nbytes; i++) {
		unsigned keep = plen >= (i + 1) * 8 ? 8 :
		    plen > i * 8 ? plen - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00U >> keep);

		if ((a->bytes[i] & ~mask & 0xff) != 0)
			return false;
	}
	return true;
}

/* "ADDR/LEN", LEN in range, no host bits set. */
static int
policy_net_prefix_parse(const char *s, struct policy_prefix *r)
{
	char a[CFG_ADDR_STR_MAX + 1];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long len;
	size_t alen;

	if (slash == NULL || (alen = (size_t)(slash - s)) == 0 ||
	    alen > CFG_ADDR_STR_MAX || slash[1] < '0' || slash[1] > '9')
		return -1;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (config_addr_parse(a, &r->addr) == -1)
		return -1;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end - (slash + 1) > 3 ||
	    len > (r->addr.family == CFG_AF_INET ? 32UL : 128UL))
		return -1;
	r->prefixlen = (uint8_t)len;
	return policy_net_host_bits_zero(&r->addr, r->prefixlen) ? 0 : -1;
}

int
policy_net_gateway(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	const size_t tag = strlen(POLICY_NET_PIN_TAG);
	struct policy_gateway *g;

	if (l->n < 2 || l->n > 3)
		return policy_line_bad(e, l, "expected \"gateway ADDRESS "
		    "[pin-sha256:BASE64]\"", l->tok[0]);
	if (p->n_gateways == POLICY_GATEWAYS_MAX)
		return policy_line_bad(e, l, "too many gateway lines",
		    l->tok[1]);
	g = &p->gateways[p->n_gateways];
	memset(g, 0, sizeof(*g));
	if (config_addr_parse(l->tok[1], &g->addr) == -1)
		return policy_line_bad(e, l, "not an IP address", l->tok[1]);
	if (l->n == 3) {
		if (strncmp(l->tok[2], POLICY_NET_PIN_TAG, tag) != 0 ||
		    policy_net_pin_decode(l->tok[2] + tag, g->pin) == -1)
			return policy_line_bad(e, l, "expected pin-sha256: "
			    "and the base64 of 32 bytes", l->tok[2]);
		g->has_pin = true;
	}
	p->n_gateways++;
	return 0;
}

int
policy_net_prefix(const struct policy_line *l, struct policy_prefix *list,
    unsigned *n, unsigned max, struct gp_err *e)
{
	char what[64];

	if (l->n != 2) {
		snprintf(what, sizeof(what), "expected \"%s "
		    "ADDRESS/PREFIXLEN\"", l->tok[0]);
		return policy_line_bad(e, l, what, l->tok[0]);
	}
	if (*n == max) {
		snprintf(what, sizeof(what), "too many %s lines", l->tok[0]);
		return policy_line_bad(e, l, what, l->tok[1]);
	}
	if (policy_net_prefix_parse(l->tok[1], &list[*n]) == -1)
		return policy_line_bad(e, l, "not a prefix ADDRESS/LEN "
		    "without host bits", l->tok[1]);
	(*n)++;
	return 0;
}

bool
policy_net_covers(const struct policy_prefix *r,
    const struct cfg_addr *addr, unsigned plen)
{
	unsigned i, full = r->prefixlen / 8, rest = r->prefixlen % 8;

	if (addr->family != r->addr.family || plen < r->prefixlen)
		return false;
	for (i = 0; i < full; i++)
		if (addr->bytes[i] != r->addr.bytes[i])
			return false;
	if (rest == 0)
		return true;
	return ((addr->bytes[full] ^ r->addr.bytes[full]) &
	    (uint8_t)(0xff00U >> rest)) == 0;
}
