/* SPDX-License-Identifier: ISC */
/*
 * The reconnect schedule of gp-tunnel: how long [net] waits before each
 * attempt to bring a lost transport back, and the same schedule as
 * [priv]'s rate limit on the attempt-reconnect script, which a [net]
 * owned by an attacker could otherwise run at will. Pure code on the
 * caller's clock; in [priv] the times of the requests are untrusted.
 */
#ifndef GPVPN_TUNNEL_BACKOFF_H
#define GPVPN_TUNNEL_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_MIN_MS		1000	/* before the second attempt */
#define BACKOFF_MAX_MS		30000	/* doubling stops here */
/* A transport up this long ends a run: the next loss starts afresh. A
 * gateway that takes us back and drops us at once cannot keep us
 * reconnecting at the first attempts' pace. At least BACKOFF_MAX_MS. */
#define BACKOFF_STABLE_MS	30000
#define BACKOFF_LIMIT_MS	600000	/* a run gives up after 10 min */

struct backoff {
	unsigned	n;		/* attempts (requests) in this run */
	int64_t		run_start;	/* of this run */
	int64_t		last;		/* the last attempt (allowed one) */
	int64_t		up_since;	/* the transport came back; 0: never */
};

/* The wait before attempt k + 1 of a run (k >= 1): 1, 2, 4, 8, 16,
 * then 30 s. */
int64_t	backoff_delay_ms(unsigned k);
/* The transport was lost at now: a new run, or the last one goes on if
 * the transport came back less than BACKOFF_STABLE_MS ago. */
void	backoff_lost(struct backoff *b, int64_t now);
/* [net]: how long to wait before the next attempt (0 for the first). */
int64_t	backoff_wait_ms(const struct backoff *b);
/* [net]: an attempt starts at now. */
void	backoff_attempt(struct backoff *b, int64_t now);
/* The transport is back at now. */
void	backoff_up(struct backoff *b, int64_t now);
/* [priv]: an attempt is announced at now; true if it keeps to the
 * schedule (the first of a run, or at least backoff_delay_ms(n) after
 * the last one allowed). Counted either way, so a flood of requests
 * only stretches the schedule. */
bool	backoff_allow(struct backoff *b, int64_t now);

#endif
