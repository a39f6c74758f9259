/* SPDX-License-Identifier: ISC */
/*
 * The tunnel configuration (see config.h): allocation in secret memory,
 * field checks, semantic validation and the printed form. Linked by gp-auth
 * and gp-tunnel; in gp-tunnel the struct comes from an untrusted frame, so
 * every check here assumes hostile values.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "config.h"
#include "secret.h"
#include "textenc.h"

/* Allowed in addresses that are ours to pick (gateway, magic ping). */
#define ADDR_ALLOW_LOOPBACK	0x01

struct gp_config *
config_new(void)
{
	return secret_alloc(sizeof(struct gp_config));
}

void
config_free(struct gp_config *c)
{
	secret_free(c, sizeof(*c));
}

const char *
config_addr_str(const struct cfg_addr *a, char *out)
{
	const char *r = NULL;

	if (a->family == CFG_AF_INET)
		r = inet_ntop(AF_INET, a->bytes, out, CFG_ADDR_STR_MAX);
	else if (a->family == CFG_AF_INET6)
		r = inet_ntop(AF_INET6, a->bytes, out, CFG_ADDR_STR_MAX);
	if (r == NULL)
		snprintf(out, CFG_ADDR_STR_MAX, "(family %u)", a->family);
	return out;
}

int
config_addr_parse(const char *s, struct cfg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (s == NULL)
		return -1;
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = CFG_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = CFG_AF_INET6;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

size_t
config_enc_key_len(uint8_t enc)
{
	switch (enc) {
	case CFG_ENC_AES128_CBC:
		return 16;
	case CFG_ENC_AES256_CBC:
		return 32;
	default:
		return 0;
	}
}

size_t
config_mac_key_len(uint8_t mac)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
		return 16;
	case CFG_MAC_SHA1_96:
		return 20;
	case CFG_MAC_SHA256_128:
		return 32;
	default:
		return 0;
	}
}

size_t
config_mac_icv_len(uint8_t mac)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
	case CFG_MAC_SHA1_96:
		return 12;
	case CFG_MAC_SHA256_128:
		return 16;
	default:
		return 0;
	}
}

/* ASCII only: <ctype.h> answers depend on the locale. */
static bool
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * RFC 1123 labels. An all-digit last label is refused so that a name can
 * never be mistaken for a short-form address such as "127.1".
 */
static bool
hostname_labels_ok(const char *s, size_t len)
{
	size_t i, label = 0;
	bool digits = true;

	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			digits = true;
			continue;
		}
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
		if (s[i] == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
		if (!is_digit(s[i]))
			digits = false;
	}
	return label > 0 && s[len - 1] != '-' && !digits;
}

/* A C string of 1..max bytes; *len is its length (0 for NULL). */
static bool
str_len_ok(const char *s, size_t max, size_t *len)
{
	*len = s != NULL ? strnlen(s, max + 1) : 0;
	return *len != 0 && *len <= max;
}

bool
config_hostname_ok(const char *s)
{
	struct cfg_addr a;
	size_t len;

	if (!str_len_ok(s, CFG_HOST_MAX, &len))
		return false;
	if (config_addr_parse(s, &a) == 0)
		return true;
	return hostname_labels_ok(s, len);
}

bool
config_cookie_ok(const char *s)
{
	size_t i, len;

	if (!str_len_ok(s, CFG_AUTHCOOKIE_MAX, &len))
		return false;
	for (i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && strchr("+/=_-", s[i]) == NULL)
			return false;
	}
	return true;
}

bool
config_user_ok(const char *s)
{
	size_t i, len;

	if (!str_len_ok(s, CFG_USER_MAX, &len))
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return true;
}

/* A request path: no "..", no "//" authority, no query or fragment. */
bool
config_path_ok(const char *s)
{
	size_t i, len;

	if (!str_len_ok(s, CFG_PATH_MAX, &len) || s[0] != '/')
		return false;
	if (strstr(s, "..") != NULL || strncmp(s, "//", 2) == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && strchr("._~/-", s[i]) == NULL)
			return false;
	}
	return true;
}

size_t
config_addr_len(uint8_t family)
{
	if (family == CFG_AF_INET)
		return 4;
	if (family == CFG_AF_INET6)
		return 16;
	return 0;
}

