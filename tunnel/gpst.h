/* SPDX-License-Identifier: ISC */
/*
 * GPST framing of the HTTPS tunnel (PROTOCOL.md §8.3), pure code used by
 * gp-tunnel: encode a header for an outgoing packet, and reassemble the
 * incoming byte stream into packets whatever the TLS record boundaries.
 * Input is untrusted.
 */
#ifndef GPVPN_TUNNEL_GPST_H
#define GPVPN_TUNNEL_GPST_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/buf.h"
#include "ipc/err.h"

#define GPST_HDR_BYTES		16
#define GPST_MAGIC		0x1a2b3c4dU
#define GPST_ETH_KEEPALIVE	0x0000
#define GPST_ETH_IPV4		0x0800
#define GPST_ETH_IPV6		0x86dd
#define GPST_MAX_PAYLOAD	16384	/* servers exceed the MTU (§8.3) */

/*
 * Receive policy (THREATS.md 17). Fatal to the session, because the stream
 * can no longer be trusted to be in step: a bad magic, and a length over
 * GPST_MAX_PAYLOAD. Dropped and counted, because the length field keeps
 * the stream in step: an unknown EtherType (OpenConnect kills the session;
 * we need not), a keepalive with a payload or non-zero bytes 8..15, an
 * empty data frame, an IP version that disagrees with the EtherType, and
 * an IPv4/IPv6 length field that disagrees with the frame length. Bytes
 * 8..15 of data frames (01 00 .. 00 from OpenConnect) are reserved and not
 * checked: dropping traffic over them would buy nothing.
 */
enum gpst_rx_result {
	GPST_RX_FATAL = -1,	/* e says why; the reassembler stays dead */
	GPST_RX_MORE = 0,	/* input used up, frame not complete */
	GPST_RX_PACKET = 1,	/* *p holds an IP packet */
	GPST_RX_KEEPALIVE = 2,
	GPST_RX_DROPPED = 3	/* e says why; go on calling */
};

struct gpst_pkt {
	const uint8_t	*data;	/* valid until the next call */
	size_t		 len;
	uint16_t	 ethertype;
};

/* Reassembly state: one frame at most, no allocation. */
struct gpst_rx {
	size_t	have;		/* bytes of the current frame in buf */
	size_t	want;		/* GPST_HDR_BYTES, then header + payload */
	int	dead;		/* a fatal error was seen */
	uint8_t	buf[GPST_HDR_BYTES + GPST_MAX_PAYLOAD];
};

void	gpst_rx_init(struct gpst_rx *r);
/*
 * Take bytes from in (any split of the stream) until one frame is whole,
 * then return what it was. Call again until GPST_RX_MORE: in may hold
 * several frames. A packet is returned in place in the input when it lies
 * whole in it, else from r->buf.
 */
int	gpst_rx_next(struct gpst_rx *r, struct buf *in, struct gpst_pkt *p,
	    struct gp_err *e);

/* Header for an IP packet of len bytes (version nibble 4 or 6); 0/-1. */
int	gpst_encode(uint8_t hdr[GPST_HDR_BYTES], const uint8_t *pkt,
	    size_t len, struct gp_err *e);
/* 1a2b3c4d 0000 0000 0000000000000000 */
void	gpst_encode_keepalive(uint8_t hdr[GPST_HDR_BYTES]);

#endif
