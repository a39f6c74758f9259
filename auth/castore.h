/*
 * gp-auth's trust store: the system CA bundle libcurl was built with and
 * --cafile, read once at start-up (before the sandbox) into one
 * X509_STORE that every TLS context of the run shares. Both files are
 * trusted input: the system's and the user's own.
 */
#ifndef GPVPN_AUTH_CASTORE_H
#define GPVPN_AUTH_CASTORE_H

#include "ipc/err.h"

/*
 * Read the system bundle (a missing or unreadable one is logged: only
 * --cafile and a pin can then verify) and cafile (NULL: none). 0, or -1
 * with e set when cafile cannot be read or holds no certificate.
 */
int	castore_load(const char *cafile, struct gp_err *e);
/* Load one file into the store (castore_load's steps, for the unit
 * tests); *n gets how many certificates it added. */
int	castore_add_file(const char *path, int *n, struct gp_err *e);
/* Hand the store to a new SSL_CTX (void * to spare the OpenSSL headers);
 * -1 when no store was loaded. */
int	castore_apply(void *ssl_ctx);
/* How many certificates the store holds; -1 before castore_load. */
int	castore_count(void);
void	castore_free(void);

#endif
