/* SPDX-License-Identifier: ISC */
/*
 * The check of a CONFIG frame against the gp-tunnel policy: gateway and
 * its pin, ports, proxy, routes and DNS. Runs in [priv] (and gp-tunnel
 * before it forks); the frame is untrusted, the policy trusted.
 */
#ifndef GPVPN_TUNNEL_POLICY_CHECK_H
#define GPVPN_TUNNEL_POLICY_CHECK_H

#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"
#include "tunnel/policy.h"

/*
 * May the frame's config be applied? Both p and p->extra (if any) must
 * allow it. 0, or -1 with e saying what the frame asked for and which
 * rule refuses it. Pure.
 */
int	policy_check(const struct tunnel_policy *p, const struct gp_config *c,
	    struct gp_err *e);

#endif
