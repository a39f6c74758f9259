/* SPDX-License-Identifier: ISC */
/*
 * The address rules of the gp-tunnel policy file: gateway lines with
 * their optional key pin, and the route and dns-server prefixes. Runs
 * in [priv]; the lines are untrusted text, parsed with bounds.
 */
#ifndef GPVPN_TUNNEL_POLICY_NET_H
#define GPVPN_TUNNEL_POLICY_NET_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/policy.h"
#include "tunnel/policy_line.h"

#define POLICY_NET_PIN_TAG	"pin-sha256:"
#define POLICY_NET_PIN_CHARS	44	/* base64 of 32 bytes, one '=' */

/* gateway ADDRESS [pin-sha256:BASE64]. 0 or -1 with e. */
int	policy_net_gateway(struct tunnel_policy *p, const struct policy_line *l,
	    struct gp_err *e);
/* route or dns-server ADDRESS/LEN (the keyword is l->tok[0]), added to
 * list of *n and at most max entries. 0 or -1 with e. */
int	policy_net_prefix(const struct policy_line *l,
	    struct policy_prefix *list, unsigned *n, unsigned max,
	    struct gp_err *e);
/* The pin as base64, as a gateway line writes it. */
void	policy_net_pin_encode(const uint8_t pin[CFG_PIN_BYTES],
	    char out[POLICY_NET_PIN_CHARS + 1]);
/* Is addr/plen inside the prefix r? */
bool	policy_net_covers(const struct policy_prefix *r,
	    const struct cfg_addr *addr, unsigned plen);

#endif
