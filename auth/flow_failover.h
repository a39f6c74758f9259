/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's gateway step (PROTOCOL.md §4.3, §4.4): the portal's sorted
 * list probed, the gateway chosen (--authgroup, the terminal, or the
 * first), then each gateway in turn until one takes the login. Runs in
 * gp-auth; the list and every answer come from untrusted servers.
 */
#ifndef GPVPN_AUTH_FLOW_FAILOVER_H
#define GPVPN_AUTH_FLOW_FAILOVER_H

#include <stdbool.h>

#include "auth/flow_int.h"

/*
 * f->portal holds the sorted list. saved: the portal's password (secret
 * memory, CREDS_MAX, this step frees it) for the blind retries, unless
 * the gateways want their own login: after a SAML cookie (had_alt) or a
 * portal challenge without a portal cookie. OK: logged in at f->t;
 * FAIL: f->status says how (see gwchoice.h for which failures move on).
 */
enum flow_res flow_failover_run(struct flow *f, char *saved, bool had_alt,
	    bool challenged);

#endif
