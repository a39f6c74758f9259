/* SPDX-License-Identifier: ISC */
/*
 * login.esp response parser (PROTOCOL.md §5.2, §5.5) for gp-auth: the
 * JNLP argument list that makes the cookie, or a 2FA challenge in one of
 * three syntaxes. The body is untrusted and the authcookie is secret.
 */
#include <stdlib.h>
#include <string.h>

#include "ipc/cursor.h"
#include "ipc/secret.h"
#include "form.h"
#include "htmltext.h"
#include "loginfix.h"
#include "auth/login.h"
#include "xml.h"

#define LOGIN_ARGS_MIN		15	/* up to clientVer (index 14) */
#define LOGIN_ARGS_MAX		64
#define LOGIN_EXPIRY_MAX_DAYS	36500

/* JNLP argument indices (§5.2) */
enum {
	ARG_AUTHCOOKIE = 1, ARG_PORTAL = 3, ARG_USER = 4, ARG_AUTHSRC = 5,
	ARG_DOMAIN = 7, ARG_CONNTYPE = 12, ARG_EXPIRY = 13, ARG_CLIENTVER = 14,
	ARG_PIP = 15, ARG_PIP6 = 18
};

static bool
login_absent(const char *v)
{
	return v[0] == '\0' || strcmp(v, "(null)") == 0 ||
	    strcmp(v, "-1") == 0;
}

/* URL-decode v into out; printable text only. Secret values: no quote. */
static int
login_decode(const char *name, const char *v, char *out, size_t outsz,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	bool secret = strcmp(name, "authcookie") == 0;
	size_t n;

	if (form_decoded_len(v, &n) == 0 && n >= outsz)
		return err_set(e, "login: %s is %zu bytes, over its limit of "
		    "%zu", name, n, outsz - 1);
	if (form_decode(v, out, outsz) == -1)
		return err_set(e, "login: %s `%s` is badly %%-encoded", name,
		    secret ? "..." : err_quote(q, v, strlen(v)));
	if (!xml_str_printable(out)) {
		secret_wipe(out, outsz);
		return err_set(e, "login: %s `%s` has control characters",
		    name, secret ? "..." : err_quote(q, v, strlen(v)));
	}
	return 0;
}

static int
login_addr(const char *name, const char *v, char *out, size_t outsz,
    uint8_t family, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cfg_addr a;

	if (login_decode(name, v, out, outsz, e) == -1)
		return -1;
	if (config_addr_parse(out, &a) == -1 || a.family != family)
		return err_set(e, "login: %s `%s` is not an IPv%d address",
		    name, err_quote(q, out, strlen(out)), family);
	return 0;
}

static int
login_expect(const char *name, const char *v, const char *want,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (strcmp(v, want) != 0)
		return err_set(e, "login: %s `%s` is not `%s`", name,
		    err_quote(q, v, strlen(v)), want);
	return 0;
}

/* One JNLP argument (already known present unless checked here). */
static int
login_arg(unsigned i, const char *v, struct login_result *r,
    struct gp_cookie *c, struct gp_err *e)
{
	uint32_t days;

	switch (i) {
	case ARG_AUTHCOOKIE:
		if (login_decode("authcookie", v, c->authcookie,
		    sizeof(c->authcookie), e) == -1)
			return -1;
		if (!config_cookie_ok(c->authcookie))
			return err_set(e, "login: authcookie has characters "
			    "outside its charset");
		return 0;
	case ARG_PORTAL:
		return login_decode("portal", v, c->portal,
		    sizeof(c->portal), e);
	case ARG_USER:
		return login_decode("user", v, c->user, sizeof(c->user), e);
	case ARG_AUTHSRC:
		return login_decode("authentication-source", v,
		    r->auth_source, sizeof(r->auth_source), e);
	case ARG_DOMAIN:
		return login_decode("domain", v, c->domain,
		    sizeof(c->domain), e);
	case ARG_EXPIRY:
		if (xml_str_u32(v, LOGIN_EXPIRY_MAX_DAYS, &days) == -1)
			return err_set(e, "login: password-expiration-days "
			    "is not a number of days");
		r->password_expiry_days = (int)days;
		return 0;
	case ARG_PIP:
		return login_addr("preferred-ip", v, c->preferred_ip,
		    sizeof(c->preferred_ip), CFG_AF_INET, e);
	case ARG_PIP6:
		return login_addr("preferred-ipv6", v, c->preferred_ipv6,
		    sizeof(c->preferred_ipv6), CFG_AF_INET6, e);
	default:
		return 0;
	}
}

/* After all arguments: the required ones and the fixed values. */
static int
login_jnlp_check(const char *conntype, const char *clientver,
    const struct gp_cookie *c, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (login_expect("connection-type (argument 12)", conntype, "tunnel",
	    e) == -1 || login_expect("clientVer (argument 14)", clientver,
	    "4100", e) == -1)
		return -1;
	if (c->authcookie[0] == '\0')
		return err_set(e, "login: authcookie (argument 1) is "
		    "missing");
	if (c->user[0] == '\0')
		return err_set(e, "login: user (argument 4) is missing");
	if (!config_user_ok(c->user))
		return err_set(e, "login: user `%s` is not acceptable",
		    err_quote(q, c->user, strlen(c->user)));
	return 0;
}

