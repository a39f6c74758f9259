/* SPDX-License-Identifier: ISC */
/*
 * The line reader of the gp-tunnel policy file (policy_line.h): splits
 * one line into words in place, with allow-script's rest-of-line value,
 * and words the refusal. Runs in [priv]; the text is untrusted, and
 * every write stays inside the line's buffer.
 */
#include <string.h>

#include "tunnel/policy_line.h"

#define POLICY_LINE_SCRIPT_KW	"allow-script"

static bool
policy_line_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Split on blanks; a '#' starts a comment. -1 on too many tokens. */
static int
policy_line_tokenize(struct policy_line *l)
{
	char *p = l->text;

	l->n = 0;
	for (;;) {
		while (policy_line_blank(*p))
			*p++ = '\0';
		if (*p == '\0' || *p == '#') {
			*p = '\0';
			return 0;
		}
		if (l->n == POLICY_LINE_TOKENS_MAX)
			return -1;
		l->tok[l->n++] = p;
		while (*p != '\0' && !policy_line_blank(*p))
			p++;
	}
}

/*
 * allow-script takes the rest of the line, as -s may be a command line
 * with blanks: from its first non-blank byte to a '#' after a blank (a
 * comment, as in sh) or the end, less the blanks that end it. Blanks
 * inside are kept as written: the value is compared byte for byte.
 * false if the line is not an allow-script line.
 */
static bool
policy_line_script(struct policy_line *l)
{
	size_t kw = strlen(POLICY_LINE_SCRIPT_KW);
	char *p = l->text, *v, *end;

	while (policy_line_blank(*p))
		p++;
	if (strncmp(p, POLICY_LINE_SCRIPT_KW, kw) != 0 ||
	    (p[kw] != '\0' && !policy_line_blank(p[kw])))
		return false;
	l->tok[0] = p;
	l->n = 1;
	for (v = p + kw; policy_line_blank(*v); v++)
		*v = '\0';
	for (end = v; *end != '\0'; end++)
		if (*end == '#' && (end == v || policy_line_blank(end[-1])))
			break;
	*end = '\0';
	while (end > v && policy_line_blank(end[-1]))
		*--end = '\0';
	if (*v != '\0')
		l->tok[l->n++] = v;
	return true;
}

int
policy_line_split(struct policy_line *l)
{
	if (policy_line_script(l))
		return 0;
	return policy_line_tokenize(l);
}

int
policy_line_bad(struct gp_err *e, const struct policy_line *l,
    const char *what, const char *val)
{
	char q[ERR_QUOTE_MAX];

	return err_set(e, "policy line %u: %s: \"%s\"", l->no, what,
	    err_quote(q, val, strlen(val)));
}
