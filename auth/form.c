/* SPDX-License-Identifier: ISC */
/*
 * Form bodies for gp-auth's requests and the percent-decoding of values
 * that came from a server. form_decode's input is untrusted; the encoder
 * sees our own values, some of them secret, so forms live in secret memory.
 */
#include <string.h>

#include "ipc/dynbuf.h"
#include "ipc/secret.h"
#include "ipc/textenc.h"
#include "form.h"

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

/*
 * An add writes to a dynbuf over the form's free tail (the NUL kept, so
 * len < FORM_MAX), then keeps it; or wipes it and flags the form, which
 * is then as it was before the add.
 */
static void
form_tail(struct form *f, struct dynbuf *d)
{
	dynbuf_fixed(d, f->data + f->len, FORM_MAX - f->len);
}

static void
form_commit(struct form *f, const struct dynbuf *d, int rc)
{
	if (rc == 0) {
		f->len += dynbuf_len(d);
		return;
	}
	secret_wipe(f->data + f->len, FORM_MAX - f->len);
	f->overflow = 1;
}

/* '&' between fields, unless the text brings its own or one is there. */
static int
form_sep(const struct form *f, const char *next, struct dynbuf *d)
{
	if (f->len == 0 || f->data[f->len - 1] == '&' || next[0] == '&')
		return 0;
	return dynbuf_add(d, "&", 1);
}

void
form_add(struct form *f, const char *key, const char *value)
{
	struct dynbuf d;
	int rc = -1;

	if (f->overflow)
		return;
	form_tail(f, &d);
	if (form_sep(f, "", &d) == 0 &&
	    pct_encode(&d, key, strlen(key)) == 0 &&
	    dynbuf_add(&d, "=", 1) == 0 &&
	    pct_encode(&d, value, strlen(value)) == 0)
		rc = 0;
	form_commit(f, &d, rc);
}

void
form_add_raw(struct form *f, const char *text)
{
	struct dynbuf d;
	int rc = -1;

	if (f->overflow || text[0] == '\0')
		return;
	form_tail(f, &d);
	if (form_sep(f, text, &d) == 0 && dynbuf_addstr(&d, text) == 0)
		rc = 0;
	form_commit(f, &d, rc);
}

int
form_ok(const struct form *f)
{
	return f->overflow ? -1 : 0;
}

int
form_encode(const char *src, char *out, size_t outsz)
{
	struct dynbuf d;

	if (outsz == 0)
		return -1;
	dynbuf_fixed(&d, out, outsz);
	if (pct_encode(&d, src, strlen(src)) == -1) {
		secret_wipe(out, outsz);
		return -1;
	}
	return 0;
}

/* '+' stays literal: our encoder never emits it for a space. */
int
form_decode(const char *src, char *out, size_t outsz)
{
	return pct_decode(src, strlen(src), out, outsz, 0) == -1 ? -1 : 0;
}

int
form_decoded_len(const char *src, size_t *len)
{
	return pct_decoded_len(src, strlen(src), len);
}
