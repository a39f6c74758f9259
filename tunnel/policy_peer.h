/* SPDX-License-Identifier: ISC */
/*
 * Who may bring a tunnel up through gp-tunnel --listen: the peer's
 * credentials against the allow-user and allow-group lines. Runs in
 * [priv]; the credentials come from the kernel, the policy is trusted.
 */
#ifndef GPVPN_TUNNEL_POLICY_PEER_H
#define GPVPN_TUNNEL_POLICY_PEER_H

#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"

/*
 * May peer bring a tunnel up through gp-tunnel --listen? uid 0 always;
 * else an allow-user line with its uid, or an allow-group line with its
 * gid or one of its supplementary groups (names resolved beforehand).
 * 0, or -1 with e saying why not. Pure.
 */
int	policy_peer_check(const struct tunnel_policy *p,
	    const struct policy_peer *peer, struct gp_err *e);

#endif
