/* SPDX-License-Identifier: ISC */
/*
 * The getconfig.esp answer (PROTOCOL.md §6.2) for gp-auth: a pure parser
 * of the tunnel's addresses, DNS, routes and timers; the <ipsec> block is
 * getconfig_esp.c's. The body comes from an untrusted server.
 */
#ifndef GPVPN_AUTH_GETCONFIG_H
#define GPVPN_AUTH_GETCONFIG_H

#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"

/*
 * Fills the tunnel fields of c (ip4/6, mtu, dns, nbns, suffix, routes,
 * timers, tunnel_path, esp). It does not touch gw_*, authcookie or user.
 * Unknown elements are ignored; values of the elements used are strict.
 * Calls config_validate() on nothing: the caller validates once the
 * gateway fields are filled in.
 */
int	getconfig_parse(const char *body, size_t len, struct gp_config *c,
	    struct gp_err *e);

#endif
