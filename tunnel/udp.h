/* SPDX-License-Identifier: ISC */
/*
 * The UDP socket that carries ESP (PROTOCOL.md §7.1), in gp-tunnel:
 * connected to the gateway address from the frame and the CONFIG's
 * udp-port, non-blocking, close-on-exec, with a large receive buffer.
 * Addresses come from a validated config; nothing here reads network bytes.
 */
#ifndef GPVPN_TUNNEL_UDP_H
#define GPVPN_TUNNEL_UDP_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"

/* The receive buffer asked for (capped by net.core.rmem_max): 4 MiB
 * holds ~25 ms of a 1.3 Gbit/s download, a scheduling stall of [net]
 * on a busy core, where the 208 KiB default holds ~1 ms. */
#define UDP_RCVBUF_BYTES	(4 * 1024 * 1024)

/* Returns the fd, or -1 with e set. */
int	udp_open(const struct cfg_addr *gw, uint16_t port, struct gp_err *e);
/* Ask for kernel receive timestamps (SO_TIMESTAMPNS) for the receive
 * AQM (rxaqm.h); false: refused (logged at debug) or forced off by
 * RXAQM_OFF_ENV, so the AQM stays off. */
bool	udp_rxstamp(int fd);
/* The kernel's path MTU to the connected peer; 0 if unknown. */
unsigned udp_path_mtu(int fd, const struct cfg_addr *gw);

#endif