static bool
addr_equal(const struct cfg_addr *a, const struct cfg_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

static const char *
addr4_problem(const uint8_t *b, int flags)
{
	if (bytes_all_zero(b, 4))
		return "is the unspecified address";
	if (b[0] == 0)
		return "is in 0.0.0.0/8, not a host address";
	if (b[0] == 127 && !(flags & ADDR_ALLOW_LOOPBACK))
		return "is a loopback address";
	if (b[0] >= 224 && b[0] < 240)
		return "is a multicast address";
	if (b[0] >= 240)
		return "is a reserved or broadcast address";
	return NULL;
}

static const char *
addr6_problem(const uint8_t *b, int flags)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };

	if (bytes_all_zero(b, 16))
		return "is the unspecified address";
	if (bytes_all_zero(b, 15) && b[15] == 1 &&
	    !(flags & ADDR_ALLOW_LOOPBACK))
		return "is a loopback address";
	if (b[0] == 0xff)
		return "is a multicast address";
	if (memcmp(b, mapped, sizeof(mapped)) == 0)
		return "is a v4-mapped IPv6 address";
	return NULL;
}

/* Why a is not a usable unicast host address, or NULL if it is. */
static const char *
addr_problem(const struct cfg_addr *a, int flags)
{
	if (a->family == CFG_AF_INET) {
		if (!bytes_all_zero(a->bytes + 4, 12))
			return "has stray bytes after the IPv4 address";
		return addr4_problem(a->bytes, flags);
	}
	if (a->family == CFG_AF_INET6)
		return addr6_problem(a->bytes, flags);
	return "has no valid address family";
}

static int
addr_err(struct gp_err *e, const char *field, const struct cfg_addr *a,
    const char *why)
{
	char s[CFG_ADDR_STR_MAX];

	return err_set(e, "field `%s`: `%s` %s", field, config_addr_str(a, s),
	    why);
}

/* A required host address of family fam (CFG_AF_NONE: either). */
static int
check_host(const char *field, const struct cfg_addr *a, uint8_t fam,
    int flags, struct gp_err *e)
{
	const char *why;

	if (a->family == CFG_AF_NONE)
		return err_set(e, "field `%s`: missing", field);
	if (fam != CFG_AF_NONE && a->family != fam)
		return err_set(e, "field `%s`: family `%u`, expected `%u`",
		    field, a->family, fam);
	if ((why = addr_problem(a, flags)) != NULL)
		return addr_err(e, field, a, why);
	return 0;
}

/* An optional address must be all zero when its family is none. */
static int
check_absent(const char *field, const struct cfg_addr *a, struct gp_err *e)
{
	if (!bytes_all_zero(a->bytes, sizeof(a->bytes)))
		return err_set(e, "field `%s`: no family but non-zero bytes",
		    field);
	return 0;
}

static int
check_str(const char *field, const char *s, size_t size,
    bool (*ok)(const char *), bool quote, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t len = strnlen(s, size);

	if (len == 0)
		return err_set(e, "field `%s`: missing", field);
	if (len == size)
		return err_set(e, "field `%s`: not terminated", field);
	if (ok(s))
		return 0;
	if (!quote)
		return err_set(e, "field `%s`: bad length or character "
		    "(%zu bytes)", field, len);
	return err_set(e, "field `%s`: `%s` is not allowed", field,
	    err_quote(q, s, len));
}

/*
 * Behind a proxy that resolves the gateway's name (HTTP CONNECT,
 * socks5h) gp-auth never learns its address: gw_addr may then be absent.
 */
static int
validate_gw_addr(const struct gp_config *c, struct gp_err *e)
{
	struct cfg_addr lit;

	if (c->proxy.type != CFG_PROXY_NONE &&
	    c->gw_addr.family == CFG_AF_NONE) {
		if (check_absent("gw_addr", &c->gw_addr, e) == -1)
			return -1;
	} else if (check_host("gw_addr", &c->gw_addr, CFG_AF_NONE,
	    ADDR_ALLOW_LOOPBACK, e) == -1)
		return -1;
	/* A literal host is what gp-auth connected to: the same address. */
	if (config_addr_parse(c->gw_host, &lit) == 0 &&
	    !addr_equal(&lit, &c->gw_addr))
		return addr_err(e, "gw_addr", &c->gw_addr, "differs from the "
		    "address in `gw_host`");
	return 0;
}

