/* SPDX-License-Identifier: ISC */
/*
 * The option lines of the gp-tunnel policy file: dns yes|no,
 * dns-suffix, gateway-port and esp-port, and proxy. Runs in [priv];
 * the lines are untrusted text, parsed with bounds.
 */
#ifndef GPVPN_TUNNEL_POLICY_OPTS_H
#define GPVPN_TUNNEL_POLICY_OPTS_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"
#include "tunnel/policy_line.h"

/* dns yes|no, once: *seen says whether a dns line came before. */
int	policy_opts_dns(struct tunnel_policy *p, const struct policy_line *l,
	    bool *seen, struct gp_err *e);
/* dns-suffix NAME or .NAME. */
int	policy_opts_suffix(struct tunnel_policy *p,
	    const struct policy_line *l, struct gp_err *e);
/* gateway-port PORT or esp-port PORT, added to ports of *n. */
int	policy_opts_port(const struct policy_line *l, unsigned *n,
	    uint16_t *ports, struct gp_err *e);
/* proxy no | yes | ADDRESS[:PORT], the last repeatable. */
int	policy_opts_proxy(struct tunnel_policy *p,
	    const struct policy_line *l, struct gp_err *e);

#endif
