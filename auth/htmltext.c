/* SPDX-License-Identifier: ISC */
/*
 * Decoders for the text of HTML and JavaScript 2FA challenges (see
 * htmltext.h), run by gp-auth on an untrusted server body. All reading
 * goes through a cursor; nothing here allocates, logs or does I/O.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "htmltext.h"

#define HTMLTEXT_ENTITY_MAX	12	/* '&' to ';', ';' not counted */
#define HTMLTEXT_CP_MAX		0x10ffff

static const struct {
	const char	*name;
	uint32_t	 cp;
} htmltext_names[] = {
	{ "&quot;", '"' }, { "&amp;", '&' }, { "&lt;", '<' },
	{ "&gt;", '>' }, { "&apos;", '\'' }, { "&nbsp;", ' ' }
};

/*
 * &#65; or &#x41; (an "0x" after the x is taken, as strtoul(3) did) at
 * c's '&': 0 and the code point, consumed; or -1, nothing consumed.
 */
static int
htmltext_numeric(struct cursor *c, uint32_t *cp)
{
	struct cursor t = *c;
	int base = 10;

	if (!cur_skip_lit(&t, "&#"))
		return -1;
	if (cur_skip_char(&t, 'x') || cur_skip_char(&t, 'X')) {
		base = 16;
		if (cur_peek(&t) == '0' && (cur_peek_at(&t, 1) == 'x' ||
		    cur_peek_at(&t, 1) == 'X') &&
		    cur_is_xdigit(cur_peek_at(&t, 2)))
			(void)cur_skip(&t, 2);
	}
	if (cur_u32(&t, base, HTMLTEXT_CP_MAX, cp) == -1 ||
	    cur_peek(&t) != ';' || t.off - c->off > HTMLTEXT_ENTITY_MAX ||
	    *cp == 0 || (*cp >= 0xd800 && *cp <= 0xdfff))
		return -1;
	*c = t;
	(void)cur_skip(c, 1);
	return 0;
}

/* A named or numeric entity at c's '&': 0, consumed; or -1. */
static int
htmltext_entity(struct cursor *c, uint32_t *cp)
{
	size_t i;

	for (i = 0; i < sizeof(htmltext_names) / sizeof(htmltext_names[0]);
	    i++)
		if (cur_skip_lit(c, htmltext_names[i].name)) {
			*cp = htmltext_names[i].cp;
			return 0;
		}
	return htmltext_numeric(c, cp);
}

static size_t
htmltext_utf8_put(char *w, uint32_t cp)
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

/*
 * In place: every entity is longer than its UTF-8 (4 bytes make one,
 * 8 bytes the shortest that makes four), so the writer never passes
 * the cursor.
 */
size_t
htmltext_entities(char *s, size_t len)
{
	struct cursor c;
	uint32_t cp;
	size_t w = 0;

	cur_init(&c, s, len);
	while (!cur_eof(&c)) {
		if (cur_peek(&c) == '&' && htmltext_entity(&c, &cp) == 0)
			w += htmltext_utf8_put(s + w, cp);
		else
			s[w++] = (char)cur_next(&c);
	}
	s[w] = '\0';
	return w;
}

/* The byte an escape \ch stands for (-1 and 0 pass through). */
static int
htmltext_js_escape(int ch)
{
	switch (ch) {
	case 'n':
		return '\n';
	case 't':
		return '\t';
	case 'r':
		return '\r';
	default:
		return ch;
	}
}

int
htmltext_js_string(struct cursor *c, char *out, size_t outsz)
{
	struct cursor t = *c;
	size_t o = 0;
	int q, ch;

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if ((q = cur_next(&t)) != '"' && q != '\'')
		return -1;
	while ((ch = cur_next(&t)) != q) {
		if (ch == '\\')
			ch = htmltext_js_escape(cur_next(&t));
		if (ch <= 0 || o + 1 >= outsz) {
			out[0] = '\0';
			return -1;	/* the end, a NUL, or no room */
		}
		out[o++] = (char)ch;
	}
	out[o] = '\0';
	*c = t;
	return 0;
}

/* After the name: `= ` but not `==`; the cursor moves only on success. */
static bool
htmltext_js_eq(struct cursor *c)
{
	struct cursor t = *c;

	(void)cur_skip_ws(&t);
	if (!cur_skip_char(&t, '=') || cur_peek(&t) == '=')
		return false;
	(void)cur_skip_ws(&t);
	*c = t;
	return true;
}

enum htmltext_js
htmltext_js_assign(const char *text, size_t len, const char *name,
    char *out, size_t outsz)
{
	struct cursor c;
	size_t n = strlen(name);
	int prev, q;

	if (outsz > 0)
		out[0] = '\0';
	if (n == 0)
		return HTMLTEXT_JS_ABSENT;
	cur_init(&c, text, len);
	while (cur_find(&c, name) == 0) {
		prev = cur_prev(&c);
		(void)cur_skip(&c, n);
		if (cur_is_alnum(prev) || prev == '_' || !htmltext_js_eq(&c))
			continue;
		if ((q = cur_peek(&c)) != '"' && q != '\'')
			return HTMLTEXT_JS_NOT_STRING;
		if (htmltext_js_string(&c, out, outsz) == -1)
			return HTMLTEXT_JS_BAD;
		return HTMLTEXT_JS_FOUND;
	}
	return HTMLTEXT_JS_ABSENT;
}
