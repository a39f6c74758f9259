/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's set-up before the first CONFIG, behind gp-auth (see
 * startprio.c). Runs in gp-tunnel before any frame; no input.
 */
#ifndef GPVPN_STARTPRIO_H
#define GPVPN_STARTPRIO_H

#include <stdbool.h>

struct startprio {
	bool	lowered;
	int	nice;	/* the value to go back to */
};

/*
 * While FD has nothing to read yet, gp-auth is still logging in, and its
 * login is what the first ESP packet waits for: on a busy core the
 * set-up gp-tunnel does meanwhile (OpenSSL, [net]'s filter) should take
 * the CPU only when gp-auth waits for the network. So lower this
 * process's priority to the least, if it may raise it back afterwards
 * (CAP_SYS_NICE, which a root gp-tunnel holds at this point).
 */
void	startprio_lower(struct startprio *, int fd);
/* Back to the priority it had: before anything the session runs. */
void	startprio_restore(const struct startprio *);

#endif
