/* SPDX-License-Identifier: ISC */
/*
 * SAML hand-over in gp-auth (see saml.h): decode the prelogin's
 * saml-request and build the text that tells the user how to come back
 * with a cookie; the flow driver prints it. The request is untrusted;
 * its URL is checked before it is put in the text. Pure: no I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "auth/resolve.h"
#include "auth/saml.h"
#include "ipc/cursor.h"
#include "ipc/dynbuf.h"

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

/* Past the next lit, ASCII case folded: 0, or -1 at the end. */
static int
saml_seek_icase(struct cursor *c, const char *lit)
{
	while (!cur_eof(c)) {
		if (cur_skip_lit_icase(c, lit))
			return 0;
		(void)cur_next(c);
	}
	return -1;
}

/* action="..." (or '...') inside the first <form ...> tag (to the end
 * of html if the tag never closes), case-insensitively. */
static void
saml_form_action(const char *html, size_t len, char *url, size_t urlsz)
{
	struct cursor c, tag, val;
	struct gp_err e;
	int quote;

	url[0] = '\0';
	cur_init(&c, html, len);
	if (saml_seek_icase(&c, "<form") == -1)
		return;
	if (cur_take_until(&c, '>', &tag) == -1)
		(void)cur_take_rest(&c, &tag);
	if (saml_seek_icase(&tag, "action=") == -1)
		return;
	quote = cur_next(&tag);
	if (quote != '"' && quote != '\'')
		return;
	/* The value may run past the tag's '>': to its closing quote. */
	cur_init(&c, cur_ptr(&tag), (size_t)(html + len - cur_ptr(&tag)));
	if (cur_take_until(&c, quote, &val) == -1 ||
	    saml_url_ok(cur_ptr(&val), cur_left(&val), &e) == -1)
		return;
	(void)cur_copy(&val, url, urlsz);
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
			saml_form_action((const char *)raw, n, url, urlsz);
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

/* The server as gp-saml-gui takes it: host[:port], the port kept unless
 * it is 443, an IPv6 address in brackets. */
static void
saml_server(const struct gw_target *t, char *out, size_t outsz)
{
	char host[CFG_HOST_MAX + 3];

	if (resolve_url_host(t, host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "%s", t->host);
	if (t->port == RESOLVE_DEFAULT_PORT)
		snprintf(out, outsz, "%s", host);
	else
		snprintf(out, outsz, "%s:%u", host, t->port);
}

/* What the server asked for, and where to log in. */
static int
saml_what(struct dynbuf *d, const char *server, const char *iface,
    enum saml_kind kind, const char *url)
{
	if (dynbuf_addf(d, "gp-auth: the %s %s asks for SAML "
	    "login (%s).\n", iface, server, kind == SAML_POST ? "POST" :
	    "REDIRECT") == -1)
		return -1;
	if (kind == SAML_REDIRECT)
		return dynbuf_addf(d, "  log in with a browser "
		    "at:\n    %s\n", url);
	if (url[0] != '\0')
		return dynbuf_addf(d, "  the server sent an HTML "
		    "form that posts to:\n    %s\n  (a browser must run it: "
		    "use gp-saml-gui)\n", url);
	return dynbuf_addf(d, "  the server sent an HTML form for "
	    "a browser to run: use gp-saml-gui\n");
}

/* The command that brings the cookie back, as gp-saml-gui would run. */
static int
saml_command(struct dynbuf *d, const struct gw_target *t, const char *iface,
    const char *clientos)
{
	char url[RESOLVE_ORIGIN_MAX + 2];

	if (resolve_connect_url(t, url, sizeof(url)) == -1)
		url[0] = '\0';
	return dynbuf_addf(d,
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
	char url[SAML_URL_MAX], server[RESOLVE_ORIGIN_MAX];
	enum saml_kind kind = SAML_REDIRECT;
	struct dynbuf d;

	dynbuf_fixed(&d, out, outsz);
	if (saml_target(p, &kind, url, sizeof(url), e) == -1)
		return -1;
	saml_server(t, server, sizeof(server));
	if (saml_what(&d, server, iface, kind, url) == -1 ||
	    dynbuf_addf(&d, "  or let gp-saml-gui do it: "
	    "gp-saml-gui --%s --clientos=%s %s\n", iface, clientos,
	    server) == -1 ||
	    dynbuf_addstr(&d, "  the last answer carries "
	    "saml-username and a prelogin-cookie or\n  "
	    "portal-userauthcookie header;\n") == -1 ||
	    saml_command(&d, t, iface, clientos) == -1)
		return err_set(e, "SAML: the hand-over text is over %zu "
		    "bytes", outsz);
	return 0;
}
