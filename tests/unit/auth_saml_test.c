/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for saml_target and saml_text (auth/saml.c): what a prelogin's
 * saml-request points to, and the hand-over text. Test code; the requests
 * imitate untrusted servers, hostile ones included (THREATS.md 16).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/saml.h"
#include "t.h"

/* A prelogin whose saml-request is base64(text). */
static struct prelogin *
pre(const char *method, const char *text)
{
	struct prelogin *p = calloc(1, sizeof(*p));

	snprintf(p->saml_method, sizeof(p->saml_method), "%s", method);
	EVP_EncodeBlock((unsigned char *)p->saml_request,
	    (const unsigned char *)text, (int)strlen(text));
	p->saml = true;
	return p;
}

static int
target(const char *method, const char *text, enum saml_kind *k,
    char *url, struct gp_err *e)
{
	struct prelogin *p = pre(method, text);
	int rc = saml_target(p, k, url, SAML_URL_MAX, e);

	free(p);
	return rc;
}

static void
redirect(void)
{
	char url[SAML_URL_MAX];
	enum saml_kind k = 0;
	struct gp_err e = { "" };

	T_EQ_INT(target("REDIRECT", "https://idp.example/sso?a=1&b=2", &k,
	    url, &e), 0);
	T_EQ_INT(k, SAML_REDIRECT);
	T_STREQ(url, "https://idp.example/sso?a=1&b=2");
	T_EQ_INT(target("REDIRECT", "HTTPS://IDP.EXAMPLE/", &k, url,
	    &e), 0);
	T_EQ_INT(target("REDIRECT", "javascript:alert(1)", &k, url, &e), -1);
	T_CHECK(strstr(e.msg, "not https://") != NULL);
	T_STREQ(url, "");
	T_EQ_INT(target("REDIRECT", "file:///etc/passwd", &k, url, &e), -1);
	T_EQ_INT(target("REDIRECT", "data:text/html,<b>x</b>", &k, url,
	    &e), -1);
	T_EQ_INT(target("REDIRECT", "http://idp.example/", &k, url, &e), -1);
	T_EQ_INT(target("REDIRECT", "https://", &k, url, &e), -1);
	T_EQ_INT(target("REDIRECT", "https://a.example/\n\x1b[2J", &k, url,
	    &e), -1);
	T_CHECK(strstr(e.msg, "bad byte") != NULL);
	T_EQ_INT(target("REDIRECT", "https://a.example/\"><script>", &k, url,
	    &e), -1);
}

static void
post(void)
{
	char url[SAML_URL_MAX];
	enum saml_kind k = 0;
	struct gp_err e = { "" };

	T_EQ_INT(target("POST", "<html><body><FORM method=\"post\" "
	    "action=\"https://idp.example/saml\"><input name=x></form>", &k,
	    url, &e), 0);
	T_EQ_INT(k, SAML_POST);
	T_STREQ(url, "https://idp.example/saml");
	T_EQ_INT(target("POST", "<form action='https://b.example/x'>", &k,
	    url, &e), 0);
	T_STREQ(url, "https://b.example/x");
	/* off-scheme or missing actions are not shown */
	T_EQ_INT(target("POST", "<form action=\"javascript:x()\">", &k, url,
	    &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "<form><input action=\"https://c/\">", &k,
	    url, &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "no form at all", &k, url, &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "<form action=\"https://unterminated", &k,
	    url, &e), 0);
	T_STREQ(url, "");
}

/* The form scan's edges: the tag's end, case, quotes, a value that runs
 * past '>', and a tag that never closes. */
static void
post_edges(void)
{
	char url[SAML_URL_MAX];
	enum saml_kind k = 0;
	struct gp_err e = { "" };

	T_EQ_INT(target("POST", "<form method=post> action=\"https://a/\"",
	    &k, url, &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "<FoRm AcTiOn='https://a/x' method=post",
	    &k, url, &e), 0);
	T_STREQ(url, "https://a/x");
	T_EQ_INT(target("POST", "<form action=\"https://a/>b\">", &k, url,
	    &e), 0);
	T_STREQ(url, "");	/* '>' is a bad byte in a URL */
	T_EQ_INT(target("POST", "<form action=https://a/>", &k, url,
	    &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "<form action=", &k, url, &e), 0);
	T_STREQ(url, "");
	T_EQ_INT(target("POST", "x<form\taction=\"https://b/\"><form "
	    "action=\"https://c/\">", &k, url, &e), 0);
	T_STREQ(url, "https://b/");
}

