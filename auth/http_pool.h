/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's HTTPS handles, one per origin (https, host, port) for the
 * whole run: every request to an origin goes through its handle, so it
 * reuses that handle's TLS connection and cookie jar (portal, then a
 * gateway on the same host; rekey getconfig, HIP and logout), and another
 * origin gets another handle with an empty jar. No untrusted input here.
 */
#ifndef GPVPN_AUTH_HTTP_POOL_H
#define GPVPN_AUTH_HTTP_POOL_H

#include "auth/http.h"
#include "auth/resolve.h"
#include "ipc/err.h"

/* Handles open at once: the command line's origin, the gateway being
 * tried (the failover closes each one it gives up) and slack. */
#define HTTP_POOL_MAX	4

struct http_pool;

struct http_pool *http_pool_new(void);
/* Closes every handle: connections, jars and their secret memory. */
void	http_pool_free(struct http_pool *p);
/* The handle kept for t's origin, or NULL. */
struct http *http_pool_find(const struct http_pool *p,
	    const struct gw_target *t);
/* A new handle for o->target's origin, which has none yet; NULL with e
 * set on failure or when HTTP_POOL_MAX handles are open. */
struct http *http_pool_open(struct http_pool *p, const struct http_opts *o,
	    struct gp_err *e);
/* Close h (its connection, its jar) and forget it: for an origin the run
 * will not ask again. h must be one of p's. */
void	http_pool_close(struct http_pool *p, struct http *h);
/* Close every handle but keep (logged in there: the session asks no
 * other origin again); returns how many were closed. */
size_t	http_pool_keep(struct http_pool *p, const struct http *keep);
/* http_idle() on every handle: the session between its requests. */
void	http_pool_idle(struct http_pool *p);
/* How many handles are open, for the tests. */
size_t	http_pool_count(const struct http_pool *p);

#endif
