/* SPDX-License-Identifier: ISC */
/*
 * The check of a CONFIG frame against the gp-tunnel policy
 * (policy_check.h): proxy, gateway and its pin, ports, routes and DNS,
 * each refusal naming what the frame asked for and the rule. Runs in
 * [priv]; the frame is untrusted, the policy was checked when loaded.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tunnel/policy_check.h"
#include "tunnel/policy_net.h"

static int
policy_check_prefix(const struct tunnel_policy *p, const char *what,
    const struct cfg_addr *addr, unsigned plen, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	unsigned i;

	for (i = 0; i < p->n_routes; i++)
		if (policy_net_covers(&p->routes[i], addr, plen))
			return 0;
	return err_set(e, "policy refuses %s %s/%u: outside every allowed "
	    "route prefix", what, config_addr_str(addr, a), plen);
}

/* No include route of a family with an address: the script makes the
 * tunnel the default route, 0.0.0.0/0 or ::/0. */
static int
policy_check_default(const struct tunnel_policy *p,
    const struct gp_config *c, uint8_t family, struct gp_err *e)
{
	struct cfg_addr any;
	unsigned i;

	for (i = 0; i < c->n_routes; i++)
		if (!c->routes[i].exclude &&
		    c->routes[i].addr.family == family)
			return 0;
	memset(&any, 0, sizeof(any));
	any.family = family;
	return policy_check_prefix(p, "the default route (no split-include"
	    " routes)", &any, 0, e);
}

/* vpnc-script turns a split-include 0.0.0.0/N, whatever N, into the
 * default route, and ::/0 too; ::/N counts the same, to be safe. */
static int
policy_check_route(const struct tunnel_policy *p, const struct cfg_route *r,
    struct gp_err *e)
{
	static const uint8_t zero[16];
	char a[CFG_ADDR_STR_MAX], what[96];
	struct cfg_addr any;

	if (r->exclude)
		return policy_check_prefix(p, "the split-exclude route",
		    &r->addr, r->prefixlen, e);
	if (memcmp(r->addr.bytes, zero, r->addr.family == CFG_AF_INET ?
	    4 : 16) != 0)
		return policy_check_prefix(p, "the split-include route",
		    &r->addr, r->prefixlen, e);
	snprintf(what, sizeof(what), "the default route (split-include "
	    "%s/%u)", config_addr_str(&r->addr, a), (unsigned)r->prefixlen);
	memset(&any, 0, sizeof(any));
	any.family = r->addr.family;
	return policy_check_prefix(p, what, &any, 0, e);
}

static int
policy_check_routes(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	unsigned i;

	if (p->n_routes == 0)
		return 0;
	if (c->ip4.family == CFG_AF_INET && (policy_check_prefix(p,
	    "the tunnel address", &c->ip4, c->ip4_prefixlen, e) == -1 ||
	    policy_check_default(p, c, CFG_AF_INET, e) == -1))
		return -1;
	if (c->ip6.family == CFG_AF_INET6 && (policy_check_prefix(p,
	    "the tunnel address", &c->ip6, c->ip6_prefixlen, e) == -1 ||
	    policy_check_default(p, c, CFG_AF_INET6, e) == -1))
		return -1;
	for (i = 0; i < c->n_routes; i++)
		if (policy_check_route(p, &c->routes[i], e) == -1)
			return -1;
	return 0;
}

/*
 * Behind a proxy the proxy, not gp-tunnel, picks the gateway's address:
 * only the pin, which the TLS handshake proves, names the gateway. A
 * gateway line without a pin matches no proxied frame.
 */
static int
policy_check_gateway_pin(const struct tunnel_policy *p,
    const struct gp_config *c, struct gp_err *e)
{
	unsigned i;

	for (i = 0; i < p->n_gateways; i++)
		if (p->gateways[i].has_pin && memcmp(p->gateways[i].pin,
		    c->gw_pin, CFG_PIN_BYTES) == 0)
			return 0;
	return err_set(e, "policy refuses gateway %s through a proxy: no "
	    "gateway line has its pin-sha256 (behind a proxy only the pin "
	    "names the gateway)", c->gw_host);
}

static bool
policy_check_proxy_listed(const struct tunnel_policy *p,
    const struct cfg_proxy *x)
{
	unsigned i;

	for (i = 0; i < p->n_proxies; i++)
		if (p->proxies[i].addr.family == x->addr.family &&
		    memcmp(p->proxies[i].addr.bytes, x->addr.bytes, 16) == 0 &&
		    (p->proxies[i].port == 0 || p->proxies[i].port == x->port))
			return true;
	return false;
}

static int
policy_check_proxy(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	const struct cfg_proxy *x = &c->proxy;
	char a[CFG_ADDR_STR_MAX];

	if (x->type == CFG_PROXY_NONE || p->proxy_rule == POLICY_PROXY_YES ||
	    (p->proxy_rule == POLICY_PROXY_DEFAULT && p->n_gateways == 0) ||
	    (p->proxy_rule == POLICY_PROXY_LIST &&
	    policy_check_proxy_listed(p, x)))
		return 0;
	return err_set(e, "policy refuses the %s proxy %s port %u: %s",
	    config_proxy_name(x->type), config_addr_str(&x->addr, a),
	    (unsigned)x->port, p->proxy_rule == POLICY_PROXY_NO ?
	    "the policy says proxy no" : p->proxy_rule == POLICY_PROXY_LIST ?
	    "not an allowed proxy" : "the policy names its gateways and no "
	    "proxy");
}

