/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel --listen: who is at the other end of an accepted connection
 * (the kernel's SO_PEERCRED and SO_PEERGROUPS), and the allow-user and
 * allow-group names of the policy looked up as ids. Runs in the listener
 * (root); the ids come from the kernel, the names from root's NSS.
 */
#ifndef GPVPN_TUNNEL_PEER_H
#define GPVPN_TUNNEL_PEER_H

#include "ipc/err.h"
#include "tunnel/policy.h"

/* Bounds the supplementary groups read (the kernel's NGROUPS_MAX). */
#define PEER_GROUPS_MAX		65536

/*
 * The credentials of fd's peer as of its connect(): pid, uid, gid and
 * the supplementary groups (none on a kernel before 4.13, which lacks
 * SO_PEERGROUPS). 0, or -1 with e set; free with peer_free().
 */
int	peer_read(int fd, struct policy_peer *p, struct gp_err *e);
void	peer_free(struct policy_peer *p);

/*
 * Set the id of every allow-user and allow-group name that exists (a
 * name that does not is logged and matches nobody). Numeric lines are
 * already resolved.
 */
void	peer_resolve(struct tunnel_policy *p);

#endif
