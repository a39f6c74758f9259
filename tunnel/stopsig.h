/* SPDX-License-Identifier: ISC */
/*
 * The stop signals of gp-tunnel and its --listen service: SIGINT,
 * SIGTERM and SIGHUP set a stop flag, SIGUSR1 a counters flag, without
 * SA_RESTART. Runs in gp-tunnel's first process and the listener.
 */
#ifndef GPVPN_TUNNEL_STOPSIG_H
#define GPVPN_TUNNEL_STOPSIG_H

#include <signal.h>

/* From now on the stop signals set *stop and SIGUSR1 sets *usr1, each
 * to 1; a blocking call returns EINTR. fatal() if sigaction fails. */
void	stopsig_install(volatile sig_atomic_t *stop,
	    volatile sig_atomic_t *usr1);
/* The stop signals back to SIG_DFL (a forked child). */
void	stopsig_default(void);

#endif