static int
validate_gateway(const struct gp_config *c, struct gp_err *e)
{
	if (check_str("gw_host", c->gw_host, sizeof(c->gw_host),
	    config_hostname_ok, true, e) == -1)
		return -1;
	if (validate_gw_addr(c, e) == -1)
		return -1;
	if (c->gw_port == 0)
		return err_set(e, "field `gw_port`: `0` is not a port");
	if (check_str("tunnel_path", c->tunnel_path, sizeof(c->tunnel_path),
	    config_path_ok, true, e) == -1)
		return -1;
	/* The cookie is a secret: never quote it, even when it is wrong. */
	if (check_str("authcookie", c->authcookie, sizeof(c->authcookie),
	    config_cookie_ok, false, e) == -1)
		return -1;
	return check_str("user", c->user, sizeof(c->user), config_user_ok,
	    true, e);
}

static int
validate_ip(const char *field, const struct cfg_addr *a, uint8_t plen,
    uint8_t fam, const struct gp_config *c, struct gp_err *e)
{
	unsigned max = fam == CFG_AF_INET ? 32 : 128;

	/* Without an address the prefix means nothing (and is not sent). */
	if (a->family == CFG_AF_NONE)
		return check_absent(field, a, e);
	if (check_host(field, a, fam, 0, e) == -1)
		return -1;
	if (addr_equal(a, &c->gw_addr))
		return addr_err(e, field, a, "is the gateway's own address");
	if (c->proxy.type != CFG_PROXY_NONE && addr_equal(a, &c->proxy.addr))
		return addr_err(e, field, a, "is the proxy's address");
	if (plen < 1 || plen > max)
		return err_set(e, "field `%s_prefixlen`: `%u` is not in 1..%u",
		    field, plen, max);
	return 0;
}

static int
validate_inside(const struct gp_config *c, struct gp_err *e)
{
	if (c->ip4.family == CFG_AF_NONE && c->ip6.family == CFG_AF_NONE)
		return err_set(e, "field `ip4`: missing, and no `ip6` either");
	if (validate_ip("ip4", &c->ip4, c->ip4_prefixlen, CFG_AF_INET, c,
	    e) == -1)
		return -1;
	if (validate_ip("ip6", &c->ip6, c->ip6_prefixlen, CFG_AF_INET6, c,
	    e) == -1)
		return -1;
	if (c->mtu != 0 && (c->mtu < CFG_MTU_MIN || c->mtu > CFG_MTU_MAX))
		return err_set(e, "field `mtu`: `%u` is not 0 or in %u..%u",
		    c->mtu, CFG_MTU_MIN, CFG_MTU_MAX);
	return 0;
}

/* Resolvers must be reached through the tunnel: loopback never is. */
static int
validate_servers(const char *field, const struct cfg_addr *list,
    unsigned n, unsigned max, struct gp_err *e)
{
	unsigned i;

	if (n > max)
		return err_set(e, "field `%s`: `%u` entries, at most %u",
		    field, n, max);
	for (i = 0; i < n; i++) {
		if (check_host(field, &list[i], CFG_AF_NONE, 0, e) == -1)
			return -1;
	}
	return 0;
}

static int
validate_suffixes(const struct gp_config *c, struct gp_err *e)
{
	struct cfg_addr a;
	char q[ERR_QUOTE_MAX];
	unsigned i;

	if (c->n_suffix > CFG_SUFFIX_MAX)
		return err_set(e, "field `suffix`: `%u` entries, at most %u",
		    c->n_suffix, CFG_SUFFIX_MAX);
	for (i = 0; i < c->n_suffix; i++) {
		if (check_str("suffix", c->suffix[i], sizeof(c->suffix[i]),
		    config_hostname_ok, true, e) == -1)
			return -1;
		if (config_addr_parse(c->suffix[i], &a) == 0)
			return err_set(e, "field `suffix`: `%s` is an address, "
			    "not a domain", err_quote(q, c->suffix[i],
			    strlen(c->suffix[i])));
	}
	return 0;
}

