/*
 * login.esp response parser (PROTOCOL.md §5.2, §5.5) for gp-auth: the
 * JNLP argument list that makes the cookie, or a 2FA challenge in one of
 * three syntaxes. The body is untrusted and the authcookie is secret.
 */
#define _GNU_SOURCE	/* memmem */
#include <stdlib.h>
#include <string.h>

#include "ipc/secret.h"
#include "form.h"
#include "parse.h"
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
login_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* p[0] is '&': does a reference like &amp; or &#x27; follow? */
static bool
login_is_ref(const char *p, const char *end)
{
	size_t i;

	for (i = 1; i < 12 && p + i < end; i++) {
		if (p[i] == ';')
			return i > 1;
		if (!login_alnum(p[i]) && !(p[i] == '#' && i == 1))
			return false;
	}
	return false;
}

/* A '<' that cannot open markup: "a < b", "<5", "<=" or at the end. */
static bool
login_lone_lt(const char *p, const char *end)
{
	return p + 1 == end || p[1] == ' ' || p[1] == '=' ||
	    (p[1] >= '0' && p[1] <= '9');
}

/* The replacement for a stray '&' or '<', or NULL to copy it as is. */
static const char *
login_fix_one(const char *p, const char *end)
{
	if (*p == '&' && !login_is_ref(p, end))
		return "&amp;";
	if (*p == '<' && login_lone_lt(p, end))
		return "&lt;";
	return NULL;
}

