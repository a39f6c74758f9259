/* SPDX-License-Identifier: ISC */
/*
 * gp-auth --tunnel-socket PATH: connect to gp-tunnel's service socket
 * (gp-tunnel --listen, gp-tunnel.socket) and wait until the service says
 * it accepts us. The same frame stream as --tunnel then runs over it
 * (stay.c), with no program started. The service is trusted only once
 * the kernel says root owns the other end; its frames are untrusted.
 */
#ifndef GPVPN_AUTH_TUNNEL_SOCK_H
#define GPVPN_AUTH_TUNNEL_SOCK_H

#include "ipc/err.h"

/* The service answers an admitted connection at once; a refused one is
 * closed at once. */
#define TUNNEL_SOCK_ACCEPT_WAIT_MS	10000

/*
 * Connect to path, check that root serves it (SO_PEERCRED), and wait for
 * the service's empty STATUS frame ("accepted"). The connected socket
 * (close-on-exec), or -1 with e saying what to check.
 */
int	tunnel_sock_connect(const char *path, struct gp_err *e);

#endif
