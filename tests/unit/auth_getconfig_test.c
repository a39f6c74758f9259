/* SPDX-License-Identifier: ISC */
/*
 * Golden and hostile-input tests for getconfig_parse (auth/getconfig.c):
 * tunnel addresses, DNS, routes, timers and ESP keys. Test code; the
 * inputs in tests/data/getconfig/ imitate untrusted gateways.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/getconfig.h"
#include "golden.h"
#include "t.h"

/* Keys printed in full: the golden files check their decoding. */
static void
print_getconfig(FILE *fp, const char *body, size_t len)
{
	struct gp_config *c = config_new();
	struct gp_err e = { "" };

	if (getconfig_parse(body, len, c, &e) == -1)
		fprintf(fp, "error: %s\n", e.msg);
	else
		config_print(fp, c, false);
	config_free(c);
}

static char *
routes_doc(unsigned n, size_t *len)
{
	size_t cap = 64 + (size_t)n * 40, o;
	char *s = malloc(cap);
	unsigned i;

	o = (size_t)snprintf(s, cap, "<response><ip-address>10.1.0.2"
	    "</ip-address><access-routes>");
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(s + o, cap - o, "<member>10.%u.%u.0/24"
		    "</member>", (i >> 8) & 0xff, i & 0xff);
	o += (size_t)snprintf(s + o, cap - o, "</access-routes></response>");
	*len = o;
	return s;
}

static void
ten_thousand_routes(void)
{
	struct gp_config *c = config_new();
	struct gp_err e = { "" };
	size_t len;
	char *s = routes_doc(10000, &len);

	T_EQ_INT(getconfig_parse(s, len, c, &e), -1);
	T_CHECK(strstr(e.msg, "access-routes") != NULL);
	T_EQ_INT(c->n_routes, 0);
	free(s);
	s = routes_doc(CFG_ROUTES_MAX, &len);
	T_EQ_INT(getconfig_parse(s, len, c, &e), 0);
	T_EQ_INT(c->n_routes, CFG_ROUTES_MAX);
	free(s);
	config_free(c);
}

/* A failed parse leaves no key bytes and keeps the gateway fields. */
static void
failure_wipes_keys(void)
{
	struct gp_config *c = config_new();
	struct gp_err e = { "" };
	char *body;
	size_t len;
	static const uint8_t zero[CFG_KEY_MAX];

	memcpy(c->gw_host, "gw.example", 11);
	body = golden_slurp("tests/data/getconfig/oc_test_gateway.xml", &len);
	T_REQUIRE(body != NULL);
	T_EQ_INT(getconfig_parse(body, len, c, &e), 0);
	T_CHECK(c->esp.present);
	T_EQ_UINT(c->esp.ekey_c2s[0], 0xde);
	T_STREQ(c->gw_host, "gw.example");
	free(body);
	body = golden_slurp("tests/data/getconfig/esp_duplicate_ipsec.xml",
	    &len);
	T_REQUIRE(body != NULL);
	T_EQ_INT(getconfig_parse(body, len, c, &e), -1);
	T_CHECK(strstr(e.msg, "ipsec") != NULL);
	T_CHECK(!c->esp.present);
	T_EQ_MEM(c->esp.ekey_c2s, zero,
	    sizeof(zero));
	T_EQ_INT(c->ip4.family, CFG_AF_NONE);
	T_STREQ(c->gw_host, "gw.example");
	free(body);
	config_free(c);
}

/* What the parser accepts must also pass config_validate once the
 * gateway fields are there. */
static void
accepted_configs_validate(void)
{
	static const char *const ok[] = { "panos10.xml",
	    "dual_stack_full_tunnel.xml", "minimal_v4.xml" };
	struct gp_config *c = config_new();
	struct gp_err e = { "" };
	char path[128], *body;
	size_t i, len;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(path, sizeof(path), "tests/data/getconfig/%s", ok[i]);
		body = golden_slurp(path, &len);
		T_REQUIRE(body != NULL);
		T_EQ_INT(getconfig_parse(body, len, c, &e), 0);
		memcpy(c->gw_host, "gw.example", 11);
		(void)config_addr_parse("198.18.0.1", &c->gw_addr);
		c->gw_port = 443;
		memcpy(c->authcookie, "0123abcd", 9);
		memcpy(c->user, "test", 5);
		if (config_validate(c, &e) == -1) {
			fprintf(stderr, "  %s: %s\n", ok[i], e.msg);
			T_CHECK(0);
		}
		free(body);
	}
	config_free(c);
}

int
main(void)
{
	int bad = golden_dir("getconfig", print_getconfig);

	T_RUN(ten_thousand_routes);
	T_RUN(failure_wipes_keys);
	T_RUN(accepted_configs_validate);
	return T_DONE() || bad != 0;
}
