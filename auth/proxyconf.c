/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's proxy settings (see proxyconf.h): the URL of --proxy or of
 * the environment (read only with --proxy-from-env), no_proxy, and the
 * proxy's address. The input is the user's own, yet parsed strictly: it
 * ends up in libcurl's options and in the CONFIG frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/proxyconf.h"

static const struct {
	const char		*name;
	enum proxyconf_scheme	 scheme;
} proxyconf_schemes[] = {
	{ "http", PROXYCONF_HTTP },
	{ "socks5", PROXYCONF_SOCKS5 },
	{ "socks5h", PROXYCONF_SOCKS5H },
};

#define PROXYCONF_NSCHEMES \
	(sizeof(proxyconf_schemes) / sizeof(proxyconf_schemes[0]))

const char *
proxyconf_scheme_name(enum proxyconf_scheme s)
{
	size_t i;

	for (i = 0; i < PROXYCONF_NSCHEMES; i++)
		if (proxyconf_schemes[i].scheme == s)
			return proxyconf_schemes[i].name;
	return "none";
}

/* The scheme before "://" (none: http, as libcurl); *rest after it. */
static int
proxyconf_scheme(const char *url, struct proxy_conf *p, const char **rest,
    struct gp_err *e)
{
	const char *sep = strstr(url, "://");
	char q[ERR_QUOTE_MAX];
	size_t i, n;

	p->scheme = PROXYCONF_HTTP;
	*rest = url;
	if (sep == NULL)
		return 0;
	n = (size_t)(sep - url);
	*rest = sep + 3;
	for (i = 0; i < PROXYCONF_NSCHEMES; i++) {
		if (strlen(proxyconf_schemes[i].name) == n &&
		    strncasecmp(url, proxyconf_schemes[i].name, n) == 0) {
			p->scheme = proxyconf_schemes[i].scheme;
			return 0;
		}
	}
	if (n == 5 && strncasecmp(url, "https", 5) == 0)
		return err_set(e, "proxy scheme `https`: TLS to the proxy is "
		    "not supported; use http://, socks5:// or socks5h://");
	return err_set(e, "proxy scheme `%s`: expected http, socks5 or "
	    "socks5h", err_quote(q, url, n));
}

int
proxyconf_parse(const char *url, struct proxy_conf *p, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *s, *slash;
	size_t len = strnlen(url, PROXY_URL_MAX + 1), alen;

	memset(p, 0, sizeof(*p));
	if (len > PROXY_URL_MAX)
		return err_set(e, "proxy URL: longer than %zu bytes",
		    PROXY_URL_MAX);
	/* First, before any message quotes the URL: it may hold a password. */
	if (memchr(url, '@', len) != NULL)
		return err_set(e, "proxy URL: a user name or password is not "
		    "supported (gpvpn does no proxy authentication)");
	if (proxyconf_scheme(url, p, &s, e) == -1)
		return -1;
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if ((slash != NULL && strcmp(slash, "/") != 0) ||
	    strcspn(s, "?#") < alen)
		return err_set(e, "proxy URL `%s`: a path, query or fragment "
		    "is not supported", err_quote(q, url, len));
	if (resolve_authority(&p->server, s, alen, PROXYCONF_DEFAULT_PORT,
	    e) == -1) {
		p->scheme = PROXYCONF_NONE;
		return -1;
	}
	p->source = "--proxy";
	return 0;
}

/* lower, else upper; set and not empty, as libcurl takes them. */
static const char *
proxyconf_getenv(const char *lower, const char *upper, const char **name)
{
	const char *v;

	if ((v = getenv(lower)) != NULL && v[0] != '\0') {
		*name = lower;
		return v;
	}
	if ((v = getenv(upper)) != NULL && v[0] != '\0') {
		*name = upper;
		return v;
	}
	return NULL;
}

int
proxyconf_from_env(struct proxy_conf *p, struct gp_err *e)
{
	struct gp_err pe = { "" };
	const char *v, *name = NULL, *np, *npname = NULL;
	size_t n;

	memset(p, 0, sizeof(*p));
	if ((v = proxyconf_getenv("https_proxy", "HTTPS_PROXY", &name)) ==
	    NULL && (v = proxyconf_getenv("all_proxy", "ALL_PROXY",
	    &name)) == NULL)
		return 0;
	if (proxyconf_parse(v, p, &pe) == -1)
		return err_set(e, "%s: %s", name, pe.msg);
	p->source = name;
	if ((np = proxyconf_getenv("no_proxy", "NO_PROXY", &npname)) == NULL)
		return 0;
	if ((n = strlen(np)) > PROXY_NOPROXY_MAX) {
		memset(p, 0, sizeof(*p));
		return err_set(e, "%s: longer than %u bytes", npname,
		    PROXY_NOPROXY_MAX);
	}
	memcpy(p->noproxy, np, n + 1);
	return 0;
}

