/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for ipc/clock.c: nanoseconds from a clock agree with the
 * milliseconds of clock_now_ms and never go back; a clock that cannot
 * be read gives -1.
 */
#include <time.h>

#include "ipc/clock.h"
#include "t.h"

static void
ns_agrees_with_ms(void)
{
	int64_t ms0 = clock_now_ms(), ns = clock_ns(CLOCK_MONOTONIC);
	int64_t ms1 = clock_now_ms();

	T_CHECK(ns / 1000000 >= ms0 && ns / 1000000 <= ms1);
	T_CHECK(clock_ns(CLOCK_MONOTONIC) >= ns);
	T_CHECK(clock_ns(CLOCK_REALTIME) > (int64_t)1700000000 * 1000000000);
}

static void
unreadable_clock(void)
{
	T_EQ_INT(clock_ns((clockid_t)-99), -1);
}

int
main(void)
{
	T_RUN(ns_agrees_with_ms);
	T_RUN(unreadable_clock);
	return T_DONE();
}
