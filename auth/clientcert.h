/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's TLS client certificate (-c/--certificate, -k/--sslkey): PEM
 * or PKCS#12 decoded in memory before the sandbox, or a key on a PKCS#11
 * token (pkcs11.c), the passphrase or PIN from --key-password-fd or the
 * terminal, and the result handed to every new TLS context. The files
 * and URIs are the user's own; the key is a secret.
 */
#ifndef GPVPN_AUTH_CLIENTCERT_H
#define GPVPN_AUTH_CLIENTCERT_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"

#define CLIENTCERT_FILE_MAX	(256 * 1024)	/* larger files refused */
#define CLIENTCERT_PASS_MAX	256		/* with its NUL */

struct clientcert_opts {
	const char	*cert;		/* PEM or PKCS#12 file, or pkcs11: */
	const char	*key;		/* NULL: in the cert file or URI */
	int		 pass_fd;	/* -1: ask on the terminal if needed */
};

/*
 * Load and decode the certificate and key (0, or -1 with e set: a wrong
 * passphrase or PIN, an unreadable or undecodable file, a malformed
 * pkcs11: URI or one matching nothing). A wrong passphrase or PIN is
 * reported before anything goes on the network.
 */
int	clientcert_load(const struct clientcert_opts *o, struct gp_err *e);
/* Put the loaded identity into an SSL_CTX (void * to spare the OpenSSL
 * headers); 0 when none is loaded. */
int	clientcert_apply(void *ssl_ctx);
bool	clientcert_loaded(void);
/*
 * The descriptors a PKCS#11 module opened while loading the key (see
 * pkcs11_fds()), for the sandbox to keep: up to room in fds, and their
 * number, or -1 with e set when there are more than room.
 */
int	clientcert_keep_fds(int *fds, size_t room, struct gp_err *e);
void	clientcert_free(void);

#endif
