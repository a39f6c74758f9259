/* SPDX-License-Identifier: ISC */
/*
 * The rekey comparison of gp-tunnel [priv] (see rekey.h): a later CONFIG
 * against the configuration the connect script applied. The new config
 * is untrusted but validated (frame_decode_config); this file only reads
 * both, and names what differs without printing any secret.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ipc/dynbuf.h"
#include "ipc/secret.h"
#include "tunnel/rekey.h"

#define REKEY_DETAIL_MAX	160

/* What differs: the classes by name, and the first difference. */
struct rekey_diff {
	char		what_mem[GP_ERR_MAX / 2];
	struct dynbuf	what;	/* "the routes, the DNS servers" */
	char		first[REKEY_DETAIL_MAX];
};

/* The list is cut where it fills what_mem; nothing is added after. */
static void
diff_add(struct rekey_diff *d, const char *name, const char *detail)
{
	const char *sep = dynbuf_len(&d->what) == 0 ? "" : ", ";
	char item[sizeof(d->what_mem)];
	size_t room = sizeof(d->what_mem) - 1 - dynbuf_len(&d->what);

	snprintf(item, sizeof(item), "%s%s", sep, name);
	(void)dynbuf_add(&d->what, item, strlen(item) < room ?
	    strlen(item) : room);
	if (d->first[0] == '\0')
		snprintf(d->first, sizeof(d->first), "%s", detail);
}

static size_t
addr_len(uint8_t family)
{
	if (family == CFG_AF_INET)
		return 4;
	return family == CFG_AF_INET6 ? 16 : 0;
}

/* Only the bytes of the family count. */
static bool
addr_same(const struct cfg_addr *a, const struct cfg_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, addr_len(a->family)) == 0;
}

static const char *
addr_or_none(const struct cfg_addr *a, char out[CFG_ADDR_STR_MAX])
{
	if (a->family == CFG_AF_NONE) {
		snprintf(out, CFG_ADDR_STR_MAX, "none");
		return out;
	}
	return config_addr_str(a, out);
}

static void
check_tunnel_addr(struct rekey_diff *d, const char *name, const char *label,
    const struct cfg_addr *a, unsigned alen, const struct cfg_addr *b,
    unsigned blen)
{
	char x[CFG_ADDR_STR_MAX], y[CFG_ADDR_STR_MAX];
	char detail[REKEY_DETAIL_MAX];

	if (addr_same(a, b) && (a->family == CFG_AF_NONE || alen == blen))
		return;
	snprintf(detail, sizeof(detail), "%s %s/%u -> %s/%u", label,
	    addr_or_none(a, x), alen, addr_or_none(b, y), blen);
	diff_add(d, name, detail);
}

static void
check_gateway(struct rekey_diff *d, const struct gp_config *a,
    const struct gp_config *b)
{
	char x[CFG_ADDR_STR_MAX], y[CFG_ADDR_STR_MAX];
	char detail[REKEY_DETAIL_MAX];

	if (!config_proxy_same(a, b))
		diff_add(d, "the proxy", "another proxy, or none");
	if (addr_same(&a->gw_addr, &b->gw_addr) && a->gw_port == b->gw_port &&
	    strcmp(a->gw_host, b->gw_host) == 0 &&
	    secret_equal(a->gw_pin, b->gw_pin, CFG_PIN_BYTES))
		return;
	snprintf(detail, sizeof(detail), "gateway %s port %u -> %s port %u%s",
	    addr_or_none(&a->gw_addr, x), (unsigned)a->gw_port,
	    addr_or_none(&b->gw_addr, y), (unsigned)b->gw_port,
	    secret_equal(a->gw_pin, b->gw_pin, CFG_PIN_BYTES) ? "" :
	    ", another pin");
	diff_add(d, "the gateway", detail);
}

/* DNS and WINS: the order is the order of preference. */
static void
check_addr_list(struct rekey_diff *d, const char *name, const char *label,
    const struct cfg_addr *a, unsigned na, const struct cfg_addr *b,
    unsigned nb, unsigned max)
{
	char x[CFG_ADDR_STR_MAX], y[CFG_ADDR_STR_MAX];
	char detail[REKEY_DETAIL_MAX];
	const struct cfg_addr none = { .family = CFG_AF_NONE };
	unsigned i, n;

	na = na > max ? max : na;
	nb = nb > max ? max : nb;
	n = na > nb ? na : nb;

	for (i = 0; i < n; i++) {
		const struct cfg_addr *p = i < na ? &a[i] : &none;
		const struct cfg_addr *q = i < nb ? &b[i] : &none;

		if (addr_same(p, q))
			continue;
		snprintf(detail, sizeof(detail), "%s %u: %s -> %s", label,
		    i + 1, addr_or_none(p, x), addr_or_none(q, y));
		diff_add(d, name, detail);
		return;
	}
}

/* ASCII only: the names passed config_hostname_ok. */
static bool
name_same(const char *a, const char *b)
{
	size_t i;

	for (i = 0; i <= CFG_HOST_MAX; i++) {
		char x = a[i], y = b[i];

		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (x == '\0')
			return true;
	}
	return true;
}

