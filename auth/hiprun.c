/*
 * The HIP runner of gp-auth: a small child forked before the seccomp
 * filter (which kills execve) and before any secret is in memory. It waits
 * on a socketpair for the non-secret arguments of PROTOCOL.md §11.3, runs
 * the --csd-wrapper script and sends back its stdout; script output is
 * untrusted and capped in size and time.
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

#include "auth/hip.h"
#include "ipc/clock.h"
#include "ipc/log.h"

#define HIPRUN_ARGS		6	/* cookie ip4 ip6 md5 os app-version */
#define HIPRUN_REPLY_MAX	(1 + HIPGEN_REPORT_MAX)

enum { HIPRUN_OK = 0, HIPRUN_FAILED, HIPRUN_TIMEOUT, HIPRUN_TOO_LARGE,
	HIPRUN_EXEC };

static int hiprun_fd = -1;

/* In the script's child: argv of §11.3, APP_VERSION, then exec. */
static void __attribute__((noreturn))
hiprun_exec(const char *script, char *const a[HIPRUN_ARGS], int out)
{
	char *argv[12];
	int n = 0, null;

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
			return HIPRUN_TIMEOUT;
		if (poll(&p, 1, (int)left) == -1 && errno != EINTR)
			return HIPRUN_FAILED;
		r = read(fd, buf + *len, max - *len);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return r == 0 ? HIPRUN_OK : HIPRUN_FAILED;
		*len += (size_t)r;
		if (*len == max)
			return HIPRUN_TOO_LARGE;
	}
}

/* Run the script once; the reply is status byte + report. */
static size_t
hiprun_once(const char *script, char *const a[HIPRUN_ARGS], char *reply)
{
	int pfd[2], st = 0, rc;
	size_t len = 0;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		reply[0] = HIPRUN_EXEC;
		return 1;
	}
	if ((pid = fork()) == 0) {
		close(pfd[0]);
		hiprun_exec(script, a, pfd[1]);
	}
	close(pfd[1]);
	rc = pid == -1 ? HIPRUN_EXEC : hiprun_collect(pfd[0], reply + 1,
	    HIPRUN_REPLY_MAX - 1, &len);
	close(pfd[0]);
	if (pid != -1) {
		if (rc != HIPRUN_OK)
			(void)kill(pid, SIGKILL);
		while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
			;
		if (rc == HIPRUN_OK && (!WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0))
			rc = WIFEXITED(st) && WEXITSTATUS(st) == 127 ?
			    HIPRUN_EXEC : HIPRUN_FAILED;
	}
	reply[0] = (char)rc;
	return rc == HIPRUN_OK ? 1 + len : 1;
}

/* Split a request into its NUL-terminated strings; -1 if malformed. */
static int
hiprun_split(char *req, size_t len, char *a[HIPRUN_ARGS])
{
	size_t off = 0;
	int i;

	for (i = 0; i < HIPRUN_ARGS; i++) {
		char *nul = memchr(req + off, '\0', len - off);

		if (off >= len || nul == NULL)
			return -1;
		a[i] = req + off;
		off = (size_t)(nul - req) + 1;
	}
	return off == len ? 0 : -1;
}

static void __attribute__((noreturn))
hiprun_child(const char *script, int sock)
{
	static char req[HIP_RUN_REQ_MAX], reply[HIPRUN_REPLY_MAX];
	char *a[HIPRUN_ARGS];
	ssize_t n;
	size_t len;
	int null;

	/* Not the frame stream's writer, nor the password's reader. */
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(null, STDOUT_FILENO) == -1)
		_exit(1);
	for (;;) {
		n = recv(sock, req, sizeof(req), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);	/* gp-auth is gone */
		if (hiprun_split(req, (size_t)n, a) == -1)
			_exit(1);
		len = hiprun_once(script, a, reply);
		if (send(sock, reply, len, MSG_NOSIGNAL) == -1)
			_exit(0);
	}
}

int
hip_runner_start(const char *script, struct gp_err *e)
{
	int sv[2], fd;
	pid_t pid;

	if (access(script, X_OK) == -1)
		return err_set(e, "--csd-wrapper %s: %s", script,
		    strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return err_set(e, "socketpair: %s", strerror(errno));
	if ((pid = fork()) == -1)
		return err_set(e, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		for (fd = 3; fd < 1024; fd++) {
			if (fd != sv[1])
				(void)close(fd);
		}
		hiprun_child(script, sv[1]);
	}
	close(sv[1]);
	hiprun_fd = sv[0];
	return hiprun_fd;
}

bool
hip_runner_active(void)
{
	return hiprun_fd != -1;
}

static const char *
hiprun_status_text(int st)
{
	switch (st) {
	case HIPRUN_FAILED: return "failed (non-zero exit or crash)";
	case HIPRUN_TIMEOUT: return "took too long";
	case HIPRUN_TOO_LARGE: return "wrote too much";
	case HIPRUN_EXEC: return "could not be run";
	default: return "sent a bad reply";
	}
}

int
hip_runner_run(const struct hip_run_req *q, char *out, size_t outsz,
    struct gp_err *e)
{
	static char buf[HIPRUN_REPLY_MAX];
	const char *a[HIPRUN_ARGS] = { q->cookie, q->ip4, q->ip6, q->md5,
	    q->client_os, q->app_version };
	char req[HIP_RUN_REQ_MAX];
	struct pollfd p = { hiprun_fd, POLLIN, 0 };
	size_t off = 0, n;
	ssize_t r;
	int i;

	for (i = 0; i < HIPRUN_ARGS; i++) {
		n = strlen(a[i]) + 1;
		if (n > sizeof(req) - off)
			return err_set(e, "hip: script arguments too long");
		memcpy(req + off, a[i], n);
		off += n;
	}
	if (send(hiprun_fd, req, off, MSG_NOSIGNAL) != (ssize_t)off)
		return err_set(e, "hip: the runner is gone");
	if (poll(&p, 1, HIP_SCRIPT_TIMEOUT_MS + 5000) != 1 ||
	    (r = recv(hiprun_fd, buf, sizeof(buf), 0)) < 1)
		return err_set(e, "hip: no answer from the runner");
	if (buf[0] != HIPRUN_OK)
		return err_set(e, "hip: the --csd-wrapper script %s",
		    hiprun_status_text(buf[0]));
	if ((size_t)r - 1 >= outsz || memchr(buf + 1, '\0', (size_t)r - 1))
		return err_set(e, "hip: the script's report is too large or "
		    "has a NUL byte");
	memcpy(out, buf + 1, (size_t)r - 1);
	out[r - 1] = '\0';
	return 0;
}
