/* SPDX-License-Identifier: ISC */
/*
 * The JSON writer (jsonw.h): every append is bounded by the buffer and
 * a failure sticks, so a caller checks once at the end. Runs in gp-tunnel
 * [priv]; the strings it is given are treated as untrusted bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/textenc.h"
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
		} else if ((k = utf8_seq_len(p, n, NULL)) != 0)
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
