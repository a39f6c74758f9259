/* SPDX-License-Identifier: ISC */
/*
 * application/x-www-form-urlencoded bodies as GP servers expect them
 * (PROTOCOL.md §2): lowercase %xx, space as %20, alnum and -_.~ literal.
 * Used by gp-auth. Bodies may hold secrets: struct form lives in secret
 * memory and is wiped on free.
 */
#ifndef GPVPN_AUTH_FORM_H
#define GPVPN_AUTH_FORM_H

#include <stddef.h>

#include "ipc/limits.h"	/* FORM_MAX */

struct form {
	size_t	len;
	char	data[FORM_MAX];
	int	overflow;	/* set when an add did not fit */
};

struct form *form_new(void);
void	form_free(struct form *f);
/* key=value, percent-encoded, '&' between fields */
void	form_add(struct form *f, const char *key, const char *value);
/* raw text appended as-is (the literal login prefix, a cookie string) */
void	form_add_raw(struct form *f, const char *text);
/* 0, or -1 if anything overflowed */
int	form_ok(const struct form *f);

/*
 * Percent-encode src into out by the rules above (NUL-terminated); -1 if
 * it does not fit (out is then empty).
 */
int	form_encode(const char *src, char *out, size_t outsz);

/* Percent-decode src into out (NUL-terminated); -1 on bad escapes,
 * embedded NUL or overflow. */
int	form_decode(const char *src, char *out, size_t outsz);
/* The length src decodes to in *len; -1 on a bad escape or a %00. */
int	form_decoded_len(const char *src, size_t *len);

#endif
