/* SPDX-License-Identifier: ISC */
/*
 * The PKCS#11 URI parser of gp-auth's -c/-k (see p11uri.h), after RFC
 * 7512's grammar: attribute names literal, values from a fixed character
 * set plus %XX escapes. Input is the user's command line, untrusted in
 * shape; a value is never echoed whole, since a mistyped one may hold a
 * PIN.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "auth/p11uri.h"

#define P11_SCHEME_LEN	(sizeof(P11URI_SCHEME) - 1)

/* One "name=value" of the path or the query, as given. */
struct p11_attr {
	const char	*name;
	size_t		 name_len;
	const char	*val;
	size_t		 val_len;
	bool		 query;
};

/* The path attributes the engine (libp11 0.4.12) matches on; the
 * others of RFC 7512 (slot-*, library-*) it would refuse or ignore. */
static const char *const p11_path_names[] = {
	"token", "manufacturer", "serial", "model", "object", "id", "type",
};
#define P11_NPATH	(sizeof(p11_path_names) / sizeof(p11_path_names[0]))

bool
p11uri_is(const char *s)
{
	return strncasecmp(s, P11URI_SCHEME, P11_SCHEME_LEN) == 0;
}

static bool
p11_unreserved(unsigned char c)
{
	return isascii(c) && (isalnum(c) || strchr("-._~", c) != NULL);
}

/* RFC 7512 pk11-pchar (path) and pk11-qchar (query), less '%'. */
static bool
p11_char_ok(unsigned char c, bool query)
{
	if (c == '\0')
		return false;
	if (p11_unreserved(c) || strchr(":[]@!$'()*+,", c) != NULL)
		return true;
	return query ? strchr(";/?|", c) != NULL : strchr("=&", c) != NULL;
}

static int
p11_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (unsigned char)tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode a value into out (P11URI_VALUE_MAX + 1 bytes, NUL added). */
static int
p11_decode(const struct p11_attr *a, char *out, size_t *len,
    struct gp_err *e)
{
	size_t i, n = 0;
	int hi, lo;
	unsigned char c;

