/* SPDX-License-Identifier: ISC */
/*
 * The gateway probe (see gwprobe.h), in gp-auth under its seccomp
 * denylist: socket(), connect(), poll(), getsockopt() and close() only.
 * What it learns from the network is one fact per address: whether and
 * how soon the TCP handshake completed.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/gwchoice.h"
#include "auth/gwprobe.h"

static int64_t
gwprobe_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static socklen_t
gwprobe_sockaddr(const struct gwprobe_addr *t, struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (t->addr.family == CFG_AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(t->port);
		memcpy(&s4->sin_addr, t->addr.bytes, 4);
		return sizeof(*s4);
	}
	if (t->addr.family == CFG_AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(t->port);
		memcpy(&s6->sin6_addr, t->addr.bytes, 16);
		return sizeof(*s6);
	}
	return 0;
}

/* The started connect's descriptor, or -1 when it already failed. */
static int
gwprobe_start(const struct gwprobe_addr *t)
{
	struct sockaddr_storage ss;
	socklen_t len = gwprobe_sockaddr(t, &ss);
	int fd;

	if (len == 0 || (fd = socket(ss.ss_family, SOCK_STREAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) == 0 ||
	    errno == EINPROGRESS)
		return fd;
	close(fd);
	return -1;
}

/* A finished connect: its time, or no answer; the socket is closed. */
static int32_t
gwprobe_done(struct pollfd *p, int64_t start_us)
{
	int err = 0;
	socklen_t len = sizeof(err);
	int32_t ms = GWCHOICE_NO_ANSWER;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 &&
	    err == 0 && (p->revents & POLLOUT) != 0)
		ms = (int32_t)((gwprobe_now_us() - start_us) / 1000);
	close(p->fd);
	p->fd = -1;	/* poll() skips it from now on */
	return ms;
}

void
gwprobe_run(const struct gwprobe_addr *a, size_t n, int bound_ms,
    int32_t *ms)
{
	struct pollfd pfd[GWPROBE_MAX];
	int64_t start_us = gwprobe_now_us(), left_ms;
	size_t i, open = 0;

	if (n > GWPROBE_MAX)
		n = GWPROBE_MAX;
	for (i = 0; i < n; i++) {
		ms[i] = GWCHOICE_NO_ANSWER;
		pfd[i].events = POLLOUT;
		pfd[i].revents = 0;
		if ((pfd[i].fd = gwprobe_start(&a[i])) != -1)
			open++;
	}
	while (open > 0) {
		left_ms = bound_ms - (gwprobe_now_us() - start_us) / 1000;
		if (left_ms <= 0)
			break;
		if (poll(pfd, n, (int)left_ms) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			ms[i] = gwprobe_done(&pfd[i], start_us);
			open--;
		}
	}
	for (i = 0; i < n; i++)
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
}
