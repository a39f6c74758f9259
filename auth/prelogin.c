/* SPDX-License-Identifier: ISC */
/*
 * prelogin.esp response parser (PROTOCOL.md §3.2) for gp-auth. The body
 * comes from an untrusted server: strict XML, every field length-capped,
 * display text made printable, the SAML request checked as base64.
 */
#include <string.h>

#include "prelogin.h"
#include "xml.h"

/* Strips line breaks, then checks standard base64 with '=' padding. */
static int
prelogin_base64(char *s, struct gp_err *e)
{
	size_t i, o = 0, pad = 0;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] != '\r' && s[i] != '\n')
			s[o++] = s[i];
	s[o] = '\0';
	for (i = 0; i < o; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad != 0 || !((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' ||
		    s[i] == '/'))
			return err_set(e, "prelogin: saml-request is not "
			    "base64 (byte %zu)", i);
	}
	if (o == 0 || o % 4 != 0 || pad > 2)
		return err_set(e, "prelogin: saml-request is not base64 "
		    "(length %zu)", o);
	return 0;
}

struct prelogin_raw {
	char	status[32];
	char	msg[PARSE_TEXT_MAX];
	bool	has_status;
};

/* One child of <prelogin-response>; unknown ones are ignored. */
static int
prelogin_elem(const xmlNode *n, struct prelogin *p, struct prelogin_raw *r,
    struct gp_err *e)
{
	if (xml_is(n, "status")) {
		if (r->has_status)
			return err_set(e, "prelogin: <status> given twice");
		r->has_status = true;
		return xml_text(n, r->status, sizeof(r->status), e);
	}
	if (xml_is(n, "msg"))
		return xml_text(n, r->msg, sizeof(r->msg), e);
	if (xml_is(n, "region"))
		return xml_text(n, p->region, sizeof(p->region), e);
	if (xml_is(n, "authentication-message"))
		return xml_text(n, p->auth_message, sizeof(p->auth_message),
		    e);
	if (xml_is(n, "username-label"))
		return xml_text(n, p->username_label,
		    sizeof(p->username_label), e);
	if (xml_is(n, "password-label"))
		return xml_text(n, p->password_label,
		    sizeof(p->password_label), e);
	if (xml_is(n, "saml-auth-method"))
		return xml_text(n, p->saml_method, sizeof(p->saml_method), e);
	if (xml_is(n, "saml-request"))
		return xml_text(n, p->saml_request, sizeof(p->saml_request),
		    e);
	return 0;
}

static int
prelogin_check(struct prelogin *p, struct prelogin_raw *r, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (!r->has_status)
		return err_set(e, "prelogin: no <status>");
	if (strcmp(r->status, "Success") != 0) {
		xml_str_sanitize(r->msg, false);
		return err_set(e, "prelogin: server says `%s`",
		    r->msg[0] != '\0' ? err_quote(q, r->msg, strlen(r->msg)) :
		    err_quote(q, r->status, strlen(r->status)));
	}
	if (!xml_str_printable(p->region))
		return err_set(e, "prelogin: region `%s` is not printable",
		    err_quote(q, p->region, strlen(p->region)));
	xml_str_sanitize(p->auth_message, true);
	xml_str_sanitize(p->username_label, false);
	xml_str_sanitize(p->password_label, false);
	if (p->saml_request[0] == '\0')
		return 0;
	if (strcmp(p->saml_method, "REDIRECT") != 0 &&
	    strcmp(p->saml_method, "POST") != 0) {
		if (p->saml_method[0] == '\0')
			return 0;	/* a request alone is not SAML */
		return err_set(e, "prelogin: saml-auth-method `%s` is not "
		    "REDIRECT or POST", err_quote(q, p->saml_method,
		    strlen(p->saml_method)));
	}
	if (prelogin_base64(p->saml_request, e) == -1)
		return -1;
	p->saml = true;
	return 0;
}

int
prelogin_parse(const char *body, size_t len, struct prelogin *p,
    struct gp_err *e)
{
	struct prelogin_raw r;
	xmlDoc *d;
	xmlNode *root, *n;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	memset(&r, 0, sizeof(r));
	if ((d = xml_read(body, len, XML_MODE_STRICT, "prelogin", e)) == NULL)
		return -1;
	if ((root = xml_root(d, "prelogin-response")) == NULL) {
		err_set(e, "prelogin: root element is not <prelogin-response>");
		goto out;
	}
	for (n = xml_child(root); n != NULL; n = xml_next(n))
		if (prelogin_elem(n, p, &r, e) == -1)
			goto out;
	rc = prelogin_check(p, &r, e);
out:
	xml_free(d);
	if (rc == -1)
		memset(p, 0, sizeof(*p));
	return rc;
}
