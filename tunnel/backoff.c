/* SPDX-License-Identifier: ISC */
/*
 * The reconnect schedule (see backoff.h): bounded exponential back-off,
 * used by [net] to pace its attempts and by [priv] to rate-limit the
 * attempt-reconnect script. Pure; no input but the caller's clock.
 */
#include "tunnel/backoff.h"

int64_t
backoff_delay_ms(unsigned k)
{
	int64_t d = BACKOFF_MIN_MS;

	while (k > 1 && d < BACKOFF_MAX_MS) {
		d *= 2;
		k--;
	}
	return d < BACKOFF_MAX_MS ? d : BACKOFF_MAX_MS;
}

void
backoff_lost(struct backoff *b, int64_t now)
{
	if (b->up_since != 0 && now - b->up_since < BACKOFF_STABLE_MS)
		return;		/* came back and died at once: go on */
	b->run_start = now;
	b->n = 0;
	b->last = 0;
}

int64_t
backoff_wait_ms(const struct backoff *b)
{
	return b->n == 0 ? 0 : backoff_delay_ms(b->n);
}

void
backoff_attempt(struct backoff *b, int64_t now)
{
	if (b->n < UINT32_MAX)
		b->n++;
	b->last = now;
}

void
backoff_up(struct backoff *b, int64_t now)
{
	b->up_since = now;
}

bool
backoff_allow(struct backoff *b, int64_t now)
{
	bool ok = b->n == 0 || now - b->last >= backoff_delay_ms(b->n);

	if (b->n < UINT32_MAX)
		b->n++;
	if (ok)
		b->last = now;
	return ok;
}
