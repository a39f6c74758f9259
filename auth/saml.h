/*
 * SAML hand-over for gp-auth (PROTOCOL.md §3.3, §18): what the prelogin's
 * saml-request points to, as a pure function. The request comes from an
 * untrusted server: only an https:// target is ever shown (THREATS 16).
 */
#ifndef GPVPN_AUTH_SAML_H
#define GPVPN_AUTH_SAML_H

#include <stddef.h>

#include "auth/parse.h"
#include "ipc/err.h"

#define SAML_URL_MAX	2048

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

#endif
