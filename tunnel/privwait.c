/* SPDX-License-Identifier: ISC */
/*
 * [priv] lets [net] go first. After the fork both want the CPU: [priv]
 * to enter its sandbox (capabilities, seccomp compiled by libseccomp, a
 * few ms) and [net] to enter its own and send the first ESP probe. [priv]
 * has nothing to do until [net] reports a transport, so it waits for
 * that before its sandbox; on a busy or single CPU the probe no longer
 * queues behind [priv]'s set-up. Runs in [priv], still root, before its
 * sandbox: it only polls [net]'s socket and reads nothing from it.
 */
#include <poll.h>
#include <stdint.h>

#include "ipc/clock.h"
#include "tunnel/privwait.h"

void
privwait_net(int ps_fd, int ms)
{
	struct pollfd p = { .fd = ps_fd, .events = POLLIN };
	int64_t end = clock_now_ms() + ms, left;
	int r;

	while ((left = end - clock_now_ms()) > 0) {
		p.revents = 0;
		r = poll(&p, 1, (int)left);
		if (r != 0)	/* a message, its end, or a signal */
			return;
	}
}
