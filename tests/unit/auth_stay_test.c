/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's answer to NEED_CONFIG (auth/stay.c
 * stay_need_config_at): a getconfig at once when the last one is
 * STAY_NEED_CONFIG_MIN_S old, else the next rekey no sooner than
 * that, and never later than a rekey already scheduled. Test code only.
 */
#include <errno.h>
#include <stdint.h>

#include "auth/stay.h"
#include "t.h"

#define T0	5000000		/* a made-up CLOCK_MONOTONIC, ms */
#define MIN_MS	((int64_t)STAY_NEED_CONFIG_MIN_S * 1000)

static void
old_enough_now(void)
{
	T_EQ_INT(stay_need_config_at(T0, 0, T0 + MIN_MS), T0 + MIN_MS);
	T_EQ_INT(stay_need_config_at(T0, T0 + 9 * MIN_MS,
	    T0 + 2 * MIN_MS), T0 + 2 * MIN_MS);
}

static void
too_soon_waits(void)
{
	T_EQ_INT(stay_need_config_at(T0, 0, T0 + 1), T0 + MIN_MS);
	T_EQ_INT(stay_need_config_at(T0, 0, T0 + MIN_MS - 1),
	    T0 + MIN_MS);
	/* A rekey already due later is brought forward, not pushed back. */
	T_EQ_INT(stay_need_config_at(T0, T0 + 3600000, T0 + 5),
	    T0 + MIN_MS);
	T_EQ_INT(stay_need_config_at(T0, T0 + MIN_MS / 2, T0 + 5),
	    T0 + MIN_MS / 2);
}

/* However many come in one interval, the answer is one time. */
static void
flood_one_getconfig(void)
{
	int64_t at = 0, t;
	unsigned changes = 0;

	for (t = T0 + 1; t < T0 + MIN_MS; t += 7) {
		int64_t next = stay_need_config_at(T0, at, t);

		if (next != at)
			changes++;
		at = next;
	}
	T_EQ_INT(changes, 1);
	T_EQ_INT(at, T0 + MIN_MS);
}

/* A rekey's CONFIG that finds gp-tunnel gone ends the session as the
 * tunnel's end does (the soak saw exit 1 on a clean stop); other write
 * errors stay failures. */
static void
reader_gone_is_not_failure(void)
{
	T_TRUE(stay_reader_gone(EPIPE));
	T_TRUE(stay_reader_gone(ECONNRESET));
	T_FALSE(stay_reader_gone(EIO));
	T_FALSE(stay_reader_gone(ETIMEDOUT));
	T_FALSE(stay_reader_gone(0));
}

int
main(void)
{
	T_RUN(old_enough_now);
	T_RUN(too_soon_waits);
	T_RUN(flood_one_getconfig);
	T_RUN(reader_gone_is_not_failure);
	return T_DONE();
}
