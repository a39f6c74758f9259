/* SPDX-License-Identifier: ISC */
/*
 * ECN congestion marks (RFC 3168) on a decrypted inner packet, in
 * gp-tunnel [net]: the receive AQM (rxaqm.h) marks an ECN-capable packet
 * CE instead of dropping it. The packet passed the IP header check
 * (xport_inner_ok); its bytes are still the gateway's, so lengths are
 * checked again here.
 */
#ifndef GPVPN_TUNNEL_IPECN_H
#define GPVPN_TUNNEL_IPECN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ECN field's code points (RFC 3168 §5). */
#define IPECN_NOT_ECT	0x0
#define IPECN_ECT1	0x1
#define IPECN_ECT0	0x2
#define IPECN_CE	0x3

/* Mark an IPv4 or IPv6 packet CE (the IPv4 header checksum updated):
 * true if it was ECN-capable (or CE already), false if not (a Not-ECT
 * packet must be dropped instead) or not an IP header. */
bool	ipecn_mark_ce(uint8_t *p, size_t len);

#endif
