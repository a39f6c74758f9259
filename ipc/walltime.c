/* SPDX-License-Identifier: ISC */
/*
 * ISO 8601 UTC timestamps (see walltime.h). Reads the kernel's real-time
 * clock and computes the date itself: no file, no system call but
 * clock_gettime.
 */
#include <stdio.h>
#include <time.h>

#include "walltime.h"

int64_t
walltime_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm):
 * no libc time-zone code, which would open /etc/localtime on its first
 * call, a system call [net]'s seccomp allowlist does not have. */
static void
walltime_civil(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

const char *
walltime_iso(int64_t ms, char *out, size_t len)
{
	int64_t sec, days;
	unsigned mon, day, s;
	int year;

	if (ms < 0 || ms >= 253402300800000LL)	/* not in 1970..9999 */
		ms = 0;
	sec = ms / 1000;
	days = sec / 86400;
	s = (unsigned)(sec % 86400);
	walltime_civil(days, &year, &mon, &day);
	snprintf(out, len, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", year, mon,
	    day, s / 3600, s / 60 % 60, s % 60, (unsigned)(ms % 1000));
	return out;
}
