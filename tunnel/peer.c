/* SPDX-License-Identifier: ISC */
/*
 * The credentials of a connected peer and the policy's user and group
 * names as ids (peer.h). Runs in the gp-tunnel --listen process, as root;
 * the ids come from the kernel and the names from root's NSS set-up, so
 * nothing here reads bytes the peer chose.
 */
#define _GNU_SOURCE	/* struct ucred */

#include <sys/socket.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/log.h"
#include "tunnel/peer.h"

#define PEER_GROUPS_FIRST	64	/* the first try; most have fewer */

/* SO_PEERGROUPS into a buffer that grows once to the size the kernel
 * asks for. ENOPROTOOPT (before Linux 4.13): no groups. */
static int
peer_groups(int fd, struct policy_peer *p, struct gp_err *e)
{
	socklen_t len = PEER_GROUPS_FIRST * sizeof(gid_t);
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if ((p->groups = malloc(len)) == NULL)
			return err_set(e, "peer groups: out of memory");
		if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups,
		    &len) == 0) {
			p->n_groups = len / sizeof(gid_t);
			return 0;
		}
		free(p->groups);
		p->groups = NULL;
		if (errno == ENOPROTOOPT) {
			log_debug("SO_PEERGROUPS is not supported: "
			    "supplementary groups are not seen");
			return 0;
		}
		if (errno != ERANGE || len == 0 ||
		    len > PEER_GROUPS_MAX * sizeof(gid_t))
			break;
	}
	return err_set(e, "SO_PEERGROUPS: %s", strerror(errno));
}

int
peer_read(int fd, struct policy_peer *p, struct gp_err *e)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return err_set(e, "SO_PEERCRED: %s", strerror(errno));
	if (len != sizeof(uc))
		return err_set(e, "SO_PEERCRED: %u bytes", (unsigned)len);
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	return peer_groups(fd, p, e);
}

void
peer_free(struct policy_peer *p)
{
	free(p->groups);
	p->groups = NULL;
	p->n_groups = 0;
}

static void
peer_resolve_list(struct policy_principal *list, unsigned n, bool group)
{
	const char *kw = group ? "allow-group" : "allow-user";
	unsigned i;

	for (i = 0; i < n; i++) {
		struct policy_principal *a = &list[i];
		struct passwd *pw;
		struct group *gr;

		if (a->name[0] == '\0')
			continue;
		a->resolved = false;
		errno = 0;
		if (group && (gr = getgrnam(a->name)) != NULL) {
			a->id = (uint32_t)gr->gr_gid;
			a->resolved = true;
		} else if (!group && (pw = getpwnam(a->name)) != NULL) {
			a->id = (uint32_t)pw->pw_uid;
			a->resolved = true;
		} else
			log_warnx("policy: %s %s: no such %s%s%s: the line "
			    "matches nobody", kw, a->name,
			    group ? "group" : "user", errno != 0 ? ": " : "",
			    errno != 0 ? strerror(errno) : "");
	}
}

void
peer_resolve(struct tunnel_policy *p)
{
	peer_resolve_list(p->allow_users, p->n_allow_users, false);
	peer_resolve_list(p->allow_groups, p->n_allow_groups, true);
}