/* No bit may be set past the first plen bits. */
static bool
prefix_canonical(const struct cfg_addr *a, unsigned plen)
{
	size_t i, n = config_addr_len(a->family);
	unsigned bits;
	uint8_t mask;

	for (i = 0; i < n; i++) {
		bits = plen > i * 8 ? plen - (unsigned)i * 8 : 0;
		mask = bits >= 8 ? 0xff : (uint8_t)(0xff00U >> bits);
		if ((a->bytes[i] & (uint8_t)~mask) != 0)
			return false;
	}
	return bytes_all_zero(a->bytes + n, sizeof(a->bytes) - n);
}

static int
validate_route(const struct cfg_route *r, struct gp_err *e)
{
	char s[CFG_ADDR_STR_MAX];
	size_t n = config_addr_len(r->addr.family);

	if (n == 0)
		return err_set(e, "field `route`: family `%u` is not 4 or 6",
		    r->addr.family);
	config_addr_str(&r->addr, s);
	if (r->prefixlen > n * 8)
		return err_set(e, "field `route`: `%s/%u` prefix too long", s,
		    r->prefixlen);
	if (!prefix_canonical(&r->addr, r->prefixlen))
		return err_set(e, "field `route`: `%s/%u` has host bits set",
		    s, r->prefixlen);
	return 0;
}

static int
validate_routes(const struct gp_config *c, struct gp_err *e)
{
	unsigned i;

	if (c->n_routes > CFG_ROUTES_MAX)
		return err_set(e, "field `route`: `%u` entries, at most %u",
		    c->n_routes, CFG_ROUTES_MAX);
	for (i = 0; i < c->n_routes; i++) {
		if (validate_route(&c->routes[i], e) == -1)
			return -1;
	}
	return 0;
}

static int
validate_timers(const struct gp_config *c, struct gp_err *e)
{
	if (c->timeout_s > CFG_TIMEOUT_MAX_S)
		return err_set(e, "field `timeout_s`: `%" PRIu32 "` over %u",
		    c->timeout_s, CFG_TIMEOUT_MAX_S);
	if (c->lifetime_s > CFG_TIMEOUT_MAX_S)
		return err_set(e, "field `lifetime_s`: `%" PRIu32 "` over %u",
		    c->lifetime_s, CFG_TIMEOUT_MAX_S);
	if (c->idle_timeout_s > CFG_TIMEOUT_MAX_S)
		return err_set(e, "field `idle_timeout_s`: `%" PRIu32
		    "` over %u", c->idle_timeout_s, CFG_TIMEOUT_MAX_S);
	return 0;
}

/* A key uses exactly n bytes: not all zero, nothing after them. */
static int
check_key(const char *field, const uint8_t *k, size_t n, struct gp_err *e)
{
	if (bytes_all_zero(k, n))
		return err_set(e, "field `%s`: all zero (missing key)", field);
	if (!bytes_all_zero(k + n, CFG_KEY_MAX - n))
		return err_set(e, "field `%s`: longer than %zu bytes", field,
		    n);
	return 0;
}

static int
validate_esp_keys(const struct cfg_esp *s, struct gp_err *e)
{
	size_t ek = config_enc_key_len(s->enc);
	size_t ak = config_mac_key_len(s->mac);

	if (ek == 0)
		return err_set(e, "field `esp_enc`: unknown algorithm `%u`",
		    s->enc);
	if (ak == 0)
		return err_set(e, "field `esp_mac`: unknown algorithm `%u`",
		    s->mac);
	if (check_key("esp_ekey_c2s", s->ekey_c2s, ek, e) == -1 ||
	    check_key("esp_ekey_s2c", s->ekey_s2c, ek, e) == -1 ||
	    check_key("esp_akey_c2s", s->akey_c2s, ak, e) == -1 ||
	    check_key("esp_akey_s2c", s->akey_s2c, ak, e) == -1)
		return -1;
	return 0;
}

static int
validate_esp_magic(const struct cfg_esp *s, struct gp_err *e)
{
	if (s->magic4.family == CFG_AF_NONE &&
	    s->magic6.family == CFG_AF_NONE)
		return err_set(e, "field `esp_magic4`: missing, and no "
		    "`esp_magic6` either");
	if (s->magic4.family == CFG_AF_NONE) {
		if (check_absent("esp_magic4", &s->magic4, e) == -1)
			return -1;
	} else if (check_host("esp_magic4", &s->magic4, CFG_AF_INET,
	    ADDR_ALLOW_LOOPBACK, e) == -1)
		return -1;
	if (s->magic6.family == CFG_AF_NONE)
		return check_absent("esp_magic6", &s->magic6, e);
	return check_host("esp_magic6", &s->magic6, CFG_AF_INET6,
	    ADDR_ALLOW_LOOPBACK, e);
}

