/* SPDX-License-Identifier: ISC */
/*
 * OpenSSL's one-time set-up, moved off the connect path: gp-tunnel starts
 * with gp-auth and then waits for the first CONFIG, which comes after the
 * login's round trips; the configuration file and the algorithm fetches a
 * first TLS context makes (a few ms) fit in that wait. Runs in gp-tunnel
 * before the first frame is read; it reads only OpenSSL's own
 * configuration, as the TLS context made later did anyway.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "ipc/log.h"
#include "tunnel/tlswarm.h"

void
tlswarm_run(void)
{
	SSL_CTX *s;

	if (OPENSSL_init_ssl(0, NULL) != 1 ||
	    (s = SSL_CTX_new(TLS_client_method())) == NULL) {
		ERR_clear_error();
		log_debug("OpenSSL set-up deferred to the TLS context");
		return;
	}
	SSL_CTX_free(s);
}
