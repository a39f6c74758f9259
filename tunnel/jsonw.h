/* SPDX-License-Identifier: ISC */
/*
 * A small JSON writer into a fixed buffer, for gp-tunnel's --status-fd
 * lines: objects, strings, integers, booleans and null, with no
 * allocation. Strings may hold anything (server text): quotes and
 * control bytes are escaped and bytes that are not UTF-8 become U+FFFD.
 */
#ifndef GPVPN_TUNNEL_JSONW_H
#define GPVPN_TUNNEL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_DEPTH_MAX	8

struct jsonw {
	char		*out;
	size_t		 cap, len;	/* cap includes the NUL */
	bool		 failed;	/* no room, or bad nesting */
	int		 depth;
	bool		 first[JSONW_DEPTH_MAX];	/* no member yet */
};

/* out holds cap bytes; it stays NUL-terminated. */
void	jsonw_init(struct jsonw *w, char *out, size_t cap);
void	jsonw_open(struct jsonw *w, const char *key);	/* key NULL: top */
void	jsonw_close(struct jsonw *w);
void	jsonw_str(struct jsonw *w, const char *key, const char *s);
void	jsonw_u64(struct jsonw *w, const char *key, uint64_t v);
void	jsonw_i64(struct jsonw *w, const char *key, int64_t v);
void	jsonw_bool(struct jsonw *w, const char *key, bool v);
void	jsonw_null(struct jsonw *w, const char *key);
/* The text, or NULL if it did not fit or objects are left open. */
const char *jsonw_done(const struct jsonw *w);

#endif
