/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel --listen (listen.h): the activated socket, and the loop that
 * admits one peer at a time and runs its session in a child. Runs as
 * root. A peer is judged by its kernel credentials and the root-owned
 * policy only; the listener reads no byte from it, and every wait here
 * is bounded: the child, not the listener, reads the frames.
 */
#define _GNU_SOURCE	/* accept4 */

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/listen.h"
#include "tunnel/peer.h"
#include "tunnel/policy_peer.h"
#include "tunnel/privsep.h"
#include "tunnel/sdnotify.h"
#include "tunnel/stopsig.h"

struct listen {
	const struct listen_conf *c;
	int			 fd;
	pid_t			 self;
	pid_t			 child;		/* the session, or -1 */
	uid_t			 child_uid;
	int64_t			 kill_at;	/* stopping: SIGKILL then */
	bool			 stopping;	/* STOPPING=1 sent */
	struct tunnel_policy	 pol;
};

static volatile sig_atomic_t listen_stop_flag;
static volatile sig_atomic_t listen_usr1_flag;

/* To systemd (Type=notify), when it asked: READY=1, STATUS=, STOPPING=1.
 * A failure is only logged: the service runs on. */
static void
listen_notify(const char *msg, const char *status)
{
	struct gp_err e = { "" };

	if ((msg != NULL && sdnotify_send(msg, &e) == -1) ||
	    (status != NULL && sdnotify_status(status, &e) == -1))
		log_debug("%s", e.msg);
}

/* A decimal environment variable: its value, or -1. */
static long
listen_env_num(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : v;
}

static int
listen_sockopt(int fd, int opt)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) == -1)
		return -1;
	return v;
}

int
listen_fd_from_env(struct gp_err *e)
{
	long pid = listen_env_num("LISTEN_PID");
	long n = listen_env_num("LISTEN_FDS");
	struct stat st;

	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	if (n == -1 || pid == -1)
		return err_set(e, "--listen: no socket was passed (LISTEN_FDS"
		    " and LISTEN_PID unset): start it through gp-tunnel.socket"
		    ", or systemd-socket-activate -l PATH");
	if (pid != (long)getpid())
		return err_set(e, "--listen: LISTEN_PID is %ld, not our pid "
		    "%ld: the socket was meant for another process", pid,
		    (long)getpid());
	if (n != 1)
		return err_set(e, "--listen: LISTEN_FDS is %ld; exactly one "
		    "socket is expected (Accept=no, one ListenStream=)", n);
	if (fstat(LISTEN_FD, &st) == -1 || !S_ISSOCK(st.st_mode))
		return err_set(e, "--listen: descriptor %d is not a socket",
		    LISTEN_FD);
	if (listen_sockopt(LISTEN_FD, SO_DOMAIN) != AF_UNIX ||
	    listen_sockopt(LISTEN_FD, SO_TYPE) != SOCK_STREAM)
		return err_set(e, "--listen: descriptor %d is not an AF_UNIX "
		    "SOCK_STREAM socket (ListenStream=/run/gpvpn/tunnel.sock)",
		    LISTEN_FD);
	if (listen_sockopt(LISTEN_FD, SO_ACCEPTCONN) != 1)
		return err_set(e, "--listen: descriptor %d does not listen "
		    "(Accept=no is needed)", LISTEN_FD);
	if (fcntl(LISTEN_FD, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(LISTEN_FD, F_SETFL, O_NONBLOCK) == -1)
		return err_set(e, "--listen: fcntl: %s", strerror(errno));
	return LISTEN_FD;
}

/* Where we listen, for the log; who may reach the path is the file
 * system's business, who may use it the policy's. */
static void
listen_describe(int fd)
{
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	struct stat st;

	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == -1 ||
	    len <= offsetof(struct sockaddr_un, sun_path) ||
	    sun.sun_path[0] == '\0') {
		log_info("listening on an unnamed or abstract socket");
		return;
	}
	sun.sun_path[sizeof(sun.sun_path) - 1] = '\0';
	if (stat(sun.sun_path, &st) == -1) {
		log_info("listening on %s", sun.sun_path);
		return;
	}
	log_info("listening on %s (owner %lu, group %lu, mode %03o)",
	    sun.sun_path, (unsigned long)st.st_uid, (unsigned long)st.st_gid,
	    (unsigned)(st.st_mode & 0777));
}

