/* SPDX-License-Identifier: ISC */
/*
 * Coalescing inner TCP segments on the way to an offloading tun, in
 * gp-tunnel [net]: consecutive decrypted segments of one flow (same
 * addresses, ports, ACK, window and options, contiguous sequence numbers,
 * checksums right) become one super-packet with a virtio-net header
 * (GSO_TCPV4/6) that the kernel takes apart or keeps. The packets passed
 * ESP's integrity check but are otherwise untrusted.
 */
#ifndef GPVPN_TUNNEL_TCPCOAL_H
#define GPVPN_TUNNEL_TCPCOAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunnel/tunvnet.h"

/* The super-packet's bound: an IPv4 total length (64 KiB). */
#define TCPCOAL_MAX_BYTES	65535
#define TCPCOAL_MAX_SEGS	64

enum tcpcoal_res {
	TCPCOAL_HELD = 0,	/* copied into the pending super-packet */
	TCPCOAL_SINGLE,		/* not for coalescing: write it alone */
	TCPCOAL_FLUSH		/* flush the pending one, then add again */
};

/* The pending super-packet, its virtio-net header in front. */
struct tcpcoal {
	size_t		 len;		/* packet bytes held; 0: none */
	size_t		 mss;		/* the first segment's payload */
	unsigned	 nseg;
	bool		 closed;	/* a short or PSH segment ended it */
	uint32_t	 next_seq;
	struct tunvnet_l4 l4;
	uint8_t		 buf[TUNVNET_HDR_BYTES + TCPCOAL_MAX_BYTES];
};

void	tcpcoal_init(struct tcpcoal *c);
/* Offer one decrypted packet (len bytes at p). */
enum tcpcoal_res tcpcoal_add(struct tcpcoal *c, const uint8_t *p,
	    size_t len);
/* Whether a super-packet is pending. */
bool	tcpcoal_pending(const struct tcpcoal *c);
/* Finish the pending packet: its header and bytes at *out (header
 * first), their length; the pending state is cleared. 0 if none. *segs:
 * how many segments it holds. */
size_t	tcpcoal_finish(struct tcpcoal *c, const uint8_t **out,
	    unsigned *segs);

#endif
