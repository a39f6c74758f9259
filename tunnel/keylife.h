/* SPDX-License-Identifier: ISC */
/*
 * How long the keys [priv] last passed on stay good, in gp-tunnel
 * [priv]: once gp-auth has gone (end of input), nobody can rekey or log
 * out, and the tunnel runs on only until then. The timers come from a
 * validated CONFIG; they hold no secret.
 */
#ifndef GPVPN_TUNNEL_KEYLIFE_H
#define GPVPN_TUNNEL_KEYLIFE_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/config.h"

struct keylife {
	int64_t		expires_ms;	/* CLOCK_MONOTONIC; 0: not known */
};

/* From CONFIG's <timeout> (the keys'), else its <lifetime> (the
 * session's), counted from now, when the configuration arrived. */
void	keylife_set(struct keylife *k, const struct gp_config *c,
	    int64_t now);
bool	keylife_known(const struct keylife *k);
/* Milliseconds left, 0 once expired; only when known. */
int64_t	keylife_left_ms(const struct keylife *k, int64_t now);

#endif
