/* SPDX-License-Identifier: ISC */
/*
 * sandbox_enter(), the one way into a gpvpn sandbox, and the policies of
 * each process role ([net], gp-auth): descriptors, user, capabilities,
 * NO_NEW_PRIVS, rlimits and a seccomp filter. Policies are trusted tables
 * compiled into the program; nothing here reads untrusted input.
 */
#ifndef GPVPN_SANDBOX_H
#define GPVPN_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <seccomp.h>

#include "ipc/err.h"

#define SANDBOX_NET_USER	"nobody"	/* gp-tunnel --setuid default */
#define SANDBOX_NET_NOFILE	32	/* RLIMIT_NOFILE of [net] */
#define SANDBOX_KEEP_MAX	16	/* descriptors in a keep-list */

/* What sandbox_enter() sets besides RLIMIT_CORE 0 (always). */
#define SANDBOX_RL_NPROC0	0x1	/* RLIMIT_NPROC 0: no fork, no thread */
#define SANDBOX_RL_FSIZE0	0x2	/* RLIMIT_FSIZE 0: no file grows; a
					 * kept fd may not be a file open for
					 * writing (log through a pipe) */
#define SANDBOX_RL_NOFILE	0x4	/* RLIMIT_NOFILE = policy nofile */

/* A seccomp policy: a default action and the table that adds its rules. */
struct sandbox_filter {
	const char	*role;		/* "net", "auth": tests/data/sandbox/ */
	uint32_t	 default_action;
	int		(*add_rules)(scmp_filter_ctx ctx, struct gp_err *e);
};

struct sandbox_policy {
	const struct sandbox_filter *filter;
	const char	*user;		/* become this user; NULL: keep ids */
	const int	*keep_caps;	/* CAP_* kept, -1 ends; NULL: none */
	int		 keep_fds[SANDBOX_KEEP_MAX];	/* -1 ends the list */
	unsigned	 rlimits;	/* SANDBOX_RL_* */
	unsigned	 nofile;	/* for SANDBOX_RL_NOFILE */
	/* Added for gp-tunnel [net]: PR_SET_PDEATHSIG after the user
	 * change (which clears it), so that [net] dies with [priv] even
	 * though [priv] may not signal another uid. 0: none. */
	int		 pdeath_signal;
};

/* gp-tunnel [net]: allowlist, default kill (policy_net.c). */
extern const struct sandbox_filter sandbox_filter_net;
/* gp-auth: denylist of escape primitives, default allow (policy_auth.c). */
extern const struct sandbox_filter sandbox_filter_auth;
/* gp-auth after the login: stacked on the one above, for what is left
 * (policy_auth_session.c). */
extern const struct sandbox_filter sandbox_filter_auth_session;
/* gp-tunnel [priv]: gp-auth's denylist less exec and W^X, since it runs
 * vpnc-script and whatever that runs (policy_priv.c). */
extern const struct sandbox_filter sandbox_filter_priv;

/*
 * In the fixed order of STYLE.md 6: close every descriptor not in
 * keep_fds, switch user (libcap-ng, supplementary groups dropped, the
 * bounding set cleared) keeping only keep_caps, NO_NEW_PRIVS, rlimits,
 * load the filter, then verify. fatal() on any failure.
 */
void	sandbox_enter(const struct sandbox_policy *p);

/*
 * Stack the filter f on the one sandbox_enter() loaded, in every thread
 * (seccomp filters only add up: a call passes if each one allows it), for
 * a process that needs less from some point on: gp-auth once logged in.
 * Does nothing in a process that never entered a sandbox (gp-auth
 * --tunnel, the unit tests). fatal() on failure.
 */
void	sandbox_tighten(const struct sandbox_filter *f);

/*
 * The filter of a policy, not loaded: with the sanitizer's extra calls
 * when `sanitizer` is true. NULL with e set on failure; release with
 * seccomp_release(). The tests export it with seccomp_export_pfc().
 */
scmp_filter_ctx sandbox_filter_new(const struct sandbox_filter *f,
	    bool sanitizer, struct gp_err *e);

/* Table helpers for the policy files; 0, or -1 with e naming the call. */
int	sandbox_rule_list(scmp_filter_ctx ctx, uint32_t action,
	    const int *nrs, size_t n, struct gp_err *e);
int	sandbox_rule_add(scmp_filter_ctx ctx, uint32_t action, int nr,
	    unsigned argc, const struct scmp_arg_cmp *args, struct gp_err *e);

/* The sanitizer runtime's own calls (policy_sanitizer.c): allowed by an
 * allowlist policy; the denylist f does not deny a call exempt for it. */
int	policy_sanitizer_rules(scmp_filter_ctx ctx, struct gp_err *e);
bool	policy_sanitizer_exempt(const struct sandbox_filter *f, int nr);
/* The policy tables (policy_net.c, policy_auth*.c, policy_priv.c). */
int	policy_net_rules(scmp_filter_ctx ctx, struct gp_err *e);
int	policy_auth_rules(scmp_filter_ctx ctx, struct gp_err *e);
int	policy_auth_common_rules(scmp_filter_ctx ctx, struct gp_err *e);
int	policy_auth_session_rules(scmp_filter_ctx ctx, struct gp_err *e);
/* gp-auth once logged in: sandbox_tighten() with the session stage. */
void	policy_auth_session_enter(void);
int	policy_priv_rules(scmp_filter_ctx ctx, struct gp_err *e);

#endif