static bool
esp_all_zero(const struct cfg_esp *s)
{
	return !s->present && s->enc == 0 && s->mac == 0 &&
	    s->udp_port == 0 && s->spi_c2s == 0 && s->spi_s2c == 0 &&
	    bytes_all_zero(s->ekey_c2s, CFG_KEY_MAX) &&
	    bytes_all_zero(s->ekey_s2c, CFG_KEY_MAX) &&
	    bytes_all_zero(s->akey_c2s, CFG_KEY_MAX) &&
	    bytes_all_zero(s->akey_s2c, CFG_KEY_MAX) &&
	    s->magic4.family == 0 && s->magic6.family == 0 &&
	    bytes_all_zero(s->magic4.bytes, sizeof(s->magic4.bytes)) &&
	    bytes_all_zero(s->magic6.bytes, sizeof(s->magic6.bytes));
}

static int
validate_esp(const struct cfg_esp *s, struct gp_err *e)
{
	if (!s->present) {
		if (!esp_all_zero(s))
			return err_set(e, "field `esp`: not present but "
			    "fields are set");
		return 0;
	}
	if (validate_esp_keys(s, e) == -1)
		return -1;
	if (s->udp_port == 0)
		return err_set(e, "field `esp_udp_port`: `0` is not a port");
	if (s->spi_c2s == 0)
		return err_set(e, "field `esp_spi_c2s`: `0` is reserved");
	if (s->spi_s2c == 0)
		return err_set(e, "field `esp_spi_s2c`: `0` is reserved");
	return validate_esp_magic(s, e);
}

static int
validate_no_proxy(const struct cfg_proxy *p, struct gp_err *e)
{
	if (p->addr.family != CFG_AF_NONE || p->port != 0 ||
	    p->target[0] != '\0' || check_absent("proxy_addr", &p->addr,
	    e) == -1)
		return err_set(e, "field `proxy_type`: none, but other proxy "
		    "fields are set");
	return 0;
}

/*
 * The proxy is asked for the gateway gp-auth verified and nothing else:
 * its name, or (socks5, resolved by gp-auth) its address.
 */
static int
validate_proxy(const struct gp_config *c, struct gp_err *e)
{
	const struct cfg_proxy *p = &c->proxy;
	struct cfg_addr lit;
	char q[ERR_QUOTE_MAX];

	if (p->type == CFG_PROXY_NONE)
		return validate_no_proxy(p, e);
	if (p->type != CFG_PROXY_HTTP && p->type != CFG_PROXY_SOCKS5)
		return err_set(e, "field `proxy_type`: unknown type `%u`",
		    p->type);
	if (check_host("proxy_addr", &p->addr, CFG_AF_NONE,
	    ADDR_ALLOW_LOOPBACK, e) == -1)
		return -1;
	if (p->port == 0)
		return err_set(e, "field `proxy_port`: `0` is not a port");
	if (check_str("proxy_target", p->target, sizeof(p->target),
	    config_hostname_ok, true, e) == -1)
		return -1;
	if (c->esp.present)
		return err_set(e, "field `esp`: present behind a proxy, but "
		    "ESP does not go through one");
	if (strcmp(p->target, c->gw_host) == 0 ||
	    (config_addr_parse(p->target, &lit) == 0 &&
	    c->gw_addr.family != CFG_AF_NONE && addr_equal(&lit, &c->gw_addr)))
		return 0;
	return err_set(e, "field `proxy_target`: `%s` is neither `gw_host` "
	    "nor the address in `gw_addr`", err_quote(q, p->target,
	    strlen(p->target)));
}

int
config_validate(const struct gp_config *c, struct gp_err *e)
{
	if (validate_gateway(c, e) == -1 || validate_inside(c, e) == -1)
		return -1;
	if (validate_servers("dns", c->dns, c->n_dns, CFG_DNS_MAX, e) == -1 ||
	    validate_servers("nbns", c->nbns, c->n_nbns, CFG_NBNS_MAX,
	    e) == -1)
		return -1;
	if (validate_suffixes(c, e) == -1 || validate_routes(c, e) == -1 ||
	    validate_timers(c, e) == -1)
		return -1;
	if (validate_esp(&c->esp, e) == -1)
		return -1;
	return validate_proxy(c, e);
}

