/*
 * The gp-tunnel policy file (policy.h): a pure, bounded, line-based
 * parser, the check of a CONFIG against it, and the loader that refuses
 * a file root does not own alone. Runs in [priv]; the file is trusted
 * only after that check, every frame is untrusted.
 *
 *   # comment
 *   gateway 198.18.0.1 [pin-sha256:BASE64]
 *   gateway-port 443
 *   esp-port 4501
 *   route 10.0.0.0/8
 *   dns no
 *   allow-user alice          (gp-tunnel --listen: who may connect)
 *   allow-group 1001
 *   dns-server 10.0.0.0/24
 *   dns-suffix corp.example  /  dns-suffix .corp.example
 *   allow-script PATH  allow-setuid USER  allow-interface NAME
 *   allow-script vpn-slice 10.0.0.0/8   (the rest of the line)
 *   allow-policy FILE
 *   proxy no | yes | 198.18.10.1:3128 | [fd00::1]:1080
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tunnel/policy.h"
#include "tunnel/scriptcmd.h"
#include "tunnel/tun.h"

#define POLICY_TOKENS_MAX	4
#define POLICY_PIN_TAG		"pin-sha256:"
#define POLICY_B64_PIN_CHARS	44	/* base64 of 32 bytes, one '=' */
#define POLICY_USER_MAX		32	/* allow-setuid: a login name */

static const struct {
	enum policy_allow_kind	 kind;
	const char		*keyword;
} policy_allow_keywords[] = {
	{ POLICY_ALLOW_SCRIPT, "allow-script" },
	{ POLICY_ALLOW_SETUID, "allow-setuid" },
	{ POLICY_ALLOW_INTERFACE, "allow-interface" },
	{ POLICY_ALLOW_POLICY, "allow-policy" },
};
#define POLICY_ALLOW_KINDS \
	(sizeof(policy_allow_keywords) / sizeof(policy_allow_keywords[0]))

static const char policy_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct policy_line {
	unsigned	 no;
	char		 text[POLICY_LINE_MAX_BYTES + 1];
	char		*tok[POLICY_TOKENS_MAX];
	unsigned	 n;
};

static int
policy_b64_val(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(policy_b64, c)) == NULL)
		return -1;
	return (int)(p - policy_b64);
}

/* Exactly 44 characters of standard base64 for 32 bytes; strict. */
static int
policy_pin_decode(const char *s, uint8_t out[CFG_PIN_BYTES])
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int v, bits = 0;

	if (strlen(s) != POLICY_B64_PIN_CHARS ||
	    s[POLICY_B64_PIN_CHARS - 1] != '=')
		return -1;
	for (i = 0; i < POLICY_B64_PIN_CHARS - 1; i++) {
		if ((v = policy_b64_val(s[i])) == -1)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == CFG_PIN_BYTES)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* 43 * 6 = 258 bits: 256 used, the last 2 must be zero. */
	if (o != CFG_PIN_BYTES || (acc & ((1U << bits) - 1)) != 0)
		return -1;
	return 0;
}

static void
policy_pin_encode(const uint8_t pin[CFG_PIN_BYTES],
    char out[POLICY_B64_PIN_CHARS + 1])
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	for (i = 0; i < CFG_PIN_BYTES; i++) {
		acc = (acc << 8) | pin[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = policy_b64[(acc >> bits) & 0x3f];
		}
	}
	out[o++] = policy_b64[(acc << (6 - bits)) & 0x3f];
	out[o++] = '=';
	out[o] = '\0';
}

/* Split on blanks; a '#' starts a comment. -1 on too many tokens. */
static int
policy_tokenize(struct policy_line *l)
{
	char *p = l->text;

	l->n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			*p++ = '\0';
		if (*p == '\0' || *p == '#') {
			*p = '\0';
			return 0;
		}
		if (l->n == POLICY_TOKENS_MAX)
			return -1;
		l->tok[l->n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
	}
}

static bool
policy_host_bits_zero(const struct cfg_addr *a, unsigned plen)
{
	unsigned nbytes = a->family == CFG_AF_INET ? 4 : 16, i;

	for (i = 0; i < nbytes; i++) {
		unsigned keep = plen >= (i + 1) * 8 ? 8 :
		    plen > i * 8 ? plen - i * 8 : 0;
		uint8_t mask = (uint8_t)(0xff00U >> keep);

		if ((a->bytes[i] & ~mask & 0xff) != 0)
			return false;
	}
	return true;
}

