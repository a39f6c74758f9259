/* SPDX-License-Identifier: ISC */
/*
 * Coalescing inner packets on the way to an offloading tun, in gp-tunnel
 * [net]: consecutive decrypted TCP segments of one flow (same addresses,
 * ports, ACK, window and options, contiguous sequence numbers) or UDP
 * datagrams of one flow (same addresses and ports, same size but a
 * shorter last) become one super-packet with a virtio-net header
 * (GSO_TCPV4/6, GSO_UDP_L4) that the kernel takes apart or keeps. The
 * packets passed ESP's integrity check but are otherwise untrusted.
 */
#ifndef GPVPN_TUNNEL_COAL_H
#define GPVPN_TUNNEL_COAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tunnel/tunvnet.h"

/* The super-packet's bound: an IPv4 total length (64 KiB). The segment
 * bound is also the kernel's for UDP GRO (UDP_GRO_CNT_MAX) and at most
 * its UDP_MAX_SEGMENTS for a UDP_L4 packet from tun. */
#define COAL_MAX_BYTES	65535
#define COAL_MAX_SEGS	64

enum coal_res {
	COAL_HELD = 0,		/* copied into the pending super-packet */
	COAL_SINGLE,		/* not for coalescing: write it alone */
	COAL_FLUSH		/* flush the pending one, then add again */
};

/* The pending super-packet, its virtio-net header in front. */
struct coal {
	bool		 udp;		/* coalesce UDP too (tun takes USO) */
	size_t		 len;		/* packet bytes held; 0: none */
	size_t		 mss;		/* the first segment's payload */
	unsigned	 nseg;
	bool		 closed;	/* a short or PSH segment ended it */
	uint32_t	 next_seq;	/* TCP */
	struct tunvnet_l4 l4;
	uint8_t		 buf[TUNVNET_HDR_BYTES + COAL_MAX_BYTES];
};

/* udp: whether UDP datagrams may be coalesced, i.e. the kernel takes a
 * GSO_UDP_L4 packet written to tun (it took the USO offloads). */
void	coal_init(struct coal *c, bool udp);
/* Offer one decrypted packet (len bytes at p). */
enum coal_res coal_add(struct coal *c, const uint8_t *p, size_t len);
/* Whether a super-packet is pending. */
bool	coal_pending(const struct coal *c);
/* Finish the pending packet: its header and bytes at *out (header
 * first), their length; the pending state is cleared. 0 if none. *segs:
 * how many segments it holds. */
size_t	coal_finish(struct coal *c, const uint8_t **out, unsigned *segs);

#endif
