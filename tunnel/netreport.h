/* SPDX-License-Identifier: ISC */
/*
 * [net]'s counters (struct tunnel_stats) as a REPORT body for [priv]'s
 * status lines: the transport, the SA's age and the traffic, with no
 * secret. Runs in gp-tunnel [net]; its input is its own counters.
 */
#ifndef GPVPN_TUNNEL_NETREPORT_H
#define GPVPN_TUNNEL_NETREPORT_H

#include <stdint.h>

#include "tunnel/privsep.h"
#include "tunnel/session.h"

/* Fills r (why left 0) from st at monotonic time now_ms. */
void	netreport_fill(const struct tunnel_stats *st, int64_t now_ms,
	    struct privsep_report *r);

#endif
