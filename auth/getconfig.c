/*
 * getconfig.esp response parser (PROTOCOL.md §6.2) for gp-auth: tunnel
 * addresses, DNS, routes, timers and the ESP keys. The body comes from an
 * untrusted server; every value used is checked, keys are wiped after use.
 */
#include <string.h>

#include "ipc/secret.h"
#include "getconfig.h"
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

/* <ipsec> children; each may appear once. */
enum gc_ipsec_elem {
	GI_PORT, GI_ENC, GI_MAC, GI_SPI_C2S, GI_SPI_S2C, GI_EKEY_C2S,
	GI_EKEY_S2C, GI_AKEY_C2S, GI_AKEY_S2C, GI_N
};
static const char *const gi_names[GI_N] = {
	"udp-port", "enc-algo", "hmac-algo", "c2s-spi", "s2c-spi",
	"ekey-c2s", "ekey-s2c", "akey-c2s", "akey-s2c"
};

struct gc_key {
	size_t	len;			/* bytes */
	uint8_t	b[CFG_KEY_MAX];
};

/* ESP parameters as read, before we know whether ESP is usable. */
struct gc_ipsec {
	unsigned	seen;		/* bit per gc_ipsec_elem */
	uint16_t	port;
	uint8_t		enc;
	uint8_t		mac;
	uint32_t	spi_c2s;
	uint32_t	spi_s2c;
	struct gc_key	key[4];		/* GI_EKEY_C2S.. order */
};

static int
gc_find(const char *const *names, int n, const xmlNode *node)
{
	int i;

	for (i = 0; i < n; i++)
		if (xml_is(node, names[i]))
			return i;
	return -1;
}

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

