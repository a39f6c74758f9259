/* SPDX-License-Identifier: ISC */
/*
 * The HTTPS tunnel as a transport of gp-tunnel's packet loop
 * (PROTOCOL.md §8): GPST frames over TLS, a queue of whole frames,
 * keepalives and dead-peer detection. Runs in [net]; the bytes it reads
 * are untrusted and deframed by gpst.c.
 */
#ifndef GPVPN_TUNNEL_SESSION_HTTPS_H
#define GPVPN_TUNNEL_SESSION_HTTPS_H

#include "tunnel/https.h"
#include "tunnel/transport_ops.h"

extern const struct transport_ops session_https_ops;

/* NULL when out of memory. */
void	*session_https_new(struct transport_env *env);
/* Carry on with a tunnel the caller opened (session_io.first). */
void	session_https_adopt(void *t, struct https_tunnel *tun, int64_t now);
/* Tests only: shorter keepalive and dead-peer times (milliseconds). */
void	session_https_set_timers(int keepalive_ms, int dead_ms);

#endif
