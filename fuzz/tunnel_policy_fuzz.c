/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for gp-tunnel's policy file parser and checker
 * (tunnel/policy*.c). The input is an untrusted policy text; a parsed
 * policy is also printed, re-parsed (it must say the same) and checked
 * against a fixed CONFIG, direct and behind a proxy, alone and as the
 * --policy on top of itself, and its allow lines against a fixed peer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "tunnel/policy.h"
#include "tunnel/policy_check.h"
#include "tunnel/policy_peer.h"
#include "tunnel/policy_print.h"

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
	c->routes[1].prefixlen = 8;
	c->routes[1].addr.family = CFG_AF_INET;	/* 0.0.0.0/8: default */
	c->n_routes = 2;
	c->n_dns = 1;
	(void)config_addr_parse("198.18.64.53", &c->dns[0]);
	c->n_nbns = 1;
	(void)config_addr_parse("fd00::53", &c->nbns[0]);
	c->n_suffix = 2;
	memcpy(c->suffix[0], "corp.example", sizeof("corp.example"));
	memcpy(c->suffix[1], "eu.corp.example", sizeof("eu.corp.example"));
	c->gw_port = 443;
	c->esp.present = true;
	c->esp.udp_port = 4501;
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

/* "gateway any"/"route any" are not input syntax: drop those lines. */
static size_t
fuzz_drop_any(char *text, size_t n)
{
	size_t i = 0, o = 0, l;
	const char *nl;

	while (i < n) {
		nl = memchr(text + i, '\n', n - i);
		l = nl != NULL ? (size_t)(nl - (text + i)) + 1 : n - i;
		if (!(l == 12 && memcmp(text + i, "gateway any\n", 12) == 0) &&
		    !(l == 10 && memcmp(text + i, "route any\n", 10) == 0)) {
			memmove(text + o, text + i, l);
			o += l;
		}
		i += l;
	}
	return o;
}

static int
fuzz_same(const struct tunnel_policy *p, const struct tunnel_policy *q)
{
	return q->n_gateways == p->n_gateways &&
	    q->n_routes == p->n_routes && q->dns == p->dns &&
	    q->n_gw_ports == p->n_gw_ports &&
	    q->n_esp_ports == p->n_esp_ports &&
	    q->n_dns_servers == p->n_dns_servers &&
	    q->n_suffixes == p->n_suffixes && q->n_allows == p->n_allows &&
	    memcmp(q->allows, p->allows, sizeof(p->allows)) == 0 &&
	    memcmp(q->suffixes, p->suffixes, sizeof(p->suffixes)) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_err e = { "" };
	FILE *m;
	size_t n;
	int r;

	if (policy_parse((const char *)data, size, &fuzz_p, &e) == -1) {
		if (strlen(e.msg) == 0)
			abort();
		return 0;
	}
	r = policy_check(&fuzz_p, fuzz_config(), &e);
	fuzz_p.extra = &fuzz_p;
	if (policy_check(&fuzz_p, fuzz_config(), &e) != r)
		abort();
	fuzz_p.extra = NULL;
	if (policy_check(&fuzz_p, fuzz_config_proxy(), &e) == -1 &&
	    strlen(e.msg) == 0)
		abort();
	fuzz_peer(&fuzz_p);
	if ((m = fmemopen(fuzz_out, sizeof(fuzz_out), "w")) == NULL)
		return 0;
	policy_print(m, &fuzz_p);
	n = (size_t)ftell(m);
	fclose(m);
	n = fuzz_drop_any(fuzz_out, n);
	if (policy_parse(fuzz_out, n, &fuzz_q, &e) == -1 ||
	    !fuzz_same(&fuzz_p, &fuzz_q) ||
	    fuzz_q.n_allow_users != fuzz_p.n_allow_users ||
	    fuzz_q.n_allow_groups != fuzz_p.n_allow_groups ||
	    policy_check(&fuzz_q, fuzz_config(), &e) != r ||
	    fuzz_q.proxy_rule != fuzz_p.proxy_rule ||
	    fuzz_q.n_proxies != fuzz_p.n_proxies ||
	    memcmp(fuzz_q.proxies, fuzz_p.proxies, sizeof(fuzz_p.proxies)) != 0)
		abort();
	return 0;
}
