/* SPDX-License-Identifier: ISC */
/*
 * Monotonic milliseconds (see clock.h), linked by every process. It reads
 * only the kernel's clock, which every seccomp policy allows.
 */
#include <time.h>

#include "clock.h"

int64_t
clock_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
