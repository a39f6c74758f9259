/* SPDX-License-Identifier: ISC */
/*
 * Golden and hostile-input tests for login_parse (auth/login.c): JNLP
 * argument lists and the three 2FA challenge syntaxes. Test code; the
 * inputs in tests/data/login/ imitate untrusted servers.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/login.h"
#include "golden.h"
#include "t.h"

static void
print_login(FILE *fp, const char *body, size_t len)
{
	struct gp_cookie *c = cookie_new();
	struct login_result r;
	struct gp_err e = { "" };
	char s[COOKIE_STR_MAX];

	memcpy(c->computer, "vm", 3);
	if (login_parse(body, len, &r, c, &e) == -1) {
		fprintf(fp, "error: %s\n", e.msg);
		cookie_free(c);
		return;
	}
	fprintf(fp, "kind: %s\n", r.kind == LOGIN_JNLP ? "jnlp" :
	    r.kind == LOGIN_CHALLENGE ? "challenge" : "?");
	golden_str(fp, "auth_source", r.auth_source);
	fprintf(fp, "password_expiry_days: %d\n", r.password_expiry_days);
	golden_str(fp, "prompt", r.prompt);
	golden_str(fp, "input_str", r.input_str);
	if (cookie_format(c, s, sizeof(s)) == 0)
		golden_str(fp, "cookie", s);
	else
		fprintf(fp, "cookie: (does not fit)\n");
	cookie_free(c);
}

static int
expect_err(const char *body, size_t len, const char *needle)
{
	struct gp_cookie *c = cookie_new();
	struct login_result r;
	struct gp_err e = { "" };
	int ok;

	ok = login_parse(body, len, &r, c, &e) == -1 &&
	    strstr(e.msg, needle) != NULL && c->authcookie[0] == '\0';
	if (!ok)
		fprintf(stderr, "  got `%s`, wanted `%s`\n", e.msg, needle);
	cookie_free(c);
	return ok;
}

static void
megabyte_argument(void)
{
	size_t n = 1024 * 1024 - 200, len;
	char *s = malloc(n + 200);

	len = (size_t)snprintf(s, 100, "<jnlp><application-desc><argument/>"
	    "<argument>");
	memset(s + len, 'a', n - len);
	len = n;
	len += (size_t)snprintf(s + len, 100, "</argument></application-desc>"
	    "</jnlp>");
	T_CHECK(expect_err(s, len, "argument 1 is longer"));
	free(s);
}

static void
secret_not_in_errors(void)
{
	const char *b = "<jnlp><application-desc><argument/><argument>"
	    "SeCrEt%20x</argument></application-desc></jnlp>";
	struct gp_cookie *c = cookie_new();
	struct login_result r;
	struct gp_err e = { "" };

	T_EQ_INT(login_parse(b, strlen(b), &r, c, &e), -1);
	T_CHECK(strstr(e.msg, "authcookie") != NULL);
	T_CHECK(strstr(e.msg, "SeCrEt") == NULL);
	cookie_free(c);
}

/* A failed parse must not leave half a cookie behind. */
static void
cookie_cleared_on_error(void)
{
	const char *b = "<jnlp><application-desc><argument/><argument>abcd"
	    "</argument><argument/><argument>p</argument><argument>u"
	    "</argument></application-desc></jnlp>";
	struct gp_cookie *c = cookie_new();
	struct login_result r;
	struct gp_err e = { "" };

	memcpy(c->computer, "vm", 3);
	T_EQ_INT(login_parse(b, strlen(b), &r, c, &e), -1);
	T_EQ_INT(c->authcookie[0], '\0');
	T_EQ_INT(c->user[0], '\0');
	T_STREQ(c->computer, "vm");
	cookie_free(c);
}

int
main(void)
{
	int bad = golden_dir("login", print_login);

	T_RUN(megabyte_argument);
	T_RUN(secret_not_in_errors);
	T_RUN(cookie_cleared_on_error);
	return T_DONE() || bad != 0;
}
