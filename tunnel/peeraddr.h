/* SPDX-License-Identifier: ISC */
/*
 * A gateway or proxy address from a validated CONFIG as a sockaddr, for
 * gp-tunnel's TCP (https_conn.c) and UDP (udp.c) sockets. Runs in [net];
 * its input is a checked config, not network bytes.
 */
#ifndef GPVPN_TUNNEL_PEERADDR_H
#define GPVPN_TUNNEL_PEERADDR_H

#include <sys/socket.h>

#include <stdint.h>

#include "ipc/config.h"

/* Fill ss; its length, or 0 for an address of no usable family. */
socklen_t peeraddr_make(const struct cfg_addr *a, uint16_t port,
	    struct sockaddr_storage *ss);

#endif
