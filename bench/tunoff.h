/* SPDX-License-Identifier: ISC */
/*
 * tunoff: TCP segmentation and coalescing for bench/esppeer's tun device
 * (IFF_VNET_HDR with TSO4 and checksum offload), so that the gateway's
 * kernel moves 64 KiB super-packets instead of one per segment and the
 * benchmark's gateway side stays cheaper than any client. Inputs are the
 * kernel's packets and the client's decrypted, authenticated ones.
 */
#ifndef GPVPN_BENCH_TUNOFF_H
#define GPVPN_BENCH_TUNOFF_H

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#define TUNOFF_HDR_BYTES	sizeof(struct virtio_net_hdr)
#define TUNOFF_MAX_BYTES	65535
#define TUNOFF_MAX_SEGS		64

/*
 * A packet read from the tun (after its virtio_net_hdr): the number of
 * IP packets it stands for (1 for a plain one), or 0 if it is neither
 * plain nor IPv4 TCP TSO within bounds.
 */
size_t	tunoff_seg_count(const struct virtio_net_hdr *h, const uint8_t *pkt,
	    size_t len);
/* Segment i of it into out (cap bytes), checksums complete; returns its
 * length or 0. For a plain packet, i = 0 copies it and completes a
 * partial checksum. */
size_t	tunoff_seg_build(const struct virtio_net_hdr *h, const uint8_t *pkt,
	    size_t len, size_t i, uint8_t *out, size_t cap);

/* Coalescing of consecutive IPv4 TCP segments of one flow for a write. */
struct tunoff_gro {
	size_t		len;		/* bytes in pkt; 0: empty */
	size_t		mss;		/* payload of the first segment */
	size_t		last;		/* payload of the last segment */
	size_t		segs;
	size_t		hlen;		/* IP + TCP headers */
	uint32_t	next_seq;
	uint8_t		hdr[TUNOFF_HDR_BYTES];	/* just before pkt */
	uint8_t		pkt[TUNOFF_MAX_BYTES];
};

/* Append pkt if it continues the super-packet (or starts one in an empty
 * g); returns 1 if it was taken, 0 if the caller must flush g first (or
 * write pkt alone, when g is empty). */
int	tunoff_gro_add(struct tunoff_gro *g, const uint8_t *pkt, size_t len);
/* Finish g for a write: *out points to header + packet; returns the
 * byte count (0 if g is empty) and empties g. */
size_t	tunoff_gro_take(struct tunoff_gro *g, const uint8_t **out);

#endif
