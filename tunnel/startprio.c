/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's pre-CONFIG set-up at the lowest priority (see startprio.h).
 * Runs in gp-tunnel, root and not yet sandboxed; no input.
 */
#include <sys/resource.h>

#include <cap-ng.h>
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "ipc/log.h"
#include "tunnel/startprio.h"

#define STARTPRIO_LOW	19

void
startprio_lower(struct startprio *sp, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	sp->lowered = false;
	if (poll(&pfd, 1, 0) != 0)	/* input there, or an error: go on */
		return;
	if (capng_get_caps_process() != 0 ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_NICE) == 0)
		return;
	errno = 0;
	n = getpriority(PRIO_PROCESS, 0);
	if (n == -1 && errno != 0)
		return;
	if (n >= STARTPRIO_LOW ||
	    setpriority(PRIO_PROCESS, 0, STARTPRIO_LOW) == -1)
		return;
	sp->nice = n;
	sp->lowered = true;
}

void
startprio_restore(const struct startprio *sp)
{
	if (!sp->lowered)
		return;
	if (setpriority(PRIO_PROCESS, 0, sp->nice) == -1)
		log_warnx("setpriority back to nice %d: %s; the session runs "
		    "at nice %d", sp->nice, strerror(errno), STARTPRIO_LOW);
}
