/* SPDX-License-Identifier: ISC */
/*
 * Checked text cursors (see cursor.h). Runs in every process; the text
 * is untrusted, so every call checks what is left before it looks, and a
 * call that fails leaves the cursor where it was.
 */
#define _GNU_SOURCE	/* memmem */
#include <string.h>

#include "cursor.h"
#include "textenc.h"

void
cur_init(struct cursor *c, const char *p, size_t len)
{
	c->p = p != NULL ? p : "";
	c->len = p != NULL ? len : 0;
	c->off = 0;
}

size_t
cur_left(const struct cursor *c)
{
	return c->len - c->off;
}

int
cur_eof(const struct cursor *c)
{
	return c->off >= c->len;
}

const char *
cur_ptr(const struct cursor *c)
{
	return c->p + c->off;
}

int
cur_peek(const struct cursor *c)
{
	return cur_peek_at(c, 0);
}

int
cur_peek_at(const struct cursor *c, size_t i)
{
	if (i >= cur_left(c))
		return -1;
	return (unsigned char)c->p[c->off + i];
}

int
cur_prev(const struct cursor *c)
{
	if (c->off == 0)
		return -1;
	return (unsigned char)c->p[c->off - 1];
}

int
cur_next(struct cursor *c)
{
	int ch = cur_peek(c);

	if (ch != -1)
		c->off++;
	return ch;
}

int
cur_skip(struct cursor *c, size_t n)
{
	if (n > cur_left(c))
		return -1;
	c->off += n;
	return 0;
}

int
cur_skip_char(struct cursor *c, int ch)
{
	if (ch == -1 || cur_peek(c) != ch)
		return 0;
	c->off++;
	return 1;
}

int
cur_skip_lit(struct cursor *c, const char *lit)
{
	size_t n = strlen(lit);

	if (n > cur_left(c) || memcmp(cur_ptr(c), lit, n) != 0)
		return 0;
	c->off += n;
	return 1;
}

static int
cur_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

int
cur_skip_lit_icase(struct cursor *c, const char *lit)
{
	size_t i, n = strlen(lit);

	if (n > cur_left(c))
		return 0;
	for (i = 0; i < n; i++)
		if (cur_lower(cur_peek_at(c, i)) !=
		    cur_lower((unsigned char)lit[i]))
			return 0;
	c->off += n;
	return 1;
}

size_t
cur_skip_ws(struct cursor *c)
{
	size_t n = 0;
	int ch;

	while ((ch = cur_peek(c)) == ' ' || ch == '\t' || ch == '\r' ||
	    ch == '\n') {
		c->off++;
		n++;
	}
	return n;
}

int
cur_take(struct cursor *c, size_t n, struct cursor *out)
{
	if (n > cur_left(c)) {
		cur_init(out, "", 0);
		return -1;
	}
	cur_init(out, cur_ptr(c), n);
	c->off += n;
	return 0;
}

int
cur_take_until(struct cursor *c, int stop, struct cursor *out)
{
	const char *hit = NULL;

	if (stop >= 0 && stop <= 0xff)
		hit = memchr(cur_ptr(c), stop, cur_left(c));
	if (hit == NULL) {
		cur_init(out, "", 0);
		return -1;
	}
	return cur_take(c, (size_t)(hit - cur_ptr(c)), out);
}

int
cur_take_while(struct cursor *c, int (*pred)(int), struct cursor *out)
{
	size_t n = 0;

	while (n < cur_left(c) && pred(cur_peek_at(c, n)))
		n++;
	if (n == 0) {
		cur_init(out, "", 0);
		return -1;
	}
	return cur_take(c, n, out);
}

int
cur_take_rest(struct cursor *c, struct cursor *out)
{
	return cur_take(c, cur_left(c), out);
}

int
cur_find(struct cursor *c, const char *needle)
{
	const char *hit;
	size_t n = strlen(needle);

	if (n == 0)
		return 0;
	hit = memmem(cur_ptr(c), cur_left(c), needle, n);
	if (hit == NULL)
		return -1;
	c->off += (size_t)(hit - cur_ptr(c));
	return 0;
}

/* The value of ch as a digit in base (10 or 16), or -1. */
static int
cur_digit(int ch, int base)
{
	int d = hex_val(ch);

	return d < base ? d : -1;
}

int
cur_u32(struct cursor *c, int base, uint32_t max, uint32_t *v)
{
	uint64_t acc = 0;
	size_t n = 0;
	int d;

	*v = 0;
	if (base != 10 && base != 16)
		return -1;
	while ((d = cur_digit(cur_peek_at(c, n), base)) != -1) {
		acc = acc * (unsigned)base + (unsigned)d;
		if (acc > max)
			return -1;
		n++;
	}
	if (n == 0)
		return -1;
	*v = (uint32_t)acc;
	c->off += n;
	return 0;
}

int
cur_copy(const struct cursor *span, char *out, size_t outsz)
{
	size_t n = cur_left(span);

	if (outsz == 0)
		return -1;
	out[0] = '\0';
	if (n >= outsz || memchr(cur_ptr(span), '\0', n) != NULL)
		return -1;
	memcpy(out, cur_ptr(span), n);
	out[n] = '\0';
	return 0;
}

int
cur_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

int
cur_is_xdigit(int ch)
{
	return cur_digit(ch, 16) != -1;
}

int
cur_is_alnum(int ch)
{
	return cur_is_digit(ch) || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z');
}
