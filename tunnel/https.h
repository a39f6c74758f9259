/* SPDX-License-Identifier: ISC */
/*
 * The HTTPS tunnel of PROTOCOL.md §8, in gp-tunnel: a TLS connection to
 * the gateway address from the frame, pinned to the SPKI SHA-256 that
 * gp-auth verified (no CA check, no name lookup), the header-less GET,
 * START_TUNNEL, then 16-byte GPST framing. Everything read is untrusted.
 */
#ifndef GPVPN_TUNNEL_HTTPS_H
#define GPVPN_TUNNEL_HTTPS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"

struct https_tunnel;

/* OpenSSL context with the pin check installed; made before the sandbox. */
struct https_ctx;
struct https_ctx *https_ctx_new(const struct gp_config *c, struct gp_err *e);
void	https_ctx_free(struct https_ctx *x);

#define HTTPS_CONNECT_TIMEOUT_MS	15000
enum https_open_result {
	HTTPS_OPEN_OK = 0,
	HTTPS_OPEN_ERROR = -1,
	HTTPS_OPEN_COOKIE_REJECTED = -2	/* HTTP 502: exit status 2 */
};
/* Connect, handshake, check the pin, request, expect START_TUNNEL. */
int	https_open(struct https_ctx *x, const struct gp_config *c,
	    struct https_tunnel **t, struct gp_err *e);
void	https_close(struct https_tunnel *t);
int	https_fd(const struct https_tunnel *t);

/*
 * Additions (helper C1). Waits in https_open() end early, with an error,
 * once *flag is non-zero (SIGINT/SIGTERM); NULL means never.
 */
void	https_ctx_set_cancel(struct https_ctx *x, volatile sig_atomic_t *flag);

/*
 * Non-blocking I/O on an open tunnel, for the packet loop. Both return the
 * byte count (> 0), HTTPS_IO_CLOSED when the gateway closed, WANT_READ or
 * WANT_WRITE (poll the fd for that, then call again with the same
 * arguments), or HTTPS_IO_ERROR with e set. Writes may be partial.
 */
#define HTTPS_IO_CLOSED		0
#define HTTPS_IO_ERROR		(-1)
#define HTTPS_IO_WANT_READ	(-2)
#define HTTPS_IO_WANT_WRITE	(-3)
long	https_read(struct https_tunnel *t, void *buf, size_t len,
	    struct gp_err *e);
long	https_write(struct https_tunnel *t, const void *buf, size_t len,
	    struct gp_err *e);
/* Bytes held inside TLS that poll() on the fd will not announce. */
bool	https_pending(const struct https_tunnel *t);

/* Pure helpers, exposed for the tests. */
#define HTTPS_START_TUNNEL	"START_TUNNEL"
#define HTTPS_REPLY_MAX		1024	/* cap on a non-START_TUNNEL answer */
/* The header-less GET of PROTOCOL.md §8.1; returns its length or -1. */
int	https_request_build(char *out, size_t outsz, const char *path,
	    const char *cookie, const char *user, struct gp_err *e);
/* "HTTP/1.x NNN[ reason]" (line without CRLF); 0 and *status, or -1. */
int	https_reply_status(const char *line, size_t len, int *status,
	    struct gp_err *e);
/*
 * The answer to the request, read through rd (bytes, 0 at EOF, or -1
 * with e set) in pieces of at most len: HTTPS_OPEN_OK after exactly the
 * 12 bytes START_TUNNEL, else HTTPS_OPEN_ERROR or _COOKIE_REJECTED with
 * e saying why. Never reads more than HTTPS_REPLY_MAX bytes.
 */
int	https_reply_collect(long (*rd)(void *arg, void *buf, size_t len,
	    struct gp_err *e), void *arg, struct gp_err *e);

#endif
