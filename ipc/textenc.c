/* SPDX-License-Identifier: ISC */
/*
 * Text encodings (see textenc.h), linked into every process. Decoders
 * read untrusted text strictly within the length given, never past it,
 * and wipe their output on failure since keys and cookies pass here.
 */
#include <limits.h>
#include <string.h>

#include "textenc.h"

static const char textenc_hex[] = "0123456789abcdef";

int
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *s, size_t slen, uint8_t *out, size_t outsz)
{
	size_t i;
	int hi, lo;

	if (slen % 2 != 0 || slen / 2 > outsz || slen / 2 > INT_MAX)
		goto fail;
	for (i = 0; i < slen / 2; i++) {
		if ((hi = hex_val((unsigned char)s[2 * i])) == -1 ||
		    (lo = hex_val((unsigned char)s[2 * i + 1])) == -1)
			goto fail;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(slen / 2);
fail:
	if (outsz > 0)
		explicit_bzero(out, outsz);
	return -1;
}

static int
b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* The characters before the padding, or -1 if the padding is wrong. */
static long
b64_bare_len(const char *s, size_t slen)
{
	size_t bare = slen;

	while (bare > 0 && slen - bare < 2 && s[bare - 1] == '=')
		bare--;
	if (bare != slen && slen % 4 != 0)
		return -1;
	if (bare % 4 == 1 || bare > LONG_MAX)
		return -1;
	return (long)bare;
}

int
b64_decode(const char *s, size_t slen, uint8_t *out, size_t outsz)
{
	long bare = b64_bare_len(s, slen), i;
	uint32_t acc = 0;
	size_t o = 0;
	int v, bits = 0;

	if (bare == -1 || (size_t)bare / 4 * 3 + (bare % 4 ? bare % 4 - 1 : 0)
	    > outsz || (size_t)bare > (size_t)INT_MAX)
		goto fail;
	for (i = 0; i < bare; i++) {
		if ((v = b64_val((unsigned char)s[i])) == -1)
			goto fail;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		if ((bits += 6) >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if ((acc & ((1U << bits) - 1)) != 0)
		goto fail;
	return (int)o;
fail:
	if (outsz > 0)
		explicit_bzero(out, outsz);
	return -1;
}

int
b64_encode(const uint8_t *p, size_t n, char *out, size_t outsz)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	uint32_t v;

	if (n > (size_t)INT_MAX / 4 * 3 - 3 || (n + 2) / 3 * 4 >= outsz)
		return -1;
	for (i = 0; i < n; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

static int
pct_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

int
pct_encode(struct dynbuf *d, const char *s, size_t n)
{
	size_t old = dynbuf_len(d), i;
	unsigned char c;
	char esc[3];
	int rc = 0;

	esc[0] = '%';
	for (i = 0; i < n && rc == 0; i++) {
		c = (unsigned char)s[i];
		if (pct_literal(c)) {
			rc = dynbuf_add(d, &s[i], 1);
			continue;
		}
		esc[1] = textenc_hex[c >> 4];
		esc[2] = textenc_hex[c & 0xf];
		rc = dynbuf_add(d, esc, sizeof(esc));
	}
	explicit_bzero(esc, sizeof(esc));
	if (rc == -1)
		dynbuf_truncate(d, old);
	return rc;
}

/* One decoded byte from s[*i], *i advanced; -1 if it is not allowed. */
static int
pct_next(const char *s, size_t n, size_t *i, int plus_is_space)
{
	int hi, lo;

	if (s[*i] == '\0')
		return -1;
	if (s[*i] == '+' && plus_is_space) {
		(*i)++;
		return ' ';
	}
	if (s[*i] != '%')
		return (unsigned char)s[(*i)++];
	if (n - *i < 3 || (hi = hex_val((unsigned char)s[*i + 1])) == -1 ||
	    (lo = hex_val((unsigned char)s[*i + 2])) == -1 || (hi | lo) == 0)
		return -1;
	*i += 3;
	return hi << 4 | lo;
}

/* Decode into out (NULL: count only); the length or -1. */
static long
pct_scan(const char *s, size_t n, char *out, size_t outsz, int plus)
{
	size_t i = 0, o = 0;
	int c;

	while (i < n) {
		if ((c = pct_next(s, n, &i, plus)) == -1 || o >= INT_MAX)
			return -1;
		if (out != NULL) {
			if (o + 1 >= outsz)
				return -1;
			out[o] = (char)c;
		}
		o++;
	}
	if (out != NULL) {
		if (o >= outsz)
			return -1;
		out[o] = '\0';
	}
	return (long)o;
}

int
pct_decode(const char *s, size_t n, char *out, size_t outsz,
    int plus_is_space)
{
	long r;

	if (outsz == 0)
		return -1;
	if ((r = pct_scan(s, n, out, outsz, plus_is_space)) == -1)
		explicit_bzero(out, outsz);
	return (int)r;
}

int
pct_decoded_len(const char *s, size_t n, size_t *len)
{
	long r = pct_scan(s, n, NULL, 0, 0);

	*len = r == -1 ? 0 : (size_t)r;
	return r == -1 ? -1 : 0;
}

size_t
utf8_seq_len(const unsigned char *p, size_t n, uint32_t *cpp)
{
	size_t want, i;
	uint32_t cp;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		want = 1, cp = p[0];
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
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
	if (cpp != NULL)
		*cpp = cp;
	return want;
}