/* Everything but computer, which belongs to the caller. */
static void
login_cookie_clear(struct gp_cookie *c)
{
	secret_wipe(c->authcookie, sizeof(c->authcookie));
	secret_wipe(c->portal, sizeof(c->portal));
	secret_wipe(c->user, sizeof(c->user));
	secret_wipe(c->domain, sizeof(c->domain));
	secret_wipe(c->preferred_ip, sizeof(c->preferred_ip));
	secret_wipe(c->preferred_ipv6, sizeof(c->preferred_ipv6));
}

static void
login_small_copy(char *out, size_t outsz, const char *v)
{
	size_t n = strlen(v);

	if (n >= outsz)
		n = outsz - 1;	/* too long to match anyway */
	memcpy(out, v, n);
	out[n] = '\0';
}

static const xmlNode *
login_app_desc(const xmlNode *root, struct gp_err *e)
{
	const xmlNode *n, *app = NULL;

	for (n = xml_child(root); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "application-desc"))
			continue;
		if (app != NULL)
			return err_set(e, "login: <application-desc> given "
			    "twice"), NULL;
		app = n;
	}
	if (app == NULL)
		err_set(e, "login: <jnlp> without <application-desc>");
	return app;
}

/* The positional argument list (§5.2). */
static int
login_jnlp(const xmlNode *root, struct login_result *r, struct gp_cookie *c,
    struct gp_err *e)
{
	char v[LOGIN_ARG_MAX + 1], conntype[16] = "", clientver[16] = "";
	const xmlNode *app, *n;
	unsigned i = 0;
	int rc = -1;

	if ((app = login_app_desc(root, e)) == NULL)
		return -1;
	for (n = xml_child(app); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "argument"))
			continue;
		if (i >= LOGIN_ARGS_MAX) {
			err_set(e, "login: more than %d JNLP arguments",
			    LOGIN_ARGS_MAX);
			goto out;
		}
		if (xml_text(n, v, sizeof(v), e) == -1) {
			err_set(e, "login: argument %u is longer than %d "
			    "bytes or not text", i, LOGIN_ARG_MAX);
			goto out;
		}
		if (i == ARG_CONNTYPE)
			login_small_copy(conntype, sizeof(conntype), v);
		else if (i == ARG_CLIENTVER)
			login_small_copy(clientver, sizeof(clientver), v);
		else if (!login_absent(v) && login_arg(i, v, r, c, e) == -1)
			goto out;
		i++;
	}
	if (i < LOGIN_ARGS_MIN)
		err_set(e, "login: JNLP has %u arguments, at least %d needed",
		    i, LOGIN_ARGS_MIN);
	else
		rc = login_jnlp_check(conntype, clientver, c, e);
out:
	secret_wipe(v, sizeof(v));
	return rc;
}

/* THREATS 15: the inputStr goes back to the server; keep it plain. */
static bool
login_inputstr_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < 0x21 || *s > 0x7e || strchr("\"'\\`<>&", *s) != NULL)
			return false;
	return true;
}

static int
login_challenge_done(struct login_result *r, bool have_input,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (!have_input || r->input_str[0] == '\0')
		return err_set(e, "login: challenge without inputStr");
	if (!login_inputstr_ok(r->input_str))
		return err_set(e, "login: challenge inputStr `%s` has "
		    "unexpected characters", err_quote(q, r->input_str,
		    strlen(r->input_str)));
	xml_str_sanitize(r->prompt, true);
	r->kind = LOGIN_CHALLENGE;
	return 0;
}

/* All text below n, markup from a stray '<' included. */
static int
login_node_text(const xmlNode *n, char *out, size_t outsz,
    struct gp_err *e)
{
	xmlChar *t = xmlNodeGetContent(n);
	size_t len;

	out[0] = '\0';
	if (t == NULL)
		return 0;
	len = strlen((const char *)t);
	if (len < outsz)
		memcpy(out, t, len + 1);
	xmlFree(t);
	if (len >= outsz)
		return err_set(e, "login: challenge %s longer than %zu bytes",
		    n->name, outsz - 1);
	return 0;
}

/* §5.5 syntax 1: <challenge><user/><inputstr/><respmsg/></challenge> */
static int
login_xml_challenge(const xmlNode *root, struct login_result *r,
    struct gp_err *e)
{
	const xmlNode *n;
	bool have_input = false;

	for (n = xml_child(root); n != NULL; n = xml_next(n)) {
		if (xml_is(n, "inputstr")) {
			if (have_input)
				return err_set(e, "login: challenge inputstr "
				    "given twice");
			have_input = true;
			if (login_node_text(n, r->input_str,
			    sizeof(r->input_str), e) == -1)
				return -1;
		} else if (xml_is(n, "respmsg")) {
			if (login_node_text(n, r->prompt, sizeof(r->prompt),
			    e) == -1)
				return -1;
		}
	}
	xml_str_trim(r->input_str);
	return login_challenge_done(r, have_input, e);
}

