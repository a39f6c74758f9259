/* SPDX-License-Identifier: ISC */
/*
 * Who gp-tunnel runs for, and what that caller may choose (SECURITY.md
 * "Deployment"). Real root at a shell may choose anything; a user on
 * whose behalf it runs (sudo, pkexec, doas, a peer of the service socket)
 * may choose a script, a policy, a user or an interface only where
 * root's own policy file lists it. Runs in gp-tunnel as root, before
 * stdin is read; the environment and such a user's options are untrusted.
 */
#ifndef GPVPN_TUNNEL_CALLER_H
#define GPVPN_TUNNEL_CALLER_H

#include <sys/types.h>

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"

#define CALLER_DEFAULT_SCRIPT	"/usr/share/vpnc-scripts/vpnc-script"
#define CALLER_STR_MAX		(ERR_QUOTE_MAX + 64)

enum caller_via {
	CALLER_ROOT = 0,	/* real root at a shell: every option */
	CALLER_SUDO,		/* SUDO_UID set, not 0 (sudo, run0) */
	CALLER_PKEXEC,		/* PKEXEC_UID set, not 0 */
	CALLER_DOAS,		/* DOAS_USER set, not root */
	CALLER_REAL_UID,	/* getuid() is not 0 (setuid, file caps) */
	CALLER_SERVICE		/* gp-tunnel --listen: the socket's peer */
};

struct caller {
	enum caller_via	via;
	long long	uid;		/* -1: not known */
	char		name[ERR_QUOTE_MAX];	/* SUDO_USER..., quoted */
};

/* Everything but real root at a shell. */
bool	caller_on_behalf(const struct caller *c);

/*
 * Pure: decide from the real uid and the variables (each NULL when
 * unset). A variable that is set but not a plain number counts as "on
 * behalf of someone unknown": when in doubt, the narrower rules.
 */
void	caller_decide(struct caller *c, uid_t ruid, const char *sudo_uid,
	    const char *sudo_user, const char *pkexec_uid,
	    const char *doas_user);

/*
 * This process: caller_decide() from getuid() and the environment, which
 * is then cleared when on behalf, so that nothing a sudoers env_keep or
 * SETENV lets through (OPENSSL_CONF...) reaches a library. Call it first.
 */
void	caller_init(void);
const struct caller *caller_self(void);
/*
 * The service mode (gp-tunnel --listen): from now on gp-tunnel runs on
 * behalf of the socket's peer, uid (-1 until a peer is known), and every
 * check below applies as for a sudo user.
 */
void	caller_set_service(long long uid);

/* "root", "uid 1000 (sudo, user `alice`)"...; out has CALLER_STR_MAX. */
const char *caller_str(const struct caller *c, char *out, size_t n);

/* The options that choose a program, a user, an interface or a policy;
 * NULL (or "" for ifname) when not given. */
struct caller_opts {
	const char	*script;	/* -s PATH */
	const char	*user;		/* --setuid USER */
	const char	*ifname;	/* -i NAME */
	const char	*policy;	/* --policy FILE */
};

/*
 * May c choose these? Real root: anything. On behalf: the default script
 * and user, or a value root's policy sys (read from sys_path) lists with
 * allow-script, allow-setuid, allow-interface or allow-policy. Pure: no
 * file is looked at. 0, or -1 with e naming the option, the value and
 * the line root would add.
 */
int	caller_check_opts(const struct caller *c,
	    const struct tunnel_policy *sys, const char *sys_path,
	    const struct caller_opts *o, struct gp_err *e);

struct caller_setup {
	const char		*sys_path;	/* in: the system policy */
	struct tunnel_policy	*sys;		/* out: it, or not present */
	struct tunnel_policy	*extra;		/* out: --policy, if given */
	char			 script[PATH_MAX];	/* out: resolved */
};

/*
 * All gp-tunnel decides before it reads stdin: load root's policy,
 * caller_check_opts(), check the script (safepath.c) and resolve it into
 * s->script, then load --policy FILE as extra restrictions on top
 * (s->sys->extra). On behalf, a script or policy path that someone other
 * than root could change is refused; for real root it is a warning.
 * 0, or -1 with e; nothing is run or created either way.
 */
int	caller_setup(const struct caller *c, const struct caller_opts *o,
	    struct caller_setup *s, struct gp_err *e);

#endif
