/*
 * Form bodies for gp-auth's requests and the percent-decoding of values
 * that came from a server. form_decode's input is untrusted; the encoder
 * sees our own values, some of them secret, so forms live in secret memory.
 */
#include <string.h>

#include "ipc/secret.h"
#include "form.h"

static const char form_hex[] = "0123456789abcdef";

static int
form_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	    c == '~';
}

struct form *
form_new(void)
{
	return secret_alloc(sizeof(struct form));
}

void
form_free(struct form *f)
{
	secret_free(f, sizeof(*f));
}

/* Append n bytes; data stays NUL-terminated, so len < FORM_MAX. */
static int
form_put(struct form *f, const char *p, size_t n)
{
	if (n >= FORM_MAX - f->len)
		return -1;
	memcpy(f->data + f->len, p, n);
	f->len += n;
	f->data[f->len] = '\0';
	return 0;
}

static int
form_put_enc(struct form *f, const char *s)
{
	unsigned char c;
	char esc[3];

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (form_literal(c)) {
			if (form_put(f, s, 1) == -1)
				return -1;
			continue;
		}
		esc[0] = '%';
		esc[1] = form_hex[c >> 4];
		esc[2] = form_hex[c & 0xf];
		if (form_put(f, esc, 3) == -1)
			return -1;
	}
	return 0;
}

/* '&' between fields, unless the text brings its own or one is there. */
static int
form_sep(struct form *f, const char *next)
{
	if (f->len == 0 || f->data[f->len - 1] == '&' || next[0] == '&')
		return 0;
	return form_put(f, "&", 1);
}

/* On overflow the form is left as it was before the call, flagged. */
void
form_add(struct form *f, const char *key, const char *value)
{
	size_t old = f->len;

	if (f->overflow)
		return;
	if (form_sep(f, "") == -1 || form_put_enc(f, key) == -1 ||
	    form_put(f, "=", 1) == -1 || form_put_enc(f, value) == -1) {
		secret_wipe(f->data + old, FORM_MAX - old);
		f->len = old;
		f->overflow = 1;
	}
}

void
form_add_raw(struct form *f, const char *text)
{
	size_t old = f->len;

	if (f->overflow || text[0] == '\0')
		return;
	if (form_sep(f, text) == -1 ||
	    form_put(f, text, strlen(text)) == -1) {
		secret_wipe(f->data + old, FORM_MAX - old);
		f->len = old;
		f->overflow = 1;
	}
}

int
form_ok(const struct form *f)
{
	return f->overflow ? -1 : 0;
}

int
form_encode(const char *src, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned char c;

	if (outsz == 0)
		return -1;
	for (; *src != '\0'; src++) {
		c = (unsigned char)*src;
		if (o + (form_literal(c) ? 1 : 3) >= outsz) {
			secret_wipe(out, outsz);
			return -1;
		}
		if (form_literal(c)) {
			out[o++] = (char)c;
			continue;
		}
		out[o++] = '%';
		out[o++] = form_hex[c >> 4];
		out[o++] = form_hex[c & 0xf];
	}
	out[o] = '\0';
	return 0;
}

static int
form_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* '+' stays literal: our encoder never emits it for a space. */
int
form_decode(const char *src, char *out, size_t outsz)
{
	size_t o = 0;
	int hi, lo;

	if (outsz == 0)
		return -1;
	for (; *src != '\0'; src++) {
		if (o + 1 >= outsz)
			goto fail;
		if (*src != '%') {
			out[o++] = *src;
			continue;
		}
		if ((hi = form_hexval(src[1])) == -1 ||
		    (lo = form_hexval(src[2])) == -1 || (hi | lo) == 0)
			goto fail;
		out[o++] = (char)(hi << 4 | lo);
		src += 2;
	}
	out[o] = '\0';
	return 0;
fail:
	secret_wipe(out, outsz);
	return -1;
}

int
form_decoded_len(const char *src, size_t *len)
{
	size_t n = 0;

	*len = 0;
	for (; *src != '\0'; src++, n++) {
		if (*src != '%')
			continue;
		if (form_hexval(src[1]) == -1 || form_hexval(src[2]) == -1 ||
		    (form_hexval(src[1]) | form_hexval(src[2])) == 0)
			return -1;
		src += 2;
	}
	*len = n;
	return 0;
}
