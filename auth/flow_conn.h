/* SPDX-License-Identifier: ISC */
/*
 * The connection of gp-auth's login steps to f->t: its proxy, its address
 * (--resolve or the resolver), its pin, and the handle in the pool for
 * its origin. Runs in gp-auth; the names resolved may be a hostile
 * portal's, and every connection is verified as the first one was.
 */
#ifndef GPVPN_AUTH_FLOW_CONN_H
#define GPVPN_AUTH_FLOW_CONN_H

#include "auth/flow_int.h"
#include "ipc/err.h"

/* f->http for f->t: the handle its origin has (no new connection, the
 * same cookies and key), else resolve f->t unless it is, and open one.
 * 0, or -1 with the failure recorded. */
int	flow_conn_open(struct flow *f);
/* The failover gives f->t up: its handle is closed unless it is the
 * URL's (f->home), which stays for the run; f->http is NULL after. */
void	flow_conn_close(struct flow *f);
/* Logged in at f->t: the other origins' handles go. */
void	flow_conn_settle(struct flow *f);
/* t's address from --resolve when it names t's host, else the resolver. */
int	flow_conn_resolve(const struct flow *f, struct gw_target *t,
	    struct gp_err *e);

#endif