/* "ADDR/LEN", LEN in range, no host bits set. */
static int
policy_prefix_parse(const char *s, struct policy_prefix *r)
{
	char a[CFG_ADDR_STR_MAX + 1];
	const char *slash = strchr(s, '/');
	char *end;
	unsigned long len;
	size_t alen;

	if (slash == NULL || (alen = (size_t)(slash - s)) == 0 ||
	    alen > CFG_ADDR_STR_MAX || slash[1] < '0' || slash[1] > '9')
		return -1;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (config_addr_parse(a, &r->addr) == -1)
		return -1;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || end - (slash + 1) > 3 ||
	    len > (r->addr.family == CFG_AF_INET ? 32UL : 128UL))
		return -1;
	r->prefixlen = (uint8_t)len;
	return policy_host_bits_zero(&r->addr, r->prefixlen) ? 0 : -1;
}

static int
policy_bad(struct gp_err *e, const struct policy_line *l, const char *what,
    const char *val)
{
	char q[ERR_QUOTE_MAX];

	return err_set(e, "policy line %u: %s: \"%s\"", l->no, what,
	    err_quote(q, val, strlen(val)));
}

static int
policy_gateway(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	struct policy_gateway *g;

	if (l->n < 2 || l->n > 3)
		return policy_bad(e, l, "expected \"gateway ADDRESS "
		    "[pin-sha256:BASE64]\"", l->tok[0]);
	if (p->n_gateways == POLICY_GATEWAYS_MAX)
		return policy_bad(e, l, "too many gateway lines", l->tok[1]);
	g = &p->gateways[p->n_gateways];
	memset(g, 0, sizeof(*g));
	if (config_addr_parse(l->tok[1], &g->addr) == -1)
		return policy_bad(e, l, "not an IP address", l->tok[1]);
	if (l->n == 3) {
		if (strncmp(l->tok[2], POLICY_PIN_TAG,
		    strlen(POLICY_PIN_TAG)) != 0 || policy_pin_decode(
		    l->tok[2] + strlen(POLICY_PIN_TAG), g->pin) == -1)
			return policy_bad(e, l, "expected pin-sha256: and the "
			    "base64 of 32 bytes", l->tok[2]);
		g->has_pin = true;
	}
	p->n_gateways++;
	return 0;
}

static int
policy_route(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	if (l->n != 2)
		return policy_bad(e, l, "expected \"route ADDRESS/PREFIXLEN\"",
		    l->tok[0]);
	if (p->n_routes == POLICY_ROUTES_MAX)
		return policy_bad(e, l, "too many route lines", l->tok[1]);
	if (policy_prefix_parse(l->tok[1], &p->routes[p->n_routes]) == -1)
		return policy_bad(e, l, "not a prefix ADDRESS/LEN without "
		    "host bits", l->tok[1]);
	p->n_routes++;
	return 0;
}

static int
policy_dns(struct tunnel_policy *p, const struct policy_line *l,
    bool *seen, struct gp_err *e)
{
	if (l->n != 2)
		return policy_bad(e, l, "expected \"dns yes\" or \"dns no\"",
		    l->tok[0]);
	if (*seen)
		return policy_bad(e, l, "a second dns line", l->tok[1]);
	if (strcmp(l->tok[1], "yes") == 0)
		p->dns = true;
	else if (strcmp(l->tok[1], "no") == 0)
		p->dns = false;
	else
		return policy_bad(e, l, "expected yes or no", l->tok[1]);
	*seen = true;
	return 0;
}

/* A decimal id below 2^32 - 1 ((uid_t)-1 means "none" to the kernel). */
static int
policy_id_parse(const char *s, uint32_t *id)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v >= UINT32_MAX)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* A name as useradd and systemd take it: [A-Za-z0-9_][A-Za-z0-9._-]*
 * with an optional final '$', up to POLICY_NAME_MAX bytes. */
static bool
policy_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > POLICY_NAME_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-' || (c == '$' && i == n - 1 && i > 0))
			continue;
		return false;
	}
	return true;
}

/* allow-user and allow-group: one name or numeric id per line; all
 * digits is an id, as chown reads it. */
