/* SPDX-License-Identifier: ISC */
/*
 * The vpnc-script interface (DESIGN.md §4, PROTOCOL.md §15), in the
 * privileged side of gp-tunnel. The environment is built from a validated,
 * secret-free view of the config; the script path comes only from the
 * command line, never from a frame.
 */
#ifndef GPVPN_TUNNEL_SCRIPT_H
#define GPVPN_TUNNEL_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define SCRIPT_ENV_MAX		(64 + 6 * CFG_ROUTES_MAX)
#define SCRIPT_TIMEOUT_MS	30000

struct script_env {
	size_t	n;
	char	*vars[SCRIPT_ENV_MAX + 1];	/* "NAME=value", NULL-ended */
};

/* reason: "connect", "disconnect", "reconnect", "pre-init"... Pure. */
int	script_env_build(struct script_env *env, const char *reason,
	    const struct gp_config *c, const char *tundev, unsigned mtu,
	    struct gp_err *e);
/* The same for --disable-ipv6: no INTERNAL_IP6_*, no CISCO_IPV6_SPLIT_*,
 * and no IPv6 DNS or WINS server in INTERNAL_IP4_DNS/NBNS. Pure. */
int	script_env_build_ipv4(struct script_env *env, const char *reason,
	    const struct gp_config *c, const char *tundev, unsigned mtu,
	    struct gp_err *e);
void	script_env_free(struct script_env *env);
/* A value the script may be given: addresses, prefixes, numbers, names
 * and the separators between them (a session record is checked too). */
bool	script_value_ok(const char *v);
/* fork + execve with a bounded wait; 0 if the script exited 0. */
int	script_run(const char *path, const struct script_env *env,
	    struct gp_err *e);
/* The same with another bound (tests); the group is killed after it. */
int	script_run_ms(const char *path, const struct script_env *env,
	    int timeout_ms, struct gp_err *e);

#endif
