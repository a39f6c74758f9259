/* SPDX-License-Identifier: ISC */
/*
 * SAML hand-over for gp-auth (PROTOCOL.md §3.3, §18): what the prelogin's
 * saml-request points to, and the text that tells the user, as pure
 * functions. The request comes from an untrusted server: only an https://
 * target is ever shown (THREATS 16).
 */
#ifndef GPVPN_AUTH_SAML_H
#define GPVPN_AUTH_SAML_H

#include <stddef.h>

#include "auth/prelogin.h"
#include "auth/resolve.h"
#include "ipc/err.h"

#define SAML_URL_MAX	2048
/* The hand-over text: two URLs, the host twice and the fixed words. */
#define SAML_TEXT_MAX	(2 * SAML_URL_MAX + 2 * CFG_HOST_MAX + 1024)

enum saml_kind {
	SAML_REDIRECT = 1,	/* url: where to log in */
	SAML_POST		/* url: the form's action, "" if not found */
};

/*
 * Decode p->saml_request (base64, checked by prelogin_parse). REDIRECT:
 * the URL, which must be https:// and printable ASCII without spaces.
 * POST: the action of the first <form> if it is such a URL, else "".
 * -1 with e when the URL is not acceptable or does not fit.
 */
int	saml_target(const struct prelogin *p, enum saml_kind *kind,
	    char *url, size_t urlsz, struct gp_err *e);
/*
 * The text that tells the user at the terminal what the iface ("portal"
 * or "gateway") t asks for and how to come back with its cookie: where
 * to log in (saml_target), the gp-saml-gui command, and the gp-auth
 * command for the cookie (clientos is "Linux", "Windows" or "Mac").
 * -1 with e when saml_target refuses, or the text is over outsz.
 */
int	saml_text(const struct prelogin *p, const struct gw_target *t,
	    const char *iface, const char *clientos, char *out, size_t outsz,
	    struct gp_err *e);

#endif
