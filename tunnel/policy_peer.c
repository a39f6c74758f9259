/* SPDX-License-Identifier: ISC */
/*
 * Who may connect to gp-tunnel --listen (policy_peer.h): root, or a peer
 * whose uid, gid or a supplementary group an allow- line lists. Runs in
 * the listener; the credentials come from the kernel (SO_PEERCRED).
 */
#include "tunnel/policy_peer.h"

static bool
policy_peer_has_id(const struct policy_principal *list, unsigned n,
    uint32_t id)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (list[i].resolved && list[i].id == id)
			return true;
	return false;
}

int
policy_peer_check(const struct tunnel_policy *p,
    const struct policy_peer *peer, struct gp_err *e)
{
	size_t i;

	if (peer->uid == 0)
		return 0;
	if (p->n_allow_users == 0 && p->n_allow_groups == 0)
		return err_set(e, "uid %lu is not root, and the policy has no "
		    "allow-user or allow-group line", (unsigned long)peer->uid);
	if (policy_peer_has_id(p->allow_users, p->n_allow_users, peer->uid) ||
	    policy_peer_has_id(p->allow_groups, p->n_allow_groups, peer->gid))
		return 0;
	for (i = 0; i < peer->n_groups; i++)
		if (policy_peer_has_id(p->allow_groups, p->n_allow_groups,
		    peer->groups[i]))
			return 0;
	return err_set(e, "uid %lu (gid %lu, %zu supplementary groups) "
	    "matches no allow-user or allow-group line of the policy",
	    (unsigned long)peer->uid, (unsigned long)peer->gid,
	    peer->n_groups);
}

