/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's life after login (see stay.h). The frame stream goes to
 * gp-tunnel, which may hang up at any time; frames it sends back on a
 * socketpair are untrusted and only logged. Signals arrive through a
 * signalfd, so the logout runs in normal context, never in a handler.
 */
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/memrelease.h"
#include "auth/stay.h"
#include "ipc/clock.h"
#include "ipc/fdio.h"
#include "ipc/frame.h"
#include "ipc/log.h"

/* A failed rekey is tried again this often, this many times in all,
 * which keeps the retries inside the 60 s left before the timeout. */
#define STAY_REKEY_RETRY_S	10
#define STAY_REKEY_TRIES	5

enum stay_end {
	STAY_LOGOUT,		/* SIGINT/SIGTERM */
	STAY_HANGUP,		/* SIGHUP: keep the cookie valid */
	STAY_GONE,		/* the tunnel closed its end */
	STAY_FAILED		/* rekey impossible: status says why */
};

struct stay {
	struct flow	*f;
	int		 fd;		/* frame stream to gp-tunnel */
	bool		 sock;		/* a socket: frames may come back */
	pid_t		 child;		/* the --tunnel command, or -1 */
	bool		 service;	/* --tunnel-socket */
	int		 sigfd;
	int64_t		 rekey_at_ms;	/* CLOCK_MONOTONIC; 0: none */
	int64_t		 getconfig_at_ms; /* the last: login or rekey */
	int64_t		 hip_at_ms;	/* next HIP recheck; 0: none */
	unsigned	 rekey_fails;	/* in a row */
	int		 status;	/* FLOW_EXIT_* for STAY_FAILED */
	bool		 gone;		/* a CONFIG found no reader */
};

static void
stay_schedule_rekey(struct stay *s)
{
	uint32_t t = flow_config(s->f)->timeout_s;

	s->rekey_at_ms = 0;
	if (t > STAY_REKEY_EARLY_S)
		s->rekey_at_ms = clock_now_ms() +
		    (int64_t)(t - STAY_REKEY_EARLY_S) * 1000;
}

/*
 * A write that failed because gp-tunnel is gone (it was stopped while a
 * rekey's getconfig was on its way, before poll could see it) ends the
 * session as the tunnel's own end does, not as our failure.
 */
bool
stay_reader_gone(int err)
{
	return err == EPIPE || err == ECONNRESET;
}

static int
stay_send_config(struct stay *s)
{
	struct buf body;
	struct gp_err e;
	int rc;

	if (buf_init(&body, FRAME_MAX_BODY_BYTES) == -1) {
		log_err("out of memory");
		return -1;
	}
	rc = frame_encode_config(flow_config(s->f), &body, &e);
	if (rc == 0 && (rc = frame_write(s->fd, FRAME_CONFIG, &body, &e)) ==
	    -1 && stay_reader_gone(errno))
		s->gone = true;
	buf_free(&body);
	if (rc == -1 && !s->gone)
		log_err("CONFIG frame: %s", e.msg);
	else
		stay_schedule_rekey(s);
	if (rc == 0 && s->hip_at_ms == 0)
		s->hip_at_ms = clock_now_ms() +
		    (int64_t)flow_hip_interval_s(s->f) * 1000;
	return rc;
}

/* Blocked for good; the signalfd reports them in the poll loop. */
static int
stay_block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) == -1)
		fatal("sigprocmask");
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* /bin/sh -c CMD with one end of a socketpair as its stdin and stdout. */
static int
stay_spawn(struct stay *s, const char *cmd, const sigset_t *old)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fatal("socketpair");
	if (sv[1] <= STDOUT_FILENO)
		fatalx("stdin or stdout is closed");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		(void)sigprocmask(SIG_SETMASK, old, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		if (dup2(sv[1], STDIN_FILENO) == -1 ||
		    dup2(sv[1], STDOUT_FILENO) == -1)
			_exit(127);
		/* libcurl's sockets lack O_CLOEXEC: the tunnel inherits
		 * no such fd. */
		if (fdio_close_from(STDERR_FILENO + 1, NULL, 0) == -1)
			_exit(127);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	s->fd = sv[0];
	s->sock = true;
	s->child = pid;
	log_debug("--tunnel: started pid %ld", (long)pid);
	return 0;
}

/* A rekey's CONFIG to the tunnel, then its HIP check; the buffers of
 * both requests go back after (soak: +1 MiB each rekey otherwise). */
static int
stay_rekey_push(struct stay *s)
{
	int rc = stay_send_config(s);

	if (rc == 0) {
		log_info("rekey: new configuration sent to the tunnel");
		flow_hip_after_config(s->f);
	}
	memrelease_idle(s->f, "rekey");
	return rc;
}

/*
 * Rekey (PROTOCOL.md §9): a fresh getconfig, then the new CONFIG down the
 * same stream. A failure is retried a bounded number of times; a
 * rejected cookie, a new tunnel address or a dead stream end the session.
 * Returns -1 when the session must end, with s->status set.
 */
