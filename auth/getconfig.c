/* SPDX-License-Identifier: ISC */
/*
 * getconfig.esp response parser (PROTOCOL.md §6.2) for gp-auth: tunnel
 * addresses, DNS, routes and timers; the <ipsec> block is
 * getconfig_esp.c's. The body comes from an untrusted server; every value
 * used is checked, keys are wiped after use.
 */
#include <string.h>

#include "ipc/secret.h"
#include "getconfig.h"
#include "getconfig_esp.h"
#include "xml.h"

#define GC_VAL_MAX	256	/* longest value we read, keys excluded */

/* Elements of <response> we use; each may appear once. */
enum gc_elem {
	GC_IP4, GC_IP6, GC_NETMASK, GC_MTU, GC_DNS, GC_DNS6, GC_WINS,
	GC_SUFFIX, GC_RT, GC_RT6, GC_XRT, GC_XRT6, GC_GW4, GC_GW6, GC_URL,
	GC_TIMEOUT, GC_LIFETIME, GC_IDLE, GC_IPSEC, GC_N
};
static const char *const gc_names[GC_N] = {
	"ip-address", "ip-address-v6", "netmask", "mtu", "dns", "dns-v6",
	"wins", "dns-suffix", "access-routes", "access-routes-v6",
	"exclude-access-routes", "exclude-access-routes-v6", "gw-address",
	"gw-address-v6", "ssl-tunnel-url", "timeout", "lifetime",
	"disconnect-on-idle", "ipsec"
};

/* Printable or rejected; the field name is the element's. */
static int
gc_text(const xmlNode *n, char *out, size_t outsz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (xml_text(n, out, outsz, e) == -1)
		return -1;
	if (!xml_str_printable(out))
		return err_set(e, "getconfig: %s `%s` has control "
		    "characters", n->name, err_quote(q, out, strlen(out)));
	return 0;
}

/* A number in 0..max, named as getconfig's in errors. */
static int
gc_u32(const xmlNode *n, uint32_t max, uint32_t *v, struct gp_err *e)
{
	return xml_u32(n, "getconfig", max, v, e);
}

/* Not unspecified, multicast, broadcast or v4-mapped. */
static bool
gc_addr_usable(const struct cfg_addr *a)
{
	static const uint8_t zero[16], mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (a->family == CFG_AF_INET)
		return memcmp(a->bytes, zero, 4) != 0 && a->bytes[0] < 224;
	return memcmp(a->bytes, zero, 16) != 0 && a->bytes[0] != 0xff &&
	    memcmp(a->bytes, mapped, 12) != 0;
}

/* A literal address of family (0: either); 1 if the element is empty. */
static int
gc_addr(const xmlNode *n, const char *s, uint8_t family, struct cfg_addr *a,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	memset(a, 0, sizeof(*a));
	if (config_addr_parse(s, a) == -1 ||
	    (family != CFG_AF_NONE && a->family != family) ||
	    !gc_addr_usable(a)) {
		memset(a, 0, sizeof(*a));
		return err_set(e, "getconfig: %s `%s` is not a usable IPv%s "
		    "address", n->name, err_quote(q, s, strlen(s)),
		    family == CFG_AF_INET ? "4" :
		    family == CFG_AF_INET6 ? "6" : "4/IPv6");
	}
	return 0;
}