/* "/LEN" after an address: 0..max, at most 3 digits; -1 if not. */
static long
proxyconf_prefixlen(const char *s, size_t n, unsigned max)
{
	unsigned long v = 0;
	size_t i;

	if (n < 2 || n > 4 || s[0] != '/')
		return -1;
	for (i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v > max ? -1 : (long)v;
}

/* Entry "ADDR" or "ADDR/LEN" (n bytes) covers the address h? */
static bool
proxyconf_addr_match(const char *entry, size_t n, const struct cfg_addr *h)
{
	char a[CFG_ADDR_STR_MAX + 1];
	const char *slash = memchr(entry, '/', n);
	size_t alen = slash != NULL ? (size_t)(slash - entry) : n;
	struct cfg_addr net;
	unsigned max;
	long plen, i;

	if (alen == 0 || alen > CFG_ADDR_STR_MAX)
		return false;
	memcpy(a, entry, alen);
	a[alen] = '\0';
	if (config_addr_parse(a, &net) == -1 || net.family != h->family)
		return false;
	max = net.family == CFG_AF_INET ? 32 : 128;
	plen = slash == NULL ? (long)max :
	    proxyconf_prefixlen(slash, n - alen, max);
	for (i = 0; i < plen; i++)
		if (((net.bytes[i / 8] ^ h->bytes[i / 8]) >> (7 - i % 8)) & 1)
			return false;
	return plen >= 0;
}

/* Entry (n bytes) is host, or a domain above it. */
static bool
proxyconf_name_match(const char *entry, size_t n, const char *host)
{
	size_t hl = strlen(host);

	if (n > 0 && entry[0] == '.') {
		entry++;
		n--;
	}
	if (n > 0 && entry[n - 1] == '.')
		n--;
	if (n == 0 || n > hl || strncasecmp(host + hl - n, entry, n) != 0)
		return false;
	return hl == n || host[hl - n - 1] == '.';
}

bool
proxyconf_bypass(const char *list, const char *host)
{
	struct cfg_addr h;
	bool literal = config_addr_parse(host, &h) == 0;
	const char *p = list;
	size_t n;

	for (;;) {
		p += strspn(p, ", \t");
		if ((n = strcspn(p, ", \t")) == 0)
			return false;
		if (n == 1 && p[0] == '*')
			return true;
		if (literal ? proxyconf_addr_match(p, n, &h) :
		    proxyconf_name_match(p, n, host))
			return true;
		p += n;
	}
}

int
proxyconf_resolve(struct proxy_conf *p, struct gp_err *e)
{
	struct gp_err re = { "" };

	if (p->server.addr.family != CFG_AF_NONE)
		return 0;
	if (resolve_lookup(&p->server, &re) == -1)
		return err_set(e, "proxy: %s", re.msg);
	return 0;
}

int
proxyconf_curl_url(const struct proxy_conf *p, char *out, size_t outsz)
{
	bool v6 = p->server.addr.family == CFG_AF_INET6;
	int n;

	if (p->server.addr.family == CFG_AF_NONE)
		return -1;
	n = snprintf(out, outsz, "%s://%s%s%s:%u",
	    proxyconf_scheme_name(p->scheme), v6 ? "[" : "",
	    p->server.addr_str, v6 ? "]" : "", (unsigned)p->server.port);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

bool
proxyconf_remote_dns(const struct proxy_conf *p)
{
	return p->scheme == PROXYCONF_HTTP || p->scheme == PROXYCONF_SOCKS5H;
}

void
proxyconf_frame(const struct proxy_conf *p, const struct gw_target *t,
    struct cfg_proxy *out)
{
	memset(out, 0, sizeof(*out));
	if (p == NULL || p->scheme == PROXYCONF_NONE)
		return;
	out->type = p->scheme == PROXYCONF_HTTP ? CFG_PROXY_HTTP :
	    CFG_PROXY_SOCKS5;
	out->addr = p->server.addr;
	out->port = p->server.port;
	if (proxyconf_remote_dns(p) || t->addr.family == CFG_AF_NONE)
		snprintf(out->target, sizeof(out->target), "%s", t->host);
	else
		config_addr_str(&t->addr, out->target);
}
