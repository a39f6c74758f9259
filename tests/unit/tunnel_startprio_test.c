/* SPDX-License-Identifier: ISC */
/*
 * startprio.c: gp-tunnel's pre-CONFIG set-up runs at nice 19 only while
 * its input is empty and only if it can come back (CAP_SYS_NICE); after
 * restore, the nice value it started with. Each case in a child, so
 * that the test's own priority and capabilities are left alone.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <cap-ng.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "tunnel/startprio.h"
#include "t.h"

static int
nice_now(void)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, 0);
}

/* In a child: lower with a pipe holding `data` bytes, with or without
 * CAP_SYS_NICE; exit 0 if lowered to 19 and restored to 3, 1 if left
 * at 3 throughout, 2 for anything else. */
static int
child_case(int data, int keep_nice)
{
	struct startprio sp;
	int p[2], st, low;
	pid_t pid = fork();

	if (pid == 0) {
		if (pipe(p) == -1 || setpriority(PRIO_PROCESS, 0, 3) == -1)
			_exit(2);
		if (data && write(p[1], "x", 1) != 1)
			_exit(2);
		if (!keep_nice) {
			capng_get_caps_process();
			capng_update(CAPNG_DROP, CAPNG_EFFECTIVE,
			    CAP_SYS_NICE);
			if (capng_apply(CAPNG_SELECT_CAPS) != 0)
				_exit(2);
		}
		startprio_lower(&sp, p[0]);
		low = nice_now();
		startprio_restore(&sp);
		if (low == 19 && sp.lowered && nice_now() == 3)
			_exit(0);
		_exit(low == 3 && !sp.lowered && nice_now() == 3 ? 1 : 2);
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void
lowered_while_empty(void)
{
	if (geteuid() != 0) {
		T_SKIP("needs root (CAP_SYS_NICE to come back)");
		return;
	}
	T_CHECK(child_case(0, 1) == 0);
}

static void
not_lowered_with_input(void)
{
	T_CHECK(child_case(1, 1) == 1);
}

static void
not_lowered_without_cap_sys_nice(void)
{
	T_CHECK(child_case(0, 0) == 1);
}

int
main(void)
{
	T_RUN(lowered_while_empty);
	T_RUN(not_lowered_with_input);
	T_RUN(not_lowered_without_cap_sys_nice);
	return T_DONE();
}