static int
policy_principal_add(struct policy_principal *list, unsigned *n,
    const struct policy_line *l, struct gp_err *e)
{
	struct policy_principal *a;

	if (l->n != 2)
		return policy_bad(e, l, "expected one name or numeric id",
		    l->tok[0]);
	if (*n == POLICY_ALLOW_MAX)
		return policy_bad(e, l, "too many lines of this kind",
		    l->tok[1]);
	a = &list[*n];
	memset(a, 0, sizeof(*a));
	if (strspn(l->tok[1], "0123456789") == strlen(l->tok[1])) {
		if (policy_id_parse(l->tok[1], &a->id) == -1)
			return policy_bad(e, l, "not an id below 4294967295",
			    l->tok[1]);
		a->resolved = true;
	} else if (policy_name_ok(l->tok[1]))
		memcpy(a->name, l->tok[1], strlen(l->tok[1]) + 1);
	else
		return policy_bad(e, l, "not a user or group name",
		    l->tok[1]);
	(*n)++;
	return 0;
}

/* "1".."65535", decimal, no sign or leading zero. */
static int
policy_port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (s[0] < '1' || s[0] > '9' || strlen(s) > 5)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* gateway-port PORT (the HTTPS tunnel) or esp-port PORT (ESP/UDP). */
static int
policy_port(const struct policy_line *l, unsigned *n, uint16_t *ports,
    struct gp_err *e)
{
	if (l->n != 2)
		return policy_bad(e, l, "expected one port number", l->tok[0]);
	if (*n == POLICY_PORTS_MAX)
		return policy_bad(e, l, "too many port lines", l->tok[1]);
	if (policy_port_parse(l->tok[1], &ports[*n]) == -1)
		return policy_bad(e, l, "not a port 1..65535", l->tok[1]);
	(*n)++;
	return 0;
}

static int
policy_dns_server(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	if (l->n != 2)
		return policy_bad(e, l, "expected \"dns-server "
		    "ADDRESS/PREFIXLEN\"", l->tok[0]);
	if (p->n_dns_servers == POLICY_DNS_SERVERS_MAX)
		return policy_bad(e, l, "too many dns-server lines",
		    l->tok[1]);
	if (policy_prefix_parse(l->tok[1],
	    &p->dns_servers[p->n_dns_servers]) == -1)
		return policy_bad(e, l, "not a prefix ADDRESS/LEN without "
		    "host bits", l->tok[1]);
	p->n_dns_servers++;
	return 0;
}

/* "name" or ".name": a host name as a frame's search domain must be. */
static int
policy_dns_suffix(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	const char *name;
	struct cfg_addr a;

	if (l->n != 2)
		return policy_bad(e, l, "expected \"dns-suffix DOMAIN\"",
		    l->tok[0]);
	if (p->n_suffixes == POLICY_SUFFIXES_MAX)
		return policy_bad(e, l, "too many dns-suffix lines",
		    l->tok[1]);
	name = l->tok[1] + (l->tok[1][0] == '.');
	if (!config_hostname_ok(name) || config_addr_parse(name, &a) == 0)
		return policy_bad(e, l, "not a domain name", l->tok[1]);
	memcpy(p->suffixes[p->n_suffixes], l->tok[1],
	    strlen(l->tok[1]) + 1);
	p->n_suffixes++;
	return 0;
}

/* A login name: [A-Za-z0-9._-], not starting with '-', not root. */
static bool
policy_user_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > POLICY_USER_MAX || s[0] == '-' ||
	    strcmp(s, "root") == 0)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) == NULL)
			return false;
	return true;
}

/* An absolute path, as -s takes one, or a command line of printable
 * ASCII and tabs (a newline cannot occur: lines end there). */
static bool
policy_script_value_ok(const char *v)
{
	const char *c;

	if (scriptcmd_is_plain(v))
		return v[0] == '/';
	for (c = v; *c != '\0'; c++)
		if ((*c < 0x20 || *c > 0x7e) && *c != '\t')
			return false;
	return true;
}

static bool
policy_allow_value_ok(enum policy_allow_kind k, const char *v)
{
	switch (k) {
	case POLICY_ALLOW_SCRIPT:
		return policy_script_value_ok(v);
	case POLICY_ALLOW_POLICY:
		return v[0] == '/';
	case POLICY_ALLOW_SETUID:
		return policy_user_ok(v);
	case POLICY_ALLOW_INTERFACE:
		return v[0] != '\0' && strlen(v) < IFNAMSIZ && tun_name_ok(v);
	}
	return false;
}

