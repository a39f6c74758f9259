/* SPDX-License-Identifier: ISC */
/*
 * The packet-moving side of gp-tunnel: brings up ESP (magic-ping probes)
 * or the HTTPS tunnel, runs the tun <-> transport loop (vectors of
 * packets, DPD and keepalives, ESP -> HTTPS fallback, rekey, bounded
 * reconnect), and reports why it stopped. It gets its resources from its
 * caller; it runs in gp-tunnel [net] (net.c), inside its sandbox.
 */
#ifndef GPVPN_TUNNEL_SESSION_H
#define GPVPN_TUNNEL_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc/config.h"
#include "tunnel/esp.h"
#include "tunnel/https.h"

#define KEEPALIVE_IDLE_MS	10000
#define DEAD_PEER_MS		20000
/* A tick this much later than its poll allowed means the process was
 * stopped (SIGSTOP) or the system slept: the transport is suspect. As
 * long as a DPD interval, since the gateway may have moved on by then. */
#define SESSION_PAUSE_MS	10000

struct tunnel_stats {
	uint64_t	tx_pkts, tx_bytes;	/* tun -> gateway */
	uint64_t	rx_pkts, rx_bytes;	/* gateway -> tun */
	uint64_t	keepalive_tx, keepalive_rx;
	uint64_t	drop_bad_frame;		/* bad length, ethertype... */
	uint64_t	drop_tun_full;
	uint64_t	reconnects;
	/* ESP (issue 3); tx_/rx_ above count both transports. */
	uint64_t	esp_tx_pkts, esp_tx_bytes;
	uint64_t	esp_rx_pkts, esp_rx_bytes;
	uint64_t	esp_rx_gro;	/* UDP_GRO runs of >1 datagram */
	uint64_t	esp_tx_gso;	/* UDP_SEGMENT sends of >1 */
	uint64_t	tun_tso;	/* tun super-packets cut up */
	uint64_t	tun_coal;	/* super-packets of >1 to tun */
	uint64_t	tun_coal_udp;	/* ... of them UDP (GSO_UDP_L4) */
	uint64_t	tx_turn_max;	/* most sealed from tun in a turn */
	uint64_t	aqm_drop;	/* CoDel on the receive socket */
	uint64_t	aqm_mark;	/* ... marked CE instead (ECN) */
	uint64_t	esp_drop[ESP_DROP_REASONS];	/* esp_decrypt said */
	uint64_t	esp_drop_inner;	/* decrypted, not a sane IP packet */
	uint64_t	esp_drop_big;	/* datagram or tun packet too large */
	uint64_t	esp_drop_early;	/* data before the tun device exists */
	uint64_t	udp_tx_drop;	/* socket buffer full or send error */
	uint64_t	udp_reopens;	/* after ECONNREFUSED */
	uint64_t	probes_tx, probe_replies;
	uint64_t	esp_fallbacks;	/* probes unanswered for 5 s */
	uint64_t	esp_deaths;	/* DPD: 20 s of silence */
	uint64_t	rekeys;
	char		transport[16];	/* "esp", "https", "probing"... */
	int64_t		sa_since_ms;	/* monotonic time the SA came in */
};

enum ctl_action {
	CTL_CONTINUE = 0,
	CTL_STOP = 1	/* SHUTDOWN frame, EOF on the control stream */
};

struct session_io {
	struct gp_config	*cfg;	/* may be replaced by on_ctl (rekey) */
	struct https_ctx	*https;
	/* Already open by the caller (so a rejected cookie fails before any
	 * configuration is applied); the session owns and closes it. */
	struct https_tunnel	*first;
	int			 tun_fd;
	int			 ctl_fd;	/* frame stream, -1 if none */
	/* Called when ctl_fd is readable: reads one frame and acts. */
	enum ctl_action		(*on_ctl)(void *arg);
	void			*ctl_arg;
	volatile sig_atomic_t	*stop;		/* set by SIGINT/SIGTERM */
	volatile sig_atomic_t	*dump_stats;	/* set by SIGUSR1 */
	/* Issue 3 additions; all may be zero/NULL. */
	bool			 no_esp;	/* --no-esp */
	/* Bumped by on_ctl when it installed a new CONFIG in *cfg. */
	const uint64_t		*cfg_gen;
	/* ESP died: ask gp-auth for fresh keys (socketpair only). */
	void			(*need_config)(void *arg);	/* ctl_arg */
	/* The transport changed: give tun this MTU. 0 or -1. */
	int			(*set_mtu)(void *arg, unsigned mtu);
	void			*mtu_arg;
	/* --disable-ipv6: the tunnel carries no IPv6, no 1280 floor. */
	bool			 no_ipv6;
	/* Issue 9, both may be NULL. The transport is lost and an attempt
	 * to bring it back is next (attempt-reconnect runs); returns when
	 * the attempt may start, or once *stop is set. */
	void			(*reconnecting)(void *arg);	/* ctl_arg */
	/* It is back, with the same cookie and address (reconnect runs). */
	void			(*reconnected)(void *arg);	/* ctl_arg */
	/* Issue 12, may be NULL: the counters, once started, when the
	 * transport changed or SIGUSR1 asked (asked). */
	void			(*report)(void *arg,
				    const struct tunnel_stats *st,
				    bool asked);		/* ctl_arg */
	/* ESP as [priv] started it (espstart.h), or NULL; the first
	 * ESP set-up takes what it holds. */
	struct espstart		*esp_start;
};

struct session;
/* Returned by session_start when a transport is up. */
#define SESSION_UP	(-1)

/*
 * Two steps, so that gp-tunnel applies nothing before a transport works:
 * session_start() probes ESP (at most 5 s) or opens the HTTPS tunnel and
 * returns SESSION_UP, or an exit status (0 stopped, 1 error, 2 cookie
 * rejected). Then the caller creates tun, runs the connect script with
 * session_mtu(), sets io->tun_fd and calls session_loop() (exit status).
 */
struct session *session_new(struct session_io *io, struct tunnel_stats *st);
int	session_start(struct session *s);
unsigned session_mtu(const struct session *s);
int	session_loop(struct session *s);
void	session_free(struct session *s);

/* All in one, tun already open: io->first (may be NULL) or start. */
int	session_run(struct session_io *io, struct tunnel_stats *st);
/* One line: transport, SA age, traffic, drops by reason, HTTPS counters. */
void	session_stats_log(const struct tunnel_stats *st);

/* Tests only: shorter keepalive and dead-peer times (milliseconds). */
void	session_set_timers(int keepalive_ms, int dead_ms);

#endif
