/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [priv]'s main loop (priv.c): root with CAP_NET_ADMIN, which
 * checks gp-auth's frames, runs vpnc-script and obeys [net]'s fixed
 * table of messages. Neither peer is trusted.
 */
#ifndef GPVPN_TUNNEL_PRIV_H
#define GPVPN_TUNNEL_PRIV_H

#include "tunnel/privsep.h"

/* Sandbox, scripts, MTU, frames, until [net] exits or the session
 * stops; the exit status. */
int	priv_main(struct privsep_priv *p);

#endif
