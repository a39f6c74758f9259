/* SPDX-License-Identifier: ISC */
/*
 * Unit and golden tests for the IPv6 check after the connect script
 * (tunnel/ip6check.c): each tests/data/ip6check/NAME.if_inet6 with
 * NAME.ipv6_route (captured from a kernel, or edited to be hostile) gives
 * the verdict in NAME.ok, however the bytes are split. Test code only;
 * GOLDEN_UPDATE=1 rewrites the .ok files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/ip6check.h"
#include "golden.h"
#include "t.h"

#define DATA		"tests/data/ip6check"
#define TUN		"gptun0"
#define TEXT_MAX	(64 * 1024)

/* route: the config has the split-include 2001:2:0:64::/64 (else the
 * default route is wanted). */
static const struct {
	const char	*name;
	bool		 route;
} cases[] = {
	{ "connected", true }, { "default", false }, { "def1", false },
	{ "def1_half", false }, { "noroute", true }, { "elsewhere", true },
	{ "unreachable", true }, { "disabled", true }, { "mtu1000", true },
	{ "dadfailed", true }, { "reject", true }, { "srcroute", true },
	{ "nodev", true }, { "no_newline", true }, { "empty", true },
	{ "crlf", true }, { "nul", true }, { "err_hex", true },
	{ "err_fields", true }, { "err_plen", true }, { "err_long", true },
	{ "err_route_fields", true }, { "err_devname", true },
	{ "err_blank", true },
};

static struct gp_config *
config(bool route)
{
	struct gp_config *c = config_new();

	if (c == NULL)
		abort();
	(void)config_addr_parse("198.18.128.10", &c->ip4);
	(void)config_addr_parse("2001:2:0:18::10", &c->ip6);
	c->ip6_prefixlen = 64;
	/* Neither an IPv4 route nor an exclude is looked for. */
	(void)config_addr_parse("198.18.64.0", &c->routes[0].addr);
	c->routes[0].prefixlen = 24;
	(void)config_addr_parse("2001:2:0:65::", &c->routes[1].addr);
	c->routes[1].prefixlen = 64;
	c->routes[1].exclude = true;
	c->n_routes = 2;
	if (route) {
		/* Host bits set: the check looks for the network. */
		(void)config_addr_parse("2001:2:0:64::1", &c->routes[2].addr);
		c->routes[2].prefixlen = 64;
		c->n_routes = 3;
	}
	return c;
}

static size_t
slurp(const char *name, const char *ext, char *buf)
{
	char path[256];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), DATA "/%s.%s", name, ext);
	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "  cannot read %s\n", path);
		abort();
	}
	n = fread(buf, 1, TEXT_MAX, f);
	fclose(f);
	return n;
}

/* Feed text in pieces of at most chunk bytes, as a reader would. */
static int
feed(struct ip6check *k, enum ip6check_file f, const char *text,
    size_t len, size_t chunk, struct gp_err *e)
{
	char buf[IP6CHECK_LINE_MAX + TEXT_MAX];
	size_t have = 0, off = 0, n, used;
	bool eof;

	do {
		n = len - off < chunk ? len - off : chunk;
		memcpy(buf + have, text + off, n);
		have += n;
		off += n;
		eof = off == len;
		if (ip6check_feed(k, f, buf, have, eof, &used, e) == -1)
			return -1;
		memmove(buf, buf + used, have - used);
		have -= used;
	} while (!eof);
	return have == 0 ? 0 : -1;
}

/* "ok" or "error: ..." for one case split into chunk-byte pieces. */
static void
verdict(const struct gp_config *c, const char *addrs, size_t alen,
    const char *routes, size_t rlen, size_t chunk, char *out, size_t sz)
{
	static struct ip6check k;
	struct gp_err e = { "" };

	ip6check_init(&k, c, TUN);
	if (feed(&k, IP6CHECK_ADDRS, addrs, alen, chunk, &e) == -1 ||
	    feed(&k, IP6CHECK_ROUTES, routes, rlen, chunk, &e) == -1 ||
	    ip6check_verdict(&k, &e) == -1)
		snprintf(out, sz, "error: %s\n", e.msg);
	else
		snprintf(out, sz, "ok\n");
}

