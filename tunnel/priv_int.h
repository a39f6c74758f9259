/* SPDX-License-Identifier: ISC */
/*
 * The private state of gp-tunnel [priv] (priv.c), shared with its
 * control-stream half (priv_ctl.c). Runs in [priv] only; nothing here is
 * input, but the buffers hold what gp-auth and [net] sent.
 */
#ifndef GPVPN_TUNNEL_PRIV_INT_H
#define GPVPN_TUNNEL_PRIV_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "tunnel/backoff.h"
#include "tunnel/ctl.h"
#include "tunnel/keylife.h"
#include "tunnel/needcfg.h"
#include "tunnel/privlog.h"
#include "tunnel/privsep.h"
#include "tunnel/status.h"

#define PRIV_TICK_MS		500
/* The keys expired after gp-auth had gone: no logout was possible. */
#define PRIV_EXIT_ORPHANED	5

struct priv {
	struct privsep_priv	*a;
	enum privsep_state	 state;
	struct needcfg		 need;	/* NEED_CONFIG to gp-auth */
	struct ctl_reader	 rd;	/* frames from gp-auth */
	bool			 ctl_open;
	bool			 connect_ran;	/* disconnect must run */
	bool			 net_exited;	/* EXIT came */
	bool			 attempt_ran;	/* attempt-reconnect, this
						 * time [net] reconnects */
	struct backoff		 bo;	/* its rate limit */
	struct keylife		 keys;	/* the last CONFIG's timers */
	bool			 orphaned;	/* gp-auth gone: run until
						 * the keys expire */
	int			 status;	/* [priv]'s own: -1 none */
	int			 net_status;
	unsigned		 mtu;
	int64_t			 stop_deadline;
	uint8_t			*rbuf;	/* PRIVSEP_MAX_BYTES + 1, secret */
	struct privlog		 log;	/* [net]'s log lines */
	struct status		 st;	/* --status-fd */
};

/* priv.c: the session's end. */
void	priv_fail(struct priv *p, int status);
void	priv_stop(struct priv *p);
void	priv_abort(struct priv *p);

/* priv_ctl.c: frames from gp-auth, one read per call, never a wait. */
void	priv_ctl_read(struct priv *p);
void	priv_ctl_deadline(struct priv *p);
void	priv_ctl_keys_expired(struct priv *p);
short	priv_ctl_events(const struct priv *p);

#endif
