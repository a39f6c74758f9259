/* SPDX-License-Identifier: ISC */
/*
 * The saved login fields of gp-auth (PROTOCOL.md §5.3) and OpenConnect's
 * cookie string built from them or parsed back. The string to parse is
 * untrusted (a server's or the user's); authcookie is a secret: a struct
 * gp_cookie lives in secret memory (cookie_new/free).
 */
#ifndef GPVPN_AUTH_COOKIE_H
#define GPVPN_AUTH_COOKIE_H

#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"

/* The fields, URL-decoded. */
struct gp_cookie {
	char	authcookie[CFG_AUTHCOOKIE_MAX + 1];
	char	portal[COOKIE_FIELD_MAX + 1];
	char	user[CFG_USER_MAX + 1];
	char	domain[COOKIE_FIELD_MAX + 1];
	char	preferred_ip[CFG_ADDR_STR_MAX];
	char	preferred_ipv6[CFG_ADDR_STR_MAX];
	char	computer[COOKIE_FIELD_MAX + 1];
};
struct gp_cookie *cookie_new(void);
void	cookie_free(struct gp_cookie *c);

/* OpenConnect's cookie string (§5.3): build and parse (COOKIE_STR_MAX). */
int	cookie_format(const struct gp_cookie *c, char *out, size_t outsz);
int	cookie_parse(const char *s, struct gp_cookie *c, struct gp_err *e);
/* The md5 input of PROTOCOL.md §11.2 */
int	cookie_format_hip(const struct gp_cookie *c, char *out, size_t outsz);

#endif
