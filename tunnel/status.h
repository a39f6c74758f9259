/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel --status-fd: one JSON object per line (schema in
 * doc/status.schema.json and gp-tunnel(8)) on every state change, on
 * SIGUSR1 and when [net] reports a new transport or SA. Runs in [priv],
 * which holds the descriptor; [net]'s REPORT is untrusted but already
 * range-checked. No secret is ever written: the lines carry addresses,
 * names and counters only.
 */
#ifndef GPVPN_TUNNEL_STATUS_H
#define GPVPN_TUNNEL_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"
#include "tunnel/privsep.h"

#define STATUS_VERSION		1
#define STATUS_LINE_MAX		4000	/* < PIPE_BUF: one atomic write */

struct status {
	int			 fd;	/* -1: no --status-fd */
	const struct gp_config	*cfg;	/* [priv]'s, secrets wiped */
	const char		*ifname;
	unsigned		 mtu;
	bool			 no_ipv6;	/* --disable-ipv6 */
	const char		*state;
	const char		*before_rekey;	/* state to go back to */
	int64_t			 since_ms;	/* wall clock, state entered */
	struct privsep_report	 rep;	/* [net]'s last */
	int			 exit_status;	/* -1 until stopped */
	uint64_t		 dropped;	/* lines the reader missed */
	bool			 warned, dead;
	char			 pend[STATUS_LINE_MAX + 1];
	size_t			 plen, poff;	/* a line written in part */
};

/* At start, root's descriptor: open, writable, not stdin or stderr,
 * not the service's socket (listen_fd, -1 if none); made non-blocking
 * and close-on-exec. 0 or -1. */
int	status_fd_check(int fd, int listen_fd, struct gp_err *e);

void	status_init(struct status *s, int fd, const struct gp_config *cfg,
	    const char *ifname);
/* A new state ("connecting"...), and its line. */
void	status_state(struct status *s, const char *state);
/* CONFIG passed to [net]: "rekeying" until its REPORT says the keys
 * are in, then back to the state before. */
void	status_rekeying(struct status *s);
/* A line about the same state: event "request", "transport"... */
void	status_event(struct status *s, const char *event);
/* [net]'s REPORT, and its line (none while connecting: "connected"
 * follows with it). */
void	status_report(struct status *s, const struct privsep_report *r);
/* Finish a line written in part (the reader was slow). */
void	status_flush(struct status *s);

/* Pure: the line (no newline) for event at wall time now_ms; NULL if it
 * does not fit out. */
const char *status_format(const struct status *s, const char *event,
	    int64_t now_ms, char *out, size_t cap);

#endif
