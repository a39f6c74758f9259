/* SPDX-License-Identifier: ISC */
/*
 * The virtio-net header of an offloading tun (IFF_VNET_HDR), in gp-tunnel
 * [net]: parsing it, walking the IP/TCP/UDP headers of the packet behind
 * it, cutting a TSO/USO super-packet into MSS-sized packets with their
 * checksums, and finishing a partial checksum. The bytes come from the
 * local kernel but are checked as untrusted: pure code, no I/O.
 */
#ifndef GPVPN_TUNNEL_TUNVNET_H
#define GPVPN_TUNNEL_TUNVNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/err.h"

#define TUNVNET_HDR_BYTES	10	/* struct virtio_net_hdr */
/* The largest packet behind a header: an IPv4 total length / IPv6
 * payload length fits 16 bits (no BIG TCP). */
#define TUNVNET_PKT_MAX		(65535 + 40)
/* A super-packet cut in more pieces is refused (gso_size too small). */
#define TUNVNET_MAX_SEGS	256

/* virtio_net_hdr values (linux/virtio_net.h; UDP_L4 is not in Debian
 * 12's copy). */
#define TUNVNET_F_NEEDS_CSUM	1
#define TUNVNET_F_DATA_VALID	2
#define TUNVNET_GSO_NONE	0
#define TUNVNET_GSO_TCPV4	1
#define TUNVNET_GSO_TCPV6	4
#define TUNVNET_GSO_UDP_L4	5
#define TUNVNET_GSO_ECN		0x80

/* The header, in host order (a tun without TUNSETVNETLE/BE speaks the
 * host's). */
struct tunvnet_hdr {
	uint8_t		flags, gso_type;
	uint16_t	hdr_len, gso_size, csum_start, csum_offset;
};

/* Where a packet's transport header is. */
struct tunvnet_l4 {
	unsigned	ipv;		/* 4 or 6 */
	uint8_t		proto;		/* IPPROTO_TCP, IPPROTO_UDP, ... */
	size_t		off;		/* of the TCP/UDP header */
	size_t		hlen;		/* all headers: off + TCP/UDP's */
};

/* How one packet read from tun goes out: nseg packets of at most
 * hlen + mss bytes (nseg 1 and mss 0: as it is). */
struct tunvnet_plan {
	const uint8_t	*p;
	size_t		 len, mss;
	unsigned	 nseg;
	struct tunvnet_l4 l4;
};

void	tunvnet_hdr_get(struct tunvnet_hdr *h,
	    const uint8_t b[TUNVNET_HDR_BYTES]);
void	tunvnet_hdr_put(uint8_t b[TUNVNET_HDR_BYTES],
	    const struct tunvnet_hdr *h);
/* Walk the IP header (IPv4 with options; IPv6 with hop-by-hop and
 * destination options; no fragments, no routing header, no jumbograms):
 * the total length must be len. TCP/UDP headers must be complete. */
int	tunvnet_l4_find(const uint8_t *p, size_t len, struct tunvnet_l4 *l4,
	    struct gp_err *e);
/* Check a packet and its header; segmax: the largest packet one segment
 * may be. A non-GSO packet with NEEDS_CSUM gets its checksum finished in
 * place (so p is writable). */
int	tunvnet_plan(struct tunvnet_plan *g, const struct tunvnet_hdr *h,
	    uint8_t *p, size_t len, size_t segmax, struct gp_err *e);
/* Segment i of the plan into out (cap bytes): its length, 0 if it does
 * not fit (a bug: the plan checked segmax). */
size_t	tunvnet_seg(const struct tunvnet_plan *g, unsigned i, uint8_t *out,
	    size_t cap);

/* Internet checksums: add len bytes to a running sum; fold it to 16
 * bits in host order (store with memcpy; the checksum field takes its
 * complement); the pseudo-header sum of a packet whose transport header
 * is at l4 and l4len (<= 65535) bytes long. */
uint64_t tunvnet_sum(uint64_t sum, const uint8_t *p, size_t len);
uint16_t tunvnet_fold(uint64_t sum);
uint64_t tunvnet_pseudo(const uint8_t *p, const struct tunvnet_l4 *l4,
	    size_t l4len);
/* The full TCP/UDP checksum of packet p (l4 found): true if it is right. */
bool	tunvnet_l4_csum_ok(const uint8_t *p, size_t len,
	    const struct tunvnet_l4 *l4);

#endif