/* Read afresh for every connection: an edit applies to the next peer. */
static int
listen_policy(struct listen *l, struct gp_err *e)
{
	if (policy_load(l->c->policy, l->c->policy_optional, &l->pol,
	    e) == -1)
		return -1;
	peer_resolve(&l->pol);
	return 0;
}

static void
listen_log_policy(const struct listen *l)
{
	if (l->pol.n_allow_users == 0 && l->pol.n_allow_groups == 0)
		log_warnx("policy %s: no allow-user or allow-group line: only "
		    "root may bring a tunnel up", l->c->policy);
	else
		log_info("policy %s: %u allow-user and %u allow-group lines",
		    l->c->policy, l->pol.n_allow_users,
		    l->pol.n_allow_groups);
}

/* Policy, then one session at a time. 0: admitted. */
static int
listen_admit(struct listen *l, const struct policy_peer *peer)
{
	struct gp_err e = { "" };

	if (listen_policy(l, &e) == -1) {
		log_err("refused uid %lu (pid %ld): %s",
		    (unsigned long)peer->uid, (long)peer->pid, e.msg);
		return -1;
	}
	if (policy_peer_check(&l->pol, peer, &e) == -1) {
		log_warnx("refused uid %lu (pid %ld): %s",
		    (unsigned long)peer->uid, (long)peer->pid, e.msg);
		return -1;
	}
	if (l->child != -1) {
		log_warnx("refused uid %lu (pid %ld): busy, the session of uid "
		    "%lu (pid %ld) is running; one at a time",
		    (unsigned long)peer->uid, (long)peer->pid,
		    (unsigned long)l->child_uid, (long)l->child);
		return -1;
	}
	return 0;
}

/*
 * The session's child: the connection becomes stdin, which is what the
 * rest of gp-tunnel reads (and answers on, ctl.c). It says "accepted"
 * with an empty STATUS frame, so gp-auth logs in only once it knows the
 * service will take its CONFIG; the session makes ready what needs no
 * input while gp-auth logs in, then gives the login a bounded time
 * (listen_await_config). SIGTERM from the listener, or the listener's
 * death, stops it.
 */
static void __attribute__((noreturn))
listen_child(struct listen *l, int conn, const struct policy_peer *peer)
{
	struct gp_err e = { "" };

	stopsig_default();
	if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == -1 ||
	    getppid() != l->self)
		_exit(1);
	close(l->fd);
	if (conn != STDIN_FILENO) {
		if (dup2(conn, STDIN_FILENO) == -1)
			fatal("dup2");
		close(conn);
	}
	privsep_set_title("gp-tunnel [session]");
	if (frame_write(STDIN_FILENO, FRAME_STATUS, NULL, &e) == -1)
		fatalx("uid %lu: %s", (unsigned long)peer->uid, e.msg);
	exit(l->c->session(l->c->arg, &l->pol, peer));
}

void
listen_await_config(unsigned long uid)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int r;

	log_debug("session: set up; waiting for uid %lu's CONFIG", uid);
	do
		r = poll(&pfd, 1, LISTEN_CONFIG_WAIT_MS);
	while (r == -1 && errno == EINTR);
	if (r == 0)
		fatalx("uid %lu sent no CONFIG within %d s: closing", uid,
		    LISTEN_CONFIG_WAIT_MS / 1000);
}

static void
listen_spawn(struct listen *l, int conn, const struct policy_peer *peer)
{
	char note[128];
	pid_t pid;

	fflush(stderr);
	if ((pid = fork()) == -1) {
		log_err("refused uid %lu: fork: %s", (unsigned long)peer->uid,
		    strerror(errno));
		return;
	}
	if (pid == 0)
		listen_child(l, conn, peer);
	l->child = pid;
	l->child_uid = peer->uid;
	snprintf(note, sizeof(note), "session of uid %lu (pid %ld) running",
	    (unsigned long)peer->uid, (long)pid);
	listen_notify(NULL, note);
	log_info("accepted uid %lu (gid %lu, pid %ld): session pid %ld",
	    (unsigned long)peer->uid, (unsigned long)peer->gid,
	    (long)peer->pid, (long)pid);
}

