/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the notify protocol (tunnel/sdnotify.c) against sockets
 * the test binds: a path and an abstract name; the variable is unset
 * after it was read; no variable is a no-op; a bad value is refused; a
 * long status is cut, a newline ends it. Test code only.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/sdnotify.h"
#include "t.h"

/* A datagram socket bound to name ("@x": abstract). */
static int
bound(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name) + (name[0] == '@' ? 0 : 1));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, len) == -1)
		return -1;
	return fd;
}

static const char *
got(int fd)
{
	static char buf[512];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void
path_socket(void)
{
	char path[64];
	struct gp_err e = { "" };
	int fd;

	snprintf(path, sizeof(path), "/tmp/gpvpn-sdnotify-%ld", (long)getpid());
	unlink(path);
	T_CHECK((fd = bound(path)) != -1);
	setenv("NOTIFY_SOCKET", path, 1);
	T_CHECK(sdnotify_init(&e) == 1);
	T_CHECK(getenv("NOTIFY_SOCKET") == NULL);
	T_CHECK(sdnotify_send("READY=1", &e) == 0);
	T_STREQ(got(fd), "READY=1");
	T_CHECK(sdnotify_status("session of uid 1000: connected", &e) == 0);
	T_STREQ(got(fd), "STATUS=session of uid 1000: connected");
	T_CHECK(sdnotify_status("one\nSTOPPING=1", &e) == 0);
	T_STREQ(got(fd), "STATUS=one");
	close(fd);
	unlink(path);
	/* The reader is gone: an error to log, nothing worse. */
	T_CHECK(sdnotify_send("STOPPING=1", &e) == -1);
}

static void
abstract_socket(void)
{
	char name[64], big[400];
	struct gp_err e = { "" };
	int fd;

	snprintf(name, sizeof(name), "@gpvpn-sdnotify-%ld", (long)getpid());
	T_CHECK((fd = bound(name)) != -1);
	setenv("NOTIFY_SOCKET", name, 1);
	T_CHECK(sdnotify_init(&e) == 1);
	T_CHECK(sdnotify_send("STOPPING=1", &e) == 0);
	T_STREQ(got(fd), "STOPPING=1");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_CHECK(sdnotify_status(big, &e) == 0);
	T_CHECK(strlen(got(fd)) == 7 + 200);
	close(fd);
}

static void
none_or_bad(void)
{
	char big[200];
	struct gp_err e = { "" };

	unsetenv("NOTIFY_SOCKET");
	T_CHECK(sdnotify_init(&e) == 0);
	T_CHECK(sdnotify_send("READY=1", &e) == 0);	/* a no-op */
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	T_CHECK(sdnotify_init(&e) == -1);
	T_STREQ(e.msg, "NOTIFY_SOCKET `relative/path`: not an absolute "
	    "path or an @abstract name that fits");
	T_CHECK(getenv("NOTIFY_SOCKET") == NULL);
	T_CHECK(sdnotify_send("READY=1", &e) == 0);	/* off */
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	setenv("NOTIFY_SOCKET", big, 1);
	T_CHECK(sdnotify_init(&e) == -1);
	setenv("NOTIFY_SOCKET", "@", 1);
	T_CHECK(sdnotify_init(&e) == -1);
}

int
main(void)
{
	T_RUN(path_socket);
	T_RUN(abstract_socket);
	T_RUN(none_or_bad);
	return T_DONE();
}
