/* SPDX-License-Identifier: ISC */
/*
 * sd_notify(3) by hand (sdnotify.h): a Unix datagram to $NOTIFY_SOCKET.
 * Runs in the gp-tunnel --listen process; the variable is systemd's and
 * is checked before use.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/sdnotify.h"

static struct sockaddr_un sdnotify_sun;
static socklen_t sdnotify_len;		/* 0: off */

int
sdnotify_init(struct gp_err *e)
{
	const char *v = getenv("NOTIFY_SOCKET");
	size_t n;

	sdnotify_len = 0;
	if (v == NULL)
		return 0;
	n = strlen(v);
	memset(&sdnotify_sun, 0, sizeof(sdnotify_sun));
	sdnotify_sun.sun_family = AF_UNIX;
	if ((v[0] != '/' && v[0] != '@') || n < 2 ||
	    n >= sizeof(sdnotify_sun.sun_path)) {
		err_set(e, "NOTIFY_SOCKET `%.64s`: not an absolute path or "
		    "an @abstract name that fits", v);
		(void)unsetenv("NOTIFY_SOCKET");
		return -1;
	}
	memcpy(sdnotify_sun.sun_path, v, n);
	if (v[0] == '@') {
		sdnotify_sun.sun_path[0] = '\0';
		sdnotify_len = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + n);
	} else
		sdnotify_len = (socklen_t)(offsetof(struct sockaddr_un,
		    sun_path) + n + 1);
	(void)unsetenv("NOTIFY_SOCKET");
	return 1;
}

int
sdnotify_send(const char *msg, struct gp_err *e)
{
	ssize_t r;
	int fd;

	if (sdnotify_len == 0)
		return 0;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, "sd_notify: socket: %s", strerror(errno));
	r = sendto(fd, msg, strlen(msg), MSG_DONTWAIT | MSG_NOSIGNAL,
	    (struct sockaddr *)&sdnotify_sun, sdnotify_len);
	close(fd);
	if (r == -1)
		return err_set(e, "sd_notify `%.32s`: %s", msg,
		    strerror(errno));
	return 0;
}

int
sdnotify_status(const char *text, struct gp_err *e)
{
	char msg[7 + 200 + 1];	/* "STATUS=", the text, NUL */

	snprintf(msg, sizeof(msg), "STATUS=%s", text);
	/* One line: systemd takes the text up to the newline. */
	msg[strcspn(msg, "\n")] = '\0';
	return sdnotify_send(msg, e);
}