static const char *
policy_allow_what(enum policy_allow_kind k)
{
	switch (k) {
	case POLICY_ALLOW_SCRIPT:
		return "expected an absolute path or a command line of "
		    "printable ASCII";
	case POLICY_ALLOW_POLICY:
		return "expected an absolute path";
	case POLICY_ALLOW_SETUID:
		return "expected a user name other than root";
	case POLICY_ALLOW_INTERFACE:
		return "expected an interface name, 1..15 of A-Za-z0-9_.-";
	}
	return "unknown";
}

static int
policy_allow(struct tunnel_policy *p, const struct policy_line *l,
    enum policy_allow_kind k, struct gp_err *e)
{
	struct policy_allow *a;

	if (l->n != 2)
		return policy_bad(e, l, "expected one value", l->tok[0]);
	if (p->n_allows == POLICY_ALLOWS_MAX)
		return policy_bad(e, l, "too many allow- lines", l->tok[1]);
	if (strlen(l->tok[1]) > POLICY_VALUE_MAX ||
	    !policy_allow_value_ok(k, l->tok[1]))
		return policy_bad(e, l, policy_allow_what(k), l->tok[1]);
	a = &p->allows[p->n_allows++];
	a->kind = (uint8_t)k;
	memcpy(a->value, l->tok[1], strlen(l->tok[1]) + 1);
	return 0;
}

static int
policy_keyword_allow(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	size_t i;

	for (i = 0; i < POLICY_ALLOW_KINDS; i++)
		if (strcmp(l->tok[0], policy_allow_keywords[i].keyword) == 0)
			return policy_allow(p, l, policy_allow_keywords[i].kind,
			    e);
	return policy_bad(e, l, "unknown keyword", l->tok[0]);
}

#define POLICY_SCRIPT_KW	"allow-script"

static bool
policy_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * allow-script takes the rest of the line, as -s may be a command line
 * with blanks: from its first non-blank byte to a '#' after a blank (a
 * comment, as in sh) or the end, less the blanks that end it. Blanks
 * inside are kept as written: the value is compared byte for byte.
 * false if the line is not an allow-script line.
 */
static bool
policy_script_line(struct policy_line *l)
{
	size_t kw = strlen(POLICY_SCRIPT_KW);
	char *p = l->text, *v, *end;

	while (policy_blank(*p))
		p++;
	if (strncmp(p, POLICY_SCRIPT_KW, kw) != 0 ||
	    (p[kw] != '\0' && !policy_blank(p[kw])))
		return false;
	l->tok[0] = p;
	l->n = 1;
	for (v = p + kw; policy_blank(*v); v++)
		*v = '\0';
	for (end = v; *end != '\0'; end++)
		if (*end == '#' && (end == v || policy_blank(end[-1])))
			break;
	*end = '\0';
	while (end > v && policy_blank(end[-1]))
		*--end = '\0';
	if (*v != '\0')
		l->tok[l->n++] = v;
	return true;
}