static int
stay_rekey(struct stay *s)
{
	int st;

	s->rekey_at_ms = 0;
	s->getconfig_at_ms = clock_now_ms();
	st = flow_rekey(s->f);
	if (st == 0) {
		s->rekey_fails = 0;
		if (stay_rekey_push(s) == -1) {
			if (s->gone)
				log_info("the tunnel went away before the new "
				    "configuration reached it");
			s->status = FLOW_EXIT_ERR;
			return -1;
		}
		return 0;
	}
	memrelease_idle(s->f, "rekey");
	if ((st = flow_rekey_status(s->f)) != FLOW_EXIT_OK) {
		s->status = st;
		return -1;
	}
	if (++s->rekey_fails >= STAY_REKEY_TRIES) {
		log_err("rekey: failed %u times; ending the session",
		    s->rekey_fails);
		s->status = FLOW_EXIT_ERR;
		return -1;
	}
	log_warnx("rekey: failed (attempt %u of %u); trying again in %d s",
	    s->rekey_fails, STAY_REKEY_TRIES, STAY_REKEY_RETRY_S);
	s->rekey_at_ms = clock_now_ms() + STAY_REKEY_RETRY_S * 1000;
	return 0;
}

int64_t
stay_need_config_at(int64_t getconfig_at_ms, int64_t rekey_at_ms,
    int64_t now_ms)
{
	int64_t due = getconfig_at_ms + STAY_NEED_CONFIG_MIN_S * 1000;

	if (now_ms >= due)
		return now_ms;
	return rekey_at_ms != 0 && rekey_at_ms < due ? rekey_at_ms : due;
}

/*
 * NEED_CONFIG: a getconfig now, or, too soon after the last one, the next
 * rekey moved to when one is allowed. gp-tunnel [priv] limits these too,
 * but whatever it sends, the gateway sees at most one getconfig per
 * STAY_NEED_CONFIG_MIN_S from here. -1 when the session must end.
 */
static int
stay_need_config(struct stay *s)
{
	int64_t now = clock_now_ms();
	int64_t at = stay_need_config_at(s->getconfig_at_ms,
	    s->rekey_at_ms, now);

	if (at <= now) {
		log_info("the tunnel asks for a fresh configuration");
		return stay_rekey(s);
	}
	if (at == s->rekey_at_ms) {
		log_debug("the tunnel asks again; a rekey is due in %lld ms",
		    (long long)(at - now));
		return 0;
	}
	log_info("the tunnel asks for a fresh configuration %lld ms after "
	    "the last getconfig; it comes in %lld ms (at most one per %d s)",
	    (long long)(now - s->getconfig_at_ms), (long long)(at - now),
	    STAY_NEED_CONFIG_MIN_S);
	s->rekey_at_ms = at;
	return 0;
}

/* One frame from the tunnel (socketpair only); -1: the tunnel is gone,
 * -2: a rekey it asked for ended the session. */
static int
stay_backchannel(struct stay *s)
{
	struct frame_hdr h;
	struct buf body;
	struct gp_err e;
	int rc;

	rc = frame_read(s->fd, &h, &body, &e);
	if (rc == 0) {
		log_info("the tunnel closed the frame stream");
		return -1;
	}
	if (rc == -1) {
		log_warnx("from the tunnel: %s", e.msg);
		return -1;
	}
	switch (h.type) {
	case FRAME_STATUS:
		log_debug("tunnel status frame, %u bytes", h.length);
		break;
	case FRAME_NEED_CONFIG:
		if (stay_need_config(s) == -1)
			rc = -2;
		break;
	default:
		log_warnx("unexpected frame type %u from the tunnel", h.type);
		rc = -1;
		break;
	}
	buf_free(&body);
	return rc < 0 ? rc : 0;
}

/* The timers due now: a HIP recheck (§11.1), then a rekey (-1 when it
 * ended the session). */
static int
stay_timers(struct stay *s)
{
	int64_t now = clock_now_ms();

	if (s->hip_at_ms != 0 && s->hip_at_ms <= now) {
		flow_hip_recheck(s->f);
		memrelease_idle(s->f, "HIP recheck");
		s->hip_at_ms = now +
		    (int64_t)flow_hip_interval_s(s->f) * 1000;
	}
	if (s->rekey_at_ms != 0 && s->rekey_at_ms <= now)
		return stay_rekey(s);
	return 0;
}

static int
stay_timeout_ms(const struct stay *s)
{
	int64_t left, at = s->rekey_at_ms;

	if (at == 0 || (s->hip_at_ms != 0 && s->hip_at_ms < at))
		at = s->hip_at_ms;
	if (at == 0)
		return -1;
	left = at - clock_now_ms();
	if (left < 0)
		return 0;
	return left > INT32_MAX ? INT32_MAX : (int)left;
}

