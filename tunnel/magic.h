/* SPDX-License-Identifier: ISC */
/*
 * The GP "magic ping" (PROTOCOL.md §7.7): ICMP echo requests through ESP
 * from the tunnel address to gw-address, with the 16-byte payload
 * "monitor\0\0pan ha ", used to bring ESP up and as its DPD. Pure code in
 * gp-tunnel's packet process; received packets are untrusted.
 */
#ifndef GPVPN_TUNNEL_MAGIC_H
#define GPVPN_TUNNEL_MAGIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"

#define MAGIC_PAYLOAD_BYTES	16
#define MAGIC_PING4_BYTES	44
#define MAGIC_PING6_BYTES	64

/* Which family the probe uses (§7.7 family rule); CFG_AF_NONE: no ESP. */
uint8_t	magic_family(const struct gp_config *c);
/* Build probe number seq into out (>= MAGIC_PING6_BYTES); returns length
 * or 0 if the config has no usable magic address. */
size_t	magic_build(const struct gp_config *c, uint16_t seq, uint8_t *out,
	    size_t cap);
/* True when pkt is the gateway's reply to a magic ping. */
bool	magic_is_reply(const struct gp_config *c, const uint8_t *pkt,
	    size_t len);

#endif