	for (i = 0; i < a->val_len; i++) {
		c = (unsigned char)a->val[i];
		if (c == '%') {
			if (a->val_len - i < 3)
				return err_set(e, "`%.*s`: a `%%` without two "
				    "hex digits", (int)a->name_len, a->name);
			hi = p11_hex((unsigned char)a->val[i + 1]);
			lo = p11_hex((unsigned char)a->val[i + 2]);
			if (hi == -1 || lo == -1)
				return err_set(e, "`%.*s`: a `%%` without two "
				    "hex digits", (int)a->name_len, a->name);
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (!p11_char_ok(c, a->query))
			return err_set(e, "`%.*s`: the character 0x%02x "
			    "must be percent-encoded", (int)a->name_len,
			    a->name, c);
		if (n == P11URI_VALUE_MAX)
			return err_set(e, "`%.*s`: longer than %d bytes",
			    (int)a->name_len, a->name, P11URI_VALUE_MAX);
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

static bool
p11_named(const struct p11_attr *a, const char *name)
{
	return a->name_len == strlen(name) &&
	    memcmp(a->name, name, a->name_len) == 0;
}

/* A decoded text value: no NUL inside (ids may hold any byte). */
static int
p11_text(const struct p11_attr *a, char *out, struct gp_err *e)
{
	size_t len;

	if (p11_decode(a, out, &len, e) == -1)
		return -1;
	if (strlen(out) != len)
		return err_set(e, "`%.*s`: holds a NUL byte (%%00)",
		    (int)a->name_len, a->name);
	return 0;
}

static int
p11_type(const struct p11_attr *a, struct p11uri *u, struct gp_err *e)
{
	char v[P11URI_VALUE_MAX + 1];

	if (p11_text(a, v, e) == -1)
		return -1;
	if (strcmp(v, "cert") == 0)
		u->type = P11URI_TYPE_CERT;
	else if (strcmp(v, "private") == 0)
		u->type = P11URI_TYPE_PRIVATE;
	else {
		char q[ERR_QUOTE_MAX];

		return err_set(e, "`type`: `%s` is neither `cert` nor "
		    "`private`", err_quote(q, v, strlen(v)));
	}
	return 0;
}

/* The query: module-path only. */
static int
p11_query_attr(const struct p11_attr *a, struct p11uri *u, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (p11_named(a, "pin-value") || p11_named(a, "pin-source"))
		return err_set(e, "`%.*s`: a PIN in the command line is seen "
		    "by every user of the machine; give it on "
		    "--key-password-fd or at the prompt", (int)a->name_len,
		    a->name);
	if (!p11_named(a, "module-path"))
		return err_set(e, "`%s`: not a query attribute gp-auth "
		    "knows (module-path is)", err_quote(q, a->name,
		    a->name_len));
	if (p11_text(a, u->module, e) == -1)
		return -1;
	if (u->module[0] != '/')
		return err_set(e, "`module-path`: `%s` is not an absolute "
		    "path", err_quote(q, u->module, strlen(u->module)));
	return 0;
}

static int
p11_path_attr(const struct p11_attr *a, struct p11uri *u, struct gp_err *e)
{
	char v[P11URI_VALUE_MAX + 1];

	if (p11_named(a, "pin-value") || p11_named(a, "pin-source"))
		return p11_query_attr(a, u, e);
	if (p11_named(a, "type"))
		return p11_type(a, u, e);
	if (p11_named(a, "token"))
		return p11_text(a, u->token, e);
	if (p11_named(a, "object"))
		return p11_text(a, u->object, e);
	if (p11_named(a, "id")) {
		u->has_id = true;
		return p11_decode(a, v, &u->id_len, e);
	}
	if (p11_named(a, "manufacturer") || p11_named(a, "serial") ||
	    p11_named(a, "model"))
		return p11_text(a, v, e);
	return -1;	/* p11_name() let no other name through */
}

/* The index of a known name, P11_NPATH for module-path; -1 with e set. */
static int
p11_name(const struct p11_attr *a, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t i;

	for (i = 0; i < a->name_len; i++)
		if (!islower((unsigned char)a->name[i]) && a->name[i] != '-')
			return err_set(e, "an attribute name is not lowercase "
			    "letters and `-`");
	if (p11_named(a, "pin-value") || p11_named(a, "pin-source"))
		return (int)P11_NPATH + 1;
	if (a->query)
		return p11_named(a, "module-path") ? (int)P11_NPATH :
		    (int)P11_NPATH + 1;
	for (i = 0; i < P11_NPATH; i++)
		if (p11_named(a, p11_path_names[i]))
			return (int)i;
	return err_set(e, "`%s`: not an attribute the pkcs11 engine matches "
	    "on (token, manufacturer, serial, model, object, id, type)",
	    err_quote(q, a->name, a->name_len));
}

/* The path attributes but type= go to the engine as given. */
static int
p11_engine_add(struct p11uri *u, const struct p11_attr *a, struct gp_err *e)
{
	size_t n = strlen(u->engine), sep = n > P11_SCHEME_LEN ? 1 : 0;

	if (a->query || p11_named(a, "type"))
		return 0;
	if (n + sep + a->name_len + 1 + a->val_len > P11URI_MAX)
		return err_set(e, "longer than %d bytes", P11URI_MAX);
	if (sep != 0)
		u->engine[n++] = ';';
	memcpy(u->engine + n, a->name, a->name_len + 1 + a->val_len);
	u->engine[n + a->name_len + 1 + a->val_len] = '\0';
	return 0;
}

static int
p11_attr(struct p11_attr *a, struct p11uri *u, uint32_t *seen,
    struct gp_err *e)
{
	int i;

	if (a->name_len == 0)
		return err_set(e, "an attribute has no name before `=`");
	if ((i = p11_name(a, e)) == -1)
		return -1;
	if (i <= (int)P11_NPATH && (*seen & 1u << i) != 0)
		return err_set(e, "`%.*s`: given twice", (int)a->name_len,
		    a->name);
	*seen |= 1u << i;
	if (a->val_len == 0)
		return err_set(e, "`%.*s`: empty", (int)a->name_len, a->name);
	if ((a->query ? p11_query_attr(a, u, e) : p11_path_attr(a, u, e)) ==
	    -1)
		return -1;
	return p11_engine_add(u, a, e);
}

/* "name=value" parts of s (len bytes) separated by sep. */
static int
p11_attrs(const char *s, size_t len, bool query, struct p11uri *u,
    uint32_t *seen, struct gp_err *e)
{
	const char *p = s, *end = s + len, *next, *eq;
	struct p11_attr a;

	for (;;) {
		next = memchr(p, query ? '&' : ';', (size_t)(end - p));
		if (next == NULL)
			next = end;
		if (next == p)
			return err_set(e, "an empty attribute (`%s` twice, "
			    "or at an end)", query ? "&" : ";");
		if ((eq = memchr(p, '=', (size_t)(next - p))) == NULL)
			return err_set(e, "an attribute has no `=`");
		a.name = p;
		a.name_len = (size_t)(eq - p);
		a.val = eq + 1;
		a.val_len = (size_t)(next - eq - 1);
		a.query = query;
		if (p11_attr(&a, u, seen, e) == -1)
			return -1;
		if (next == end)
			return 0;
		p = next + 1;
	}
}

static int
p11_parse(const char *s, struct p11uri *u, struct gp_err *e)
{
	const char *path, *q;
	size_t len, plen;
	uint32_t seen = 0;

	if ((len = strnlen(s, P11URI_MAX + 1)) > P11URI_MAX)
		return err_set(e, "longer than %d bytes", P11URI_MAX);
	if (!p11uri_is(s))
		return err_set(e, "does not start with `%s`", P11URI_SCHEME);
	path = s + P11_SCHEME_LEN;
	q = memchr(path, '?', len - P11_SCHEME_LEN);
	plen = q != NULL ? (size_t)(q - path) : len - P11_SCHEME_LEN;
	memcpy(u->engine, P11URI_SCHEME, P11_SCHEME_LEN + 1);
	if (plen > 0 && p11_attrs(path, plen, false, u, &seen, e) == -1)
		return -1;
	if (q != NULL && p11_attrs(q + 1, len - P11_SCHEME_LEN - plen - 1,
	    true, u, &seen, e) == -1)
		return -1;
	return 0;
}

int
p11uri_parse(const char *s, struct p11uri *u, struct gp_err *e)
{
	memset(u, 0, sizeof(*u));
	if (p11_parse(s, u, e) == 0)
		return 0;
	memset(u, 0, sizeof(*u));
	return -1;
}
