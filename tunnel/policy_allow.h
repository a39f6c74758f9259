/* SPDX-License-Identifier: ISC */
/*
 * The allow- lines of the gp-tunnel policy file: allow-user and
 * allow-group (who may connect to --listen), and allow-script,
 * allow-setuid, allow-interface and allow-policy (what a user may
 * choose). Runs in [priv]; the lines are untrusted text.
 */
#ifndef GPVPN_TUNNEL_POLICY_ALLOW_H
#define GPVPN_TUNNEL_POLICY_ALLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"
#include "tunnel/policy_line.h"

/* allow-user or allow-group NAME|ID, added to list of *n. */
int	policy_allow_principal(struct policy_principal *list, unsigned *n,
	    const struct policy_line *l, struct gp_err *e);
/* allow-script, -setuid, -interface or -policy VALUE; any other
 * keyword is refused as unknown. */
int	policy_allow_line(struct tunnel_policy *p, const struct policy_line *l,
	    struct gp_err *e);

/* Does an allow-* line of kind k list exactly value? */
bool	policy_allows(const struct tunnel_policy *p,
	    enum policy_allow_kind k, const char *value);
/* "allow-script" and so on. */
const char *policy_allow_keyword(enum policy_allow_kind k);

#endif