/* "ADDR" or "ADDR/LEN"; the address part goes to a. */
static int
gc_prefix(const xmlNode *n, const char *s, struct cfg_addr *a,
    uint8_t *plen, struct gp_err *e)
{
	char buf[CFG_ADDR_STR_MAX], q[ERR_QUOTE_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint32_t max, v;

	memset(a, 0, sizeof(*a));
	if (alen >= sizeof(buf))
		goto bad;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (config_addr_parse(buf, a) == -1)
		goto bad;
	max = a->family == CFG_AF_INET ? 32 : 128;
	v = max;
	if (slash != NULL && xml_str_u32(slash + 1, max, &v) == -1)
		goto bad;
	*plen = (uint8_t)v;
	return 0;
bad:
	memset(a, 0, sizeof(*a));
	return err_set(e, "getconfig: %s `%s` is not an address or "
	    "ADDR/PREFIX", n->name, err_quote(q, s, strlen(s)));
}

/* Real servers send 10.1.2.3/8: host bits are cleared, not rejected. */
static void
gc_mask(struct cfg_addr *a, uint8_t plen)
{
	unsigned i, nbytes = a->family == CFG_AF_INET ? 4 : 16;

	for (i = 0; i < nbytes; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			a->bytes[i] = 0;
		else
			a->bytes[i] &= (uint8_t)(0xff << (8 - (plen - 8 * i)));
	}
}

static int
gc_route(struct gp_config *c, const xmlNode *n, const char *s, bool exclude,
    struct gp_err *e)
{
	struct cfg_route r;

	memset(&r, 0, sizeof(r));
	if (gc_prefix(n, s, &r.addr, &r.prefixlen, e) == -1)
		return -1;
	if (c->n_routes >= CFG_ROUTES_MAX)
		return err_set(e, "getconfig: %s: more than %d routes in all",
		    n->name, CFG_ROUTES_MAX);
	gc_mask(&r.addr, r.prefixlen);
	r.exclude = exclude;
	c->routes[c->n_routes++] = r;
	return 0;
}

/* dns + dns-v6 feed one list: duplicates dropped, extras ignored (§6.2). */
static int
gc_dns(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	struct cfg_addr a;
	unsigned i;

	if (gc_addr(n, s, CFG_AF_NONE, &a, e) == -1)
		return -1;
	for (i = 0; i < c->n_dns; i++)
		if (memcmp(&c->dns[i], &a, sizeof(a)) == 0)
			return 0;
	if (c->n_dns < CFG_DNS_MAX)
		c->dns[c->n_dns++] = a;
	return 0;
}

static int
gc_wins(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	struct cfg_addr a;

	if (gc_addr(n, s, CFG_AF_INET, &a, e) == -1)
		return -1;
	if (c->n_nbns < CFG_NBNS_MAX)
		c->nbns[c->n_nbns++] = a;
	return 0;
}

/* A search domain: a host name, never an address; extras ignored. */
static int
gc_suffix(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cfg_addr a;
	size_t len = strlen(s);

	if (len > CFG_HOST_MAX || !config_hostname_ok(s) ||
	    config_addr_parse(s, &a) == 0)
		return err_set(e, "getconfig: %s `%s` is not a domain name",
		    n->name, err_quote(q, s, len));
	if (c->n_suffix < CFG_SUFFIX_MAX)
		memcpy(c->suffix[c->n_suffix++], s, len + 1);
	return 0;
}

/* The <member> children of a list element. */
static int
gc_members(struct gp_config *c, const xmlNode *list, enum gc_elem which,
    struct gp_err *e)
{
	char s[GC_VAL_MAX];
	const xmlNode *m;
	int rc = 0;

	for (m = xml_child(list); m != NULL && rc == 0; m = xml_next(m)) {
		if (!xml_is(m, "member"))
			continue;
		if (xml_text(m, s, sizeof(s), e) == -1) {
			err_set(e, "getconfig: %s: a member is longer than %d "
			    "bytes or not text", list->name, GC_VAL_MAX - 1);
			return -1;
		}
		if (s[0] == '\0')
			continue;
		if (which == GC_DNS || which == GC_DNS6)
			rc = gc_dns(c, list, s, e);
		else if (which == GC_WINS)
			rc = gc_wins(c, list, s, e);
		else if (which == GC_SUFFIX)
			rc = gc_suffix(c, list, s, e);
		else
			rc = gc_route(c, list, s, which == GC_XRT ||
			    which == GC_XRT6, e);
	}
	return rc;
}

static int
gc_netmask(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cfg_addr a;
	uint32_t m, inv;

	if (config_addr_parse(s, &a) == -1 || a.family != CFG_AF_INET)
		return err_set(e, "getconfig: %s `%s` is not an IPv4 mask",
		    n->name, err_quote(q, s, strlen(s)));
	m = (uint32_t)a.bytes[0] << 24 | (uint32_t)a.bytes[1] << 16 |
	    (uint32_t)a.bytes[2] << 8 | a.bytes[3];
	inv = ~m;
	if (m == 0 || (inv & (inv + 1)) != 0)
		return err_set(e, "getconfig: %s `%s` is not a contiguous mask",
		    n->name, err_quote(q, s, strlen(s)));
	c->ip4_prefixlen = (uint8_t)__builtin_popcount(m);
	return 0;
}

/* ip-address-v6, maybe with /LEN; without one the prefix is 128. */
static int
gc_ip6(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (gc_prefix(n, s, &c->ip6, &c->ip6_prefixlen, e) == -1)
		return -1;
	if (c->ip6.family != CFG_AF_INET6 || !gc_addr_usable(&c->ip6) ||
	    c->ip6_prefixlen == 0) {
		memset(&c->ip6, 0, sizeof(c->ip6));
		return err_set(e, "getconfig: %s `%s` is not a usable IPv6 "
		    "address", n->name, err_quote(q, s, strlen(s)));
	}
	return 0;
}

static int
gc_mtu(struct gp_config *c, const xmlNode *n, struct gp_err *e)
{
	uint32_t v;

	if (gc_u32(n, CFG_MTU_MAX, &v, e) == -1)
		return -1;
	if (v != 0 && v < CFG_MTU_MIN)
		return err_set(e, "getconfig: mtu %u is below %d", v,
		    CFG_MTU_MIN);
	c->mtu = (uint16_t)v;
	return 0;
}

/* A bad magic-ping target only costs ESP (THREATS 12), not the config. */
static void
gc_gw(const xmlNode *n, const char *s, uint8_t family, struct cfg_addr *a)
{
	struct gp_err ignored;

	(void)gc_addr(n, s, family, a, &ignored);
}

static int
gc_url(struct gp_config *c, const xmlNode *n, const char *s,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t len = strlen(s);

	if (len > CFG_PATH_MAX || !config_path_ok(s))
		return err_set(e, "getconfig: %s `%s` is not an acceptable "
		    "path", n->name, err_quote(q, s, len));
	memcpy(c->tunnel_path, s, len + 1);
	return 0;
}

/* Elements whose value is not a single address or path. */
static int
gc_elem_other(struct gp_config *c, struct getconfig_esp *ip, const xmlNode *n,
    enum gc_elem which, struct gp_err *e)
{
	switch (which) {
	case GC_IPSEC:
		return getconfig_esp_read(n, ip, e);
	case GC_MTU:
		return gc_mtu(c, n, e);
	case GC_TIMEOUT:
		return gc_u32(n, CFG_TIMEOUT_MAX_S, &c->timeout_s, e);
	case GC_LIFETIME:
		return gc_u32(n, CFG_TIMEOUT_MAX_S, &c->lifetime_s, e);
	case GC_IDLE:
		return gc_u32(n, CFG_TIMEOUT_MAX_S, &c->idle_timeout_s, e);
	default:
		return gc_members(c, n, which, e);
	}
}

static int
gc_elem(struct gp_config *c, struct getconfig_esp *ip, const xmlNode *n,
    enum gc_elem which, struct gp_err *e)
{
	char s[GC_VAL_MAX];

	if (which == GC_GW4 || which == GC_GW6) {
		if (xml_text(n, s, sizeof(s), e) == 0 && s[0] != '\0')
			gc_gw(n, s, which == GC_GW4 ? CFG_AF_INET :
			    CFG_AF_INET6, which == GC_GW4 ? &c->esp.magic4 :
			    &c->esp.magic6);
		return 0;
	}
	if (which != GC_IP4 && which != GC_IP6 && which != GC_NETMASK &&
	    which != GC_URL)
		return gc_elem_other(c, ip, n, which, e);
	if (gc_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (s[0] == '\0')
		return 0;	/* empty: not given */
	switch (which) {
	case GC_IP4:
		return gc_addr(n, s, CFG_AF_INET, &c->ip4, e);
	case GC_IP6:
		return gc_ip6(c, n, s, e);
	case GC_NETMASK:
		return gc_netmask(c, n, s, e);
	default:
		return gc_url(c, n, s, e);
	}
}

/* The tunnel fields this parser owns; gw_*, authcookie, user untouched. */
static void
gc_reset(struct gp_config *c)
{
	memset(c->tunnel_path, 0, sizeof(c->tunnel_path));
	memset(&c->ip4, 0, sizeof(c->ip4));
	memset(&c->ip6, 0, sizeof(c->ip6));
	c->ip4_prefixlen = c->ip6_prefixlen = 0;
	c->mtu = 0;
	c->n_dns = c->n_nbns = c->n_suffix = c->n_routes = 0;
	memset(c->dns, 0, sizeof(c->dns));
	memset(c->nbns, 0, sizeof(c->nbns));
	memset(c->suffix, 0, sizeof(c->suffix));
	memset(c->routes, 0, sizeof(c->routes));
	c->timeout_s = c->lifetime_s = c->idle_timeout_s = 0;
	secret_wipe(&c->esp, sizeof(c->esp));
}

static int
gc_root(const xmlNode *root, struct gp_config *c, struct getconfig_esp *ip,
    struct gp_err *e)
{
	char status[16];
	const xmlNode *n;
	unsigned seen = 0;
	int which;

	if (xml_attr(root, "status", status, sizeof(status)) == 0 &&
	    strcmp(status, "error") == 0)
		return err_set(e, "getconfig: the server answered with an "
		    "error");
	for (n = xml_child(root); n != NULL; n = xml_next(n)) {
		if ((which = xml_find(n, gc_names, GC_N)) == -1)
			continue;	/* unknown elements are ignored */
		if (seen & (1U << which))
			return err_set(e, "getconfig: <%s> given twice",
			    gc_names[which]);
		seen |= 1U << which;
		if (gc_elem(c, ip, n, which, e) == -1)
			return -1;
	}
	if (c->ip4_prefixlen == 0)
		c->ip4_prefixlen = 32;	/* no <netmask> */
	if (c->ip4.family == CFG_AF_NONE && c->ip6.family == CFG_AF_NONE)
		return err_set(e, "getconfig: no ip-address or "
		    "ip-address-v6");
	return getconfig_esp_apply(c, ip, e);
}

int
getconfig_parse(const char *body, size_t len, struct gp_config *c,
    struct gp_err *e)
{
	struct getconfig_esp ip;
	xmlDoc *d;
	xmlNode *root;
	int rc = -1;

	gc_reset(c);
	memset(&ip, 0, sizeof(ip));
	if ((d = xml_read(body, len, XML_MODE_TAGS, "getconfig", e)) == NULL)
		return -1;
	if ((root = xml_root(d, "response")) == NULL)
		err_set(e, "getconfig: root element is not <response>");
	else
		rc = gc_root(root, c, &ip, e);
	xml_free(d);
	secret_wipe(&ip, sizeof(ip));
	if (rc == -1)
		gc_reset(c);
	return rc;
}
