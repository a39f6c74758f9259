/* SPDX-License-Identifier: ISC */
/*
 * The ESP transport's private state, shared by session_esp.c (keys,
 * socket, rekey, the ops table) and session_espio.c (datagrams in and
 * out in vectors, probes). Not an API: the loop sees only
 * session_esp.h. Runs in [net]; datagrams are untrusted.
 */
#ifndef GPVPN_TUNNEL_SESSION_ESP_INT_H
#define GPVPN_TUNNEL_SESSION_ESP_INT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include "tunnel/esp.h"
#include "tunnel/espgro.h"
#include "tunnel/espstart.h"
#include "tunnel/gpst.h"
#include "tunnel/magic.h"
#include "tunnel/rxaqm.h"
#include "tunnel/session_esp.h"
#include "tunnel/coal.h"
#include "tunnel/tunvnet.h"

#define SESSION_ESP_BATCH	32	/* tun reads / datagrams per wakeup */
/* Datagrams sealed from tun in one turn of the loop, at most (past it,
 * no further tun read): 150-200 us of work here. */
#define SESSION_ESP_TX_BUDGET	(2 * SESSION_ESP_BATCH)
/* One ESP buffer: headers, the largest inner packet, padding and ICV. */
#define SESSION_ESP_INNER_MAX	GPST_MAX_PAYLOAD
#define SESSION_ESP_SLOT_BYTES	\
	(ESP_HEADROOM + SESSION_ESP_INNER_MAX + ESP_TAILROOM)
#define SESSION_ESP_PROBE_BYTES	ESPSTART_PROBE_BYTES	/* espstart.h */

/* Drop reasons past esp_decrypt's own, for the rate-limited log. */
#define SESSION_ESP_DROP_INNER	(ESP_DROP_REASONS + 0)
#define SESSION_ESP_DROP_BIG	(ESP_DROP_REASONS + 1)
#define SESSION_ESP_DROP_EARLY	(ESP_DROP_REASONS + 2)
#define SESSION_ESP_DROP_KINDS	(ESP_DROP_REASONS + 3)

/*
 * The send vector: datagrams sealed in place, packed one after another in
 * one arena, each at a SESSION_ESP_ALIGN boundary (session_espio_slot).
 * Each slot's worst case is a stride, so a batch of the largest inner
 * packets still fits; a batch of MTU-sized ones touches 32 x 1.5 KiB,
 * not 32 x 16 KiB.
 */
#define SESSION_ESP_ALIGN	64
#define SESSION_ESP_STRIDE	\
	((SESSION_ESP_SLOT_BYTES + SESSION_ESP_ALIGN - 1) & \
	~(size_t)(SESSION_ESP_ALIGN - 1))
struct session_esp_vec {
	struct mmsghdr	 msg[SESSION_ESP_BATCH];
	struct iovec	 iov[SESSION_ESP_BATCH];
	size_t		 inner[SESSION_ESP_BATCH];	/* tx: inner bytes */
	uint8_t		 arena[SESSION_ESP_BATCH * SESSION_ESP_STRIDE];
};

/*
 * The receive side: one arena cut into 32 slots of one datagram each, or,
 * with UDP_GRO, into 2 of a whole super-datagram each: a slot must take
 * 64 KiB, and 2 of them hold ~90 datagrams of a coalesced run, enough to
 * pay for the syscall; 8 touched 512 KiB under GRO load (issue 11
 * item 4: [net] <= 4 MiB). A run of single datagrams split over
 * batches is still coalesced (session_espio_recv). Between two rx calls
 * nothing in it lives on, so tx uses its head for a super-packet read
 * from tun (rx and tx are separate phases of the loop, session_loop.c).
 */
#define SESSION_ESP_RX_ARENA	(SESSION_ESP_BATCH * SESSION_ESP_SLOT_BYTES)
#define SESSION_ESP_GRO_SLOTS	2
#define SESSION_ESP_TV_BYTES	(TUNVNET_HDR_BYTES + TUNVNET_PKT_MAX + 1)
/* Each buffer's cmsgs: the UDP_GRO segment size and the receive stamp
 * (too small a room and the kernel drops a cmsg, MSG_CTRUNC). */
#define SESSION_ESP_CTL_BYTES	(ESPGRO_CTL_BYTES + RXAQM_CTL_BYTES)
struct session_esp_rxvec {
	struct mmsghdr	 msg[SESSION_ESP_BATCH];
	struct iovec	 iov[SESSION_ESP_BATCH];
	uint8_t		 ctl[SESSION_ESP_BATCH][SESSION_ESP_CTL_BYTES];
	uint8_t		 arena[SESSION_ESP_RX_ARENA];
};

struct session_esp {
	struct transport_env	*env;
	uint64_t		 gen;		/* of the config in use */
	int			 udp_fd;	/* -1: closed */
	uint16_t		 udp_port;
	struct esp_sa		*sa_out, *sa_in;
	struct esp_sa		*sa_in_old;	/* rekey grace window */
	uint16_t		 probe_seq;
	bool			 rx_more;	/* datagram budget used up */
	bool			 gro;		/* UDP_GRO on udp_fd */
	bool			 gso;		/* UDP_SEGMENT sends */
	bool			 aqm;		/* SO_TIMESTAMPNS on udp_fd */
	/* The receive AQM, and when the batch in hand was read: the wall
	 * clock for sojourns (the kernel stamps with it), the monotonic
	 * one for CoDel's timers (immune to clock steps). */
	struct rxaqm		 codel;
	int64_t			 rx_real_ns, rx_mono_ns;
	uint64_t		 drop_logged[SESSION_ESP_DROP_KINDS];
	uint8_t			 probe[SESSION_ESP_PROBE_BYTES];
	struct session_esp_vec	 vtx;
	struct session_esp_rxvec vrx;
	/* An offloading tun (session_espvnet.c): the inner TCP segments
	 * or UDP datagrams being coalesced for tun. */
	struct coal		 coal;
};

/* session_esp.c */
bool	session_esp_udp_open(struct session_esp *x);
void	session_esp_refused(struct session_esp *x);
void	session_esp_drop(struct session_esp *x, unsigned why,
	    uint64_t *counter);

/* session_espio.c: the ops' I/O half. */
int	session_espio_rx(void *t, const struct pollfd *pfd, int64_t now);
int	session_espio_tx(void *t, int64_t now, bool tun);
void	session_espio_probe(struct session_esp *x);
/* Where slot k of the send arena begins: past slot k-1's datagram. */
uint8_t	*session_espio_slot(struct session_esp *x, unsigned k);
bool	session_espio_seal(struct session_esp *x, unsigned k, size_t n);
void	session_espio_flush(struct session_esp *x, unsigned k);

/* session_espvnet.c: tun with the virtio-net header. */
/* Read one packet (or super-packet) from tun, cut it into slots from
 * *k on, sealed; full slots are flushed. As session_espio_fill. */
int	session_espvnet_fill(struct session_esp *x, unsigned *k);
/* A decrypted packet to tun, perhaps held to coalesce. */
int	session_espvnet_deliver(struct session_esp *x, const uint8_t *p,
	    size_t len);
/* Write the held super-packet, if any. */
int	session_espvnet_flush(struct session_esp *x);

#endif