static enum stay_end
stay_signal(struct stay *s)
{
	struct signalfd_siginfo si;
	ssize_t n;

	n = read(s->sigfd, &si, sizeof(si));
	if (n != (ssize_t)sizeof(si))
		return STAY_LOGOUT;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: leaving without logout; the cookie stays "
		    "valid");
		return STAY_HANGUP;
	}
	log_info("signal %u: logging out", si.ssi_signo);
	return STAY_LOGOUT;
}

static enum stay_end
stay_watch(struct stay *s)
{
	struct pollfd pfd[2];
	int n;

	for (;;) {
		pfd[0].fd = s->sigfd;
		pfd[0].events = POLLIN;
		/* A pipe's write end reports POLLERR once the reader is
		 * gone; no event needs to be asked for. */
		pfd[1].fd = s->fd;
		pfd[1].events = s->sock ? POLLIN : 0;
		pfd[0].revents = pfd[1].revents = 0;
		n = poll(pfd, 2, stay_timeout_ms(s));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			fatal("poll");
		if (n > 0 && pfd[0].revents != 0)
			return stay_signal(s);
		/* Whenever due, so that a chatty tunnel cannot starve
		 * the timers. */
		if (stay_timers(s) == -1)
			return s->gone ? STAY_GONE : STAY_FAILED;
		if (n == 0)
			continue;
		if ((pfd[1].revents & POLLIN) != 0) {
			n = stay_backchannel(s);
			if (n != 0)
				return n == -2 ? STAY_FAILED : STAY_GONE;
		} else if (pfd[1].revents != 0) {
			log_info("the tunnel went away");
			return STAY_GONE;
		}
	}
}

/* The --tunnel command's status, waited for at most a bounded time. */
static int
stay_wait_child(pid_t pid)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	int64_t end = clock_now_ms() + STAY_CHILD_WAIT_MS;
	int st;
	pid_t r;

	do {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid && WIFEXITED(st))
			return WEXITSTATUS(st);
		if (r == pid && WIFSIGNALED(st))
			return 128 + WTERMSIG(st);
		if (r == -1 && errno != EINTR)
			return FLOW_EXIT_ERR;
		(void)nanosleep(&tick, NULL);
	} while (clock_now_ms() < end);
	log_warnx("--tunnel command (pid %ld) has not exited; not waiting",
	    (long)pid);
	return FLOW_EXIT_ERR;
}

static int
stay_open(struct stay *s, const char *tunnel_cmd, int tunnel_fd,
    const sigset_t *old)
{
	struct stat st;

	if (tunnel_cmd != NULL)
		return stay_spawn(s, tunnel_cmd, old);
	if (tunnel_fd != -1) {		/* --tunnel-socket: the service */
		s->fd = tunnel_fd;
		s->sock = true;
		s->service = true;
		return 0;
	}
	s->fd = STDOUT_FILENO;
	s->sock = fstat(s->fd, &st) == 0 && S_ISSOCK(st.st_mode);
	return 0;
}

/* Our status for how the session ended, before a command's. */
static int
stay_end_status(const struct stay *s, enum stay_end end)
{
	if (end == STAY_FAILED)
		return s->status;
	/* No command status to report: the service ended the session by
	 * itself (its log says why), which is not a success. */
	if (end == STAY_GONE && s->service) {
		log_err("gp-tunnel's service ended the session; its log says "
		    "why");
		return FLOW_EXIT_ERR;
	}
	return FLOW_EXIT_OK;
}

int
stay_run(struct flow *f, const char *tunnel_cmd, int tunnel_fd)
{
	struct stay s = { .f = f, .fd = -1, .child = -1,
	    .getconfig_at_ms = clock_now_ms() };	/* login's, just done */
	enum stay_end end = STAY_GONE;
	struct gp_err e;
	sigset_t old;
	int status = FLOW_EXIT_OK, cstatus;

	if ((s.sigfd = stay_block_signals(&old)) == -1)
		fatal("signalfd");
	(void)stay_open(&s, tunnel_cmd, tunnel_fd, &old);
	if (stay_send_config(&s) == -1) {
		if (s.gone)
			log_err("the tunnel went away before its "
			    "configuration reached it");
		status = FLOW_EXIT_ERR;
	}
	else {
		log_info("configuration sent; staying for the session");
		flow_hip_after_config(f);
		memrelease_idle(f, "login");
		end = stay_watch(&s);
		status = stay_end_status(&s, end);
	}
	/* Logout or failure: the tunnel must come down with the session. */
	if ((end == STAY_LOGOUT || end == STAY_FAILED) &&
	    frame_write(s.fd, FRAME_SHUTDOWN, NULL, &e) == -1)
		log_debug("SHUTDOWN frame: %s", e.msg);
	close(s.fd);
	if (end != STAY_HANGUP)
		flow_logout(f);
	/* The tunnel command's status wins, unless it hid our failure or
	 * the session ended for a reason of ours. */
	if (s.child > 0) {
		cstatus = stay_wait_child(s.child);
		if (end != STAY_FAILED &&
		    (cstatus != 0 || status == FLOW_EXIT_OK))
			status = cstatus;
	}
	close(s.sigfd);
	return status;
}
