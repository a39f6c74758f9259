/* SPDX-License-Identifier: ISC */
/*
 * Internals of gp-tunnel's HTTPS tunnel, shared by https.c (the open
 * tunnel's I/O, the open sequence), https_ctx.c (TLS context, pin
 * check), https_conn.c (TCP and TLS connect), https_request.c (the GET)
 * and https_reply.c (START_TUNNEL). Not an API. Runs in [net]; every
 * byte read from the gateway is untrusted.
 */
#ifndef GPVPN_TUNNEL_HTTPS_INT_H
#define GPVPN_TUNNEL_HTTPS_INT_H

#include <signal.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "ipc/config.h"
#include "ipc/err.h"
#include "tunnel/https.h"

struct https_ctx {
	SSL_CTX			*ssl_ctx;
	BIO_METHOD		*bio_meth;	/* socket BIO, MSG_NOSIGNAL */
	EVP_MD			*sha256;	/* fetched before the sandbox */
	volatile sig_atomic_t	*cancel;
};

enum https_pin_state {
	HTTPS_PIN_UNSEEN = 0,
	HTTPS_PIN_MATCHED,
	HTTPS_PIN_MISMATCH
};

struct https_tunnel {
	int		fd;
	SSL		*ssl;
	int		pin_state;		/* enum https_pin_state */
	uint8_t		pin[CFG_PIN_BYTES];	/* what we expect */
	uint8_t		seen[CFG_PIN_BYTES];	/* what the gateway showed */
};

/* https.c: an OpenSSL return turned into HTTPS_IO_*, e set on error. */
long	https_io_result(struct https_tunnel *t, int ret, const char *what,
	    struct gp_err *e);

/* https_conn.c: the connection, each step bounded by the deadline. */
int	https_conn_wait(const struct https_ctx *x, int fd, short events,
	    int64_t deadline, const char *what, struct gp_err *e);
/* r is HTTPS_IO_WANT_*: wait for it; 0, or -1 with e set. */
long	https_conn_step(const struct https_ctx *x, struct https_tunnel *t,
	    long r, int64_t deadline, const char *what, struct gp_err *e);
/* The gateway, or the proxy on the way to it: the fd, or -1. */
int	https_conn_tcp(const struct https_ctx *x, const struct gp_config *c,
	    int64_t deadline, struct gp_err *e);
int	https_conn_handshake(struct https_ctx *x, struct https_tunnel *t,
	    const struct gp_config *c, int64_t deadline, struct gp_err *e);
int	https_conn_check_pin(const struct https_tunnel *t, struct gp_err *e);

/* https_request.c: the GET with the cookie, written whole. */
int	https_request_send(const struct https_ctx *x, struct https_tunnel *t,
	    const struct gp_config *c, int64_t deadline, struct gp_err *e);

/* https_reply.c: START_TUNNEL, or the reason there is none. */
int	https_reply_read(const struct https_ctx *x, struct https_tunnel *t,
	    int64_t deadline, struct gp_err *e);

#endif