/* §2: servers send a lone '&' (and '<') in <respmsg>; escape them. */
static char *
login_amp_fix(const char *body, size_t len, size_t *outlen)
{
	const char *end = body + len, *rep;
	size_t i, o = 0, extra = 0;
	char *out;

	for (i = 0; i < len; i++)
		if ((rep = login_fix_one(body + i, end)) != NULL)
			extra += strlen(rep) - 1;
	if ((out = malloc(len + extra + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if ((rep = login_fix_one(body + i, end)) == NULL)
			out[o++] = body[i];
		else {
			memcpy(out + o, rep, strlen(rep));
			o += strlen(rep);
		}
	}
	out[o] = '\0';
	*outlen = o;
	return out;
}

/* A broken challenge document gets a second, forgiving parse. */
static xmlDoc *
login_read(const char *body, size_t len, struct gp_err *e)
{
	xmlDoc *d;
	char *fixed;
	size_t flen;

	if ((d = xml_read(body, len, XML_MODE_STRICT, "login", e)) != NULL ||
	    len > PARSE_BODY_MAX ||
	    memmem(body, len, "<challenge", 10) == NULL)
		return d;
	if ((fixed = login_amp_fix(body, len, &flen)) == NULL) {
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

/* Named and numeric HTML entities; bytes used at p, or 0. */
static size_t
login_entity(const char *p, unsigned *cp)
{
	static const struct { const char *name; unsigned cp; } names[] = {
		{ "&quot;", '"' }, { "&amp;", '&' }, { "&lt;", '<' },
		{ "&gt;", '>' }, { "&apos;", '\'' }, { "&nbsp;", ' ' }
	};
	unsigned long v;
	size_t i;
	char *end;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(p, names[i].name, strlen(names[i].name)) == 0) {
			*cp = names[i].cp;
			return strlen(names[i].name);
		}
	if (p[1] != '#')
		return 0;
	i = (p[2] == 'x' || p[2] == 'X') ? 3 : 2;
	if (!login_alnum(p[i]))
		return 0;
	v = strtoul(p + i, &end, i == 3 ? 16 : 10);
	if (*end != ';' || end - p > 12 || v == 0 || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = (unsigned)v;
	return (size_t)(end - p) + 1;
}

static size_t
login_utf8_put(char *w, unsigned cp)
{
	if (cp < 0x80) {
		w[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		w[0] = (char)(0xc0 | cp >> 6);
		w[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		w[0] = (char)(0xe0 | cp >> 12);
		w[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		w[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	w[0] = (char)(0xf0 | cp >> 18);
	w[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	w[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	w[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* In place: every entity is longer than its UTF-8. */
static void
login_html_decode(char *s)
{
	char *r = s, *w = s;
	unsigned cp;
	size_t n;

	while (*r != '\0') {
		if (*r == '&' && (n = login_entity(r, &cp)) != 0) {
			w += login_utf8_put(w, cp);
			r += n;
		} else
			*w++ = *r++;
	}
	*w = '\0';
}

/* A JS string literal at *pp (after the quote); escapes \n \t \r \x. */
static int
login_js_unescape(const char **pp, char quote, char *out, size_t outsz)
{
	const char *p = *pp;
	size_t o = 0;
	char ch;

	while (*p != quote) {
		if (*p == '\0')
			return -1;
		if ((ch = *p++) == '\\') {
			if (*p == '\0')
				return -1;
			ch = *p == 'n' ? '\n' : *p == 't' ? '\t' :
			    *p == 'r' ? '\r' : *p;
			p++;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = ch;
	}
	out[o] = '\0';
	*pp = p + 1;
	return 0;
}

static const char *
login_skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/*
 * Finds `name = "..."` with name a whole word, and decodes the string.
 * 1 if found, 0 if not, -1 (e set) if it is malformed or too long.
 */
static int
login_js_assign(const char *text, const char *name, char *out, size_t outsz,
    struct gp_err *e)
{
	const char *p = text, *v;
	size_t n = strlen(name);

	while ((p = strstr(p, name)) != NULL) {
		v = login_skip_ws(p + n);
		if ((p != text && (login_alnum(p[-1]) || p[-1] == '_')) ||
		    *v != '=' || v[1] == '=') {
			p += n;
			continue;
		}
		v = login_skip_ws(v + 1);
		if (*v != '"' && *v != '\'')
			return err_set(e, "login: %s is not a string", name);
		v++;
		if (login_js_unescape(&v, v[-1], out, outsz) == -1)
			return err_set(e, "login: %s is unterminated or longer "
			    "than %zu bytes", name, outsz - 1);
		return 1;
	}
	return 0;
}

/* §5.5 syntaxes 2 and 3; text is a private, NUL-terminated copy. */
static int
login_js(char *text, struct login_result *r, struct gp_err *e)
{
	char status[32], q[ERR_QUOTE_MAX];
	int rc, have_input;

	if (*login_skip_ws(text) == '<')
		login_html_decode(text);
	if ((rc = login_js_assign(text, "respStatus", status, sizeof(status),
	    e)) != 1)
		return rc == 0 ? err_set(e, "login: no respStatus") : -1;
	if (login_js_assign(text, "respMsg", r->prompt, sizeof(r->prompt),
	    e) == -1)
		return -1;
	if (strcmp(status, "Error") == 0) {
		xml_str_sanitize(r->prompt, false);
		return err_set(e, "login: server says `%s`",
		    err_quote(q, r->prompt, strlen(r->prompt)));
	}
	if (strcmp(status, "Challenge") != 0)
		return err_set(e, "login: respStatus `%s` is not Challenge",
		    err_quote(q, status, strlen(status)));
	if ((have_input = login_js_assign(text, "inputStr.value",
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
	if (len == 0 || memmem(body, len, "respStatus", 10) == NULL)
		rc = login_xml(body, len, r, cookie, e);
	else if (memchr(body, '\0', len) != NULL)
		rc = err_set(e, "login: body contains a NUL byte");
	else if ((text = malloc(len + 1)) == NULL)
		rc = err_set(e, "login: out of memory");
	else {
		memcpy(text, body, len);
		text[len] = '\0';
		rc = login_js(text, r, e);
		free(text);
	}
	if (rc == -1) {
		memset(r, 0, sizeof(*r));
		r->password_expiry_days = -1;
	}
	return rc;
}
