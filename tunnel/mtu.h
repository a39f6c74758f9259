/* SPDX-License-Identifier: ISC */
/*
 * Tunnel MTU when getconfig says 0 (PROTOCOL.md §10), and the floor that
 * a tunnel carrying IPv6 keeps. Pure, in gp-tunnel ([net] and [priv]).
 */
#ifndef GPVPN_TUNNEL_MTU_H
#define GPVPN_TUNNEL_MTU_H

#include <stdbool.h>

#include "ipc/config.h"

#define MTU_BASE_DEFAULT	1406
#define MTU_BASE_MIN		1280
/* RFC 8200 §5. Below it Linux removes every IPv6 address and route from
 * the link, so IPv6 would leave outside the tunnel. */
#define MTU_IPV6_MIN		1280

/* base: path MTU to the gateway (0 = unknown); mss: TCP MSS (0 = unknown)*/
unsigned mtu_https(unsigned base, unsigned mss, bool peer_v6);
unsigned mtu_esp(unsigned base, bool peer_v6, uint8_t mac);

/* Does the tunnel carry IPv6: an IPv6 tunnel address, not --disable-ipv6 */
bool	mtu_inner_v6(const struct gp_config *c, bool no_ipv6);
/* mtu, raised to MTU_IPV6_MIN when inner_v6 (0 stays 0: unknown). */
unsigned mtu_floor(unsigned mtu, bool inner_v6);
/* The tun MTU: the gateway's <mtu> if not 0, else the transport's,
 * then mtu_floor(). */
unsigned mtu_tunnel(unsigned cfg_mtu, unsigned transport_mtu,
	    bool inner_v6);

#endif