const char *
config_proxy_name(uint8_t type)
{
	switch (type) {
	case CFG_PROXY_NONE:
		return "none";
	case CFG_PROXY_HTTP:
		return "http-connect";
	case CFG_PROXY_SOCKS5:
		return "socks5";
	default:
		return "unknown";
	}
}

const struct cfg_addr *
config_tunnel_peer(const struct gp_config *c)
{
	return c->proxy.type != CFG_PROXY_NONE ? &c->proxy.addr : &c->gw_addr;
}

bool
config_proxy_same(const struct gp_config *a, const struct gp_config *b)
{
	const struct cfg_proxy *x = &a->proxy, *y = &b->proxy;

	return x->type == y->type && addr_equal(&x->addr, &y->addr) &&
	    x->port == y->port && strncmp(x->target, y->target,
	    sizeof(x->target)) == 0;
}

/* Printing: strings are escaped, since an unvalidated struct may be shown. */
static void
print_str(FILE *fp, const char *name, const char *s, size_t size)
{
	size_t i, len = strnlen(s, size);
	unsigned char ch;

	fprintf(fp, "%s: ", name);
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			fputc(ch, fp);
		else
			fprintf(fp, "\\x%02x", ch);
	}
	fputc('\n', fp);
}

static void
print_hex(FILE *fp, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%02x", p[i]);
}

/* As --servercert takes it (OpenConnect's form): pin-sha256:BASE64. */
static void
print_pin(FILE *fp, const uint8_t pin[CFG_PIN_BYTES])
{
	char b64[(CFG_PIN_BYTES + 2) / 3 * 4 + 1];

	if (b64_encode(pin, CFG_PIN_BYTES, b64, sizeof(b64)) == -1)
		b64[0] = '\0';
	fprintf(fp, "gw_pin: pin-sha256:%s\n", b64);
}

static void
print_secret(FILE *fp, const char *name, const void *p, size_t n,
    bool redact)
{
	fprintf(fp, "%s: ", name);
	if (redact)
		fprintf(fp, "(redacted, %zu bytes)", n);
	else
		print_hex(fp, p, n);
	fputc('\n', fp);
}

static void
print_addr(FILE *fp, const char *name, const struct cfg_addr *a)
{
	char s[CFG_ADDR_STR_MAX];

	if (a->family == CFG_AF_NONE)
		fprintf(fp, "%s: (none)\n", name);
	else
		fprintf(fp, "%s: %s\n", name, config_addr_str(a, s));
}

static void
print_prefix(FILE *fp, const char *name, const struct cfg_addr *a,
    unsigned plen)
{
	char s[CFG_ADDR_STR_MAX];

	if (a->family == CFG_AF_NONE)
		fprintf(fp, "%s: (none)\n", name);
	else
		fprintf(fp, "%s: %s/%u\n", name, config_addr_str(a, s), plen);
}

static void
print_addrs(FILE *fp, const char *name, const struct cfg_addr *list,
    unsigned n, unsigned max)
{
	unsigned i;

	if (n == 0)
		fprintf(fp, "%s: (none)\n", name);
	for (i = 0; i < n && i < max; i++)
		print_addr(fp, name, &list[i]);
}

static void
print_lists(FILE *fp, const struct gp_config *c)
{
	char s[CFG_ADDR_STR_MAX];
	const struct cfg_route *r;
	unsigned i;

	print_addrs(fp, "dns", c->dns, c->n_dns, CFG_DNS_MAX);
	print_addrs(fp, "nbns", c->nbns, c->n_nbns, CFG_NBNS_MAX);
	if (c->n_suffix == 0)
		fprintf(fp, "suffix: (none)\n");
	for (i = 0; i < c->n_suffix && i < CFG_SUFFIX_MAX; i++)
		print_str(fp, "suffix", c->suffix[i], sizeof(c->suffix[i]));
	if (c->n_routes == 0)
		fprintf(fp, "route: (none)\n");
	for (i = 0; i < c->n_routes && i < CFG_ROUTES_MAX; i++) {
		r = &c->routes[i];
		fprintf(fp, "route: %s %s/%u\n",
		    r->exclude ? "exclude" : "include",
		    config_addr_str(&r->addr, s), r->prefixlen);
	}
}

