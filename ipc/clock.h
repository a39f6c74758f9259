/* SPDX-License-Identifier: ISC */
/*
 * Monotonic time in milliseconds, for the deadlines and timers of every
 * gpvpn process. No input.
 */
#ifndef GPVPN_CLOCK_H
#define GPVPN_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in ms: never jumps with the wall clock. */
int64_t	clock_now_ms(void);
/* Clock id in ns since its epoch, or -1 if it cannot be read. */
int64_t	clock_ns(clockid_t id);

#endif
