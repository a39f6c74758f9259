/* SPDX-License-Identifier: ISC */
/*
 * UDP_GRO on the ESP socket, in gp-tunnel [net]: the kernel hands a run
 * of same-size datagrams from the gateway over as one super-datagram and
 * says the segment size in a cmsg; this splits it back into the ESP
 * datagrams. Its input is untrusted network bytes and a kernel cmsg.
 */
#ifndef GPVPN_TUNNEL_ESPGRO_H
#define GPVPN_TUNNEL_ESPGRO_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A super-datagram is at most one UDP payload; a buffer this large never
 * truncates one. */
#define ESPGRO_MAX_BYTES	65536
/* The control buffer for one UDP_GRO cmsg (an int). */
#define ESPGRO_CTL_BYTES	CMSG_SPACE(sizeof(int))
/* The test hook that forces the fallback (logged when it is honoured). */
#define ESPGRO_OFF_ENV		"GPVPN_TEST_NO_UDP_GRO"

/* Walks the datagrams of one received buffer. */
struct espgro_iter {
	uint8_t	*p;
	size_t	 len, seg, off;
};

/* Ask for UDP_GRO on fd; false: refused (or forced off by the hook), so
 * every datagram arrives on its own. */
bool	espgro_enable(int fd);
/* The segment size from a received message's control data; 0 if there
 * is none (a single datagram) or it is not a sane UDP_GRO cmsg. */
size_t	espgro_segsize(struct msghdr *m);
/* Start walking len bytes at p cut every seg bytes (0: one datagram). */
void	espgro_begin(struct espgro_iter *it, uint8_t *p, size_t len,
	    size_t seg);
/* The next datagram: false when none is left. */
bool	espgro_next(struct espgro_iter *it, uint8_t **d, size_t *len);

#endif
