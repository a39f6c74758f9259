/* SPDX-License-Identifier: ISC */
/*
 * The user's URL and the gateway's address (see resolve.h), in gp-auth.
 * The URL comes from the user's command line, yet it is checked strictly
 * because its host ends up in HTTP requests and in the CONFIG frame.
 */
#include <sys/socket.h>

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"

static const char *
resolve_skip_scheme(const char *s, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t n = 0;

	while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '-' ||
	    s[n] == '.')
		n++;
	if (n == 0 || strncmp(s + n, "://", 3) != 0)
		return s;
	if (n == 5 && strncasecmp(s, "https", 5) == 0)
		return s + n + 3;
	err_set(e, "URL scheme `%s`: only https is supported",
	    err_quote(q, s, n));
	return NULL;
}

static int
resolve_port(const char *s, size_t len, uint16_t *port, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < len && i < 6; i++) {
		if (!isdigit((unsigned char)s[i]))
			break;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (len == 0 || i != len || v == 0 || v > 65535)
		return err_set(e, "URL port `%s`: not a port number",
		    err_quote(q, s, len));
	*port = (uint16_t)v;
	return 0;
}

static int
resolve_set_host(struct gw_target *t, const char *s, size_t len,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cfg_addr a;
	size_t i;

	if (len == 0 || len > CFG_HOST_MAX)
		return err_set(e, "URL host `%s`: empty or too long",
		    err_quote(q, s, len));
	for (i = 0; i < len; i++)
		t->host[i] = (char)tolower((unsigned char)s[i]);
	t->host[len] = '\0';
	if (!config_hostname_ok(t->host))
		return err_set(e, "URL host `%s`: not a host name or address",
		    err_quote(q, s, len));
	t->literal = config_addr_parse(t->host, &a) == 0;
	return 0;
}

int
resolve_authority(struct gw_target *t, const char *s, size_t len,
    uint16_t port, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *colon, *close;

	t->port = port;
	if (len > 0 && s[0] == '[') {
		close = memchr(s, ']', len);
		if (close == NULL)
			return err_set(e, "URL host `%s`: no closing `]`",
			    err_quote(q, s, len));
		if (close + 1 < s + len && (close[1] != ':' ||
		    resolve_port(close + 2, (size_t)(s + len - close - 2),
		    &t->port, e) == -1))
			return err_set(e, "URL `%s`: bad text after `]`",
			    err_quote(q, s, len));
		if (resolve_set_host(t, s + 1, (size_t)(close - s - 1),
		    e) == -1)
			return -1;
		if (!t->literal || strchr(t->host, ':') == NULL)
			return err_set(e, "URL host `%s`: brackets need an "
			    "IPv6 address", err_quote(q, s, len));
		return 0;
	}
	colon = memchr(s, ':', len);
	if (colon != NULL && memchr(colon + 1, ':',
	    (size_t)(s + len - colon - 1)) != NULL)
		return resolve_set_host(t, s, len, e);	/* bare IPv6 */
	if (colon != NULL && resolve_port(colon + 1,
	    (size_t)(s + len - colon - 1), &t->port, e) == -1)
		return -1;
	return resolve_set_host(t, s, colon != NULL ?
	    (size_t)(colon - s) : len, e);
}

static bool
resolve_field_ok(const char *s)
{
	size_t i, len = strlen(s);

	if (len == 0 || len >= RESOLVE_FIELD_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return false;
	}
	return true;
}

