/* SPDX-License-Identifier: ISC */
/*
 * Wall-clock time as ISO 8601 UTC with milliseconds
 * ("2026-12-05T07:35:01.123Z"), for log timestamps and gp-tunnel's
 * status lines. Linked by every process; no input.
 */
#ifndef GPVPN_WALLTIME_H
#define GPVPN_WALLTIME_H

#include <stddef.h>
#include <stdint.h>

#define WALLTIME_ISO_LEN	25	/* with the NUL */

/* CLOCK_REALTIME in ms since the epoch. */
int64_t	walltime_now_ms(void);
/* ms since the epoch as ISO 8601 UTC into out (>= WALLTIME_ISO_LEN). */
const char *walltime_iso(int64_t ms, char *out, size_t len);

#endif
