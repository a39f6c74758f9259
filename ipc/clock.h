/* SPDX-License-Identifier: ISC */
/*
 * Monotonic time in milliseconds, for the deadlines and timers of every
 * gpvpn process. No input.
 */
#ifndef GPVPN_CLOCK_H
#define GPVPN_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in ms: never jumps with the wall clock. */
int64_t	clock_now_ms(void);

#endif