static int
golden_one(const char *name, bool route)
{
	static char addrs[TEXT_MAX], routes[TEXT_MAX];
	static const size_t chunks[] = { TEXT_MAX, 1, 7, 100, 4096 };
	char got[GP_ERR_MAX + 16], other[GP_ERR_MAX + 16], path[256];
	struct gp_config *c = config(route);
	size_t alen, rlen, i;
	int bad = 0;

	alen = slurp(name, "if_inet6", addrs);
	rlen = slurp(name, "ipv6_route", routes);
	verdict(c, addrs, alen, routes, rlen, chunks[0], got, sizeof(got));
	for (i = 1; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		verdict(c, addrs, alen, routes, rlen, chunks[i], other,
		    sizeof(other));
		if (strcmp(got, other) != 0) {
			fprintf(stderr, "  %s: pieces of %zu: %s", name,
			    chunks[i], other);
			bad = 1;
		}
	}
	config_free(c);
	snprintf(path, sizeof(path), DATA "/%s.ok", name);
	if (golden_check(path, got, strlen(got)) != 0)
		bad = 1;
	return bad;
}

static void
golden(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		T_EQ_INT(golden_one(cases[i].name, cases[i].route), 0);
}

/* What the verdicts say, in words a user can act on. */
static void
messages(void)
{
	static char a[TEXT_MAX], r[TEXT_MAX];
	char got[GP_ERR_MAX + 16];
	struct gp_config *c = config(true);
	size_t alen, rlen;

	alen = slurp("disabled", "if_inet6", a);
	rlen = slurp("disabled", "ipv6_route", r);
	verdict(c, a, alen, r, rlen, TEXT_MAX, got, sizeof(got));
	T_STREQ(got, "error: IPv6 address 2001:2:0:18::10 is not on gptun0\n");
	alen = slurp("noroute", "if_inet6", a);
	rlen = slurp("noroute", "ipv6_route", r);
	verdict(c, a, alen, r, rlen, TEXT_MAX, got, sizeof(got));
	T_STREQ(got, "error: the IPv6 route 2001:2:0:64::/64 does not point "
	    "at gptun0\n");
	config_free(c);
}

/* The line bound: 255 bytes is a line, 256 is not, with or without its
 * newline. */
static void
line_bound(void)
{
	static struct ip6check k;
	char line[IP6CHECK_LINE_MAX + 2];
	struct gp_config *c = config(true);
	struct gp_err e = { "" };
	size_t used;

	memset(line, ' ', sizeof(line));
	memcpy(line, "20010002000000180000000000000010 04 40 00 80 " TUN,
	    45 + strlen(TUN));
	ip6check_init(&k, c, TUN);
	line[IP6CHECK_LINE_MAX - 1] = '\n';
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, line, IP6CHECK_LINE_MAX,
	    false, &used, &e), 0);
	T_EQ_INT(used, IP6CHECK_LINE_MAX);
	T_CHECK(k.addr_found);
	line[IP6CHECK_LINE_MAX - 1] = ' ';
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, line, IP6CHECK_LINE_MAX - 1,
	    false, &used, &e), 0);
	T_EQ_INT(used, 0);
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, line, IP6CHECK_LINE_MAX,
	    false, &used, &e), -1);
	T_CHECK(strstr(e.msg, "longer than 255 bytes") != NULL);
	line[IP6CHECK_LINE_MAX] = '\n';
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, line, IP6CHECK_LINE_MAX + 1,
	    true, &used, &e), -1);
	config_free(c);
}

/* An interface name of 16 bytes or more never matches anything. */
static void
long_ifname(void)
{
	static struct ip6check k;
	static const char l[] = "20010002000000180000000000000010 04 40 00 80 "
	    "abcdefghijklmno\n";
	struct gp_config *c = config(true);
	struct gp_err e = { "" };
	size_t used;

	ip6check_init(&k, c, "abcdefghijklmnop");
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, l, sizeof(l) - 1, true,
	    &used, &e), 0);
	T_CHECK(!k.addr_found);
	T_EQ_INT(ip6check_verdict(&k, &e), -1);
	ip6check_init(&k, c, "abcdefghijklmno");
	T_EQ_INT(ip6check_feed(&k, IP6CHECK_ADDRS, l, sizeof(l) - 1, true,
	    &used, &e), 0);
	T_CHECK(k.addr_found);
	config_free(c);
}

/* The reader on this machine's own files: no such interface here. */
static void
run_reads_proc(void)
{
	struct gp_config *c = config(false);
	struct gp_err e = { "" };

	T_EQ_INT(ip6check_run(c, "gpvpn-none0", &e), -1);
	T_CHECK(strstr(e.msg, "is not on gpvpn-none0") != NULL ||
	    strstr(e.msg, "/proc/self/net/") != NULL);
	config_free(c);
}

int
main(void)
{
	T_RUN(golden);
	T_RUN(messages);
	T_RUN(line_bound);
	T_RUN(long_ifname);
	T_RUN(run_reads_proc);
	return T_DONE();
}
