/*
 * Internals shared by session.c (the loop, HTTPS) and session_esp.c (the
 * ESP path) of gp-tunnel's packet process. Not an API: only these two
 * files include it. Everything the session reads from the network is
 * untrusted.
 */
#ifndef GPVPN_TUNNEL_SESSION_INT_H
#define GPVPN_TUNNEL_SESSION_INT_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>

#include "tunnel/backoff.h"
#include "tunnel/esp.h"
#include "tunnel/gpst.h"
#include "tunnel/magic.h"
#include "tunnel/session.h"
#include "tunnel/transport.h"

#define SESSION_BATCH_PKTS	32	/* tun reads / datagrams per wakeup */
#define SESSION_RX_BATCH	64	/* TLS reads per wakeup */
#define SESSION_TXQ_BYTES	(128 * 1024)
#define SESSION_TUN_READ_BYTES	(GPST_MAX_PAYLOAD + 1)	/* +1: oversize */
#define SESSION_FRAME_ROOM	(GPST_HDR_BYTES + SESSION_TUN_READ_BYTES)
/* One ESP buffer: headers, the largest inner packet, padding and ICV. */
#define SESSION_ESP_INNER_MAX	GPST_MAX_PAYLOAD
#define SESSION_ESP_SLOT_BYTES	\
	(ESP_HEADROOM + SESSION_ESP_INNER_MAX + ESP_TAILROOM)
#define SESSION_PROBE_BYTES	\
	(ESP_HEADROOM + MAGIC_PING6_BYTES + ESP_TAILROOM)

/* Drop reasons past esp_decrypt's own, for the rate-limited log. */
#define SESSION_DROP_INNER	(ESP_DROP_REASONS + 0)
#define SESSION_DROP_BIG	(ESP_DROP_REASONS + 1)
#define SESSION_DROP_EARLY	(ESP_DROP_REASONS + 2)
#define SESSION_DROP_KINDS	(ESP_DROP_REASONS + 3)

/* Step results besides the exit statuses 0, 1 and 2. */
#define SESSION_GO		(-1)
#define SESSION_RECONNECT	(-2)

/* A vector of datagrams for recvmmsg/sendmmsg over a fixed pool. */
struct session_vec {
	struct mmsghdr	 msg[SESSION_BATCH_PKTS];
	struct iovec	 iov[SESSION_BATCH_PKTS];
	size_t		 inner[SESSION_BATCH_PKTS];	/* tx: inner bytes */
	uint8_t		 slot[SESSION_BATCH_PKTS][SESSION_ESP_SLOT_BYTES];
};

struct session {
	struct session_io	*io;
	struct tunnel_stats	*st;
	bool			 started;	/* session_start succeeded */
	unsigned		 mtu;		/* of the transport in use */

	/* HTTPS */
	struct https_tunnel	*t;
	int			 ctl_fd;
	int64_t			 up_since, last_rx, last_tx;
	int64_t			 tx_blocked_since;	/* 0: not blocked */
	bool			 dpd_sent;	/* keepalive out, no reply */
	bool			 suspect;	/* pinged after a pause */
	bool			 rx_more;	/* read budget used up */
	short			 rx_wait, tx_wait;	/* what TLS waits for */
	/* The output queue: whole frames, appended only when empty, so a
	 * TLS write that would block is retried with the same bytes. */
	size_t			 tx_head, tx_tail;
	unsigned		 tx_pkts;
	struct gpst_rx		 rx;
	uint8_t			 rbuf[GPST_HDR_BYTES + GPST_MAX_PAYLOAD];
	uint8_t			 txq[SESSION_TXQ_BYTES];

	/* Reconnect (session_recon.c) */
	struct backoff		 bo;
	int64_t			 born;		/* session_new */
	int64_t			 tick_mono, tick_boot;	/* before poll */
	int			 tick_wait;	/* poll's timeout */

	/* ESP */
	struct xport		 xp;
	uint64_t		 gen;		/* of the config in use */
	int			 udp_fd;	/* -1: closed */
	uint16_t		 udp_port;
	struct esp_sa		*sa_out, *sa_in;
	struct esp_sa		*sa_in_old;	/* rekey grace window */
	uint16_t		 probe_seq;
	uint16_t		 probe_first;	/* of this probe window */
	bool			 esp_rx_more;	/* datagram budget used up */
	bool			 esp_want_config; /* NEED_CONFIG on HTTPS */
	uint64_t		 drop_logged[SESSION_DROP_KINDS];
	uint8_t			 probe[SESSION_PROBE_BYTES];
	struct session_vec	 vtx, vrx;
};

bool	session_stopped(const struct session *s);
int64_t	session_min(int64_t a, int64_t b);
void	session_sync_stats(struct session *s);
void	session_drop_tunnel(struct session *s);
int	session_step(struct session *s);
int	session_sleep(struct session *s, int ms);
/* Tests may shorten these (session_set_timers). */
int64_t	session_keepalive(void);
int64_t	session_dead(void);
int	session_tun_write(struct session *s, const uint8_t *p, size_t len);
void	session_count_drop(struct session *s, const char *why);
void	session_set_mtu(struct session *s, unsigned mtu);
/* HTTPS at once (start fallback, ESP dead): GO, RECONNECT, 1 or 2. */
int	session_https_now(struct session *s);

/* Pauses and reconnects (session_recon.c). */
void	session_pause_mark(struct session *s, int wait_ms);
void	session_pause_check(struct session *s, int64_t now);
/* A reconnect run: back-off, attempt-reconnect, ESP probes with the
 * keys held, then HTTPS. GO when back; else 0, 1 or 2. */
int	session_reconnect(struct session *s);

/* The ESP side. */
bool	session_esp_wanted(const struct session *s);
bool	session_esp_setup(struct session *s);
void	session_esp_close(struct session *s);
void	session_esp_close_udp(struct session *s);
/* For a reconnect attempt: the SAs held, on a new socket; false if
 * there are none or they cannot be used. */
bool	session_esp_retry(struct session *s);
unsigned session_esp_mtu(const struct session *s);
int	session_esp_rx(struct session *s, int64_t now);
int	session_esp_tx(struct session *s);
int	session_esp_timers(struct session *s, int64_t now);
void	session_esp_check_rekey(struct session *s, int64_t now);

#endif
