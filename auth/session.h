/*
 * gp-auth after login: where the frame stream goes (stdout, a socketpair
 * to the --tunnel command, or the --tunnel-socket), the CONFIG frame,
 * and then staying for the session: watch the tunnel's end, handle
 * signals, log out. Frames coming back from the tunnel are untrusted.
 */
#ifndef GPVPN_AUTH_SESSION_H
#define GPVPN_AUTH_SESSION_H

#include "auth/flow.h"

#define SESSION_CHILD_WAIT_MS	10000	/* for --tunnel to exit at the end */
#define SESSION_REKEY_EARLY_S	60	/* rekey at timeout - 60 s (§9) */

/*
 * Send the CONFIG from flow_config(f) to stdout, or to tunnel_cmd (run by
 * /bin/sh -c with a socket as stdin and stdout), or to tunnel_fd (the
 * service's socket, tunnel_sock.c; -1: none), then stay until the tunnel
 * goes away, SIGINT/SIGTERM (logout) or SIGHUP (no logout: the cookie
 * stays valid). Returns the exit status: FLOW_EXIT_*, or the tunnel
 * command's own status. Closes tunnel_fd.
 */
int	session_stay(struct flow *f, const char *tunnel_cmd, int tunnel_fd);

#endif
