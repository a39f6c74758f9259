/* SPDX-License-Identifier: ISC */
/*
 * The HIP runner of gp-auth (hiprun.c): a child forked before the seccomp
 * filter that runs the --csd-wrapper script on request. What it sends
 * back is the script's output, untrusted (hipmsg.h checks it).
 */
#ifndef GPVPN_AUTH_HIPRUN_H
#define GPVPN_AUTH_HIPRUN_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/hipmsg.h"
#include "ipc/err.h"

/*
 * --csd-wrapper (PROTOCOL.md §11.3): the script runs from a child forked
 * by hiprun_start() before the sandbox, since gp-auth's filter kills
 * execve. Only these non-secret values cross: the cookie string without
 * authcookie (and without preferred-ip), the tunnel addresses, the md5,
 * the OS name and APP_VERSION.
 */
#define HIP_SCRIPT_TIMEOUT_MS	30000
/* The runner's socket (to keep across the sandbox), or -1 with e set. */
int	hiprun_start(const char *script, struct gp_err *e);
bool	hiprun_active(void);
/* Run the script once; its stdout, NUL-terminated, into out. */
int	hiprun_run(const struct hip_run_req *q, char *out, size_t outsz,
	    struct gp_err *e);

#endif
