/*
 * Error records (see err.h). Used in every process; the values quoted here
 * come from untrusted input, so they are made printable and cut short.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; i < len && i < 64; i++) {
		c = (unsigned char)val[i];
		if (c >= 0x20 && c < 0x7f && c != '`' && c != '\\')
			out[o++] = (char)c;
		else {
			snprintf(out + o, 5, "\\x%02x", c);
			o += 4;
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
