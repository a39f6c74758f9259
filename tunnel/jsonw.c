/* SPDX-License-Identifier: ISC */
/*
 * The JSON writer (jsonw.h): every append is bounded by the buffer and
 * a failure sticks, so a caller checks once at the end. Runs in gp-tunnel
 * [priv]; the strings it is given are treated as untrusted bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "tunnel/jsonw.h"

void
jsonw_init(struct jsonw *w, char *out, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->cap = cap;
	if (cap == 0)
		w->failed = true;
	else
		out[0] = '\0';
}

static void
jsonw_raw(struct jsonw *w, const char *p, size_t n)
{
	if (w->failed || n >= w->cap - w->len) {
		w->failed = true;
		return;
	}
	memcpy(w->out + w->len, p, n);
	w->len += n;
	w->out[w->len] = '\0';
}

static void
jsonw_lit(struct jsonw *w, const char *s)
{
	jsonw_raw(w, s, strlen(s));
}

/* The length of the valid UTF-8 sequence at p (n bytes left), or 0:
 * no overlongs, no surrogates, nothing above U+10FFFF. */
static size_t
jsonw_utf8_len(const unsigned char *p, size_t n)
{
	size_t want, i;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		want = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		want = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		want = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < want)
		return 0;
	for (i = 1; i < want; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((want == 3 && cp < 0x800) || (want == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return want;
}

static void
jsonw_quoted(struct jsonw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), k;
	char esc[8];

	jsonw_raw(w, "\"", 1);
	while (n > 0 && !w->failed) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			jsonw_raw(w, esc, 2);
			k = 1;
		} else if (*p < 0x20 || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			jsonw_raw(w, esc, 6);
			k = 1;
		} else if (*p < 0x80) {
			jsonw_raw(w, (const char *)p, 1);
			k = 1;
		} else if ((k = jsonw_utf8_len(p, n)) != 0)
			jsonw_raw(w, (const char *)p, k);
		else {
			jsonw_lit(w, "\\ufffd");
			k = 1;
		}
		p += k;
		n -= k;
	}
	jsonw_raw(w, "\"", 1);
}

/* The comma and the key before a value; at the top, only the one
 * object (jsonw_open). */
static void
jsonw_key(struct jsonw *w, const char *key)
{
	if (w->depth == 0 || key == NULL) {
		w->failed = true;
		return;
	}
	if (!w->first[w->depth - 1])
		jsonw_raw(w, ",", 1);
	w->first[w->depth - 1] = false;
	jsonw_quoted(w, key);
	jsonw_raw(w, ":", 1);
}

void
jsonw_open(struct jsonw *w, const char *key)
{
	if (w->depth == 0 && (key != NULL || w->len != 0))
		w->failed = true;
	else if (w->depth > 0)
		jsonw_key(w, key);
	if (w->depth >= JSONW_DEPTH_MAX) {
		w->failed = true;
		return;
	}
	jsonw_raw(w, "{", 1);
	w->first[w->depth++] = true;
}

void
jsonw_close(struct jsonw *w)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	jsonw_raw(w, "}", 1);
}

void
jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, key);
	if (s == NULL)
		jsonw_lit(w, "null");
	else
		jsonw_quoted(w, s);
}

void
jsonw_u64(struct jsonw *w, const char *key, uint64_t v)
{
	char num[24];

	jsonw_key(w, key);
	snprintf(num, sizeof(num), "%" PRIu64, v);
	jsonw_lit(w, num);
}

void
jsonw_i64(struct jsonw *w, const char *key, int64_t v)
{
	char num[24];

	jsonw_key(w, key);
	snprintf(num, sizeof(num), "%" PRId64, v);
	jsonw_lit(w, num);
}

void
jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	jsonw_key(w, key);
	jsonw_lit(w, v ? "true" : "false");
}

void
jsonw_null(struct jsonw *w, const char *key)
{
	jsonw_key(w, key);
	jsonw_lit(w, "null");
}

const char *
jsonw_done(const struct jsonw *w)
{
	if (w->failed || w->depth != 0 || w->len == 0)
		return NULL;
	return w->out;
}
