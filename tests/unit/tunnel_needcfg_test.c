/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for [priv]'s NEED_CONFIG limiter (tunnel/needcfg.c) on a
 * real socketpair with a made-up clock: one request outstanding at a
 * time, none closer than NEEDCFG_INTERVAL_MS, a request too soon sent
 * when due, a gp-auth that does not read never blocks the caller.
 */
#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/needcfg.h"
#include "t.h"

#define T0	1000000		/* the made-up clock, ms */

/* NEED_CONFIG frames waiting on fd (the gp-auth end); -1 on junk. */
static int
frames(int fd)
{
	uint8_t b[FRAME_HDR_BYTES * 64];
	struct frame_hdr h;
	struct buf v;
	struct gp_err e;
	ssize_t n;
	int count = 0;

	n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
	if (n == -1)
		return errno == EAGAIN ? 0 : -1;
	if (n % FRAME_HDR_BYTES != 0)
		return -1;
	buf_view(&v, b, (size_t)n);
	while (buf_avail(&v) > 0) {
		if (frame_decode_hdr(&v, &h, &e) == -1 ||
		    h.type != FRAME_NEED_CONFIG)
			return -1;
		count++;
	}
	return count;
}

static void
pair(int sv[2], struct needcfg *n)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	needcfg_init(n, sv[0], true);
}

static void
burst_sends_one(void)
{
	struct needcfg n;
	int sv[2], i;

	pair(sv, &n);
	for (i = 0; i < 1000; i++)
		needcfg_request(&n, T0 + i);
	T_EQ_INT(frames(sv[1]), 1);
	for (i = 0; i < 1000; i++) {
		needcfg_tick(&n, T0 + 1000 + i * 100);
		needcfg_request(&n, T0 + 1000 + i * 100);
	}
	T_EQ_INT(frames(sv[1]), 0);	/* outstanding: no answer yet */
	close(sv[0]);
	close(sv[1]);
}

/* Answered, then asked again too soon: sent when the interval is up. */
static void
too_soon_waits(void)
{
	struct needcfg n;
	int sv[2];

	pair(sv, &n);
	needcfg_request(&n, T0);
	T_EQ_INT(frames(sv[1]), 1);
	needcfg_answered(&n);
	needcfg_request(&n, T0 + 2000);
	needcfg_request(&n, T0 + 2001);
	needcfg_tick(&n, T0 + NEEDCFG_INTERVAL_MS - 1);
	T_EQ_INT(frames(sv[1]), 0);
	needcfg_tick(&n, T0 + NEEDCFG_INTERVAL_MS);
	T_EQ_INT(frames(sv[1]), 1);
	needcfg_tick(&n, T0 + 3 * NEEDCFG_INTERVAL_MS);
	T_EQ_INT(frames(sv[1]), 0);	/* one pending, one sent */
	close(sv[0]);
	close(sv[1]);
}

/* No answer: after NEEDCFG_WAIT_MS a new request may go. */
static void
unanswered_expires(void)
{
	struct needcfg n;
	int sv[2];

	pair(sv, &n);
	needcfg_request(&n, T0);
	T_EQ_INT(frames(sv[1]), 1);
	needcfg_request(&n, T0 + NEEDCFG_WAIT_MS - 1);
	T_EQ_INT(frames(sv[1]), 0);
	needcfg_request(&n, T0 + NEEDCFG_WAIT_MS);
	T_EQ_INT(frames(sv[1]), 1);
	close(sv[0]);
	close(sv[1]);
}

/* A full socket: the request is dropped at once, nothing half-sent. */
static void
peer_not_reading(void)
{
	uint8_t junk[4096];
	struct needcfg n;
	int64_t t;
	int sv[2], i;

	pair(sv, &n);
	memset(junk, 0, sizeof(junk));
	while (send(sv[0], junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	while (send(sv[0], junk, 1, MSG_DONTWAIT) > 0)
		;
	t = clock_now_ms();
	for (i = 0; i < 100; i++)
		needcfg_request(&n, T0 + i * NEEDCFG_WAIT_MS);
	T_CHECK(clock_now_ms() - t < 1000);
	T_CHECK(!needcfg_want_write(&n));
	T_CHECK(n.can_reply);
	close(sv[0]);
	close(sv[1]);
}

/* gp-auth gone: no SIGPIPE, no more requests. */
static void
peer_gone(void)
{
	struct needcfg n;
	int sv[2];

	pair(sv, &n);
	close(sv[1]);
	needcfg_request(&n, T0);
	T_CHECK(!n.can_reply);
	close(sv[0]);
}

/* A pipe gets nothing. */
static void
pipe_never_written(void)
{
	struct needcfg n;
	int p[2];
	char c;

	if (pipe(p) == -1)
		exit(2);
	needcfg_init(&n, p[1], false);
	needcfg_request(&n, T0);
	needcfg_tick(&n, T0 + NEEDCFG_WAIT_MS);
	close(p[1]);
	T_EQ_INT(read(p[0], &c, 1), 0);
	close(p[0]);
}

int
main(void)
{
	log_init("tunnel_needcfg_test", -1);
	T_RUN(burst_sends_one);
	T_RUN(too_soon_waits);
	T_RUN(unanswered_expires);
	T_RUN(peer_not_reading);
	T_RUN(peer_gone);
	T_RUN(pipe_never_written);
	return T_DONE();
}
