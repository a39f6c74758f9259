/* SPDX-License-Identifier: ISC */
/*
 * Is a file root's alone? The check gp-tunnel makes, still as root and
 * before reading stdin, on the vpnc-script it will run and on the policy
 * files it reads: could anyone but root change what the path names?
 * The path comes from the command line or root's policy.
 */
#ifndef GPVPN_TUNNEL_SAFEPATH_H
#define GPVPN_TUNNEL_SAFEPATH_H

#include <sys/types.h>

#include <stddef.h>

#include "ipc/err.h"

enum safepath_result {
	SAFEPATH_BAD = -1,	/* no such file, not a regular file, ... */
	SAFEPATH_OK = 0,
	SAFEPATH_UNSAFE = 1	/* usable, but someone else could change it */
};

#define SAFEPATH_EXEC	0x1	/* the file must be executable */

/*
 * Resolve path (absolute) with realpath(3) into out, then check from /
 * down: every directory owned by root (or by owner, for tests: pass 0)
 * and not writable by group or others (a sticky bit does not help: /tmp
 * is refused), and the file itself a regular file with the same owner
 * and mode rules, executable with SAFEPATH_EXEC. Returns SAFEPATH_OK;
 * SAFEPATH_UNSAFE with out set and e naming the first component at
 * fault; or SAFEPATH_BAD with e.
 */
enum safepath_result safepath_check(const char *path, uid_t owner,
	    unsigned flags, char *out, size_t outsz, struct gp_err *e);

#endif