static void
check_suffixes(struct rekey_diff *d, const struct gp_config *a,
    const struct gp_config *b)
{
	char detail[REKEY_DETAIL_MAX];
	unsigned i, na, nb, n;

	na = a->n_suffix > CFG_SUFFIX_MAX ? CFG_SUFFIX_MAX : a->n_suffix;
	nb = b->n_suffix > CFG_SUFFIX_MAX ? CFG_SUFFIX_MAX : b->n_suffix;
	n = na > nb ? na : nb;
	for (i = 0; i < n; i++) {
		const char *p = i < na ? a->suffix[i] : "none";
		const char *q = i < nb ? b->suffix[i] : "none";

		if (i < na && i < nb && name_same(p, q))
			continue;
		snprintf(detail, sizeof(detail), "search domain %u: %.40s -> "
		    "%.40s", i + 1, p, q);
		diff_add(d, "the search domains", detail);
		return;
	}
}

/* A route as the script sees it: host bits cleared (script.c addr_net),
 * nothing past the family's length. */
static struct cfg_route
route_canon(const struct cfg_route *r)
{
	struct cfg_route c;
	size_t i, n = addr_len(r->addr.family);
	unsigned plen = r->prefixlen;

	memset(&c, 0, sizeof(c));
	c.addr.family = r->addr.family;
	c.prefixlen = r->prefixlen;
	c.exclude = r->exclude;
	for (i = 0; i < n; i++) {
		if (plen >= 8 * (i + 1))
			c.addr.bytes[i] = r->addr.bytes[i];
		else if (plen > 8 * i)
			c.addr.bytes[i] = r->addr.bytes[i] &
			    (uint8_t)(0xff << (8 * (i + 1) - plen));
	}
	return c;
}

static bool
route_same(const struct cfg_route *a, const struct cfg_route *b)
{
	struct cfg_route x = route_canon(a), y = route_canon(b);

	return x.exclude == y.exclude && x.prefixlen == y.prefixlen &&
	    addr_same(&x.addr, &y.addr);
}

/* Linear search: CFG_ROUTES_MAX (1024) squared is a few milliseconds,
 * once per rekey, and needs no allocation. */
static bool
route_in(const struct cfg_route *r, const struct gp_config *c)
{
	unsigned i;

	for (i = 0; i < c->n_routes && i < CFG_ROUTES_MAX; i++)
		if (route_same(r, &c->routes[i]))
			return true;
	return false;
}

/* The first route of a missing from b, or NULL. */
static const struct cfg_route *
route_missing(const struct gp_config *a, const struct gp_config *b)
{
	unsigned i;

	for (i = 0; i < a->n_routes && i < CFG_ROUTES_MAX; i++)
		if (!route_in(&a->routes[i], b))
			return &a->routes[i];
	return NULL;
}

static void
check_routes(struct rekey_diff *d, const struct gp_config *a,
    const struct gp_config *b)
{
	char x[CFG_ADDR_STR_MAX], detail[REKEY_DETAIL_MAX];
	const struct cfg_route *r;
	struct cfg_route c;
	const char *how = "added";

	if ((r = route_missing(b, a)) == NULL) {
		how = "removed";
		if ((r = route_missing(a, b)) == NULL)
			return;
	}
	c = route_canon(r);
	snprintf(detail, sizeof(detail), "split-%s route %s/%u %s",
	    c.exclude ? "exclude" : "include", config_addr_str(&c.addr, x),
	    (unsigned)c.prefixlen, how);
	diff_add(d, "the routes", detail);
}

int
rekey_check(const struct gp_config *applied, const struct gp_config *next,
    struct gp_err *e)
{
	struct rekey_diff d;
	char detail[REKEY_DETAIL_MAX];

	memset(&d, 0, sizeof(d));
	dynbuf_fixed(&d.what, d.what_mem, sizeof(d.what_mem));
	check_gateway(&d, applied, next);
	check_tunnel_addr(&d, "the tunnel IPv4 address", "IPv4 address",
	    &applied->ip4, applied->ip4_prefixlen, &next->ip4,
	    next->ip4_prefixlen);
	check_tunnel_addr(&d, "the tunnel IPv6 address", "IPv6 address",
	    &applied->ip6, applied->ip6_prefixlen, &next->ip6,
	    next->ip6_prefixlen);
	if (applied->mtu != next->mtu) {
		snprintf(detail, sizeof(detail), "MTU %u -> %u",
		    (unsigned)applied->mtu, (unsigned)next->mtu);
		diff_add(&d, "the MTU", detail);
	}
	check_routes(&d, applied, next);
	check_addr_list(&d, "the DNS servers", "DNS server", applied->dns,
	    applied->n_dns, next->dns, next->n_dns, CFG_DNS_MAX);
	check_addr_list(&d, "the WINS servers", "WINS server", applied->nbns,
	    applied->n_nbns, next->nbns, next->n_nbns, CFG_NBNS_MAX);
	check_suffixes(&d, applied, next);
	if (dynbuf_len(&d.what) == 0)
		return 0;
	return err_set(e, "rekey refused: it changes %s (first: %s)",
	    dynbuf_str(&d.what), d.first);
}
