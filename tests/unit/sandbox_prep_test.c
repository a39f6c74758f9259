/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of the sandbox prepared before a fork (sandbox/
 * sandbox_prep.c): the parent looks up the user and compiles [net]'s
 * filter; a forked child loads the prepared BPF and is then in seccomp
 * filter mode and killed by SIGSYS for a call the allowlist does not
 * name; a child entering through sandbox_enter() becomes the prepared
 * user (as root); an unknown user is refused by name; another filter is
 * not taken for the prepared one. Test code only.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "sandbox/sandbox_prep.h"
#include "t.h"

/* A child's exit code when it got past the call that must kill it. */
#define CHILD_SURVIVED	7

static uid_t nobody_uid;

/* Not on [net]'s allowlist: the filter kills the process. */
static void __attribute__((noreturn))
forbidden_call(void)
{
	(void)syscall(SYS_chdir, "/");
	_exit(CHILD_SURVIVED);
}

/* The child's end: killed by SIGSYS, as it must be. */
static bool
killed_by_sigsys(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return false;
	if (!WIFSIGNALED(st))
		printf("# child exited %d\n", WEXITSTATUS(st));
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}

static void
prepared_filter_loads(void)
{
	struct gp_err e = { "" };
	pid_t pid;

	T_REQUIRE(sandbox_prep(&sandbox_filter_net, NULL, &e) == 0);
	T_FALSE(sandbox_prep_load(&sandbox_filter_priv));
	T_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
		    !sandbox_prep_load(&sandbox_filter_net))
			_exit(1);
		if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
			_exit(2);
		forbidden_call();
	}
	T_TRUE(killed_by_sigsys(pid));
}

static void
enter_takes_prepared_user(void)
{
	struct sandbox_policy p;
	struct gp_err e = { "" };
	uid_t uid;
	gid_t gid;
	pid_t pid;

	if (geteuid() != 0) {
		T_SKIP("needs root to change user");
		return;
	}
	T_REQUIRE(sandbox_prep(&sandbox_filter_net, SANDBOX_NET_USER,
	    &e) == 0);
	T_TRUE(sandbox_prep_ids(SANDBOX_NET_USER, &uid, &gid));
	T_EQ_UINT(uid, nobody_uid);
	T_FALSE(sandbox_prep_ids("root", &uid, &gid));
	memset(&p, 0, sizeof(p));
	p.filter = &sandbox_filter_net;
	p.user = SANDBOX_NET_USER;
	p.keep_fds[0] = STDOUT_FILENO;
	p.keep_fds[1] = STDERR_FILENO;
	p.keep_fds[2] = -1;
	T_REQUIRE((pid = fork()) != -1);
	if (pid == 0) {
		sandbox_enter(&p);
		if (getuid() != nobody_uid)
			_exit(3);
		forbidden_call();
	}
	T_TRUE(killed_by_sigsys(pid));
}

static void
unknown_user_refused(void)
{
	struct gp_err e = { "" };

	T_EQ_INT(sandbox_prep(&sandbox_filter_net, "gpvpn-no-such-user",
	    &e), -1);
	T_TRUE(strstr(e.msg, "`gpvpn-no-such-user`") != NULL);
	/* Nothing stays prepared after a failure. */
	T_FALSE(sandbox_prep_load(&sandbox_filter_net));
}

int
main(void)
{
	struct passwd *pw = getpwnam(SANDBOX_NET_USER);

	nobody_uid = pw != NULL ? pw->pw_uid : 0;
	T_RUN(prepared_filter_loads);
	T_RUN(enter_takes_prepared_user);
	T_RUN(unknown_user_refused);
	return T_DONE();
}
