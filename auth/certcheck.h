/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's early look at -c without -k: a PEM certificate file that
 * holds no private key is named, with the fix (-k KEYFILE), before the
 * loader's OpenSSL error and before any network request. The file is the
 * user's own; it may hold a key, so it is read into secret memory.
 */
#ifndef GPVPN_AUTH_CERTCHECK_H
#define GPVPN_AUTH_CERTCHECK_H

#include "auth/clientcert.h"
#include "ipc/err.h"

/*
 * 0 when o names a key (-k), a pkcs11: URI, a file that is not PEM
 * (PKCS#12 holds its key) or one that cannot be read (clientcert_load
 * says why); -1 with e set when o->cert is PEM and has no PRIVATE KEY
 * block.
 */
int	certcheck_key(const struct clientcert_opts *o, struct gp_err *e);

#endif
