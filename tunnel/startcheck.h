/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's checks before it reads anything: a mode that reads gp-auth's
 * frames refuses a terminal on stdin, and a mode that changes the network
 * refuses to run without root. Runs in gp-tunnel's main, on its own
 * options and process state only.
 */
#ifndef GPVPN_TUNNEL_STARTCHECK_H
#define GPVPN_TUNNEL_STARTCHECK_H

#include <stdbool.h>

#include "ipc/err.h"

enum startcheck_mode {
	STARTCHECK_SESSION,	/* frames on stdin, a tun device */
	STARTCHECK_DUMP,	/* frames on stdin, nothing applied */
	STARTCHECK_LISTEN,	/* the service socket, tun devices */
	STARTCHECK_CLEANUP	/* a recorded disconnect */
};

/* 0, or -1 with e saying what is wrong and what to do instead. */
int	startcheck_run(enum startcheck_mode mode, struct gp_err *e);

#endif
