/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for what a rekey may change (tunnel/rekey.c): keys, SPIs,
 * the cookie and the timers pass; the routes as a set, the DNS and WINS
 * servers and search domains as lists, the tunnel addresses, the MTU and
 * the gateway may not change, and the message names what did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "tunnel/rekey.h"
#include "fixture_config.h"
#include "t.h"

static struct gp_config *
base(void)
{
	struct gp_config *c = fx_config("c0ffee", "198.18.128.10");

	fx_addr(&c->ip6, "fd00::10");
	c->ip6_prefixlen = 64;
	c->n_dns = 2;
	fx_addr(&c->dns[0], "198.18.64.53");
	fx_addr(&c->dns[1], "198.18.64.54");
	c->n_nbns = 1;
	fx_addr(&c->nbns[0], "198.18.64.55");
	c->n_suffix = 2;
	snprintf(c->suffix[0], sizeof(c->suffix[0]), "corp.example");
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "example");
	fx_route(c, "198.18.64.0", 24, false);
	fx_route(c, "198.18.65.0", 24, false);
	fx_route(c, "198.18.77.7", 32, true);
	fx_route(c, "fd00:1::", 64, false);
	c->timeout_s = 3600;
	c->esp.present = true;
	c->esp.spi_c2s = 0x11111111;
	return c;
}

/* 0 if next passes against base(); the message in msg otherwise. */
static int
verdict(const struct gp_config *next, char *msg, size_t msgsz)
{
	struct gp_config *applied = base();
	struct gp_err e = { "" };
	int r;

	r = rekey_check(applied, next, &e);
	snprintf(msg, msgsz, "%s", e.msg);
	config_free(applied);
	return r;
}

/* A proxy that comes, goes or changes is a new path: not a rekey. */
static void
proxy_refused(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->proxy.type = CFG_PROXY_SOCKS5;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "the proxy") != NULL);
	config_free(c);
}

static void
same_passes(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	T_EQ_INT(verdict(c, msg, sizeof(msg)), 0);
	config_free(c);
}

/* The session class: nothing of it reaches the host. */
static void
keys_timers_cookie_pass(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->esp.spi_c2s = 0x22222222;
	c->esp.spi_s2c = 0x33333333;
	memset(c->esp.ekey_c2s, 0x5a, sizeof(c->esp.ekey_c2s));
	c->esp.udp_port = 4502;
	fx_addr(&c->esp.magic4, "198.18.0.9");
	c->timeout_s = 7200;
	c->lifetime_s = 86400;
	c->idle_timeout_s = 600;
	snprintf(c->authcookie, sizeof(c->authcookie), "beef");
	snprintf(c->user, sizeof(c->user), "bob");
	snprintf(c->tunnel_path, sizeof(c->tunnel_path), "/other");
	T_EQ_INT(verdict(c, msg, sizeof(msg)), 0);
	c->esp.present = false;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), 0);
	config_free(c);
}

/* The same set in another order, with host bits and a duplicate. */
static void
routes_as_a_set(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->n_routes = 0;
	fx_route(c, "fd00:1::1", 64, false);
	fx_route(c, "198.18.77.7", 32, true);
	fx_route(c, "198.18.65.9", 24, false);
	fx_route(c, "198.18.64.0", 24, false);
	fx_route(c, "198.18.64.0", 24, false);
	T_EQ_INT(verdict(c, msg, sizeof(msg)), 0);
	config_free(c);
}

static void
route_added_refused(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	fx_route(c, "198.18.99.1", 32, true);
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_STREQ(msg, "rekey refused: it changes the routes (first: "
	    "split-exclude route 198.18.99.1/32 added)");
	config_free(c);
}

static void
route_removed_or_flipped_refused(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->n_routes = 3;		/* fd00:1::/64 gone */
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "split-include route fd00:1::/64 removed") !=
	    NULL);
	config_free(c);
	c = base();
	c->routes[2].exclude = false;	/* exclude becomes include */
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "the routes") != NULL);
	config_free(c);
	c = base();
	c->routes[0].prefixlen = 23;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	config_free(c);
}

/* DNS order is preference: a swap is a change. */
static void
dns_refused(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->dns[0] = c->dns[1];
	fx_addr(&c->dns[1], "198.18.64.53");
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_STREQ(msg, "rekey refused: it changes the DNS servers (first: "
	    "DNS server 1: 198.18.64.53 -> 198.18.64.54)");
	c->n_dns = 0;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "198.18.64.53 -> none") != NULL);
	config_free(c);
}

static void
wins_and_suffix_refused(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	c->n_nbns = 0;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "the WINS servers") != NULL);
	config_free(c);
	c = base();
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "evil.example");
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "search domain 2: example -> evil.example") !=
	    NULL);
	config_free(c);
	c = base();
	snprintf(c->suffix[0], sizeof(c->suffix[0]), "Corp.EXAMPLE");
	T_EQ_INT(verdict(c, msg, sizeof(msg)), 0);	/* names ignore case */
	config_free(c);
}

static void
addresses_mtu_gateway_refused(void)
{
	struct gp_config *c;
	char msg[GP_ERR_MAX];
	int i;

	for (i = 0; i < 7; i++) {
		c = base();
		if (i == 0)
			fx_addr(&c->ip4, "198.18.128.11");
		else if (i == 1)
			c->ip6_prefixlen = 120;
		else if (i == 2)
			c->ip6.family = CFG_AF_NONE;
		else if (i == 3)
			c->mtu = 1300;
		else if (i == 4)
			c->gw_pin[0] ^= 1;
		else if (i == 5)
			c->gw_port = 8443;
		else
			snprintf(c->gw_host, sizeof(c->gw_host), "gw2");
		T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
		T_CHECK(strncmp(msg, "rekey refused: it changes the ", 30) ==
		    0);
		config_free(c);
	}
}

/* Every class that changed is named; the first difference is shown. */
static void
several_named(void)
{
	struct gp_config *c = base();
	char msg[GP_ERR_MAX];

	fx_route(c, "198.18.99.0", 24, false);
	c->n_dns = 1;
	c->mtu = 1400;
	T_EQ_INT(verdict(c, msg, sizeof(msg)), -1);
	T_STREQ(msg, "rekey refused: it changes the MTU, the routes, the "
	    "DNS servers (first: MTU 0 -> 1400)");
	config_free(c);
}

int
main(void)
{
	log_init("tunnel_rekey_test", -1);
	T_RUN(same_passes);
	T_RUN(proxy_refused);
	T_RUN(keys_timers_cookie_pass);
	T_RUN(routes_as_a_set);
	T_RUN(route_added_refused);
	T_RUN(route_removed_or_flipped_refused);
	T_RUN(dns_refused);
	T_RUN(wins_and_suffix_refused);
	T_RUN(addresses_mtu_gateway_refused);
	T_RUN(several_named);
	return T_DONE();
}
