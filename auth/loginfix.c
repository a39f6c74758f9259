/*
 * The login body fixer (see loginfix.h) for gp-auth: escapes the lone
 * '&' and '<' that servers put in a challenge's <respmsg> (PROTOCOL.md
 * §2), so that the second, forgiving XML parse keeps the text. The body
 * is untrusted and read only through a cursor.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/cursor.h"
#include "loginfix.h"

#define LOGINFIX_REF_MAX	12	/* '&' and name, ';' not counted */

/* At '&': does a reference like &amp; or &#x27; follow? */
static bool
loginfix_is_ref(const struct cursor *c)
{
	size_t i;
	int ch;

	for (i = 1; i < LOGINFIX_REF_MAX; i++) {
		if ((ch = cur_peek_at(c, i)) == ';')
			return i > 1;
		if (!cur_is_alnum(ch) && !(ch == '#' && i == 1))
			return false;	/* the end (-1) too */
	}
	return false;
}

/* At '<': one that cannot open markup: "a < b", "<5", "<=" or the end. */
static bool
loginfix_lone_lt(const struct cursor *c)
{
	int ch = cur_peek_at(c, 1);

	return ch == -1 || ch == ' ' || ch == '=' || cur_is_digit(ch);
}

/* The replacement for the byte at c, or NULL to copy it as is. */
static const char *
loginfix_one(const struct cursor *c)
{
	int ch = cur_peek(c);

	if (ch == '&' && !loginfix_is_ref(c))
		return "&amp;";
	if (ch == '<' && loginfix_lone_lt(c))
		return "&lt;";
	return NULL;
}

/* One pass: the fixed length, and the fixed text too when out is set. */
static size_t
loginfix_pass(const char *body, size_t len, char *out)
{
	struct cursor c;
	const char *rep;
	size_t o = 0, n;

	cur_init(&c, body, len);
	while (!cur_eof(&c)) {
		rep = loginfix_one(&c);
		n = rep != NULL ? strlen(rep) : 1;
		if (out != NULL)
			memcpy(out + o, rep != NULL ? rep : cur_ptr(&c), n);
		o += n;
		(void)cur_skip(&c, 1);
	}
	return o;
}

char *
loginfix_body(const char *body, size_t len, size_t *outlen)
{
	size_t n;
	char *out;

	*outlen = 0;
	/* Each byte grows to five at most ("&amp;"). */
	if (len > (SIZE_MAX - 1) / 5)
		return NULL;
	n = loginfix_pass(body, len, NULL);
	if ((out = malloc(n + 1)) == NULL)
		return NULL;
	(void)loginfix_pass(body, len, out);
	out[n] = '\0';
	*outlen = n;
	return out;
}
