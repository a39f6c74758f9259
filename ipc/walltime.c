/*
 * ISO 8601 UTC timestamps (see walltime.h). Reads the kernel's real-time
 * clock and formats with gmtime_r, which reads no time-zone file.
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

const char *
walltime_iso(int64_t ms, char *out, size_t len)
{
	time_t sec = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || gmtime_r(&sec, &tm) == NULL || tm.tm_year > 8099) {
		snprintf(out, len, "1970-01-01T00:00:00.000Z");
		return out;
	}
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	return out;
}
