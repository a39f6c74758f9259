/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's login flow, the driver (PROTOCOL.md §1): it sequences the
 * steps (flow_prelogin.c, flow_login.c, flow_portal.c, flow_failover.c,
 * flow_getconfig.c, flow_hip.c, flow_rekey.c, flow_logout.c) into a
 * validated gp_config, and prints what they produce. Responses are
 * untrusted and reach the steps only through the pure parsers.
 */
#ifndef GPVPN_AUTH_FLOW_H
#define GPVPN_AUTH_FLOW_H

#include <stdbool.h>

#include "auth/flow_opts.h"
#include "auth/resolve.h"
#include "ipc/config.h"
#include "ipc/err.h"

struct flow;

/* NULL with a message logged on failure. */
struct flow *flow_new(const struct flow_opts *o);
void	flow_free(struct flow *f);
/* Run the whole login; returns a FLOW_EXIT_* status. */
int	flow_run(struct flow *f);
/* The CONFIG to send, valid after flow_run() returned FLOW_EXIT_OK. */
const struct gp_config *flow_config(const struct flow *f);
/*
 * Rekey hook (PROTOCOL.md §9): the session calls this at timeout - 60 s
 * to refresh the configuration (getconfig again) before pushing a new
 * CONFIG. Returns 0 when flow_config() holds a fresh one, -1 otherwise.
 */
int	flow_rekey(struct flow *f);
/*
 * After flow_rekey() returned -1: FLOW_EXIT_OK when it may be retried
 * later (network, server error), else the status to end the session with
 * (FLOW_EXIT_COOKIE: cookie rejected; FLOW_EXIT_ERR: the gateway handed
 * out a different tunnel address or prefix, which gp-tunnel cannot take).
 */
int	flow_rekey_status(const struct flow *f);
/* HIP recheck (PROTOCOL.md §11.1): the session calls flow_hip_recheck
 * every flow_hip_interval_s() seconds (see FLOW_HIP_RECHECK_S). */
unsigned int flow_hip_interval_s(const struct flow *f);
void	flow_hip_recheck(struct flow *f);
/* The HIP check a getconfig (login's or a rekey's) left due: the session
 * calls it once that configuration has gone to the tunnel. */
void	flow_hip_after_config(struct flow *f);
/* POST logout.esp with every cookie field (§13); failures are warnings. */
void	flow_logout(struct flow *f);
/* Once logged in, between the session's requests (rekey, HIP, logout):
 * the response buffers go back to the system until the next request,
 * and the portal's policy, a login's, for good. */
void	flow_idle(struct flow *f);
/* Write the --authenticate lines (PROTOCOL.md §5.4) to fd. */
int	flow_print_authenticate(const struct flow *f, int fd);

/* Pure helpers, exposed for the unit tests. */
int	flow_os(const char *name, const char **clientos,
	    const char **os_version);
/* The URL, with --usergroup as its path; a URL without a path names
 * the portal (tried first, as OpenConnect does). */
int	flow_url_parse(const struct flow_opts *o, struct gw_target *t,
	    struct gp_err *e);

#endif
