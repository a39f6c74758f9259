/* SPDX-License-Identifier: ISC */
/*
 * The stop signals (stopsig.h): one set of handlers for gp-tunnel's
 * session and for its --listen service, each with its own flags. Runs
 * in gp-tunnel; a signal carries no data, so nothing here is untrusted.
 */
#include <string.h>

#include "ipc/log.h"
#include "tunnel/stopsig.h"

static volatile sig_atomic_t *stopsig_stop;
static volatile sig_atomic_t *stopsig_usr1;

static void
stopsig_on_stop(int sig)
{
	(void)sig;
	*stopsig_stop = 1;
}

static void
stopsig_on_usr1(int sig)
{
	(void)sig;
	*stopsig_usr1 = 1;
}

/* SIGINT, SIGTERM and SIGHUP to h. */
static void
stopsig_set(void (*h)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = h;
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		fatal("sigaction");
}

/* No SA_RESTART: a blocking call returns EINTR and the loop sees stop. */
void
stopsig_install(volatile sig_atomic_t *stop, volatile sig_atomic_t *usr1)
{
	struct sigaction sa;

	stopsig_stop = stop;
	stopsig_usr1 = usr1;
	stopsig_set(stopsig_on_stop);
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = stopsig_on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fatal("sigaction(SIGUSR1)");
}

void
stopsig_default(void)
{
	stopsig_set(SIG_DFL);
}
