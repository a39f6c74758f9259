/* SPDX-License-Identifier: ISC */
/*
 * The HIP runner of gp-auth: a small child forked before the seccomp
 * filter (which kills execve) and before any secret is in memory. It waits
 * on a socketpair for the non-secret arguments of PROTOCOL.md §11.3, runs
 * the --csd-wrapper script and sends back its stdout (hipmsg.h has the
 * messages); script output is untrusted and capped in size and time.
 */
#define _GNU_SOURCE	/* pipe2() */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/hiprun.h"
#include "auth/hipmsg.h"
#include "ipc/clock.h"
#include "ipc/fdio.h"
#include "ipc/log.h"

static int hiprun_fd = -1;

/* In the script's child: argv of §11.3, APP_VERSION, then exec. */
static void __attribute__((noreturn))
hiprun_exec(const char *script, const struct hipmsg_args *q, int out)
{
	char *a[HIPMSG_ARGS], *argv[12];
	int i, n = 0, null;

	for (i = 0; i < HIPMSG_ARGS; i++)
		a[i] = (char *)q->a[i];
	argv[n++] = (char *)script;
	argv[n++] = "--cookie";
	argv[n++] = a[0];
	if (a[1][0] != '\0') {
		argv[n++] = "--client-ip";
		argv[n++] = a[1];
	}
	if (a[2][0] != '\0') {
		argv[n++] = "--client-ipv6";
		argv[n++] = a[2];
	}
	argv[n++] = "--md5";
	argv[n++] = a[3];
	argv[n++] = "--client-os";
	argv[n++] = a[4];
	argv[n] = NULL;
	if (a[5][0] != '\0')
		(void)setenv("APP_VERSION", a[5], 1);
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(out, STDOUT_FILENO) == -1)
		_exit(126);
	(void)signal(SIGPIPE, SIG_DFL);
	execv(script, argv);
	_exit(127);
}

/* Read the script's stdout until EOF, the cap or the deadline. */
static int
hiprun_collect(int fd, char *buf, size_t max, size_t *len)
{
	long long end = clock_now_ms() + HIP_SCRIPT_TIMEOUT_MS, left;
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t r;

	*len = 0;
	for (;;) {
		if ((left = end - clock_now_ms()) <= 0)
			return HIPMSG_TIMEOUT;
		if (poll(&p, 1, (int)left) == -1 && errno != EINTR)
			return HIPMSG_FAILED;
		r = read(fd, buf + *len, max - *len);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return r == 0 ? HIPMSG_OK : HIPMSG_FAILED;
		*len += (size_t)r;
		if (*len == max)
			return HIPMSG_TOO_LARGE;
	}
}

/* Run the script once: its status, and its stdout in report. */
static uint8_t
hiprun_once(const char *script, const struct hipmsg_args *q, char *report,
    size_t *len)
{
	int pfd[2], st = 0, rc;
	pid_t pid;

	*len = 0;
	if (pipe2(pfd, O_CLOEXEC) == -1)
		return HIPMSG_EXEC;
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		hiprun_exec(script, q, pfd[1]);
	}
	close(pfd[1]);
	rc = pid == -1 ? HIPMSG_EXEC : hiprun_collect(pfd[0], report,
	    HIPGEN_REPORT_MAX, len);
	close(pfd[0]);
	if (pid != -1) {
		if (rc != HIPMSG_OK)
			(void)kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		if (rc == HIPMSG_OK && (!WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0))
			rc = WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
			    HIPMSG_EXEC : HIPMSG_FAILED;
	}
	if (rc != HIPMSG_OK)
		*len = 0;
	return (uint8_t)rc;
}

/* One request in, one reply out; -1 when the request is malformed. */
static int
hiprun_answer(const char *script, const char *req, size_t n,
    struct buf *reply)
{
	static struct hipmsg_args q;
	static char report[HIPGEN_REPORT_MAX];
	struct gp_err e;
	uint8_t st;
	size_t len;

	if (hipmsg_decode_req(req, n, &q, &e) == -1)
		return -1;
	st = hiprun_once(script, &q, report, &len);
	buf_reset(reply);
	if (hipmsg_encode_reply(st, report, len, reply, &e) == -1)
		return -1;
	return 0;
}

static void __attribute__((noreturn))
hiprun_child(const char *script, int sock)
{
	/* One byte more than a request, to see one that is too long. */
	static char req[HIPMSG_REQ_MAX + 1];
	struct buf reply;
	ssize_t n;
	int null;

	/* Not the frame stream's writer, nor the password's reader. */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 ||
	    dup2(null, STDOUT_FILENO) == -1 ||
	    buf_init(&reply, HIPMSG_REPLY_MAX) == -1)
		_exit(1);
	for (;;) {
		n = recv(sock, req, sizeof(req), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);	/* gp-auth is gone */
		if (hiprun_answer(script, req, (size_t)n, &reply) == -1)
			_exit(1);
		if (send(sock, reply.data, reply.len, MSG_NOSIGNAL) == -1)
			_exit(0);
	}
}

int
hiprun_start(const char *script, struct gp_err *e)
{
	int sv[2];
	pid_t pid;

	if (access(script, X_OK) == -1)
		return err_set(e, "--csd-wrapper %s: %s", script,
		    strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return err_set(e, "socketpair: %s", strerror(errno));
	if ((pid = fork()) == -1)
		return err_set(e, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (fdio_close_from(3, &sv[1], 1) == -1)
			_exit(1);
		hiprun_child(script, sv[1]);
	}
	close(sv[1]);
	hiprun_fd = sv[0];
	return hiprun_fd;
}

bool
hiprun_active(void)
{
	return hiprun_fd != -1;
}

static const char *
hiprun_status_text(int st)
{
	switch (st) {
	case HIPMSG_FAILED: return "failed (non-zero exit or crash)";
	case HIPMSG_TIMEOUT: return "took too long";
	case HIPMSG_TOO_LARGE: return "wrote too much";
	case HIPMSG_EXEC: return "could not be run";
	default: return "sent a bad reply";
	}
}

static int
hiprun_send(const struct hip_run_req *q, struct gp_err *e)
{
	struct buf req;
	int rc = -1;

	if (buf_init(&req, HIPMSG_REQ_MAX) == -1)
		return err_set(e, "hip: out of memory");
	if (hipmsg_encode_req(q, &req, e) == -1)
		goto out;
	if (send(hiprun_fd, req.data, req.len, MSG_NOSIGNAL) !=
	    (ssize_t)req.len)
		err_set(e, "hip: the runner is gone");
	else
		rc = 0;
out:
	buf_free(&req);
	return rc;
}

int
hiprun_run(const struct hip_run_req *q, char *out, size_t outsz,
    struct gp_err *e)
{
	/* One byte more than a reply, to see one that is too long. */
	static char buf[HIPMSG_REPLY_MAX + 1];
	struct pollfd p = { hiprun_fd, POLLIN, 0 };
	uint8_t st;
	ssize_t r;

	if (hiprun_send(q, e) == -1)
		return -1;
	if (poll(&p, 1, HIP_SCRIPT_TIMEOUT_MS + 5000) != 1 ||
	    (r = recv(hiprun_fd, buf, sizeof(buf), 0)) < 1)
		return err_set(e, "hip: no answer from the runner");
	if (hipmsg_decode_reply(buf, (size_t)r, &st, out, outsz, e) == -1)
		return -1;
	if (st != HIPMSG_OK)
		return err_set(e, "hip: the --csd-wrapper script %s",
		    hiprun_status_text(st));
	return 0;
}
