/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the descriptor chores (ipc/fdio.c): close_from with a
 * keep-list on each of its three ways (close_range, /proc, the loop, the
 * first two turned off by seccomp in a child), reads at the cap exactly
 * and one over, and writes through a full non-blocking pipe, whole or
 * (fdio_write2) in two pieces split anywhere.
 */
#define _GNU_SOURCE	/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include "ipc/clock.h"
#include "ipc/fdio.h"
#include "t.h"

#define NFD	8

enum way { WAY_CLOSE_RANGE, WAY_PROC, WAY_LOOP, WAY_EPERM };

static int
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* Turn close_range (and for WAY_LOOP, opening /proc) off. */
static int
child_filter(enum way w)
{
	scmp_filter_ctx ctx;
	int rc = -1;

	if (w == WAY_CLOSE_RANGE)
		return 0;
	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -1;
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(w == WAY_EPERM ? EPERM :
	    ENOSYS), SCMP_SYS(close_range), 0) == 0 &&
	    (w != WAY_LOOP || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOENT),
	    SCMP_SYS(openat), 0) == 0) &&
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
	    seccomp_load(ctx) == 0)
		rc = 0;
	seccomp_release(ctx);
	return rc;
}

/*
 * In a child: fds[] open, close_from(first of them, keep 2nd and 5th).
 * Exit 0 when exactly the kept ones (and 0-2) survive; WAY_EPERM wants
 * -1 with EPERM instead.
 */
static int
child_close(enum way w)
{
	int fds[NFD], keep[3], i, rc;

	for (i = 0; i < NFD; i++)
		if ((fds[i] = open("/dev/null", O_RDONLY)) == -1)
			return 10;
	keep[0] = fds[4];
	keep[1] = fds[1];
	keep[2] = fds[1];	/* a duplicate is harmless */
	if (child_filter(w) == -1)
		return 11;
	rc = fdio_close_from(fds[0], keep, 3);
	if (w == WAY_EPERM)
		return rc == -1 && errno == EPERM ? 0 : 12;
	if (rc != 0)
		return 13;
	for (i = 0; i < NFD; i++)
		if (fd_open(fds[i]) != (i == 1 || i == 4))
			return 20 + i;
	if (!fd_open(0) || !fd_open(1) || !fd_open(2))
		return 30;
	return fd_open(fds[NFD - 1] + 1) ? 31 : 0;
}

static int
run_child(enum way w)
{
	pid_t pid;
	int st;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0)
		_exit(child_close(w));
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	if (WEXITSTATUS(st) != 0)
		fprintf(stderr, "  child status %d\n", WEXITSTATUS(st));
	return WEXITSTATUS(st);
}

static void
close_from_close_range(void)
{
	T_EQ_INT(run_child(WAY_CLOSE_RANGE), 0);
}

static void
close_from_proc(void)
{
	T_EQ_INT(run_child(WAY_PROC), 0);
}

static void
close_from_loop(void)
{
	T_EQ_INT(run_child(WAY_LOOP), 0);
}

static void
close_from_reports_errors(void)
{
	int bad[1] = { -2 };

	T_EQ_INT(run_child(WAY_EPERM), 0);
	errno = 0;
	T_EQ_INT(fdio_close_from(-1, NULL, 0), -1);
	T_EQ_INT(errno, EINVAL);
	errno = 0;
	T_EQ_INT(fdio_close_from(1000, bad, 1), -1);
	T_EQ_INT(errno, EINVAL);
}

/* Feed n bytes of 'x' into a pipe and close it: the read end. */
static int
pipe_with(size_t n)
{
	char buf[256];
	int p[2];

	if (n > sizeof(buf) || pipe(p) == -1)
		return -1;
	memset(buf, 'x', n);
	if (write(p[1], buf, n) != (ssize_t)n)
		n = 0;
	close(p[1]);
	return p[0];
}

static void
read_all_at_cap(void)
{
	struct gp_err e = { "" };
	uint8_t buf[16];
	int fd;

	fd = pipe_with(16);
	T_EQ_INT(fdio_read_all(fd, buf, sizeof(buf), &e), 16);
	T_EQ_INT(buf[15], 'x');
	close(fd);
	fd = pipe_with(0);
	T_EQ_INT(fdio_read_all(fd, buf, sizeof(buf), &e), 0);
	close(fd);
}

