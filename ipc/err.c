/* SPDX-License-Identifier: ISC */
/*
 * Error records (see err.h). Used in every process; the values quoted here
 * come from untrusted input, so they are made printable and cut short.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dynbuf.h"
#include "err.h"

int
err_set(struct gp_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *
err_quote(char *out, const char *val, size_t len)
{
	struct dynbuf d;
	size_t i;
	unsigned char c;

	/* ERR_QUOTE_MAX holds 64 escaped bytes, "..." and the NUL. */
	dynbuf_fixed(&d, out, ERR_QUOTE_MAX);
	for (i = 0; i < len && i < 64; i++) {
		c = (unsigned char)val[i];
		if (c >= 0x20 && c < 0x7f && c != '`' && c != '\\')
			(void)dynbuf_add(&d, &c, 1);
		else
			(void)dynbuf_addf(&d, "\\x%02x", c);
	}
	if (i < len)
		(void)dynbuf_addstr(&d, "...");
	return out;
}
