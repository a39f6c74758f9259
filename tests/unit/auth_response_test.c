/* SPDX-License-Identifier: ISC */
/*
 * Golden tests for hipcheck_parse (auth/hipcheck.c) and
 * errors_parse (auth/errors.c), with inputs in tests/data/hipcheck/
 * and tests/data/errors/ that imitate untrusted servers. Test code.
 */
#include <string.h>

#include "auth/errors.h"
#include "auth/hipcheck.h"
#include "auth/parselim.h"
#include "golden.h"
#include "t.h"

static void
print_hipcheck(FILE *fp, const char *body, size_t len)
{
	struct gp_err e = { "" };
	bool needed = true;

	if (hipcheck_parse(body, len, &needed, &e) == -1)
		fprintf(fp, "error: %s\n", e.msg);
	else
		fprintf(fp, "needed: %s\n", needed ? "yes" : "no");
}

static void
print_errors(FILE *fp, const char *body, size_t len)
{
	static const char *const names[] = { "generic", "wrong-interface",
	    "cookie-rejected" };
	enum gp_error_class cls;
	char text[PARSE_TEXT_MAX];

	if (!errors_parse(body, len, text, sizeof(text), &cls)) {
		fprintf(fp, "error: no\n");
		return;
	}
	fprintf(fp, "error: yes\nclass: %s\n", names[cls]);
	golden_str(fp, "text", text);
}

static void
small_text_buffer(void)
{
	const char *b = "<response status=\"error\"><error>Invalid "
	    "authentication cookie</error></response>";
	enum gp_error_class cls;
	char text[8];

	T_CHECK(errors_parse(b, strlen(b), text, sizeof(text), &cls));
	T_EQ_INT(cls, GP_ERRCLASS_COOKIE_REJECTED);
	T_STREQ(text, "Invalid");
	T_CHECK(errors_parse(b, strlen(b), text, 0, &cls));
}

int
main(void)
{
	int bad = golden_dir("hipcheck", print_hipcheck);

	bad += golden_dir("errors", print_errors);
	T_RUN(small_text_buffer);
	return T_DONE() || bad != 0;
}