static const char *
enc_name(uint8_t enc)
{
	switch (enc) {
	case CFG_ENC_NONE:
		return "none";
	case CFG_ENC_AES128_CBC:
		return "aes-128-cbc";
	case CFG_ENC_AES256_CBC:
		return "aes-256-cbc";
	default:
		return "unknown";
	}
}

static const char *
mac_name(uint8_t mac)
{
	switch (mac) {
	case CFG_MAC_NONE:
		return "none";
	case CFG_MAC_MD5_96:
		return "hmac-md5-96";
	case CFG_MAC_SHA1_96:
		return "hmac-sha1-96";
	case CFG_MAC_SHA256_128:
		return "hmac-sha256-128";
	default:
		return "unknown";
	}
}

/* Key lengths follow the algorithms; unknown ones show the whole array. */
static void
print_esp(FILE *fp, const struct cfg_esp *s, bool redact)
{
	size_t ek = config_enc_key_len(s->enc), ak = config_mac_key_len(s->mac);

	if (ek == 0)
		ek = CFG_KEY_MAX;
	if (ak == 0)
		ak = CFG_KEY_MAX;
	/* Validated configs hold only zeros in an absent SA. */
	fprintf(fp, "esp: %s\n", s->present ? "yes" : "no");
	if (!s->present)
		return;
	fprintf(fp, "esp_enc: %s (%u)\n", enc_name(s->enc), s->enc);
	fprintf(fp, "esp_mac: %s (%u)\n", mac_name(s->mac), s->mac);
	fprintf(fp, "esp_udp_port: %u\n", s->udp_port);
	fprintf(fp, "esp_spi_c2s: 0x%08" PRIx32 "\n", s->spi_c2s);
	fprintf(fp, "esp_spi_s2c: 0x%08" PRIx32 "\n", s->spi_s2c);
	print_secret(fp, "esp_ekey_c2s", s->ekey_c2s, ek, redact);
	print_secret(fp, "esp_ekey_s2c", s->ekey_s2c, ek, redact);
	print_secret(fp, "esp_akey_c2s", s->akey_c2s, ak, redact);
	print_secret(fp, "esp_akey_s2c", s->akey_s2c, ak, redact);
	print_addr(fp, "esp_magic4", &s->magic4);
	print_addr(fp, "esp_magic6", &s->magic6);
}

/* Only with a proxy, so that direct configs print as they always did. */
static void
print_proxy(FILE *fp, const struct cfg_proxy *p)
{
	if (p->type == CFG_PROXY_NONE)
		return;
	fprintf(fp, "proxy: %s (%u)\n", config_proxy_name(p->type), p->type);
	print_addr(fp, "proxy_addr", &p->addr);
	fprintf(fp, "proxy_port: %u\n", p->port);
	print_str(fp, "proxy_target", p->target, sizeof(p->target));
}

void
config_print(FILE *fp, const struct gp_config *c, bool redact)
{
	print_str(fp, "gw_host", c->gw_host, sizeof(c->gw_host));
	print_addr(fp, "gw_addr", &c->gw_addr);
	fprintf(fp, "gw_port: %u\n", c->gw_port);
	print_pin(fp, c->gw_pin);
	print_str(fp, "tunnel_path", c->tunnel_path, sizeof(c->tunnel_path));
	if (redact)
		fprintf(fp, "authcookie: (redacted, %zu bytes)\n",
		    strnlen(c->authcookie, sizeof(c->authcookie)));
	else
		print_str(fp, "authcookie", c->authcookie,
		    sizeof(c->authcookie));
	print_str(fp, "user", c->user, sizeof(c->user));
	print_prefix(fp, "ip4", &c->ip4, c->ip4_prefixlen);
	print_prefix(fp, "ip6", &c->ip6, c->ip6_prefixlen);
	fprintf(fp, "mtu: %u\n", c->mtu);
	print_lists(fp, c);
	fprintf(fp, "timeout_s: %" PRIu32 "\n", c->timeout_s);
	fprintf(fp, "lifetime_s: %" PRIu32 "\n", c->lifetime_s);
	fprintf(fp, "idle_timeout_s: %" PRIu32 "\n", c->idle_timeout_s);
	print_esp(fp, &c->esp, redact);
	print_proxy(fp, &c->proxy);
}
