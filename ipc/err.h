/* SPDX-License-Identifier: ISC */
/*
 * Error records returned by parsers and codecs below main(). A record names
 * the field and the offending value, never a secret; the caller decides
 * whether to log it, return it or die.
 */
#ifndef GPVPN_ERR_H
#define GPVPN_ERR_H

#define GP_ERR_MAX	256

struct gp_err {
	char	msg[GP_ERR_MAX];
};

/* Set the message; returns -1 so that callers can `return err_set(...)`. */
int	err_set(struct gp_err *e, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Quote an untrusted value for a message: printable ASCII, at most 64
 * characters, the rest elided. out must hold ERR_QUOTE_MAX bytes. */
#define ERR_QUOTE_MAX	(64 * 4 + 8)
const char *err_quote(char *out, const char *val, size_t len);

#endif
