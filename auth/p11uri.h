/* SPDX-License-Identifier: ISC */
/*
 * PKCS#11 URIs (RFC 7512) as gp-auth's -c/-k take them: validated and
 * decoded into the parts the OpenSSL pkcs11 engine and the error messages
 * need. The text comes from the user's command line: bounded, checked
 * byte by byte, refused rather than trimmed. A pure parser (fuzzed).
 */
#ifndef GPVPN_AUTH_P11URI_H
#define GPVPN_AUTH_P11URI_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"

#define P11URI_SCHEME		"pkcs11:"
#define P11URI_MAX		1024	/* bytes of a URI; longer refused */
#define P11URI_VALUE_MAX	255	/* decoded bytes of one attribute */

enum p11uri_type {
	P11URI_TYPE_ANY,		/* no type= */
	P11URI_TYPE_CERT,		/* type=cert */
	P11URI_TYPE_PRIVATE,		/* type=private */
};

struct p11uri {
	/* "pkcs11:" and the path attributes as given, less type= and the
	 * query: the engine's text (it finds certs and keys by itself). */
	char		 engine[P11URI_MAX + 1];
	char		 token[P11URI_VALUE_MAX + 1];	/* decoded; "" none */
	char		 object[P11URI_VALUE_MAX + 1];	/* decoded; "" none */
	size_t		 id_len;			/* decoded id= bytes */
	bool		 has_id;
	char		 module[P11URI_VALUE_MAX + 1];	/* module-path; "" */
	enum p11uri_type type;
};

/* Whether s names a token ("pkcs11:", the scheme in any case) rather
 * than a file. */
bool	p11uri_is(const char *s);
/*
 * Parse "pkcs11:" path [ "?" query ]. Path attributes: token,
 * manufacturer, serial, model, object, id and type (cert or private),
 * each once and not empty; the query: module-path (an absolute path)
 * only. pin-value and pin-source are refused: a PIN in argv is seen by
 * every user of the machine. 0, or -1 with e naming the attribute.
 */
int	p11uri_parse(const char *s, struct p11uri *u, struct gp_err *e);

#endif
