/* SPDX-License-Identifier: ISC */
/*
 * The gp-tunnel policy printed back as text, one line per rule, for
 * golden tests and -vv. Runs in [priv] and in tests; the policy it
 * prints was parsed by policy_parse() and is trusted.
 */
#ifndef GPVPN_TUNNEL_POLICY_PRINT_H
#define GPVPN_TUNNEL_POLICY_PRINT_H

#include <stdio.h>

#include "tunnel/policy.h"

/* One line per rule, in a fixed order (golden tests, -vv). */
void	policy_print(FILE *fp, const struct tunnel_policy *p);

#endif
