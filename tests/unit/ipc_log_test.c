/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the log (ipc/log.c): -q lets errors only through; -v
 * and -v -v open debug and trace; --timestamp puts an ISO 8601 UTC time
 * with milliseconds first; a relayed child writes "<N>" with its
 * severity under syslog, and the relay takes only 3..7 from it. stderr
 * is redirected to a file the test reads. Test code only.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "ipc/walltime.h"
#include "t.h"

static char path[] = "/tmp/gpvpn-logtest-XXXXXX";

/* What stderr got since the last call. */
static const char *
captured(void)
{
	static char buf[4096];
	FILE *f;
	size_t n;

	fflush(stderr);
	buf[0] = '\0';
	if ((f = fopen(path, "r")) == NULL)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	if (truncate(path, 0) == -1)
		buf[0] = '\0';
	return buf;
}

static void
quiet_is_errors_only(void)
{
	log_init("t", -1);
	T_CHECK(log_enabled(LOG_LVL_ERR));
	T_CHECK(!log_enabled(LOG_LVL_WARN));
	T_CHECK(!log_enabled(LOG_LVL_INFO));
	log_warnx("a warning");
	log_err("an error");
	T_STREQ(captured(), "t: an error\n");
	log_init("t", 0);
	T_CHECK(log_enabled(LOG_LVL_WARN) && log_enabled(LOG_LVL_INFO));
	T_CHECK(!log_enabled(LOG_LVL_DEBUG));
	log_init("t", 2);
	T_CHECK(log_enabled(LOG_LVL_TRACE));
	log_init("t", 0);
}

static void
timestamps(void)
{
	char iso[WALLTIME_ISO_LEN];
	const char *got;

	T_STREQ(walltime_iso(0, iso, sizeof(iso)), "1970-01-01T00:00:00.000Z");
	T_STREQ(walltime_iso(1796455501123LL, iso, sizeof(iso)),
	    "2026-12-05T07:25:01.123Z");
	T_STREQ(walltime_iso(951782400000LL, iso, sizeof(iso)),
	    "2000-02-29T00:00:00.000Z");
	T_STREQ(walltime_iso(4107542399999LL, iso, sizeof(iso)),
	    "2100-02-28T23:59:59.999Z");
	T_STREQ(walltime_iso(-1, iso, sizeof(iso)),
	    "1970-01-01T00:00:00.000Z");
	log_set_timestamp(1);
	log_info("x\ny");
	got = captured();
	T_CHECK(strlen(got) == 24 + 1 + strlen("t: x\\x0ay\n"));
	T_CHECK(got[4] == '-' && got[10] == 'T' && got[19] == '.' &&
	    got[23] == 'Z' && got[24] == ' ');
	T_STREQ(got + 25, "t: x\\x0ay\n");
	log_set_timestamp(0);
}

/* Without syslog, a relayed line goes out as it came, and a child
 * that is not relayed writes no severity. */
static void
relay(void)
{
	log_set_relayed();	/* syslog off: no "<N>" */
	log_info("plain");
	T_STREQ(captured(), "t: plain\n");
	log_relay("t: from the child");
	T_STREQ(captured(), "t: from the child\n");
	/* Under syslog a child writes "<N>": severity 6 for info, 3 err. */
	log_set_syslog(3 << 3);
	log_set_relayed();
	log_info("up");
	log_err("down");
	T_STREQ(captured(), "<6>t: up\n<3>t: down\n");
}

int
main(void)
{
	int fd = mkstemp(path);

	/* O_APPEND: after captured() truncates, writes start at 0. */
	if (fd == -1)
		return 1;
	close(fd);
	if ((fd = open(path, O_WRONLY | O_APPEND)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		return 1;
	close(fd);
	T_RUN(quiet_is_errors_only);
	T_RUN(timestamps);
	T_RUN(relay);
	unlink(path);
	return T_DONE();
}
