/* SPDX-License-Identifier: ISC */
/*
 * Internals of gp-tunnel's packet loop, shared by session.c (life
 * cycle), session_loop.c (one turn of poll), session_switch.c (which
 * transport carries) and session_recon.c (pauses, reconnects). Not an
 * API. The loop sees its transports only through transport_ops.h.
 */
#ifndef GPVPN_TUNNEL_SESSION_INT_H
#define GPVPN_TUNNEL_SESSION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "tunnel/backoff.h"
#include "tunnel/session.h"
#include "tunnel/transport.h"
#include "tunnel/transport_ops.h"

/* The transports, in the order the loop serves them. */
enum session_slot_id {
	SESSION_ESP = 0,
	SESSION_HTTPS,
	SESSION_SLOTS
};

struct session;

/* A transport and the environment it was given. */
struct session_slot {
	struct transport_env		 env;	/* first: see session_of */
	const struct transport_ops	*ops;
	void				*t;
	struct session			*s;
};

struct session {
	struct session_io	*io;
	struct tunnel_stats	*st;
	bool			 started;	/* session_start succeeded */
	unsigned		 mtu;		/* of the transport in use */
	int			 ctl_fd;
	struct session_slot	 slot[SESSION_SLOTS];

	/* Which transport carries (transport.c) */
	struct xport		 xp;
	bool			 want_config;	/* NEED_CONFIG once on HTTPS */
	int			 reported;	/* xp.state io->report saw */
	int64_t			 reported_sa;	/* and st->sa_since_ms */
	uint64_t		 probes_at;	/* probes_tx as probing began */

	/* Pauses and reconnects (session_recon.c) */
	struct backoff		 bo;
	int64_t			 born;		/* session_new */
	int64_t			 tick_mono, tick_boot;	/* before poll */
	int			 tick_wait;	/* poll's timeout */
};

/* session.c */
bool	session_stopped(const struct session *s);
int64_t	session_min(int64_t a, int64_t b);
void	session_sync_stats(struct session *s);
/* Log the counters if SIGUSR1 asked for them; io->report them then,
 * and when the transport changed. */
void	session_dump(struct session *s);
/* ESP or the HTTPS tunnel carries the tunnel. */
bool	session_carried(struct session *s);
enum transport_state session_state(const struct session *s,
	    enum session_slot_id id);
void	session_close(struct session *s, enum session_slot_id id,
	    enum transport_close how);

/* session_loop.c: one turn, and a sleep that still obeys ctl. */
int	session_loop_step(struct session *s);
int	session_loop_sleep(struct session *s, int ms);

/* session_switch.c: the transport machine's actions and the
 * transports' events. */
int	session_switch_timers(struct session *s, int64_t now);
void	session_switch_rekey(struct session *s, int64_t now);
int	session_switch_https(struct session *s);
void	session_switch_set_mtu(struct session *s, unsigned mtu);
int	session_switch_event(struct transport_env *env,
	    enum transport_event ev, int64_t now);
/* The transport tun packets go to (ESP when it carries, else HTTPS). */
struct session_slot *session_switch_carrier(struct session *s);

/* session_recon.c */
void	session_recon_mark(struct session *s, int wait_ms);
void	session_recon_check(struct session *s, int64_t now);
/* A reconnect run: back-off, attempt-reconnect, ESP probes with the
 * keys held, then HTTPS. GO when back; else 0, 1 or 2. */
int	session_recon_run(struct session *s);

#endif