static int
policy_check_gateway(const struct tunnel_policy *p,
    const struct gp_config *c, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	unsigned i;
	bool addr_ok = false;

	if (p->n_gateways == 0)
		return 0;
	if (c->proxy.type != CFG_PROXY_NONE)
		return policy_check_gateway_pin(p, c, e);
	for (i = 0; i < p->n_gateways; i++) {
		const struct policy_gateway *g = &p->gateways[i];

		if (g->addr.family != c->gw_addr.family ||
		    memcmp(g->addr.bytes, c->gw_addr.bytes, 16) != 0)
			continue;
		addr_ok = true;
		if (!g->has_pin ||
		    memcmp(g->pin, c->gw_pin, CFG_PIN_BYTES) == 0)
			return 0;
	}
	config_addr_str(&c->gw_addr, a);
	if (addr_ok)
		return err_set(e, "policy refuses gateway %s: its key "
		    "(pin-sha256) is not the one the policy allows", a);
	return err_set(e, "policy refuses gateway %s: not an allowed "
	    "gateway", a);
}

static bool
policy_check_port_listed(unsigned n, const uint16_t *ports, uint16_t port)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static int
policy_check_ports(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	if (p->n_gw_ports != 0 &&
	    !policy_check_port_listed(p->n_gw_ports, p->gw_ports, c->gw_port))
		return err_set(e, "policy refuses gateway port %u: not a "
		    "gateway-port of the policy", (unsigned)c->gw_port);
	if (c->esp.present && p->n_esp_ports != 0 &&
	    !policy_check_port_listed(p->n_esp_ports, p->esp_ports,
	    c->esp.udp_port))
		return err_set(e, "policy refuses ESP port %u: not an "
		    "esp-port of the policy", (unsigned)c->esp.udp_port);
	return 0;
}

/* Name servers of either kind (DNS and WINS) inside a dns-server prefix. */
static int
policy_check_servers(const struct tunnel_policy *p, const char *what,
    unsigned n, const struct cfg_addr *servers, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	unsigned i, j, full;

	for (i = 0; i < n; i++) {
		full = servers[i].family == CFG_AF_INET ? 32 : 128;
		for (j = 0; j < p->n_dns_servers; j++)
			if (policy_net_covers(&p->dns_servers[j],
			    &servers[i], full))
				break;
		if (j == p->n_dns_servers)
			return err_set(e, "policy refuses the %s %s: outside "
			    "every dns-server prefix", what,
			    config_addr_str(&servers[i], a));
	}
	return 0;
}

/* "name" allows that name; ".name" the names below it (not name). */
static bool
policy_check_suffix_ok(const struct tunnel_policy *p, const char *name)
{
	size_t nl = strlen(name), rl;
	unsigned i;

	for (i = 0; i < p->n_suffixes; i++) {
		const char *r = p->suffixes[i];

		rl = strlen(r);
		if (r[0] == '.' ? nl > rl && strcasecmp(name + nl - rl, r) == 0
		    : strcasecmp(name, r) == 0)
			return true;
	}
	return false;
}

static int
policy_check_dns(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	unsigned i;

	if (!p->dns && (c->n_dns != 0 || c->n_suffix != 0 || c->n_nbns != 0))
		return err_set(e, "policy refuses the DNS settings (%u "
		    "servers, %u search domains, %u WINS servers): the "
		    "policy says dns no", c->n_dns, c->n_suffix, c->n_nbns);
	if (p->n_dns_servers != 0 && (policy_check_servers(p, "DNS server",
	    c->n_dns, c->dns, e) == -1 || policy_check_servers(p,
	    "WINS server", c->n_nbns, c->nbns, e) == -1))
		return -1;
	if (p->n_suffixes == 0)
		return 0;
	for (i = 0; i < c->n_suffix && i < CFG_SUFFIX_MAX; i++)
		if (!policy_check_suffix_ok(p, c->suffix[i]))
			return err_set(e, "policy refuses the search domain "
			    "%s: not a dns-suffix of the policy", err_quote(q,
			    c->suffix[i], strnlen(c->suffix[i],
			    sizeof(c->suffix[i]))));
	return 0;
}

static int
policy_check_one(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	char msg[GP_ERR_MAX];

	if (!p->present)
		return 0;
	if (policy_check_proxy(p, c, e) == 0 &&
	    policy_check_gateway(p, c, e) == 0 &&
	    policy_check_ports(p, c, e) == 0 &&
	    policy_check_routes(p, c, e) == 0 &&
	    policy_check_dns(p, c, e) == 0)
		return 0;
	if (p->source[0] != '\0') {
		memcpy(msg, e->msg, sizeof(msg));
		err_set(e, "%.*s (%s)", (int)(sizeof(msg) - 4 -
		    strlen(p->source)), msg, p->source);
	}
	return -1;
}

int
policy_check(const struct tunnel_policy *p, const struct gp_config *c,
    struct gp_err *e)
{
	if (policy_check_one(p, c, e) == -1)
		return -1;
	if (p->extra != NULL)
		return policy_check_one(p->extra, c, e);
	return 0;
}

