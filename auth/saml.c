/*
 * SAML hand-over in gp-auth (see saml.h): decode the prelogin's
 * saml-request and build the text that tells the user how to come back
 * with a cookie; the flow driver prints it. The request is untrusted;
 * its URL is checked before it is put in the text. Pure: no I/O.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth/resolve.h"
#include "auth/saml.h"

/* https://, then printable ASCII without space, quote or angle bracket */
static int
saml_url_ok(const char *s, size_t len, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t i;

	if (len < 9 || strncasecmp(s, "https://", 8) != 0)
		return err_set(e, "SAML: the server's login URL `%s` is not "
		    "https://", err_quote(q, s, len));
	for (i = 0; i < len; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || strchr("\"'<>`\\",
		    s[i]) != NULL)
			return err_set(e, "SAML: the server's login URL `%s` "
			    "has a bad byte at %zu", err_quote(q, s, len), i);
	return 0;
}

/* action="..." (or '...') of the first <form, case-insensitively. */
static void
saml_form_action(const char *html, char *url, size_t urlsz)
{
	const char *form, *a, *end, *gt;
	char quote;
	struct gp_err e;
	size_t n;

	url[0] = '\0';
	if ((form = strcasestr(html, "<form")) == NULL)
		return;
	gt = strchr(form, '>');
	if ((a = strcasestr(form, "action=")) == NULL ||
	    (gt != NULL && a > gt))
		return;
	a += 7;
	quote = *a;
	if (quote != '"' && quote != '\'')
		return;
	if ((end = strchr(++a, quote)) == NULL)
		return;
	n = (size_t)(end - a);
	if (n >= urlsz || saml_url_ok(a, n, &e) == -1)
		return;
	memcpy(url, a, n);
	url[n] = '\0';
}

int
saml_target(const struct prelogin *p, enum saml_kind *kind, char *url,
    size_t urlsz, struct gp_err *e)
{
	size_t len = strlen(p->saml_request), n;
	unsigned char *raw;
	int rc = -1;

	url[0] = '\0';
	if (len == 0 || len % 4 != 0)
		return err_set(e, "SAML: saml-request is not base64");
	if ((raw = malloc(len / 4 * 3 + 1)) == NULL)
		return err_set(e, "SAML: out of memory");
	if (EVP_DecodeBlock(raw, (const unsigned char *)p->saml_request,
	    (int)len) < 0) {
		err_set(e, "SAML: saml-request is not base64");
		goto out;
	}
	n = len / 4 * 3 - (p->saml_request[len - 1] == '=') -
	    (p->saml_request[len - 2] == '=');
	raw[n] = '\0';
	if (strcmp(p->saml_method, "POST") == 0) {
		*kind = SAML_POST;
		if (memchr(raw, '\0', n) == NULL)
			saml_form_action((const char *)raw, url, urlsz);
		rc = 0;
		goto out;
	}
	*kind = SAML_REDIRECT;
	if (saml_url_ok((const char *)raw, n, e) == -1)
		goto out;
	if (n >= urlsz) {
		err_set(e, "SAML: the login URL is over %zu bytes", urlsz);
		goto out;
	}
	memcpy(url, raw, n + 1);
	rc = 0;
out:
	free(raw);
	return rc;
}

/* Up to outsz, always terminated; -1 once it no longer fits. */
static int
saml_put(char *out, size_t outsz, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= outsz)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(out + *o, outsz - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= outsz - *o)
		return -1;
	*o += (size_t)n;
	return 0;
}

/* What the server asked for, and where to log in. */
static int
saml_what(const struct gw_target *t, const char *iface,
    enum saml_kind kind, const char *url, char *out, size_t outsz,
    size_t *o)
{
	if (saml_put(out, outsz, o, "gp-auth: the %s %s asks for SAML "
	    "login (%s).\n", iface, t->host, kind == SAML_POST ? "POST" :
	    "REDIRECT") == -1)
		return -1;
	if (kind == SAML_REDIRECT)
		return saml_put(out, outsz, o, "  log in with a browser "
		    "at:\n    %s\n", url);
	if (url[0] != '\0')
		return saml_put(out, outsz, o, "  the server sent an HTML "
		    "form that posts to:\n    %s\n  (a browser must run it: "
		    "use gp-saml-gui)\n", url);
	return saml_put(out, outsz, o, "  the server sent an HTML form for "
	    "a browser to run: use gp-saml-gui\n");
}

/* The command that brings the cookie back, as gp-saml-gui would run. */
static int
saml_command(const struct gw_target *t, const char *iface,
    const char *clientos, char *out, size_t outsz, size_t *o)
{
	char url[RESOLVE_ORIGIN_MAX + 2];

	if (resolve_connect_url(t, url, sizeof(url)) == -1)
		url[0] = '\0';
	return saml_put(out, outsz, o,
	    "  then run, with the user name and the cookie it gave:\n"
	    "    printf '%%s\\n' \"$COOKIE\" | gp-auth --os=%s "
	    "-u \"$SAML_USER\" \\\n"
	    "        --usergroup=%s:prelogin-cookie --passwd-on-stdin "
	    "[options] %s\n"
	    "  (use %s:portal-userauthcookie if that is the header the "
	    "server sent)\n", strcmp(clientos, "Windows") == 0 ? "win" :
	    strcmp(clientos, "Mac") == 0 ? "mac" : "linux", iface,
	    url, iface);
}

int
saml_text(const struct prelogin *p, const struct gw_target *t,
    const char *iface, const char *clientos, char *out, size_t outsz,
    struct gp_err *e)
{
	char url[SAML_URL_MAX];
	enum saml_kind kind = SAML_REDIRECT;
	size_t o = 0;

	if (saml_target(p, &kind, url, sizeof(url), e) == -1)
		return -1;
	if (saml_what(t, iface, kind, url, out, outsz, &o) == -1 ||
	    saml_put(out, outsz, &o, "  or let gp-saml-gui do it: "
	    "gp-saml-gui --%s --clientos=%s %s\n", iface, clientos,
	    t->host) == -1 ||
	    saml_put(out, outsz, &o, "  the last answer carries "
	    "saml-username and a prelogin-cookie or\n  "
	    "portal-userauthcookie header;\n") == -1 ||
	    saml_command(t, iface, clientos, out, outsz, &o) == -1)
		return err_set(e, "SAML: the hand-over text is over %zu "
		    "bytes", outsz);
	return 0;
}
