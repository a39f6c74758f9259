/* SPDX-License-Identifier: ISC */
/*
 * peerpkt: the inner packets bench/esppeer looks at or makes itself, in
 * the benchmark's ESP peer: magic pings (PROTOCOL.md §7.7) and their
 * replies, and the UDP discard-port packets of the packet-rate tests.
 * Inputs are decrypted, authenticated packets; lengths are checked.
 */
#ifndef GPVPN_BENCH_PEERPKT_H
#define GPVPN_BENCH_PEERPKT_H

#include <stddef.h>
#include <stdint.h>

#define PEERPKT_DISCARD_PORT	9

/* An IPv4 ICMP echo request to gw4 with the §7.7 payload? */
int	peerpkt_is_magic(const uint8_t *pkt, size_t len, const uint8_t gw4[4]);
/* Its echo reply into out (len bytes): addresses swapped, checksums
 * redone. Returns the reply's length. */
size_t	peerpkt_magic_reply(const uint8_t *pkt, size_t len, uint8_t *out);
/* IPv4 UDP to the discard port? */
int	peerpkt_is_discard(const uint8_t *pkt, size_t len);
/* A len-byte IPv4 UDP packet src:9 -> dst:9 (20 < len <= 65535). */
void	peerpkt_discard(uint8_t *out, size_t len, const uint8_t src[4],
	    const uint8_t dst[4]);
/* The IP checksum of n bytes, ready to store big-endian. */
uint16_t peerpkt_csum(const uint8_t *p, size_t n);

#endif
