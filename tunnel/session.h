/*
 * The packet-moving side of gp-tunnel: opens the HTTPS tunnel, runs the
 * tun <-> tunnel loop (vectors of packets, keepalive after 10 s idle, dead
 * after 20 s of silence, bounded reconnect), and reports why it stopped.
 * It gets every resource from its caller, which acquired them before any
 * network byte is read; the sandbox issue moves this into [net].
 */
#ifndef GPVPN_TUNNEL_SESSION_H
#define GPVPN_TUNNEL_SESSION_H

#include <signal.h>
#include <stdint.h>

#include "ipc/config.h"
#include "tunnel/https.h"

#define KEEPALIVE_IDLE_MS	10000
#define DEAD_PEER_MS		20000
#define RECONNECT_TIMEOUT_MS	300000	/* give up reconnecting after this */

struct tunnel_stats {
	uint64_t	tx_pkts, tx_bytes;	/* tun -> gateway */
	uint64_t	rx_pkts, rx_bytes;	/* gateway -> tun */
	uint64_t	keepalive_tx, keepalive_rx;
	uint64_t	drop_bad_frame;		/* bad length, ethertype... */
	uint64_t	drop_tun_full;
	uint64_t	reconnects;
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
};

/* Returns the exit status: 0 clean stop, 1 error, 2 cookie rejected. */
int	session_run(struct session_io *io, struct tunnel_stats *st);
void	session_log_stats(const struct tunnel_stats *st);

/* Tests only: shorter keepalive and dead-peer times (milliseconds). */
void	session_set_timers(int keepalive_ms, int dead_ms);

#endif
