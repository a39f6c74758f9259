/* SPDX-License-Identifier: ISC */
/*
 * gp-auth after login: where the frame stream goes (stdout, a socketpair
 * to the --tunnel command, or the --tunnel-socket), the CONFIG frame,
 * and then staying for the session: watch the tunnel's end, handle
 * signals, log out. Frames coming back from the tunnel are untrusted.
 */
#ifndef GPVPN_AUTH_STAY_H
#define GPVPN_AUTH_STAY_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/flow.h"

#define STAY_CHILD_WAIT_MS	10000	/* for --tunnel to exit at the end */
#define STAY_REKEY_EARLY_S	60	/* rekey at timeout - 60 s (§9) */
/* NEED_CONFIG makes a getconfig at most this often: gp-tunnel asks when
 * ESP dies, and a tunnel that asks in a loop must not become a flood of
 * getconfig (and HIP) requests at the gateway. */
#define STAY_NEED_CONFIG_MIN_S	10

/*
 * Send the CONFIG from flow_config(f) to stdout, or to tunnel_cmd (run by
 * /bin/sh -c with a socket as stdin and stdout), or to tunnel_fd (the
 * service's socket, tunnel_sock.c; -1: none), then stay until the tunnel
 * goes away, SIGINT/SIGTERM (logout) or SIGHUP (no logout: the cookie
 * stays valid). Returns the exit status: FLOW_EXIT_*, or the tunnel
 * command's own status. Closes tunnel_fd.
 */
int	stay_run(struct flow *f, const char *tunnel_cmd, int tunnel_fd);

/*
 * Pure. When to answer a NEED_CONFIG that came at now_ms: now_ms itself
 * if the last getconfig was STAY_NEED_CONFIG_MIN_S ago or more; else
 * STAY_NEED_CONFIG_MIN_S after it, or the rekey already scheduled at
 * rekey_at_ms (0: none) if that comes sooner. CLOCK_MONOTONIC ms.
 */
/* True when a frame write failed with errno err because gp-tunnel, the
 * reader, is gone: the session then ends as when the tunnel closes. */
bool	stay_reader_gone(int err);
int64_t	stay_need_config_at(int64_t getconfig_at_ms, int64_t rekey_at_ms,
	    int64_t now_ms);

#endif
