/*
 * Tunnel MTU when getconfig says 0 (PROTOCOL.md §10). Pure, in gp-tunnel.
 */
#ifndef GPVPN_TUNNEL_MTU_H
#define GPVPN_TUNNEL_MTU_H

#include <stdbool.h>

#include "ipc/config.h"

#define MTU_BASE_DEFAULT	1406
#define MTU_BASE_MIN		1280

/* base: path MTU to the gateway (0 = unknown); mss: TCP MSS (0 = unknown)*/
unsigned mtu_https(unsigned base, unsigned mss, bool peer_v6);
unsigned mtu_esp(unsigned base, bool peer_v6, uint8_t mac);

#endif
