/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's trust store: the CAs libcurl would trust by default (its
 * system bundle; with --cafile, that file and the system's directory of
 * hashed names, as libcurl did), set up once at start-up, before the
 * sandbox, in one X509_STORE that every TLS context of the run shares.
 * The files are trusted input: the system's and the user's own.
 */
#ifndef GPVPN_AUTH_CASTORE_H
#define GPVPN_AUTH_CASTORE_H

#include "ipc/err.h"

/*
 * Without cafile (NULL), read the system bundle whole (a missing one is
 * logged: only a pin can then verify). With cafile, read it whole, and
 * add the system's directory, whose files are read only when a chain
 * needs one of them, at most once each (no directory: the bundle, whole).
 * 0, or -1 with e set when cafile cannot be read or has no certificate.
 */
int	castore_load(const char *cafile, struct gp_err *e);
/* castore_load's steps, for the unit tests: one file now (*n gets how
 * many certificates it added), or a directory of hashed names. */
int	castore_add_file(const char *path, int *n, struct gp_err *e);
int	castore_add_dir(const char *dir, struct gp_err *e);
/* Hand the store to a new SSL_CTX (void * to spare the OpenSSL headers);
 * -1 when no store was loaded. */
int	castore_apply(void *ssl_ctx);
/* How many certificates the store holds; -1 before castore_load. */
int	castore_count(void);
void	castore_free(void);

#endif
