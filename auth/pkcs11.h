/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's client certificate and key on a PKCS#11 token (-c/-k
 * pkcs11:...), through the pkcs11 engine of OpenSSL (libp11). Runs before
 * the sandbox; the URIs are the user's, the module is the one the user
 * names (or p11-kit's proxy), and the key never leaves the token.
 */
#ifndef GPVPN_AUTH_PKCS11_H
#define GPVPN_AUTH_PKCS11_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ipc/err.h"

/*
 * The PIN when the token asks for one: 0 with *pin pointing at a
 * NUL-terminated PIN owned (and wiped) by the caller, or -1 with the
 * reason in e. `token` is the token's label for the prompt.
 */
typedef int	(*pkcs11_pin_fn)(void *arg, const char *token,
		    const char **pin, struct gp_err *e);

/*
 * The certificate named by cert_uri and the private key named by key_uri
 * (NULL: the same URI). 0 with *cert and *key set (the key is a handle
 * into the token), or -1 with e set: a malformed URI, no engine, a module
 * that does not load, no such object, or a PIN the token refused.
 */
int	pkcs11_load(const char *cert_uri, const char *key_uri,
	    pkcs11_pin_fn pin, void *arg, X509 **cert, EVP_PKEY **key,
	    struct gp_err *e);
/*
 * The descriptors opened since pkcs11_load() began and still open: the
 * module's own (a smart card's pcscd socket), which gp-auth's sandbox
 * must not close behind its back. Up to max in fds; returns how many
 * there are. Call it before opening anything else.
 */
size_t	pkcs11_fds(int *fds, size_t max);
/* Release the engine, after the key (which holds a reference to it). */
void	pkcs11_free(void);

#endif
