/* SPDX-License-Identifier: ISC */
/*
 * The gp-tunnel policy printed back (policy_print.h): one line per rule
 * in a fixed order, which policy_parse() reads back to the same policy.
 * Runs in [priv] for -vv and in tests; the policy is already parsed.
 */
#include "tunnel/policy_allow.h"
#include "tunnel/policy_net.h"
#include "tunnel/policy_print.h"

static void
policy_print_allow(FILE *fp, const char *kw,
    const struct policy_principal *list, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (list[i].name[0] != '\0')
			fprintf(fp, "%s %s\n", kw, list[i].name);
		else
			fprintf(fp, "%s %lu\n", kw, (unsigned long)list[i].id);
	}
}

/* Nothing without a proxy line: the default is the class's absence. */
static void
policy_print_proxy(FILE *fp, const struct tunnel_policy *p)
{
	const struct policy_proxy *x;
	char a[CFG_ADDR_STR_MAX];
	unsigned i;
	bool v6;

	if (p->proxy_rule == POLICY_PROXY_NO ||
	    p->proxy_rule == POLICY_PROXY_YES)
		fprintf(fp, "proxy %s\n", p->proxy_rule == POLICY_PROXY_NO ?
		    "no" : "yes");
	for (i = 0; i < p->n_proxies; i++) {
		x = &p->proxies[i];
		v6 = x->addr.family == CFG_AF_INET6;
		config_addr_str(&x->addr, a);
		if (x->port == 0)
			fprintf(fp, "proxy %s\n", a);
		else
			fprintf(fp, "proxy %s%s%s:%u\n", v6 ? "[" : "", a,
			    v6 ? "]" : "", (unsigned)x->port);
	}
}

static void
policy_print_ports(FILE *fp, const char *kw, unsigned n,
    const uint16_t *ports)
{
	unsigned i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s %u\n", kw, (unsigned)ports[i]);
}

static void
policy_print_prefixes(FILE *fp, const char *kw, unsigned n,
    const struct policy_prefix *r)
{
	char a[CFG_ADDR_STR_MAX];
	unsigned i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s/%u\n", kw, config_addr_str(&r[i].addr, a),
		    (unsigned)r[i].prefixlen);
}

static void
policy_print_gateways(FILE *fp, const struct tunnel_policy *p)
{
	char a[CFG_ADDR_STR_MAX], pin[POLICY_NET_PIN_CHARS + 1];
	unsigned i;

	if (p->n_gateways == 0)
		fprintf(fp, "gateway any\n");
	for (i = 0; i < p->n_gateways; i++) {
		const struct policy_gateway *g = &p->gateways[i];

		fprintf(fp, "gateway %s", config_addr_str(&g->addr, a));
		if (g->has_pin) {
			policy_net_pin_encode(g->pin, pin);
			fprintf(fp, " %s%s", POLICY_NET_PIN_TAG, pin);
		}
		fprintf(fp, "\n");
	}
}

/* The classes added after the first golden files print only when a
 * line is present, so those files still read the same. */
void
policy_print(FILE *fp, const struct tunnel_policy *p)
{
	unsigned i;

	if (!p->present) {
		fprintf(fp, "no policy\n");
		return;
	}
	policy_print_gateways(fp, p);
	policy_print_ports(fp, "gateway-port", p->n_gw_ports, p->gw_ports);
	policy_print_ports(fp, "esp-port", p->n_esp_ports, p->esp_ports);
	if (p->n_routes == 0)
		fprintf(fp, "route any\n");
	policy_print_prefixes(fp, "route", p->n_routes, p->routes);
	fprintf(fp, "dns %s\n", p->dns ? "yes" : "no");
	policy_print_prefixes(fp, "dns-server", p->n_dns_servers,
	    p->dns_servers);
	for (i = 0; i < p->n_suffixes; i++)
		fprintf(fp, "dns-suffix %s\n", p->suffixes[i]);
	for (i = 0; i < p->n_allows; i++)
		fprintf(fp, "%s %s\n", policy_allow_keyword(
		    (enum policy_allow_kind)p->allows[i].kind),
		    p->allows[i].value);
	policy_print_allow(fp, "allow-user", p->allow_users,
	    p->n_allow_users);
	policy_print_allow(fp, "allow-group", p->allow_groups,
	    p->n_allow_groups);
	policy_print_proxy(fp, p);
}

