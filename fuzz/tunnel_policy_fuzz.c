/*
 * libFuzzer target for gp-tunnel's policy file parser and checker
 * (tunnel/policy.c). The input is an untrusted policy text; a parsed
 * policy is also printed, re-parsed (it must say the same) and checked
 * against a fixed CONFIG, direct and behind a proxy, and its allow lines
 * against a fixed peer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "tunnel/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tunnel_policy fuzz_p, fuzz_q;
static char fuzz_out[1 << 16];

static struct gp_config *
fuzz_config(void)
{
	static struct gp_config *c;

	if (c != NULL)
		return c;
	c = config_new();
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	(void)config_addr_parse("198.18.128.10", &c->ip4);
	c->ip4_prefixlen = 32;
	(void)config_addr_parse("10.1.0.0", &c->routes[0].addr);
	c->routes[0].prefixlen = 16;
	c->n_routes = 1;
	c->n_dns = 1;
	(void)config_addr_parse("198.18.64.53", &c->dns[0]);
	return c;
}

/* The same config behind a proxy (proxy and gateway-by-pin rules). */
static struct gp_config *
fuzz_config_proxy(void)
{
	static struct gp_config *c;

	if (c != NULL)
		return c;
	c = config_new();
	memcpy(c, fuzz_config(), sizeof(*c));
	memset(&c->gw_addr, 0, sizeof(c->gw_addr));
	memset(c->gw_pin, 0xab, sizeof(c->gw_pin));
	c->proxy.type = CFG_PROXY_SOCKS5;
	(void)config_addr_parse("198.18.10.1", &c->proxy.addr);
	c->proxy.port = 1080;
	return c;
}

/* allow-user/allow-group: a fixed peer; ids match, names never do. */
static void
fuzz_peer(const struct tunnel_policy *p)
{
	static gid_t groups[] = { 64010, 27 };
	struct policy_peer peer = { .uid = 64001, .gid = 64001,
	    .groups = groups, .n_groups = 2 };
	struct gp_err e = { "" };

	if (policy_peer_check(p, &peer, &e) == -1 && strlen(e.msg) == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_err e = { "" };
	FILE *m;
	size_t n;

	if (policy_parse((const char *)data, size, &fuzz_p, &e) == -1) {
		if (strlen(e.msg) == 0)
			abort();
		return 0;
	}
	(void)policy_check(&fuzz_p, fuzz_config(), &e);
	if (policy_check(&fuzz_p, fuzz_config_proxy(), &e) == -1 &&
	    strlen(e.msg) == 0)
		abort();
	fuzz_peer(&fuzz_p);
	if ((m = fmemopen(fuzz_out, sizeof(fuzz_out), "w")) == NULL)
		return 0;
	policy_print(m, &fuzz_p);
	n = (size_t)ftell(m);
	fclose(m);
	/* "gateway any"/"route any" are not input syntax: drop them. */
	if (strstr(fuzz_out, " any\n") != NULL)
		return 0;
	if (policy_parse(fuzz_out, n, &fuzz_q, &e) == -1 ||
	    fuzz_q.n_gateways != fuzz_p.n_gateways ||
	    fuzz_q.n_routes != fuzz_p.n_routes || fuzz_q.dns != fuzz_p.dns ||
	    fuzz_q.n_allow_users != fuzz_p.n_allow_users ||
	    fuzz_q.n_allow_groups != fuzz_p.n_allow_groups ||
	    fuzz_q.proxy_rule != fuzz_p.proxy_rule ||
	    fuzz_q.n_proxies != fuzz_p.n_proxies ||
	    memcmp(fuzz_q.proxies, fuzz_p.proxies, sizeof(fuzz_p.proxies)) != 0)
		abort();
	return 0;
}
