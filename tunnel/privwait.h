/* SPDX-License-Identifier: ISC */
/*
 * [priv]'s first wait (privwait.c): [net] starts its transport alone on
 * the CPU. Runs in [priv] just after the fork, before its sandbox; it
 * reads nothing.
 */
#ifndef GPVPN_PRIVWAIT_H
#define GPVPN_PRIVWAIT_H

#define PRIVWAIT_MS	1000

/* Wait until [net]'s socket (ps_fd) has a message or has closed, a
 * signal comes, or ms pass; whichever is first. */
void	privwait_net(int ps_fd, int ms);

#endif
