/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the IPv6 check of gp-tunnel [priv]
 * (tunnel/ip6check.c), which parses the kernel's /proc/net/if_inet6 and
 * /proc/net/ipv6_route as untrusted text. Input: a piece size, a byte
 * choosing the config, then the two files' bytes split at the first NUL.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/ip6check.h"

#define FUZZ_TEXT_MAX	(256 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gp_config *
fuzz_config(uint8_t sel)
{
	struct gp_config *c = config_new();

	if (c == NULL)
		abort();
	(void)config_addr_parse("2001:2:0:18::10", &c->ip6);
	c->ip6_prefixlen = 64;
	if (sel & 1) {
		(void)config_addr_parse("2001:2:0:64::", &c->routes[0].addr);
		c->routes[0].prefixlen = (uint8_t)(sel >> 1);
		c->n_routes = 1;
	}
	return c;
}

/* The same feeding as the reader: a bounded buffer, the rest carried. */
static int
fuzz_feed(struct ip6check *k, enum ip6check_file f, const char *p,
    size_t len, size_t chunk, struct gp_err *e)
{
	static char buf[IP6CHECK_LINE_MAX + 256];
	size_t have = 0, off = 0, n, used;
	bool eof;

	do {
		n = len - off < chunk ? len - off : chunk;
		memcpy(buf + have, p + off, n);
		have += n;
		off += n;
		eof = off == len;
		if (ip6check_feed(k, f, buf, have, eof, &used, e) == -1) {
			if (e->msg[0] == '\0')
				abort();
			return -1;
		}
		if (used > have || have - used >= IP6CHECK_LINE_MAX)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	} while (!eof);
	if (have != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ip6check k;
	struct gp_config *c;
	struct gp_err e = { "" };
	const char *text, *nul;
	size_t chunk, len, alen;

	if (size < 2 || size > FUZZ_TEXT_MAX)
		return 0;
	chunk = (size_t)data[0] + 1;
	c = fuzz_config(data[1]);
	text = (const char *)data + 2;
	len = size - 2;
	nul = memchr(text, '\0', len);
	alen = nul != NULL ? (size_t)(nul - text) : len;
	ip6check_init(&k, c, "gptun0");
	if (fuzz_feed(&k, IP6CHECK_ADDRS, text, alen, chunk, &e) == 0 &&
	    fuzz_feed(&k, IP6CHECK_ROUTES, text + alen + (nul != NULL),
	    len - alen - (nul != NULL), chunk, &e) == 0 &&
	    ip6check_verdict(&k, &e) == -1 && e.msg[0] == '\0')
		abort();
	config_free(c);
	return 0;
}