static void
read_all_over_cap_by_one(void)
{
	struct gp_err e = { "" };
	uint8_t buf[16];
	int fd;

	fd = pipe_with(17);
	errno = 0;
	T_EQ_INT(fdio_read_all(fd, buf, sizeof(buf), &e), -1);
	T_EQ_INT(errno, EMSGSIZE);
	T_STREQ(e.msg, "longer than 16 bytes");
	close(fd);
	fd = pipe_with(1);
	T_EQ_INT(fdio_read_all(fd, buf, 0, &e), -1);
	close(fd);
}

static void
read_all_error(void)
{
	struct gp_err e = { "" };
	uint8_t buf[4];
	int p[2];

	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(fdio_read_all(p[1], buf, sizeof(buf), &e), -1);
	T_EQ_INT(errno, EBADF);
	T_STREQ(e.msg, "read: Bad file descriptor");
	close(p[0]);
	close(p[1]);
}

static void
read_dyn_bounded(void)
{
	struct gp_err e = { "" };
	struct dynbuf d;
	int fd;

	dynbuf_init(&d, 6);
	fd = pipe_with(5);
	T_EQ_INT(fdio_read_dyn(fd, &d, &e), 0);
	T_STREQ(dynbuf_str(&d), "xxxxx");
	close(fd);
	dynbuf_reset(&d);
	fd = pipe_with(6);
	T_EQ_INT(fdio_read_dyn(fd, &d, &e), -1);
	T_STREQ(e.msg, "longer than 5 bytes");
	T_STREQ(dynbuf_str(&d), "");
	close(fd);
	dynbuf_free(&d);
}

static void
write_all_plain(void)
{
	struct gp_err e = { "" };
	char buf[8] = "";
	int p[2];

	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(fdio_write_all(p[1], "hello", 5, &e), 0);
	T_EQ_INT(fdio_write_all(p[1], "", 0, &e), 0);
	close(p[1]);
	T_EQ_INT(read(p[0], buf, sizeof(buf)), 5);
	T_STREQ(buf, "hello");
	close(p[0]);
}

static void
write_all_closed_reader(void)
{
	struct gp_err e = { "" };
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int p[2];

	T_EQ_INT(pipe(p), 0);
	close(p[0]);
	errno = 0;
	T_EQ_INT(fdio_write_all(p[1], "x", 1, &e), -1);
	T_EQ_INT(errno, EPIPE);
	T_STREQ(e.msg, "write: Broken pipe");
	close(p[1]);
	signal(SIGPIPE, old);
}

/* 256 KiB through a non-blocking pipe that a slow child drains. */
static void
write_all_nonblocking_full(void)
{
	static uint8_t big[256 * 1024];
	struct gp_err e = { "" };
	int p[2], st;
	pid_t pid;

	memset(big, 'y', sizeof(big));
	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	if ((pid = fork()) == 0) {
		uint8_t in[4096];
		size_t got = 0;
		ssize_t r;

		close(p[1]);
		usleep(100 * 1000);
		while ((r = read(p[0], in, sizeof(in))) > 0)
			got += (size_t)r;
		_exit(got == sizeof(big) ? 0 : 1);
	}
	close(p[0]);
	T_EQ_INT(fdio_write_all(p[1], big, sizeof(big), &e), 0);
	close(p[1]);
	T_EQ_INT(waitpid(pid, &st, 0), pid);
	T_CHECK(WIFEXITED(st));
	T_EQ_INT(WEXITSTATUS(st), 0);
}

/* Header and body as one record: one writev, not two writes. */
static void
write2_one_call(void)
{
	struct gp_err e = { "" };
	uint8_t got[64];
	int sp[2];

	T_EQ_INT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	T_EQ_INT(fdio_write2(sp[0], "head", 4, "body!", 5, &e), 0);
	T_EQ_INT((int)recv(sp[1], got, sizeof(got), MSG_DONTWAIT), 9);
	T_CHECK(memcmp(got, "headbody!", 9) == 0);
	T_EQ_INT(fdio_write2(sp[0], "solo", 4, "", 0, &e), 0);
	T_EQ_INT((int)recv(sp[1], got, sizeof(got), MSG_DONTWAIT), 4);
	close(sp[0]);
	close(sp[1]);
}