/* "ADDR", "V4:PORT", "[V6]" or "[V6]:PORT". */
static int
policy_hostport_parse(const char *s, struct policy_proxy *x)
{
	char a[CFG_ADDR_STR_MAX + 1];
	const char *end, *port = NULL;
	bool v6 = s[0] == '[';
	size_t alen;

	memset(x, 0, sizeof(*x));
	if (v6) {
		if ((end = strchr(++s, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return -1;
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(s, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL)
		port = end + 1;
	else
		end = s + strlen(s);
	alen = (size_t)(end - s);
	if (alen == 0 || alen > CFG_ADDR_STR_MAX)
		return -1;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (config_addr_parse(a, &x->addr) == -1 ||
	    (v6 && x->addr.family != CFG_AF_INET6))
		return -1;
	return port != NULL ? policy_port_parse(port, &x->port) : 0;
}

/* proxy no | yes | ADDRESS[:PORT], the last repeatable. */
static int
policy_proxy(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	bool no, yes;

	if (l->n != 2)
		return policy_bad(e, l, "expected \"proxy no\", \"proxy yes\" "
		    "or \"proxy ADDRESS[:PORT]\"", l->tok[0]);
	no = strcmp(l->tok[1], "no") == 0;
	yes = strcmp(l->tok[1], "yes") == 0;
	if (p->proxy_rule != POLICY_PROXY_DEFAULT &&
	    (no || yes || p->proxy_rule != POLICY_PROXY_LIST))
		return policy_bad(e, l, "proxy no and proxy yes go alone",
		    l->tok[1]);
	if (no || yes) {
		p->proxy_rule = no ? POLICY_PROXY_NO : POLICY_PROXY_YES;
		return 0;
	}
	if (p->n_proxies == POLICY_PROXIES_MAX)
		return policy_bad(e, l, "too many proxy lines", l->tok[1]);
	if (policy_hostport_parse(l->tok[1], &p->proxies[p->n_proxies]) == -1)
		return policy_bad(e, l, "not no, yes or an IP address with an "
		    "optional :PORT", l->tok[1]);
	p->n_proxies++;
	p->proxy_rule = POLICY_PROXY_LIST;
	return 0;
}

static int
policy_line(struct tunnel_policy *p, struct policy_line *l, bool *dns_seen,
    struct gp_err *e)
{
	if (!policy_script_line(l) && policy_tokenize(l) == -1)
		return policy_bad(e, l, "too many words", l->text);
	if (l->n == 0)
		return 0;
	if (strcmp(l->tok[0], "gateway") == 0)
		return policy_gateway(p, l, e);
	if (strcmp(l->tok[0], "route") == 0)
		return policy_route(p, l, e);
	if (strcmp(l->tok[0], "dns") == 0)
		return policy_dns(p, l, dns_seen, e);
	if (strcmp(l->tok[0], "allow-user") == 0)
		return policy_principal_add(p->allow_users,
		    &p->n_allow_users, l, e);
	if (strcmp(l->tok[0], "allow-group") == 0)
		return policy_principal_add(p->allow_groups,
		    &p->n_allow_groups, l, e);
	if (strcmp(l->tok[0], "gateway-port") == 0)
		return policy_port(l, &p->n_gw_ports, p->gw_ports, e);
	if (strcmp(l->tok[0], "esp-port") == 0)
		return policy_port(l, &p->n_esp_ports, p->esp_ports, e);
	if (strcmp(l->tok[0], "dns-server") == 0)
		return policy_dns_server(p, l, e);
	if (strcmp(l->tok[0], "dns-suffix") == 0)
		return policy_dns_suffix(p, l, e);
	if (strcmp(l->tok[0], "proxy") == 0)
		return policy_proxy(p, l, e);
	return policy_keyword_allow(p, l, e);
}

int
policy_parse(const char *text, size_t len, struct tunnel_policy *p,
    struct gp_err *e)
{
	struct policy_line l;
	size_t i = 0, n;
	bool dns_seen = false;

	memset(p, 0, sizeof(*p));
	p->dns = true;
	if (len > POLICY_FILE_MAX_BYTES)
		return err_set(e, "policy: %zu bytes, more than %u", len,
		    (unsigned)POLICY_FILE_MAX_BYTES);
	if (memchr(text, '\0', len) != NULL)
		return err_set(e, "policy: a NUL byte in the file");
	for (l.no = 1; i < len; l.no++) {
		const char *nl = memchr(text + i, '\n', len - i);

		n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;
		if (n > POLICY_LINE_MAX_BYTES)
			return err_set(e, "policy line %u: longer than %u "
			    "bytes", l.no, (unsigned)POLICY_LINE_MAX_BYTES);
		memcpy(l.text, text + i, n);
		l.text[n] = '\0';
		if (policy_line(p, &l, &dns_seen, e) == -1)
			return -1;
		i += n + (nl != NULL);
	}
	p->present = true;
	return 0;
}

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
	char a[CFG_ADDR_STR_MAX], pin[POLICY_B64_PIN_CHARS + 1];
	unsigned i;

	if (p->n_gateways == 0)
		fprintf(fp, "gateway any\n");
	for (i = 0; i < p->n_gateways; i++) {
		const struct policy_gateway *g = &p->gateways[i];

		fprintf(fp, "gateway %s", config_addr_str(&g->addr, a));
		if (g->has_pin) {
			policy_pin_encode(g->pin, pin);
			fprintf(fp, " %s%s", POLICY_PIN_TAG, pin);
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

const char *
policy_allow_keyword(enum policy_allow_kind k)
{
	size_t i;

	for (i = 0; i < POLICY_ALLOW_KINDS; i++)
		if (policy_allow_keywords[i].kind == k)
			return policy_allow_keywords[i].keyword;
	return "allow-?";
}

bool
policy_allows(const struct tunnel_policy *p, enum policy_allow_kind k,
    const char *value)
{
	unsigned i;

	for (i = 0; i < p->n_allows; i++)
		if (p->allows[i].kind == k &&
		    strcmp(p->allows[i].value, value) == 0)
			return true;
	return false;
}

/* Is addr/plen inside the prefix r? */
static bool
policy_prefix_covers(const struct policy_prefix *r,
    const struct cfg_addr *addr, unsigned plen)
{
	unsigned i, full = r->prefixlen / 8, rest = r->prefixlen % 8;

	if (addr->family != r->addr.family || plen < r->prefixlen)
		return false;
	for (i = 0; i < full; i++)
		if (addr->bytes[i] != r->addr.bytes[i])
			return false;
	if (rest == 0)
		return true;
	return ((addr->bytes[full] ^ r->addr.bytes[full]) &
	    (uint8_t)(0xff00U >> rest)) == 0;
}

static int
policy_check_prefix(const struct tunnel_policy *p, const char *what,
    const struct cfg_addr *addr, unsigned plen, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	unsigned i;

	for (i = 0; i < p->n_routes; i++)
		if (policy_prefix_covers(&p->routes[i], addr, plen))
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
policy_proxy_listed(const struct tunnel_policy *p, const struct cfg_proxy *x)
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
	    (p->proxy_rule == POLICY_PROXY_LIST && policy_proxy_listed(p, x)))
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
policy_port_listed(unsigned n, const uint16_t *ports, uint16_t port)
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
	    !policy_port_listed(p->n_gw_ports, p->gw_ports, c->gw_port))
		return err_set(e, "policy refuses gateway port %u: not a "
		    "gateway-port of the policy", (unsigned)c->gw_port);
	if (c->esp.present && p->n_esp_ports != 0 &&
	    !policy_port_listed(p->n_esp_ports, p->esp_ports,
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
			if (policy_prefix_covers(&p->dns_servers[j],
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
policy_suffix_allowed(const struct tunnel_policy *p, const char *name)
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
		if (!policy_suffix_allowed(p, c->suffix[i]))
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

static bool
policy_allows_id(const struct policy_principal *list, unsigned n,
    uint32_t id)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (list[i].resolved && list[i].id == id)
			return true;
	return false;
}

int
policy_peer_check(const struct tunnel_policy *p,
    const struct policy_peer *peer, struct gp_err *e)
{
	size_t i;

	if (peer->uid == 0)
		return 0;
	if (p->n_allow_users == 0 && p->n_allow_groups == 0)
		return err_set(e, "uid %lu is not root, and the policy has no "
		    "allow-user or allow-group line", (unsigned long)peer->uid);
	if (policy_allows_id(p->allow_users, p->n_allow_users, peer->uid) ||
	    policy_allows_id(p->allow_groups, p->n_allow_groups, peer->gid))
		return 0;
	for (i = 0; i < peer->n_groups; i++)
		if (policy_allows_id(p->allow_groups, p->n_allow_groups,
		    peer->groups[i]))
			return 0;
	return err_set(e, "uid %lu (gid %lu, %zu supplementary groups) "
	    "matches no allow-user or allow-group line of the policy",
	    (unsigned long)peer->uid, (unsigned long)peer->gid,
	    peer->n_groups);
}

static int
policy_read_fd(int fd, const char *path, char *text, size_t *len,
    struct gp_err *e)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) == -1)
		return err_set(e, "policy %s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "policy %s: not a regular file", path);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return err_set(e, "policy %s: refused: must be owned by root "
		    "and not writable by group or others (owner %lu, mode "
		    "%03o)", path, (unsigned long)st.st_uid,
		    (unsigned)(st.st_mode & 0777));
	*len = 0;
	do {
		n = read(fd, text + *len, POLICY_FILE_MAX_BYTES + 1 - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return err_set(e, "policy %s: %s", path,
			    strerror(errno));
		*len += (size_t)n;
	} while (n > 0 && *len <= POLICY_FILE_MAX_BYTES);
	return 0;
}

int
policy_load(const char *path, bool optional, struct tunnel_policy *p,
    struct gp_err *e)
{
	char *text;
	size_t len = 0;
	int fd, r = -1;

	memset(p, 0, sizeof(*p));
	p->dns = true;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd == -1 && errno == ENOENT && optional)
		return 0;
	if (fd == -1)
		return err_set(e, "policy %s: %s", path, strerror(errno));
	if ((text = malloc(POLICY_FILE_MAX_BYTES + 1)) == NULL) {
		err_set(e, "policy %s: out of memory", path);
		goto out;
	}
	if (policy_read_fd(fd, path, text, &len, e) == 0 &&
	    (r = policy_parse(text, len, p, e)) == 0)
		snprintf(p->source, sizeof(p->source), "%s", path);
	free(text);
out:
	close(fd);
	return r;
}
