/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's rekey decision (auth/flow_rekey.c flow_rekey_check):
 * a rekey may bring new keys, routes and timers, but a new tunnel address
 * or prefix of either family ends the session with a clear reason.
 */
#include <string.h>

#include "auth/flow_rekey.h"
#include "t.h"

static void
pair(struct gp_config **a, struct gp_config **b)
{
	*a = config_new();
	*b = config_new();
	if (*a == NULL || *b == NULL)
		return;
	(void)config_addr_parse("198.18.128.10", &(*a)->ip4);
	(*a)->ip4_prefixlen = 32;
	(void)config_addr_parse("fd00::10", &(*a)->ip6);
	(*a)->ip6_prefixlen = 64;
	**b = **a;
}

static void
same_addresses_pass(void)
{
	struct gp_config *a, *b;
	char msg[128] = "";

	pair(&a, &b);
	T_CHECK(a != NULL);
	T_CHECK(b != NULL);
	if (a == NULL || b == NULL)
		return;
	b->esp.spi_c2s = 0x12345678;		/* new keys are the point */
	b->timeout_s = 7200;
	b->n_routes = 0;
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), 0);
	a->ip6.family = b->ip6.family = CFG_AF_NONE;
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), 0);
	config_free(a);
	config_free(b);
}

static void
changed_ipv4_ends(void)
{
	struct gp_config *a, *b;
	char msg[128] = "";

	pair(&a, &b);
	if (a == NULL || b == NULL)
		return;
	(void)config_addr_parse("198.18.128.11", &b->ip4);
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), -1);
	T_STREQ(msg, "the gateway changed the tunnel IPv4 address from "
	    "198.18.128.10/32 to 198.18.128.11/32");
	b->ip4.family = CFG_AF_NONE;
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "to none/32") != NULL);
	b->ip4 = a->ip4;
	b->ip4_prefixlen = 24;
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), -1);
	T_CHECK(strstr(msg, "IPv4") != NULL);
	config_free(a);
	config_free(b);
}

static void
changed_ipv6_ends(void)
{
	struct gp_config *a, *b;
	char msg[128] = "";

	pair(&a, &b);
	if (a == NULL || b == NULL)
		return;
	(void)config_addr_parse("fd00::11", &b->ip6);
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), -1);
	T_STREQ(msg, "the gateway changed the tunnel IPv6 address from "
	    "fd00::10/64 to fd00::11/64");
	b->ip6.family = CFG_AF_NONE;
	T_EQ_INT(flow_rekey_check(a, b, msg, sizeof(msg)), -1);
	config_free(a);
	config_free(b);
}

int
main(void)
{
	T_RUN(same_addresses_pass);
	T_RUN(changed_ipv4_ends);
	T_RUN(changed_ipv6_ends);
	return T_DONE();
}
