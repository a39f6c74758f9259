/* SPDX-License-Identifier: ISC */
/*
 * The keys' time left (keylife.h), in gp-tunnel [priv]: what the tunnel
 * may still run on after gp-auth has gone. The timers come from a CONFIG
 * that was validated and allowed by the policy.
 */
#include "tunnel/keylife.h"

void
keylife_set(struct keylife *k, const struct gp_config *c, int64_t now)
{
	uint32_t s = c->timeout_s != 0 ? c->timeout_s : c->lifetime_s;

	k->expires_ms = s == 0 ? 0 : now + (int64_t)s * 1000;
}

bool
keylife_known(const struct keylife *k)
{
	return k->expires_ms != 0;
}

int64_t
keylife_left_ms(const struct keylife *k, int64_t now)
{
	return now >= k->expires_ms ? 0 : k->expires_ms - now;
}
