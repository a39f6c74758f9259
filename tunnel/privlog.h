/* SPDX-License-Identifier: ISC */
/*
 * [priv]'s relay of [net]'s log lines to stderr: [net] writes them down
 * a pipe and may have forged them, so control characters are escaped
 * again and a long line is cut. Runs in [priv]; the bytes are untrusted.
 */
#ifndef GPVPN_TUNNEL_PRIVLOG_H
#define GPVPN_TUNNEL_PRIVLOG_H

#include <stddef.h>

#define PRIVLOG_LINE_BYTES	4096

struct privlog {
	int	fd;		/* the read end of [net]'s log pipe */
	char	line[PRIVLOG_LINE_BYTES];
	size_t	len;
};

/* One read of fd: its whole lines go to stderr. 0, or -1 once the pipe
 * is closed (a last partial line is written first). */
int	privlog_read(struct privlog *l);
/* What [net] still writes until it closes the pipe; at most 1 s. */
void	privlog_drain(struct privlog *l);

#endif
