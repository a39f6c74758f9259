/* SPDX-License-Identifier: ISC */
/*
 * Cleaning up after a gp-tunnel killed with SIGKILL, from its session
 * record (recfile.h): `gp-tunnel --cleanup IFNAME', and [priv] at the
 * next start on the same interface. The record is untrusted input; the
 * script it names runs only if root's alone, with its recorded
 * environment (reason=disconnect), as the dead session's [priv] would
 * have run it.
 */
#ifndef GPVPN_TUNNEL_CLEANUP_H
#define GPVPN_TUNNEL_CLEANUP_H

#include <stdbool.h>

/*
 * The record held open and locked in fd: if it holds one, run its
 * disconnect and empty it. on_behalf: a script someone else than root
 * could change is refused (else a warning). 0: nothing to do; 1: done;
 * -1: a bad record or a failed script (logged; the record is emptied
 * all the same, a second run would do no better).
 */
int	cleanup_record(int fd, const char *ifname, bool on_behalf);
/*
 * --cleanup IFNAME, after the same checks as a start (caller.c): the
 * record opened, the file-system view and [priv]'s sandbox entered
 * (enter(fd), keeping fd), cleanup_record(). An exit status: 0 (done,
 * or no record), 1.
 */
int	cleanup_main(const char *ifname, bool on_behalf,
	    void (*enter)(int fd));

#endif