static int
gc_u32(const xmlNode *n, uint32_t max, uint32_t *v, struct gp_err *e)
{
	char s[GC_VAL_MAX], q[ERR_QUOTE_MAX];

	*v = 0;
	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (s[0] == '\0')
		return 0;	/* empty: not given */
	if (xml_str_u32(s, max, v) == -1)
		return err_set(e, "getconfig: %s `%s` is not a number in "
		    "0..%u", n->name, err_quote(q, s, strlen(s)), max);
	return 0;
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

static int
gc_hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* c2s-spi / s2c-spi: 1-8 hex digits, optional 0x, never 0. */
static int
gc_spi(const xmlNode *n, uint32_t *spi, struct gp_err *e)
{
	char s[GC_VAL_MAX], q[ERR_QUOTE_MAX], *p = s;
	uint32_t v = 0;
	size_t i;

	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (i = 0; p[i] != '\0' && i < 8 && gc_hexval(p[i]) != -1; i++)
		v = v << 4 | (uint32_t)gc_hexval(p[i]);
	if (i == 0 || p[i] != '\0' || v == 0)
		return err_set(e, "ipsec: %s `%s` is not a non-zero 32-bit "
		    "hex SPI", n->name, err_quote(q, s, strlen(s)));
	*spi = v;
	return 0;
}

static int
gc_hex_key(const xmlNode *key, const char *hex, struct gc_key *k,
    struct gp_err *e)
{
	size_t i, len = strlen(hex);

	if (len == 0 || len % 2 != 0)
		return err_set(e, "ipsec: %s <val> has an odd number (%zu) of "
		    "hex digits", key->name, len);
	if (len / 2 > CFG_KEY_MAX)
		return err_set(e, "ipsec: %s <val> is longer than %d bytes",
		    key->name, CFG_KEY_MAX);
	for (i = 0; i < len; i += 2) {
		if (gc_hexval(hex[i]) == -1 || gc_hexval(hex[i + 1]) == -1) {
			secret_wipe(k, sizeof(*k));
			return err_set(e, "ipsec: %s <val> is not hex",
			    key->name);
		}
		k->b[i / 2] = (uint8_t)(gc_hexval(hex[i]) << 4 |
		    gc_hexval(hex[i + 1]));
	}
	k->len = len / 2;
	return 0;
}

/* <ekey-c2s><bits>N</bits><val>HEX</val></ekey-c2s>: N/8 == bytes. */
static int
gc_key(const xmlNode *key, struct gc_key *k, struct gp_err *e)
{
	char hex[CFG_KEY_MAX * 2 + 1];
	const xmlNode *n;
	uint32_t bits = 0;
	int have = 0, rc = -1;

	for (n = xml_child(key); n != NULL; n = xml_next(n)) {
		if (xml_is(n, "bits") && !(have & 1)) {
			have |= 1;
			if (gc_u32(n, CFG_KEY_MAX * 8, &bits, e) == -1)
				goto out;
		} else if (xml_is(n, "val") && !(have & 2)) {
			have |= 2;
			if (xml_text(n, hex, sizeof(hex), e) == -1) {
				err_set(e, "ipsec: %s <val> is longer than %d "
				    "hex digits", key->name, CFG_KEY_MAX * 2);
				goto out;
			}
			if (gc_hex_key(key, hex, k, e) == -1)
				goto out;
		} else if (xml_is(n, "bits") || xml_is(n, "val")) {
			err_set(e, "ipsec: %s has <%s> twice", key->name,
			    n->name);
			goto out;
		}
	}
	if (have != 3)
		err_set(e, "ipsec: %s needs <bits> and <val>", key->name);
	else if (bits == 0 || bits % 8 != 0 || bits / 8 != k->len)
		err_set(e, "ipsec: %s is %zu bytes but <bits> says %u",
		    key->name, k->len, bits);
	else
		rc = 0;
out:
	secret_wipe(hex, sizeof(hex));
	if (rc == -1)
		secret_wipe(k, sizeof(*k));
	return rc;
}

static int
gc_algo(const xmlNode *n, enum gc_ipsec_elem which, struct gc_ipsec *ip,
    struct gp_err *e)
{
	char s[32], q[ERR_QUOTE_MAX];

	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (which == GI_ENC && (strcmp(s, "aes-128-cbc") == 0 ||
	    strcmp(s, "aes128") == 0))
		ip->enc = CFG_ENC_AES128_CBC;
	else if (which == GI_ENC && strcmp(s, "aes-256-cbc") == 0)
		ip->enc = CFG_ENC_AES256_CBC;
	else if (which == GI_MAC && strcmp(s, "md5") == 0)
		ip->mac = CFG_MAC_MD5_96;
	else if (which == GI_MAC && strcmp(s, "sha1") == 0)
		ip->mac = CFG_MAC_SHA1_96;
	else if (which == GI_MAC && strcmp(s, "sha256") == 0)
		ip->mac = CFG_MAC_SHA256_128;
	else
		return err_set(e, "ipsec: %s `%s` is not one we offered",
		    n->name, err_quote(q, s, strlen(s)));
	return 0;
}

static int
gc_ipsec_elem(const xmlNode *n, enum gc_ipsec_elem which,
    struct gc_ipsec *ip, struct gp_err *e)
{
	uint32_t port;

	switch (which) {
	case GI_PORT:
		if (gc_u32(n, 65535, &port, e) == -1)
			return -1;
		if (port == 0)
			return err_set(e, "ipsec: udp-port 0 is not a port");
		ip->port = (uint16_t)port;
		return 0;
	case GI_ENC:
	case GI_MAC:
		return gc_algo(n, which, ip, e);
	case GI_SPI_C2S:
		return gc_spi(n, &ip->spi_c2s, e);
	case GI_SPI_S2C:
		return gc_spi(n, &ip->spi_s2c, e);
	default:
		return gc_key(n, &ip->key[which - GI_EKEY_C2S], e);
	}
}

static int
gc_ipsec(const xmlNode *block, struct gc_ipsec *ip, struct gp_err *e)
{
	const xmlNode *n;
	int which;

	for (n = xml_child(block); n != NULL; n = xml_next(n)) {
		if ((which = gc_find(gi_names, GI_N, n)) == -1)
			continue;	/* ipsec-mode and newer extras */
		if (ip->seen & (1U << which))
			return err_set(e, "ipsec: %s given twice", n->name);
		ip->seen |= 1U << which;
		if (gc_ipsec_elem(n, which, ip, e) == -1)
			return -1;
	}
	return 0;
}

/* Key lengths must match the algorithms the server chose. */
static int
gc_esp_keys(const struct gc_ipsec *ip, struct gp_err *e)
{
	size_t want;
	int k;

	for (k = 0; k < 4; k++) {
		want = k < 2 ? config_enc_key_len(ip->enc) :
		    config_mac_key_len(ip->mac);
		if (ip->key[k].len != want)
			return err_set(e, "ipsec: %s is %zu bytes, its "
			    "algorithm needs %zu", gi_names[GI_EKEY_C2S + k],
			    ip->key[k].len, want);
	}
	return 0;
}

/*
 * ESP only if everything it needs came (§6.2), else all ESP bytes zero
 * and the tunnel is HTTPS only. Present but malformed values were
 * already rejected; key lengths are checked once the algorithms are known.
 */
static int
gc_esp(struct gp_config *c, const struct gc_ipsec *ip, struct gp_err *e)
{
	const unsigned all = (1U << GI_N) - 1;
	struct cfg_esp *esp = &c->esp;
	int k;

	if ((ip->seen & all) == all && gc_esp_keys(ip, e) == -1)
		return -1;
	if ((ip->seen & all) != all ||
	    !((esp->magic6.family == CFG_AF_INET6 &&
	    c->ip6.family == CFG_AF_INET6) ||
	    (esp->magic4.family == CFG_AF_INET &&
	    c->ip4.family == CFG_AF_INET))) {
		secret_wipe(esp, sizeof(*esp));
		return 0;
	}
	esp->present = true;
	esp->enc = ip->enc;
	esp->mac = ip->mac;
	esp->udp_port = ip->port;
	esp->spi_c2s = ip->spi_c2s;
	esp->spi_s2c = ip->spi_s2c;
	for (k = 0; k < 4; k++)
		memcpy(k == 0 ? esp->ekey_c2s : k == 1 ? esp->ekey_s2c :
		    k == 2 ? esp->akey_c2s : esp->akey_s2c, ip->key[k].b,
		    ip->key[k].len);
	return 0;
}

/* Elements whose value is not a single address or path. */
static int
gc_elem_other(struct gp_config *c, struct gc_ipsec *ip, const xmlNode *n,
    enum gc_elem which, struct gp_err *e)
{
	switch (which) {
	case GC_IPSEC:
		return gc_ipsec(n, ip, e);
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
gc_elem(struct gp_config *c, struct gc_ipsec *ip, const xmlNode *n,
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
gc_root(const xmlNode *root, struct gp_config *c, struct gc_ipsec *ip,
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
		if ((which = gc_find(gc_names, GC_N, n)) == -1)
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
	return gc_esp(c, ip, e);
}

int
getconfig_parse(const char *body, size_t len, struct gp_config *c,
    struct gp_err *e)
{
	struct gc_ipsec ip;
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
