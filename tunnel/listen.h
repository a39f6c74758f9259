/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel --listen, the service mode (SECURITY.md "Service mode"): the
 * socket systemd or systemd-socket-activate passes, and the loop that
 * accepts one connection at a time, lets the policy decide who may bring
 * a tunnel up, and runs each session in a child. Runs as root; the peers
 * are untrusted, and the listener itself never reads a byte from them.
 */
#ifndef GPVPN_TUNNEL_LISTEN_H
#define GPVPN_TUNNEL_LISTEN_H

#include <stdbool.h>

#include "ipc/err.h"
#include "tunnel/policy.h"

#define LISTEN_FD		3	/* SD_LISTEN_FDS_START */
#define LISTEN_TICK_MS		200
/* From the accept to the first CONFIG: gp-auth connects before its
 * login, which may wait for a password, a token or a SAML browser. */
#define LISTEN_CONFIG_WAIT_MS	(5 * 60 * 1000)
/* SIGTERM: the session gets this long to stop (its [net] may take
 * PRIVSEP_STOP_WAIT_MS, then disconnect runs); then SIGKILL. */
#define LISTEN_STOP_WAIT_MS	45000

/*
 * What a session runs in its child, with the connection on stdin (fd 0)
 * and the policy that admitted the peer; returns the exit status.
 */
typedef int	(*listen_session_fn)(void *arg,
		    const struct tunnel_policy *pol,
		    const struct policy_peer *peer);

struct listen_conf {
	const char		*policy;	/* path */
	bool			 policy_optional; /* the default path */
	listen_session_fn	 session;
	void			*arg;
};

/*
 * The socket of socket activation: LISTEN_PID must be our pid and
 * LISTEN_FDS 1; fd 3 must be an AF_UNIX SOCK_STREAM socket that listens.
 * Unsets LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES, as sd_listen_fds()
 * does. LISTEN_FD, or -1 with e saying what is wrong.
 */
int	listen_fd_from_env(struct gp_err *e);

/*
 * Serve until SIGTERM, SIGINT or SIGHUP: each connection is checked
 * (SO_PEERCRED, the policy, one session at a time) and, if admitted,
 * runs c->session in a child. A signal stops the running session
 * cleanly first. Returns the exit status; fatal() on set-up errors.
 */
int	listen_main(const struct listen_conf *c);

/*
 * In a session's child, once what needs no input is ready: wait for the
 * peer's first frame (its CONFIG) on stdin, LISTEN_CONFIG_WAIT_MS at
 * most; fatalx() naming uid if none came.
 */
void	listen_await_config(unsigned long uid);

#endif
