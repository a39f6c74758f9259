/* SPDX-License-Identifier: ISC */
/*
 * The login.esp answer and the portal's getconfig challenge (PROTOCOL.md
 * §5.2, §5.5) for gp-auth: a pure parser. The body comes from an
 * untrusted server; no I/O, no globals, no logging.
 */
#ifndef GPVPN_AUTH_LOGIN_H
#define GPVPN_AUTH_LOGIN_H

#include <stddef.h>

#include "auth/cookie.h"
#include "auth/parselim.h"
#include "ipc/err.h"

enum login_kind {
	LOGIN_JNLP = 1,		/* success: cookie filled */
	LOGIN_CHALLENGE = 2	/* 2FA: prompt + input_str */
};
struct login_result {
	enum login_kind	kind;
	char	auth_source[PARSE_NAME_MAX];	/* arg 5, for display */
	int	password_expiry_days;		/* arg 13, -1 if absent */
	char	prompt[PARSE_TEXT_MAX];
	char	input_str[PARSE_INPUTSTR_MAX];
};
/* cookie receives the saved fields (computer is left to the caller). */
int	login_parse(const char *body, size_t len, struct login_result *r,
	    struct gp_cookie *cookie, struct gp_err *e);

#endif
