/* SPDX-License-Identifier: ISC */
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
#include "ipc/dynbuf.h"
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

char *
loginfix_body(const char *body, size_t len, size_t *outlen)
{
	struct dynbuf d;
	struct cursor c;
	const char *rep;
	char *out;
	int rc = 0;

	*outlen = 0;
	/* Each byte grows to five at most ("&amp;"), and the NUL. */
	if (len > (SIZE_MAX - 1) / 5)
		return NULL;
	dynbuf_init(&d, 5 * len + 1);
	cur_init(&c, body, len);
	while (rc == 0 && !cur_eof(&c)) {
		if ((rep = loginfix_one(&c)) != NULL)
			rc = dynbuf_addstr(&d, rep);
		else
			rc = dynbuf_add(&d, cur_ptr(&c), 1);
		(void)cur_skip(&c, 1);
	}
	*outlen = dynbuf_len(&d);
	if (rc == -1 || (out = dynbuf_take(&d)) == NULL) {
		dynbuf_free(&d);
		*outlen = 0;
		return NULL;
	}
	return out;
}
