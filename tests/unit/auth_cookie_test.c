/* SPDX-License-Identifier: ISC */
/*
 * Tests for the cookie string (auth/cookie.c) and the form encoder and
 * decoder (auth/form.c): golden files in tests/data/cookie/ plus the HIP
 * md5 input vector of PROTOCOL.md §11.2. Test code.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/cookie.h"
#include "auth/form.h"
#include "golden.h"
#include "t.h"

static void
print_cookie(FILE *fp, const char *body, size_t len)
{
	struct gp_cookie *c = cookie_new();
	struct gp_err e = { "" };
	char s[COOKIE_STR_MAX];

	(void)len;
	if (cookie_parse(body, c, &e) == -1) {
		fprintf(fp, "error: %s\n", e.msg);
		cookie_free(c);
		return;
	}
	golden_str(fp, "authcookie", c->authcookie);
	golden_str(fp, "portal", c->portal);
	golden_str(fp, "user", c->user);
	golden_str(fp, "domain", c->domain);
	golden_str(fp, "preferred_ip", c->preferred_ip);
	golden_str(fp, "preferred_ipv6", c->preferred_ipv6);
	golden_str(fp, "computer", c->computer);
	T_EQ_INT(cookie_format(c, s, sizeof(s)), 0);
	golden_str(fp, "format", s);
	T_EQ_INT(cookie_format_hip(c, s, sizeof(s)), 0);
	golden_str(fp, "hip", s);
	cookie_free(c);
}

static void
form_encoding(void)
{
	struct form *f = form_new();
	char out[64];

	form_add_raw(f, "jnlpReady=jnlpReady&prot=https:");
	form_add(f, "user", "a b,c:d");
	form_add(f, "passwd", "-_.~+&=%\xc3\xa9");
	T_EQ_INT(form_ok(f), 0);
	T_STREQ(f->data, "jnlpReady=jnlpReady&prot=https:&user=a%20b%2cc%3ad"
	    "&passwd=-_.~%2b%26%3d%25%c3%a9");
	form_add_raw(f, "&authcookie=x");
	T_CHECK(strstr(f->data, "%a9&authcookie=x") != NULL);
	T_EQ_INT(form_encode("a:b", out, sizeof(out)), 0);
	T_STREQ(out, "a%3ab");
	T_EQ_INT(form_encode("::::", out, 12), -1);
	T_EQ_INT(out[0], '\0');
	form_free(f);
}

static void
form_overflow(void)
{
	struct form *f = form_new();
	char *big = malloc(FORM_MAX);
	size_t len;

	memset(big, ',', FORM_MAX / 3);
	big[FORM_MAX / 3] = '\0';
	form_add(f, "a", "b");
	len = f->len;
	form_add(f, "big", big);
	T_EQ_INT(form_ok(f), -1);
	T_EQ_INT(f->len, len);
	T_STREQ(f->data, "a=b");
	form_add(f, "c", "d");	/* stays flagged, nothing added */
	T_EQ_INT(form_ok(f), -1);
	T_EQ_INT(f->len, len);
	free(big);
	form_free(f);
}

static void
form_decoding(void)
{
	char out[16];

	T_EQ_INT(form_decode("%28empty_domain%29", out, sizeof(out)), 0);
	T_STREQ(out, "(empty_domain)");
	T_EQ_INT(form_decode("a%3A%3ab+c", out, sizeof(out)), 0);
	T_STREQ(out, "a::b+c");
	T_EQ_INT(form_decode("%00", out, sizeof(out)), -1);
	T_EQ_INT(form_decode("%2", out, sizeof(out)), -1);
	T_EQ_INT(form_decode("%g0", out, sizeof(out)), -1);
	T_EQ_INT(form_decode("0123456789abcdef", out, sizeof(out)), -1);
	T_EQ_INT(form_decode("0123456789abcde", out, sizeof(out)), 0);
}

/* PROTOCOL.md §11.2 test vector: the md5 of this string is
 * 6af9abd98de4eb2ddb3d3a33aa01d363. */
static void
hip_vector(void)
{
	struct gp_cookie *c = cookie_new();
	struct gp_err e = { "" };
	char s[COOKIE_STR_MAX];

	T_EQ_INT(cookie_parse("authcookie=abc&portal=Portal10&user=test&"
	    "domain=Domain5&preferred-ip=10.0.0.1&computer=vm", c, &e), 0);
	T_EQ_INT(cookie_format_hip(c, s, sizeof(s)), 0);
	T_STREQ(s, "portal=Portal10&user=test&domain=Domain5&computer=vm");
	T_EQ_INT(cookie_format(c, s, 20), -1);
	T_EQ_INT(s[0], '\0');
	cookie_free(c);
}

int
main(void)
{
	int bad = golden_dir("cookie", print_cookie);

	T_RUN(form_encoding);
	T_RUN(form_overflow);
	T_RUN(form_decoding);
	T_RUN(hip_vector);
	return T_DONE() || bad != 0;
}
