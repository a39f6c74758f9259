/* SPDX-License-Identifier: ISC */
/*
 * Golden and hostile-input tests for prelogin_parse (auth/prelogin.c),
 * plus the libxml2 wrapper's caps (auth/xml.c). Test code; the inputs in
 * tests/data/prelogin/ imitate untrusted servers.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/prelogin.h"
#include "golden.h"
#include "t.h"

static void
print_prelogin(FILE *fp, const char *body, size_t len)
{
	struct prelogin *p = malloc(sizeof(*p));
	struct gp_err e = { "" };

	if (prelogin_parse(body, len, p, &e) == -1) {
		fprintf(fp, "error: %s\n", e.msg);
		free(p);
		return;
	}
	golden_str(fp, "region", p->region);
	golden_str(fp, "auth_message", p->auth_message);
	golden_str(fp, "username_label", p->username_label);
	golden_str(fp, "password_label", p->password_label);
	fprintf(fp, "saml: %s\n", p->saml ? "yes" : "no");
	golden_str(fp, "saml_method", p->saml_method);
	golden_str(fp, "saml_request", p->saml_request);
	free(p);
}

static int
expect_err(const char *body, size_t len, const char *needle)
{
	struct prelogin *p = malloc(sizeof(*p));
	struct gp_err e = { "" };
	int ok;

	ok = prelogin_parse(body, len, p, &e) == -1 &&
	    strstr(e.msg, needle) != NULL;
	if (!ok)
		fprintf(stderr, "  got `%s`, wanted `%s`\n", e.msg, needle);
	free(p);
	return ok;
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *tail,
    size_t *len)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(hl + ul * n + tl + 1), *w = s;

	memcpy(w, head, hl);
	w += hl;
	for (i = 0; i < n; i++, w += ul)
		memcpy(w, unit, ul);
	memcpy(w, tail, tl + 1);
	*len = hl + ul * n + tl;
	return s;
}

static void
body_over_cap(void)
{
	size_t len;
	char *s = repeat("<prelogin-response><status>Success</status><msg>",
	    "x", 2 * 1024 * 1024, "</msg></prelogin-response>", &len);

	T_CHECK(expect_err(s, len, "limit"));
	free(s);
}

static void
depth_bomb(void)
{
	size_t len;
	char *s = repeat("<prelogin-response>", "<a>", 100000, "", &len);

	T_CHECK(expect_err(s, len, "prelogin"));
	free(s);
	s = repeat("<prelogin-response><status>Success</status>", "<a>", 40,
	    "", &len);
	T_CHECK(expect_err(s, len, "prelogin"));
	free(s);
}

static void
element_storm(void)
{
	size_t len;
	char *s = repeat("<prelogin-response><status>Success</status>",
	    "<x/>", 30000, "</prelogin-response>", &len);

	T_CHECK(expect_err(s, len, "more than"));
	free(s);
}

static void
attribute_storm(void)
{
	size_t len;
	char *s = repeat("<prelogin-response a0=\"\" ", "b=\"1\" ", 2, ">"
	    "<status>Success</status></prelogin-response>", &len);

	T_CHECK(expect_err(s, len, "prelogin"));	/* duplicate attr */
	free(s);
}

int
main(void)
{
	int bad = golden_dir("prelogin", print_prelogin);

	T_RUN(body_over_cap);
	T_RUN(depth_bomb);
	T_RUN(element_storm);
	T_RUN(attribute_storm);
	return T_DONE() || bad != 0;
}
