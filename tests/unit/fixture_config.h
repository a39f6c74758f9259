/* SPDX-License-Identifier: ISC */
/*
 * The sample configuration the tunnel unit tests build on, once: the
 * gateway gw.example.com at 198.18.0.1:443 and a session on it, plus
 * address and route setters that stop the test on a typo. Test code only;
 * static functions, so every test can include it whatever it links.
 */
#ifndef GPVPN_FIXTURE_CONFIG_H
#define GPVPN_FIXTURE_CONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"

/* a = the address s; a test with a bad literal exits 2. */
static void __attribute__((unused))
fx_addr(struct cfg_addr *a, const char *s)
{
	if (config_addr_parse(s, a) == -1) {
		fprintf(stderr, "bad test address %s\n", s);
		exit(2);
	}
}

/* One more split route (exclude: a split-exclude). */
static void __attribute__((unused))
fx_route(struct gp_config *c, const char *s, unsigned plen, bool exclude)
{
	struct cfg_route *r = &c->routes[c->n_routes++];

	fx_addr(&r->addr, s);
	r->prefixlen = (uint8_t)plen;
	r->exclude = exclude;
}

/*
 * The fields every configuration has: the gateway (pin 0xab...), the
 * tunnel path, user alice, the cookie and the tunnel address ip4/32.
 */
static struct gp_config * __attribute__((unused))
fx_config(const char *cookie, const char *ip4)
{
	struct gp_config *c = config_new();

	if (c == NULL)
		exit(2);
	snprintf(c->gw_host, sizeof(c->gw_host), "gw.example.com");
	fx_addr(&c->gw_addr, "198.18.0.1");
	c->gw_port = 443;
	memset(c->gw_pin, 0xab, sizeof(c->gw_pin));
	snprintf(c->tunnel_path, sizeof(c->tunnel_path),
	    "/ssl-tunnel-connect.sslvpn");
	snprintf(c->authcookie, sizeof(c->authcookie), "%s", cookie);
	snprintf(c->user, sizeof(c->user), "alice");
	fx_addr(&c->ip4, ip4);
	c->ip4_prefixlen = 32;
	return c;
}

#endif
