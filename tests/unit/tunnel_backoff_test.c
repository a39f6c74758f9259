/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the reconnect schedule (tunnel/backoff.c) on fake time:
 * 1, 2, 4, 8, 16 then 30 s between attempts; a run that goes on when the
 * transport dies soon after coming back, and starts afresh after it was
 * stable; and [priv]'s rate limit, which lets [net]'s own schedule
 * through and stretches a flood. Test code only.
 */
#include "tunnel/backoff.h"
#include "t.h"

static void
delays(void)
{
	T_EQ_INT(backoff_delay_ms(1), 1000);
	T_EQ_INT(backoff_delay_ms(2), 2000);
	T_EQ_INT(backoff_delay_ms(3), 4000);
	T_EQ_INT(backoff_delay_ms(5), 16000);
	T_EQ_INT(backoff_delay_ms(6), 30000);
	T_EQ_INT(backoff_delay_ms(1000), BACKOFF_MAX_MS);
	T_EQ_INT(backoff_delay_ms(UINT32_MAX), BACKOFF_MAX_MS);
	T_CHECK(BACKOFF_STABLE_MS >= BACKOFF_MAX_MS);
}

/* [net]: the first attempt at once, then the waits double. */
static void
net_schedule(void)
{
	struct backoff b = { 0 };
	int64_t t = 5000, want[] = { 0, 1000, 2000, 4000, 8000, 16000,
	    30000, 30000 };
	unsigned i;

	backoff_lost(&b, t);
	T_EQ_INT(b.run_start, t);
	T_EQ_INT(b.n, 0);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		T_EQ_INT(backoff_wait_ms(&b), want[i]);
		t += backoff_wait_ms(&b);
		backoff_attempt(&b, t);
		t += 300;		/* the attempt fails */
	}
	T_EQ_INT(b.n, 8);
	/* Back, then lost again 10 s later: the run goes on. */
	backoff_up(&b, t);
	backoff_lost(&b, t + 10000);
	T_EQ_INT(b.n, 8);
	T_EQ_INT(backoff_wait_ms(&b), BACKOFF_MAX_MS);
	/* Back for longer than BACKOFF_STABLE_MS: a new run. */
	backoff_up(&b, t + 20000);
	backoff_lost(&b, t + 20000 + BACKOFF_STABLE_MS);
	T_EQ_INT(b.n, 0);
	T_EQ_INT(b.run_start, t + 20000 + BACKOFF_STABLE_MS);
	T_EQ_INT(backoff_wait_ms(&b), 0);
}

/* [priv] sees [net]'s schedule (each request at least the wait after
 * the previous one) and lets every request through. */
static void
priv_allows_the_schedule(void)
{
	struct backoff net = { 0 }, priv = { 0 };
	int64_t t = 1000;
	unsigned i, allowed = 0;

	backoff_lost(&net, t);
	backoff_lost(&priv, t);
	for (i = 0; i < 12; i++) {
		t += backoff_wait_ms(&net);
		backoff_attempt(&net, t);
		t += 5;			/* the message's way to [priv] */
		allowed += backoff_allow(&priv, t) ? 1 : 0;
		t += 5000;		/* probes, then HTTPS fails */
	}
	T_EQ_INT(allowed, 12);
}

/* A request every 100 ms for a minute: each one counts, so after the
 * first only one per BACKOFF_MAX_MS gets through: 2, not 600. */
static void
priv_stretches_a_flood(void)
{
	struct backoff b = { 0 };
	int64_t t;
	unsigned allowed = 0;

	backoff_lost(&b, 0);
	for (t = 0; t < 60000; t += 100)
		allowed += backoff_allow(&b, t) ? 1 : 0;
	T_EQ_INT(allowed, 2);
	T_EQ_INT(b.last, 30000);	/* 0 and 30 s */
	T_EQ_INT(b.n, 600);
	/* Back and lost again at once: no fresh run, one per 30 s. */
	backoff_up(&b, 60000);
	backoff_lost(&b, 60100);
	T_CHECK(backoff_allow(&b, 60100));
	T_CHECK(!backoff_allow(&b, 60200));
	T_CHECK(!backoff_allow(&b, 90000));
	/* After a stable period, a new run: the first is allowed. */
	backoff_up(&b, 61000);
	backoff_lost(&b, 61000 + BACKOFF_STABLE_MS);
	T_CHECK(backoff_allow(&b, 61000 + BACKOFF_STABLE_MS));
	T_CHECK(!backoff_allow(&b, 61100 + BACKOFF_STABLE_MS));
}

int
main(void)
{
	T_RUN(delays);
	T_RUN(net_schedule);
	T_RUN(priv_allows_the_schedule);
	T_RUN(priv_stretches_a_flood);
	return T_DONE();
}
