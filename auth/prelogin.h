/* SPDX-License-Identifier: ISC */
/*
 * The prelogin.esp answer (PROTOCOL.md §3.2) for gp-auth: a pure parser,
 * bytes in, struct and error out. The body comes from an untrusted
 * server; no I/O, no globals, no logging.
 */
#ifndef GPVPN_AUTH_PRELOGIN_H
#define GPVPN_AUTH_PRELOGIN_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/parselim.h"
#include "ipc/err.h"

struct prelogin {
	char	region[PARSE_NAME_MAX];
	char	auth_message[PARSE_TEXT_MAX];
	char	username_label[PARSE_NAME_MAX];
	char	password_label[PARSE_NAME_MAX];
	bool	saml;			/* saml-auth-method + saml-request */
	char	saml_method[16];	/* REDIRECT or POST */
	char	saml_request[PARSE_SAML_MAX];	/* still base64 */
};
/* 0 on <status>Success; -1 with the server's <msg> (or a parse error). */
int	prelogin_parse(const char *body, size_t len, struct prelogin *p,
	    struct gp_err *e);

#endif
