/* SPDX-License-Identifier: ISC */
/*
 * The OpenConnect-compatible cookie string (PROTOCOL.md §5.3) and the HIP
 * md5 input (§11.2), for gp-auth. cookie_parse reads a string the user
 * pasted or piped in, so it is strict; the cookie holds the auth secret.
 */
#include <stddef.h>
#include <string.h>

#include "ipc/dynbuf.h"
#include "ipc/secret.h"
#include "ipc/textenc.h"
#include "cookie.h"
#include "xml.h"

struct gp_cookie *
cookie_new(void)
{
	return secret_alloc(sizeof(struct gp_cookie));
}

void
cookie_free(struct gp_cookie *c)
{
	secret_free(c, sizeof(*c));
}

/*
 * Field order of the cookie string (OpenConnect's): authcookie, portal,
 * user, domain, preferred-ip, preferred-ipv6, computer. Empty fields are
 * left out, as OpenConnect does for JNLP values that were absent.
 */
#define CK(key, m) { key, offsetof(struct gp_cookie, m), \
	sizeof(((struct gp_cookie *)0)->m) }
static const struct cookie_key {
	const char	*key;
	size_t		 off;
	size_t		 size;
} cookie_keys[] = {
	CK("authcookie", authcookie),
	CK("portal", portal),
	CK("user", user),
	CK("domain", domain),
	CK("preferred-ip", preferred_ip),
	CK("preferred-ipv6", preferred_ipv6),
	CK("computer", computer)
};
#define CK_N		(sizeof(cookie_keys) / sizeof(cookie_keys[0]))
#define CK_AUTHCOOKIE	0
#define CK_USER		2
#define CK_PIP		4
#define CK_PIP6		5
/* yuezk's cookie carries it too; accepted and dropped. */
#define CK_PERSISTENT	"persistent-cookie"

/* Append "key=value", with '&' before it unless first; -1 if too long. */
static int
cookie_append(struct dynbuf *d, const char *key, const char *val)
{
	if (val[0] == '\0')
		return 0;
	if ((dynbuf_len(d) != 0 && dynbuf_addstr(d, "&") == -1) ||
	    dynbuf_addstr(d, key) == -1 || dynbuf_addstr(d, "=") == -1 ||
	    pct_encode(d, val, strlen(val)) == -1)
		return -1;
	return 0;
}

/* mask: bit k set = field k of cookie_keys included. */
static int
cookie_build(const struct gp_cookie *c, unsigned mask, char *out,
    size_t outsz)
{
	const char *base = (const char *)c;
	struct dynbuf d;
	size_t k;

	if (outsz == 0)
		return -1;
	dynbuf_fixed(&d, out, outsz);
	for (k = 0; k < CK_N; k++) {
		if ((mask & (1U << k)) == 0)
			continue;
		if (cookie_append(&d, cookie_keys[k].key,
		    base + cookie_keys[k].off) == -1) {
			secret_wipe(out, outsz);
			return -1;
		}
	}
	return 0;
}

int
cookie_format(const struct gp_cookie *c, char *out, size_t outsz)
{
	return cookie_build(c, (1U << CK_N) - 1, out, outsz);
}

/* §11.2: portal, user, domain, computer (no authcookie, no IPs). */
int
cookie_format_hip(const struct gp_cookie *c, char *out, size_t outsz)
{
	return cookie_build(c, 1U << 1 | 1U << 2 | 1U << 3 | 1U << 6, out,
	    outsz);
}

static int
cookie_find(const char *key, size_t klen)
{
	size_t k;

	for (k = 0; k < CK_N; k++)
		if (strlen(cookie_keys[k].key) == klen &&
		    memcmp(cookie_keys[k].key, key, klen) == 0)
			return (int)k;
	if (klen == strlen(CK_PERSISTENT) &&
	    memcmp(CK_PERSISTENT, key, klen) == 0)
		return (int)CK_N;
	return -1;
}

/* Decode val into dst (dsz bytes with the NUL); errors name the limit. */
static int
cookie_decode(const char *key, size_t klen, const char *val, char *dst,
    size_t dsz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t n;

	if (pct_decoded_len(val, strlen(val), &n) == -1)
		return err_set(e, "cookie: `%s` is badly %%-encoded",
		    err_quote(q, key, klen));
	if (n >= dsz)
		return err_set(e, "cookie: `%s` is %zu bytes, over its limit "
		    "of %zu", err_quote(q, key, klen), n, dsz - 1);
	if (pct_decode(val, strlen(val), dst, dsz, 0) == -1)
		return err_set(e, "cookie: `%s` is badly %%-encoded",
		    err_quote(q, key, klen));
	return 0;
}

