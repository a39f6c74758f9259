/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's login step (PROTOCOL.md §5, and the portal's §4.1): the
 * credentials, the login form, the 2FA challenge rounds, and the
 * gateway's whole login (prelogin, credentials, rounds, a new try after
 * a wrong password). Runs in gp-auth; answers are untrusted (login.c
 * parses them), and the password never leaves secret memory.
 */
#ifndef GPVPN_AUTH_FLOW_LOGIN_H
#define GPVPN_AUTH_FLOW_LOGIN_H

#include <stdbool.h>

#include "auth/flow_int.h"
#include "auth/http.h"

/* Where the rounds go, and what they report besides their result. */
struct flow_login_at {
	const char		*name;		/* for the messages */
	const char		*path;		/* login.esp, or the portal's
						 * getconfig.esp */
	struct http_resp	*policy;	/* portal: the <policy>, in
						 * the handle's memory until
						 * the next request; or NULL */
	char			*keep;		/* NULL, or CREDS_MAX of secret
						 * memory for the first
						 * password (§4.4) */
	bool			 challenged;	/* out: a 2FA round came */
};

/* User name from -u or the terminal, then the password. 0 or -1. */
int	flow_login_credentials(struct flow *f);
/*
 * Login rounds at->path: OK when a JNLP filled the cookie (gateway) or
 * at->policy holds the portal's configuration; BAD_PASSWD on HTTP 512
 * to the password; NOT_IFACE when the server says it is not that
 * interface; else FAIL. HTTP 512 to a 2FA answer is a refused code: on
 * a terminal the password goes again for a new challenge and the code
 * is asked again (FLOW_PASSWD_TRIES codes), else FAIL, never BAD_PASSWD
 * (the password was right: no new user name is asked for).
 */
enum flow_res flow_login_rounds(struct flow *f, struct flow_login_at *at);
/* After a result: true when the user may type the password again
 * (HTTP 512, on a terminal, fewer than FLOW_PASSWD_TRIES tries). */
bool	flow_login_again(struct flow *f, enum flow_res res, int tries);
/* Gateway prelogin, credentials and login rounds (§3, §5). */
enum flow_res flow_login_gateway(struct flow *f);
/* At the gateway in f->t: the portal's form again with pw (§4.4), else
 * (pw NULL, or HTTP 512) the gateway's own login. had_alt: the portal
 * took a SAML cookie (pw is used up after one try). */
enum flow_res flow_login_blind(struct flow *f, const char *pw,
	    bool had_alt);

#endif
