/* SPDX-License-Identifier: ISC */
/*
 * The tun device, in gp-tunnel: created (IFF_TUN | IFF_NO_PI) while the
 * process still holds CAP_NET_ADMIN, then only read and written.
 */
#ifndef GPVPN_TUNNEL_TUN_H
#define GPVPN_TUNNEL_TUN_H

#include <net/if.h>
#include <stdbool.h>

#include "ipc/err.h"

/* name: requested name or "" for the kernel's choice (tunN); on success it
 * holds the real name. Returns the fd (O_NONBLOCK, O_CLOEXEC) or -1. */
int	tun_open(char name[IFNAMSIZ], struct gp_err *e);
/* name is "" or at most IFNAMSIZ-1 of [A-Za-z0-9_.-], not "."/".." */
bool	tun_name_ok(const char *name);

#endif