/* "", "gateway", "portal", "ssl-vpn...", "global-protect...", ":field" */
static int
resolve_path(struct gw_target *t, const char *s, struct gp_err *e)
{
	char path[CFG_PATH_MAX + 1], q[ERR_QUOTE_MAX];
	char *colon;
	size_t len = strlen(s);

	if (len > 0 && s[0] == '/') {
		s++;
		len--;
	}
	if (len > 0 && s[len - 1] == '/')
		len--;
	if (len > CFG_PATH_MAX)
		return err_set(e, "URL path `%s`: too long",
		    err_quote(q, s, len));
	memcpy(path, s, len);
	path[len] = '\0';
	if ((colon = strrchr(path, ':')) != NULL) {
		*colon = '\0';
		if (!resolve_field_ok(colon + 1))
			return err_set(e, "URL path `%s`: bad field name "
			    "after `:`", err_quote(q, s, len));
		memcpy(t->alt_field, colon + 1, strlen(colon + 1) + 1);
	}
	if (path[0] == '\0' || strcmp(path, "gateway") == 0 ||
	    strncmp(path, "ssl-vpn", 7) == 0)
		t->iface = IFACE_GATEWAY;
	else if (strcmp(path, "portal") == 0 ||
	    strncmp(path, "global-protect", 14) == 0)
		t->iface = IFACE_PORTAL;
	else
		return err_set(e, "URL path `%s`: expected nothing, "
		    "/gateway or /portal", err_quote(q, s, len));
	return 0;
}

int
resolve_url_parse(const char *url, struct gw_target *t, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *s, *slash;
	size_t alen;

	memset(t, 0, sizeof(*t));
	if ((s = resolve_skip_scheme(url, e)) == NULL)
		return -1;
	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (strcspn(s, "@?#") < alen)
		return err_set(e, "URL `%s`: user names, queries and "
		    "fragments are not supported",
		    err_quote(q, url, strlen(url)));
	if (resolve_authority(t, s, alen, RESOLVE_DEFAULT_PORT, e) == -1)
		return -1;
	return resolve_path(t, slash != NULL ? slash : "", e);
}

static int
resolve_from_sockaddr(const struct sockaddr *sa, struct cfg_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		a->family = CFG_AF_INET;
		memcpy(a->bytes,
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		a->family = CFG_AF_INET6;
		memcpy(a->bytes,
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    16);
		return 0;
	}
	return -1;
}

int
resolve_lookup(struct gw_target *t, struct gp_err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	if (t->literal) {
		if (config_addr_parse(t->host, &t->addr) == -1)
			return err_set(e, "host `%s`: not an address",
			    t->host);
		config_addr_str(&t->addr, t->addr_str);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((rc = getaddrinfo(t->host, NULL, &hints, &res)) != 0)
		return err_set(e, "cannot resolve `%s`: %s", t->host,
		    gai_strerror(rc));
	rc = -1;
	for (ai = res; ai != NULL && rc == -1; ai = ai->ai_next)
		rc = resolve_from_sockaddr(ai->ai_addr, &t->addr);
	freeaddrinfo(res);
	if (rc == -1)
		return err_set(e, "cannot resolve `%s`: no IPv4 or IPv6 "
		    "address", t->host);
	config_addr_str(&t->addr, t->addr_str);
	return 0;
}

int
resolve_url_host(const struct gw_target *t, char *out, size_t outsz)
{
	int n;

	if (t->literal && strchr(t->host, ':') != NULL)
		n = snprintf(out, outsz, "[%s]", t->host);
	else
		n = snprintf(out, outsz, "%s", t->host);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
resolve_origin(const struct gw_target *t, char *out, size_t outsz)
{
	char host[CFG_HOST_MAX + 3];
	int n;

	if (resolve_url_host(t, host, sizeof(host)) == -1)
		return -1;
	n = snprintf(out, outsz, "https://%s:%u", host, t->port);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int
resolve_connect_url(const struct gw_target *t, char *out, size_t outsz)
{
	char host[CFG_HOST_MAX + 3];
	int n;

	if (resolve_url_host(t, host, sizeof(host)) == -1)
		return -1;
	if (t->port == RESOLVE_DEFAULT_PORT)
		n = snprintf(out, outsz, "https://%s/", host);
	else
		n = snprintf(out, outsz, "https://%s:%u/", host, t->port);
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}