/* The hand-over text the driver prints (saml_text). */
static void
text(void)
{
	struct prelogin *p = pre("REDIRECT", "https://idp.example/sso?id=1");
	struct gw_target t;
	char out[SAML_TEXT_MAX];
	struct gp_err e = { "" };

	memset(&t, 0, sizeof(t));
	T_EQ_INT(resolve_url_parse("https://gw.example:4443/gateway", &t,
	    &e), 0);
	T_EQ_INT(saml_text(p, &t, "gateway", "Windows", out, sizeof(out),
	    &e), 0);
	/* The port is kept (issue 12: the hint used to drop it). */
	T_CHECK(strstr(out, "gp-auth: the gateway gw.example:4443 asks for "
	    "SAML login (REDIRECT).\n") == out);
	T_CHECK(strstr(out, "  log in with a browser at:\n    "
	    "https://idp.example/sso?id=1\n") != NULL);
	T_CHECK(strstr(out, "gp-saml-gui --gateway --clientos=Windows "
	    "gw.example:4443\n") != NULL);
	T_CHECK(strstr(out, "gp-auth --os=win -u") != NULL);
	T_CHECK(strstr(out, "--usergroup=gateway:prelogin-cookie "
	    "--passwd-on-stdin [options] https://gw.example:4443/\n") != NULL);
	/* Too small: refused, not cut. */
	T_EQ_INT(saml_text(p, &t, "gateway", "Linux", out, 64, &e), -1);
	T_CHECK(strstr(e.msg, "over 64 bytes") != NULL);
	free(p);
	p = pre("REDIRECT", "javascript:alert(1)");
	T_EQ_INT(saml_text(p, &t, "portal", "Linux", out, sizeof(out),
	    &e), -1);
	T_CHECK(strstr(e.msg, "not https://") != NULL);
	free(p);
}

/* The server in the hint: no port when it is 443, IPv6 in brackets. */
static void
text_server(void)
{
	struct prelogin *p = pre("REDIRECT", "https://idp.example/sso?id=1");
	struct gw_target t;
	char out[SAML_TEXT_MAX];
	struct gp_err e = { "" };

	memset(&t, 0, sizeof(t));
	T_EQ_INT(resolve_url_parse("gw.example/portal", &t, &e), 0);
	T_EQ_INT(saml_text(p, &t, "portal", "Linux", out, sizeof(out), &e),
	    0);
	T_CHECK(strstr(out, "the portal gw.example asks") != NULL);
	T_CHECK(strstr(out, "gp-saml-gui --portal --clientos=Linux "
	    "gw.example\n") != NULL);
	T_EQ_INT(resolve_url_parse("https://[2001:db8::1]:8443/", &t, &e), 0);
	T_EQ_INT(saml_text(p, &t, "gateway", "Linux", out, sizeof(out), &e),
	    0);
	T_CHECK(strstr(out, "the gateway [2001:db8::1]:8443 asks") != NULL);
	T_CHECK(strstr(out, "gp-saml-gui --gateway --clientos=Linux "
	    "[2001:db8::1]:8443\n") != NULL);
	T_CHECK(strstr(out, "[options] https://[2001:db8::1]:8443/\n") !=
	    NULL);
	free(p);
}

static void
not_base64(void)
{
	struct prelogin *p = calloc(1, sizeof(*p));
	char url[SAML_URL_MAX];
	enum saml_kind k;
	struct gp_err e = { "" };

	snprintf(p->saml_method, sizeof(p->saml_method), "REDIRECT");
	snprintf(p->saml_request, sizeof(p->saml_request), "abc");
	T_EQ_INT(saml_target(p, &k, url, sizeof(url), &e), -1);
	free(p);
}

int
main(void)
{
	T_RUN(redirect);
	T_RUN(post);
	T_RUN(post_edges);
	T_RUN(text);
	T_RUN(text_server);
	T_RUN(not_base64);
	return T_DONE();
}
