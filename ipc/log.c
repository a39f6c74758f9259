/* SPDX-License-Identifier: ISC */
/*
 * Logging for every gpvpn process (see log.h). Output is one line per call
 * on stderr or one datagram to syslog; control characters in messages are
 * escaped so that a hostile server string cannot forge log lines or drive
 * the terminal.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynbuf.h"
#include "log.h"
#include "walltime.h"

#define LOG_LINE_MAX	1024
#define LOG_SYSLOG_PATH	"/dev/log"

static const char *log_prog = "gpvpn";
static int log_verbosity;
static int log_stamp;
static int log_facility = -1;	/* -1: stderr */
static int log_relayed;		/* "<N>" before each stderr line */

/* syslog(3)'s severities, by enum log_level. */
static const int log_sev[] = { 3, 4, 6, 7, 7 };

void
log_init(const char *prog, int verbosity)
{
	log_prog = prog;
	log_verbosity = verbosity;
}

void
log_set_timestamp(int on)
{
	log_stamp = on;
}

void
log_set_syslog(int facility)
{
	log_facility = facility;
}

void
log_set_relayed(void)
{
	if (log_facility != -1) {
		log_relayed = 1;
		log_stamp = 0;	/* syslog stamps the relayed line */
	}
	log_facility = -1;
}

int
log_service_mode(void)
{
	if (isatty(STDERR_FILENO))
		return 0;
	return getenv("INVOCATION_ID") != NULL ||
	    getenv("NOTIFY_SOCKET") != NULL;
}

int
log_enabled(enum log_level lvl)
{
	if (log_verbosity < 0)
		return lvl == LOG_LVL_ERR;
	return (int)lvl <= log_verbosity + LOG_LVL_INFO;
}

/* "<PRI>prog[pid]: text" to /dev/log, never waiting. 0 or -1. */
static int
log_syslog_send(int sev, const char *text)
{
	struct sockaddr_un sun;
	char msg[LOG_LINE_MAX * 4 + 64];
	ssize_t n;
	int fd, len;

	len = snprintf(msg, sizeof(msg), "<%d>%s[%ld]: %s",
	    log_facility | sev, log_prog, (long)getpid(), text);
	if (len < 0)
		return -1;
	if ((size_t)len >= sizeof(msg))
		len = (int)sizeof(msg) - 1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, LOG_SYSLOG_PATH, sizeof(LOG_SYSLOG_PATH));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, msg, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	explicit_bzero(msg, sizeof(msg));
	return n == len ? 0 : -1;
}

static void
log_write(int sev, const char *text)
{
	char ts[WALLTIME_ISO_LEN + 1] = "", pre[8] = "";
	int saved = errno;

	if (log_facility != -1 && log_syslog_send(sev, text) == 0) {
		errno = saved;
		return;
	}
	if (log_stamp) {
		(void)walltime_iso(walltime_now_ms(), ts, sizeof(ts) - 1);
		ts[WALLTIME_ISO_LEN - 1] = ' ';
		ts[WALLTIME_ISO_LEN] = '\0';
	}
	if (log_relayed)
		snprintf(pre, sizeof(pre), "<%d>", sev);
	fprintf(stderr, "%s%s%s: %s\n", pre, ts, log_prog, text);
	errno = saved;
}

static void
log_emit(enum log_level lvl, const char *line)
{
	char out[LOG_LINE_MAX * 4 + 1];
	const unsigned char *p;
	struct dynbuf d;

	/* Room for every byte escaped: no append below can fail. */
	dynbuf_fixed(&d, out, sizeof(out));
	for (p = (const unsigned char *)line; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			(void)dynbuf_addf(&d, "\\x%02x", *p);
		else
			(void)dynbuf_add(&d, p, 1);
	}
	log_write(log_sev[lvl], dynbuf_str(&d));
	explicit_bzero(out, sizeof(out));
}

void
log_relay(const char *line)
{
	int sev = log_sev[LOG_LVL_INFO];
	const char *p = line;
	size_t n;

	if (p[0] == '<' && p[1] >= '3' && p[1] <= '7' && p[2] == '>') {
		sev = p[1] - '0';
		p += 3;
	}
	if (log_facility == -1) {
		fprintf(stderr, "%s\n", line);
		return;
	}
	/* The child's "prog: " is ours already; syslog adds its own. */
	n = strlen(log_prog);
	if (strncmp(p, log_prog, n) == 0 && p[n] == ':' && p[n + 1] == ' ')
		p += n + 2;
	log_write(sev, p);
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved = errno;

	if (!log_enabled(lvl))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_emit(lvl, line);
	explicit_bzero(line, sizeof(line));
	errno = saved;
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	const char *why = strerror(errno);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s", why);
	log_emit(LOG_LVL_ERR, line);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_emit(LOG_LVL_ERR, line);
	exit(1);
}