/* One pending connection: credentials, admission, a child or a close. */
static void
listen_accept(struct listen *l)
{
	struct policy_peer peer;
	struct gp_err e = { "" };
	int conn;

	conn = accept4(l->fd, NULL, NULL, SOCK_CLOEXEC);
	if (conn == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warnx("accept: %s", strerror(errno));
		return;
	}
	if (peer_read(conn, &peer, &e) == -1)
		log_err("refused a connection: %s", e.msg);
	else if (listen_admit(l, &peer) == 0)
		listen_spawn(l, conn, &peer);
	peer_free(&peer);
	close(conn);
}

static void
listen_reaped(struct listen *l, int st)
{
	char note[160];

	if (WIFEXITED(st))
		log_info("session of uid %lu (pid %ld) ended, status %d",
		    (unsigned long)l->child_uid, (long)l->child,
		    WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		log_warnx("session of uid %lu (pid %ld) killed by signal %d",
		    (unsigned long)l->child_uid, (long)l->child,
		    WTERMSIG(st));
	snprintf(note, sizeof(note), "session of uid %lu ended (%s %d); "
	    "waiting for a connection", (unsigned long)l->child_uid,
	    WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ?
	    WEXITSTATUS(st) : WTERMSIG(st));
	listen_notify(NULL, note);
	l->child = -1;
}

static void
listen_reap(struct listen *l)
{
	int st;
	pid_t r;

	if (l->child == -1)
		return;
	r = waitpid(l->child, &st, WNOHANG);
	if (r == l->child)
		listen_reaped(l, st);
	else if (r == -1 && errno == ECHILD)
		l->child = -1;
}

/* Stopping: SIGTERM to the session once, SIGKILL at the deadline (its
 * disconnect then does not run: logged). True when done. */
static bool
listen_stopping(struct listen *l)
{
	const struct timespec tick = { 0, 50 * 1000000L };
	int64_t end;

	if (l->child == -1)
		return true;
	if (l->kill_at == 0) {
		log_info("stopping: ending the session of uid %lu",
		    (unsigned long)l->child_uid);
		(void)kill(l->child, SIGTERM);
		l->kill_at = clock_now_ms() + LISTEN_STOP_WAIT_MS;
		return false;
	}
	if (clock_now_ms() < l->kill_at)
		return false;
	log_err("the session (pid %ld) did not stop within %d s: killed",
	    (long)l->child, LISTEN_STOP_WAIT_MS / 1000);
	(void)kill(l->child, SIGKILL);
	end = clock_now_ms() + 2000;
	while (l->child != -1 && clock_now_ms() < end) {
		(void)nanosleep(&tick, NULL);
		listen_reap(l);
	}
	return true;
}

static void
listen_loop(struct listen *l)
{
	struct pollfd pfd;

	for (;;) {
		listen_reap(l);
		if (listen_stop_flag && !l->stopping) {
			l->stopping = true;
			listen_notify("STOPPING=1", "stopping");
		}
		if (listen_stop_flag && listen_stopping(l))
			return;
		if (listen_usr1_flag) {
			listen_usr1_flag = 0;
			if (l->child != -1)
				(void)kill(l->child, SIGUSR1);
		}
		pfd.fd = listen_stop_flag ? -1 : l->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, LISTEN_TICK_MS) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll");
		}
		if (pfd.revents != 0)
			listen_accept(l);
	}
}

int
listen_main(const struct listen_conf *c)
{
	static struct listen l;
	struct gp_err e = { "" };

	l.c = c;
	l.child = -1;
	l.self = getpid();
	if (sdnotify_init(&e) == -1)
		log_warnx("%s: no notifications to systemd", e.msg);
	if ((l.fd = listen_fd_from_env(&e)) == -1)
		fatalx("%s", e.msg);
	/* A policy that does not load stops the service at once. */
	if (listen_policy(&l, &e) == -1)
		fatalx("%s", e.msg);
	listen_log_policy(&l);
	stopsig_install(&listen_stop_flag, &listen_usr1_flag);
	privsep_set_title("gp-tunnel [listen]");
	listen_describe(l.fd);
	listen_notify("READY=1", "waiting for a connection");
	listen_loop(&l);
	log_info("stopped");
	return 0;
}
