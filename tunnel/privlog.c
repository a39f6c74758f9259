/* SPDX-License-Identifier: ISC */
/*
 * [priv]'s relay of [net]'s log lines (privlog.h): reads the pipe
 * without blocking, escapes control characters and cuts lines longer
 * than its buffer. Runs in [priv]; [net]'s bytes are untrusted.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/privlog.h"

/* [net]'s log lines, which it may have forged: control characters are
 * escaped again, and a line too long is cut into pieces. */
static void
privlog_flush(struct privlog *l)
{
	char out[PRIVLOG_LINE_BYTES * 4 + 2];
	size_t i, o = 0;

	for (i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->line[i];

		if (c < 0x20 || c == 0x7f) {
			snprintf(out + o, sizeof(out) - o, "\\x%02x", c);
			o += 4;
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	log_relay(out);		/* stderr, or syslog */
	l->len = 0;
}

int
privlog_read(struct privlog *l)
{
	char buf[PRIVLOG_LINE_BYTES];
	ssize_t n, i;

	n = read(l->fd, buf, sizeof(buf));
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		if (l->len > 0)
			privlog_flush(l);
		return -1;		/* closed: stop polling it */
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			privlog_flush(l);
			continue;
		}
		if (l->len == sizeof(l->line))
			privlog_flush(l);
		l->line[l->len++] = buf[i];
	}
	return 0;
}

void
privlog_drain(struct privlog *l)
{
	struct pollfd pfd;
	int64_t end = clock_now_ms() + 1000;

	pfd.fd = l->fd;
	pfd.events = POLLIN;
	while (clock_now_ms() < end) {
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (privlog_read(l) == -1)
			break;
	}
}
