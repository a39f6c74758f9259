/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's second seccomp stage, stacked on its login filter
 * (policy_auth.c) once the login is done: what is left (getconfig, HIP,
 * rekeys, logout) only reads files, resolves names and makes HTTPS
 * connections. A reviewed table; changes show in
 * tests/data/sandbox/auth-session.pfc. Trusted input only.
 *
 * What it adds, because only the login needed it: new processes
 * (threads stay: libcurl resolves names in one) and listening sockets.
 */
#include <sys/socket.h>

#include <linux/sched.h>

#include "sandbox/sandbox.h"

#define SESSION_KILL	SCMP_ACT_KILL_PROCESS
#define SESSION_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* fork() and vfork() where they exist; clone() is in the rules below. */
static const int session_killed[] = {
	SCMP_SYS(fork),
	SCMP_SYS(vfork),
	SCMP_SYS(listen),
};

int
policy_auth_session_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];

	if (sandbox_rule_list(ctx, SESSION_KILL, session_killed,
	    SESSION_NELEM(session_killed), e) == -1)
		return -1;
	/* A clone() that is not a thread is a new process. */
	a[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
	return sandbox_rule_add(ctx, SESSION_KILL, SCMP_SYS(clone), 1, a, e);
}

const struct sandbox_filter sandbox_filter_auth_session = {
	"auth-session", SCMP_ACT_ALLOW, policy_auth_session_rules
};

/* flow.c calls it through flow_opts.logged_in, so that the auth room
 * (and its fuzz targets) need not link the sandbox. */
void
policy_auth_session_enter(void)
{
	sandbox_tighten(&sandbox_filter_auth_session);
}
