/*
 * Logging for every gpvpn process (see log.h). Output is one line per call
 * on stderr; control characters in messages are escaped so that a hostile
 * server string cannot forge log lines or drive the terminal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "log.h"

#define LOG_LINE_MAX	1024

static const char *log_prog = "gpvpn";
static int log_verbosity;

void
log_init(const char *prog, int verbosity)
{
	log_prog = prog;
	log_verbosity = verbosity;
}

int
log_enabled(enum log_level lvl)
{
	return (int)lvl <= log_verbosity + LOG_LVL_INFO;
}

static void
log_emit(const char *line)
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
	fprintf(stderr, "%s: %s\n", log_prog, dynbuf_str(&d));
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	int saved = errno;

	if (!log_enabled(lvl))
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	log_emit(line);
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
	log_emit(line);
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
	log_emit(line);
	exit(1);
}