/* One "key=value" segment of len bytes at seg. */
static int
cookie_field(struct gp_cookie *c, const char *seg, size_t len,
    unsigned *seen, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], val[COOKIE_STR_MAX + 1];
	char skip[CFG_AUTHCOOKIE_MAX + 1];	/* persistent-cookie */
	const char *eq = memchr(seg, '=', len);
	char *dst = skip;
	size_t klen, dsz = sizeof(skip);
	int k, rc;

	if (eq == NULL)
		return err_set(e, "cookie: a field has no '=' (expected "
		    "authcookie=...&portal=...&user=...)");
	klen = (size_t)(eq - seg);
	if ((k = cookie_find(seg, klen)) == -1)
		return err_set(e, "cookie: unknown field `%s`",
		    err_quote(q, seg, klen));
	if (*seen & (1U << k))
		return err_set(e, "cookie: field `%s` given twice",
		    err_quote(q, seg, klen));
	*seen |= 1U << k;
	if (k < (int)CK_N) {
		dst = (char *)c + cookie_keys[k].off;
		dsz = cookie_keys[k].size;
	}
	memcpy(val, eq + 1, len - klen - 1);
	val[len - klen - 1] = '\0';
	rc = cookie_decode(seg, klen, val, dst, dsz, e);
	secret_wipe(val, sizeof(val));
	secret_wipe(skip, sizeof(skip));
	return rc;
}

/* The saved fields after decoding: the same rules login_parse applies. */
static int
cookie_check(const struct gp_cookie *c, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct cfg_addr a;

	if (c->authcookie[0] == '\0')
		return err_set(e, "cookie: authcookie is missing");
	if (!config_cookie_ok(c->authcookie))
		return err_set(e, "cookie: authcookie has characters outside "
		    "its charset");
	if (c->user[0] == '\0' || !config_user_ok(c->user))
		return err_set(e, "cookie: user `%s` is missing or invalid",
		    err_quote(q, c->user, strlen(c->user)));
	if (c->preferred_ip[0] != '\0' && (config_addr_parse(c->preferred_ip,
	    &a) == -1 || a.family != CFG_AF_INET))
		return err_set(e, "cookie: preferred-ip `%s` is not an IPv4 "
		    "address", err_quote(q, c->preferred_ip,
		    strlen(c->preferred_ip)));
	/* Any literal: OpenConnect has put the IPv4 address here. */
	if (c->preferred_ipv6[0] != '\0' &&
	    config_addr_parse(c->preferred_ipv6, &a) == -1)
		return err_set(e, "cookie: preferred-ipv6 `%s` is not an "
		    "address", err_quote(q, c->preferred_ipv6,
		    strlen(c->preferred_ipv6)));
	if (!xml_str_printable(c->portal) || !xml_str_printable(c->domain) ||
	    !xml_str_printable(c->computer))
		return err_set(e, "cookie: portal, domain or computer has "
		    "control characters");
	return 0;
}

int
cookie_parse(const char *s, struct gp_cookie *c, struct gp_err *e)
{
	const char *amp;
	unsigned seen = 0;
	size_t len;

	secret_wipe(c, sizeof(*c));
	if (strnlen(s, COOKIE_STR_MAX + 1) > COOKIE_STR_MAX)
		return err_set(e, "cookie: longer than %d bytes",
		    COOKIE_STR_MAX);
	while (*s != '\0') {
		amp = strchr(s, '&');
		len = amp != NULL ? (size_t)(amp - s) : strlen(s);
		if (len == 0 || (amp != NULL && amp[1] == '\0')) {
			secret_wipe(c, sizeof(*c));
			return err_set(e, "cookie: empty field");
		}
		if (cookie_field(c, s, len, &seen, e) == -1 ||
		    (amp == NULL && cookie_check(c, e) == -1)) {
			secret_wipe(c, sizeof(*c));
			return -1;
		}
		s += len + (amp != NULL);
	}
	if (seen == 0)
		return err_set(e, "cookie: empty");
	return 0;
}
