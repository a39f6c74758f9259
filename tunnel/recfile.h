/* SPDX-License-Identifier: ISC */
/*
 * The session record's file, /run/gpvpn/IFNAME.state (SECURITY.md
 * "Session records"), in gp-tunnel: opened as root before the sandbox,
 * held locked by [priv] for the whole session, written before connect
 * and emptied after disconnect. The directory and file must be root's
 * and not writable by group or others; what is read back is untrusted.
 */
#ifndef GPVPN_TUNNEL_RECFILE_H
#define GPVPN_TUNNEL_RECFILE_H

#include <stdbool.h>

#include "ipc/err.h"
#include "tunnel/record.h"

#ifndef RECFILE_DIR
#define RECFILE_DIR	"/run/gpvpn"
#endif

enum recfile_open_result {
	RECFILE_ERR = -1,	/* e says why */
	RECFILE_NONE = -2,	/* !create and no record */
	RECFILE_BUSY = -3	/* a live gp-tunnel holds it */
};

/*
 * The record of ifname, opened O_CLOEXEC and locked (flock, released
 * when every holder is gone, so a killed session's record is stale).
 * create: make the directory (0755) and the file (0600) if missing. A
 * descriptor, or one of the negative results above.
 */
int	recfile_open(const char *ifname, bool create, struct gp_err *e);
/* 1 and r filled (record_free it), 0 if empty, or -1 with e; the
 * record's TUNDEV must be ifname. */
int	recfile_read(int fd, const char *ifname, struct record *r,
	    struct gp_err *e);
int	recfile_write(int fd, const char *script,
	    const struct script_env *env, struct gp_err *e);
/* Empty it: nothing left to clean up. */
int	recfile_clear(int fd, struct gp_err *e);

#endif