static bool
login_has(const char *body, size_t len, const char *needle)
{
	struct cursor c;

	cur_init(&c, body, len);
	return cur_find(&c, needle) == 0;
}

static bool
login_has_nul(const char *body, size_t len)
{
	struct cursor c, before;

	cur_init(&c, body, len);
	return cur_take_until(&c, '\0', &before) == 0;
}

/* A broken challenge document gets a second, forgiving parse. */
static xmlDoc *
login_read(const char *body, size_t len, struct gp_err *e)
{
	xmlDoc *d;
	char *fixed;
	size_t flen;

	if ((d = xml_read(body, len, XML_MODE_STRICT, "login", e)) != NULL ||
	    len > PARSE_BODY_MAX || !login_has(body, len, "<challenge"))
		return d;
	if ((fixed = loginfix_body(body, len, &flen)) == NULL) {
		err_set(e, "login: out of memory");
		return NULL;
	}
	d = xml_read(fixed, flen, XML_MODE_RECOVER, "login challenge", e);
	free(fixed);
	return d;
}

static int
login_xml(const char *body, size_t len, struct login_result *r,
    struct gp_cookie *c, struct gp_err *e)
{
	xmlDoc *d;
	xmlNode *root;
	int rc = -1;

	if ((d = login_read(body, len, e)) == NULL)
		return -1;
	if ((root = xml_root(d, "jnlp")) != NULL) {
		login_cookie_clear(c);
		if ((rc = login_jnlp(root, r, c, e)) == -1)
			login_cookie_clear(c);
		else
			r->kind = LOGIN_JNLP;
	} else if ((root = xml_root(d, "challenge")) != NULL)
		rc = login_xml_challenge(root, r, e);
	else
		err_set(e, "login: root element is neither <jnlp> nor "
		    "<challenge>");
	xml_free(d);
	return rc;
}

/*
 * Finds `name = "..."` (htmltext.h) and decodes the string.
 * 1 if found, 0 if not, -1 (e set) if it is malformed or too long.
 */
static int
login_js_assign(const char *text, size_t len, const char *name, char *out,
    size_t outsz, struct gp_err *e)
{
	switch (htmltext_js_assign(text, len, name, out, outsz)) {
	case HTMLTEXT_JS_FOUND:
		return 1;
	case HTMLTEXT_JS_ABSENT:
		return 0;
	case HTMLTEXT_JS_NOT_STRING:
		return err_set(e, "login: %s is not a string", name);
	default:
		return err_set(e, "login: %s is unterminated or longer "
		    "than %zu bytes", name, outsz - 1);
	}
}

/* §5.5 syntaxes 2 and 3; text is a private copy, len + 1 bytes. */
static int
login_js(char *text, size_t len, struct login_result *r, struct gp_err *e)
{
	char status[32], q[ERR_QUOTE_MAX];
	struct cursor c;
	int rc, have_input;

	cur_init(&c, text, len);
	(void)cur_skip_ws(&c);
	if (cur_peek(&c) == '<')
		len = htmltext_entities(text, len);
	if ((rc = login_js_assign(text, len, "respStatus", status,
	    sizeof(status), e)) != 1)
		return rc == 0 ? err_set(e, "login: no respStatus") : -1;
	if (login_js_assign(text, len, "respMsg", r->prompt,
	    sizeof(r->prompt), e) == -1)
		return -1;
	if (strcmp(status, "Error") == 0) {
		xml_str_sanitize(r->prompt, false);
		return err_set(e, "login: server says `%s`",
		    err_quote(q, r->prompt, strlen(r->prompt)));
	}
	if (strcmp(status, "Challenge") != 0)
		return err_set(e, "login: respStatus `%s` is not Challenge",
		    err_quote(q, status, strlen(status)));
	if ((have_input = login_js_assign(text, len, "inputStr.value",
	    r->input_str, sizeof(r->input_str), e)) == -1)
		return -1;
	return login_challenge_done(r, have_input == 1, e);
}

int
login_parse(const char *body, size_t len, struct login_result *r,
    struct gp_cookie *cookie, struct gp_err *e)
{
	char *text;
	int rc;

	memset(r, 0, sizeof(*r));
	r->password_expiry_days = -1;
	if (len > PARSE_BODY_MAX)
		return err_set(e, "login: body of %zu bytes is over the "
		    "%d-byte limit", len, PARSE_BODY_MAX);
	if (len == 0 || !login_has(body, len, "respStatus"))
		rc = login_xml(body, len, r, cookie, e);
	else if (login_has_nul(body, len))
		rc = err_set(e, "login: body contains a NUL byte");
	else if ((text = malloc(len + 1)) == NULL)
		rc = err_set(e, "login: out of memory");
	else {
		memcpy(text, body, len);
		text[len] = '\0';
		rc = login_js(text, len, r, e);
		free(text);
	}
	if (rc == -1) {
		memset(r, 0, sizeof(*r));
		r->password_expiry_days = -1;
	}
	return rc;
}