/*
 * A pipe with room for `room` bytes only: the first writev stops inside
 * the header, at its end or inside the body, and the rest follows once a
 * child drains the pipe; the child checks every byte, in order.
 */
static void
write2_partial_at(size_t room)
{
	static uint8_t fill[4096], body[3000];
	const uint8_t head[16] = "0123456789abcdef";
	struct gp_err e = { "" };
	int p[2], st;
	pid_t pid;
	size_t i;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 7);
	T_EQ_INT(pipe(p), 0);
	T_CHECK(fcntl(p[1], F_SETPIPE_SZ, 4096) >= 4096);
	T_EQ_INT(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	T_EQ_INT((int)write(p[1], fill, sizeof(fill) - room),
	    (int)(sizeof(fill) - room));
	if ((pid = fork()) == 0) {
		static uint8_t in[sizeof(fill) + sizeof(head) + sizeof(body)];
		size_t got = 0;
		ssize_t r;

		close(p[1]);
		usleep(50 * 1000);
		while (got < sizeof(in) &&
		    (r = read(p[0], in + got, sizeof(in) - got)) > 0)
			got += (size_t)r;
		_exit(got == sizeof(in) - room &&
		    memcmp(in + sizeof(fill) - room, head, sizeof(head)) == 0 &&
		    memcmp(in + sizeof(fill) - room + sizeof(head), body,
		    sizeof(body)) == 0 ? 0 : 1);
	}
	close(p[0]);
	T_EQ_INT(fdio_write2(p[1], head, sizeof(head), body, sizeof(body),
	    &e), 0);
	close(p[1]);
	T_EQ_INT(waitpid(pid, &st, 0), pid);
	T_CHECK(WIFEXITED(st));
	T_EQ_INT(WEXITSTATUS(st), 0);
}

static void
write2_partial(void)
{
	write2_partial_at(3);		/* inside the header */
	write2_partial_at(16);		/* at its end */
	write2_partial_at(100);		/* inside the body */
}

/* A closed reader: the error of fdio_write_all, errno kept. */
static void
write2_closed_reader(void)
{
	struct gp_err e = { "" };
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int p[2];

	T_EQ_INT(pipe(p), 0);
	close(p[0]);
	T_EQ_INT(fdio_write2(p[1], "ab", 2, "cd", 2, &e), -1);
	T_EQ_INT(errno, EPIPE);
	T_STREQ(e.msg, "write: Broken pipe");
	close(p[1]);
	signal(SIGPIPE, old);
}

/* Ready, timed out, cancelled: each with its own message. */
static void
wait_ready_timeout_cancel(void)
{
	struct gp_err e = { "" };
	volatile sig_atomic_t stop = 0;
	int64_t t0;
	int p[2];

	T_CHECK(pipe(p) == 0);
	t0 = clock_now_ms();
	T_CHECK(fdio_wait(p[0], POLLIN, t0 + 50, &stop, "x", "reading",
	    &e) == -1);
	T_STREQ(e.msg, "x: timed out while reading");
	T_CHECK(clock_now_ms() - t0 >= 50);
	T_CHECK(write(p[1], "a", 1) == 1);
	T_CHECK(fdio_wait(p[0], POLLIN, clock_now_ms() + 1000, NULL, "x",
	    "reading", &e) == 0);
	stop = 1;
	T_CHECK(fdio_wait(p[0], POLLIN, clock_now_ms() + 1000, &stop, "y",
	    "sending", &e) == -1);
	T_STREQ(e.msg, "y: interrupted while sending");
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	T_RUN(close_from_close_range);
	T_RUN(close_from_proc);
	T_RUN(close_from_loop);
	T_RUN(close_from_reports_errors);
	T_RUN(read_all_at_cap);
	T_RUN(read_all_over_cap_by_one);
	T_RUN(read_all_error);
	T_RUN(read_dyn_bounded);
	T_RUN(write_all_plain);
	T_RUN(write_all_closed_reader);
	T_RUN(write_all_nonblocking_full);
	T_RUN(write2_one_call);
	T_RUN(write2_partial);
	T_RUN(write2_closed_reader);
	T_RUN(wait_ready_timeout_cancel);
	return T_DONE();
}
