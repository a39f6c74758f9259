/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-tunnel --listen's set-up (tunnel/listen.c, peer.c):
 * the socket activation variables and the checks on descriptor 3, the
 * peer's credentials through SO_PEERCRED and SO_PEERGROUPS, and the
 * policy's names looked up as ids. Test code only.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/listen.h"
#include "tunnel/peer.h"
#include "tunnel/policy_peer.h"
#include "t.h"

/* Put fd on descriptor 3 (LISTEN_FD) and set the variables. */
static void
activate(int fd, const char *pid, const char *n)
{
	char self[32];

	if (fd != LISTEN_FD) {
		if (dup2(fd, LISTEN_FD) == -1)
			exit(2);
		close(fd);
	}
	snprintf(self, sizeof(self), "%ld", (long)getpid());
	setenv("LISTEN_PID", pid != NULL ? pid : self, 1);
	setenv("LISTEN_FDS", n, 1);
	setenv("LISTEN_FDNAMES", "gp-tunnel.socket", 1);
}

static int
unix_socket(int type, bool listening)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	if (fd == -1)
		exit(2);
	/* An address of the family alone: the kernel picks an abstract
	 * name (autobind). */
	if (listening && (bind(fd, (struct sockaddr *)&sun,
	    sizeof(sa_family_t)) == -1 || listen(fd, 4) == -1))
		exit(2);
	return fd;
}

/* listen_fd_from_env() on the current set-up: its error, "" if none. */
static const char *
env_error(void)
{
	static struct gp_err e;
	int fd;

	memset(&e, 0, sizeof(e));
	fd = listen_fd_from_env(&e);
	if (fd != -1 && e.msg[0] != '\0')
		return "fd and error both";
	return e.msg;
}

static bool
env_unset(void)
{
	return getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL &&
	    getenv("LISTEN_FDNAMES") == NULL;
}

static void
test_env_missing(void)
{
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	T_CHECK(strstr(env_error(), "no socket was passed") != NULL);
	activate(unix_socket(SOCK_STREAM, true), NULL, "");
	T_CHECK(strstr(env_error(), "no socket was passed") != NULL);
	T_CHECK(env_unset());
	close(LISTEN_FD);
}

static void
test_env_wrong(void)
{
	activate(unix_socket(SOCK_STREAM, true), "1", "1");
	T_CHECK(strstr(env_error(), "LISTEN_PID is 1, not our pid") != NULL);
	T_CHECK(env_unset());
	activate(LISTEN_FD, NULL, "2");
	T_CHECK(strstr(env_error(), "LISTEN_FDS is 2") != NULL);
	activate(LISTEN_FD, NULL, "1x");
	T_CHECK(strstr(env_error(), "no socket was passed") != NULL);
	activate(LISTEN_FD, NULL, "-1");
	T_CHECK(strstr(env_error(), "no socket was passed") != NULL);
	close(LISTEN_FD);
}

static void
test_fd_wrong(void)
{
	int p[2], fd;

	if (pipe(p) == -1)
		exit(2);
	activate(p[0], NULL, "1");
	T_STREQ(env_error(), "--listen: descriptor 3 is not a socket");
	close(LISTEN_FD);
	close(p[1]);
	activate(unix_socket(SOCK_DGRAM, false), NULL, "1");
	T_CHECK(strstr(env_error(), "is not an AF_UNIX SOCK_STREAM") != NULL);
	close(LISTEN_FD);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		exit(2);
	activate(fd, NULL, "1");
	T_CHECK(strstr(env_error(), "is not an AF_UNIX SOCK_STREAM") != NULL);
	close(LISTEN_FD);
	activate(unix_socket(SOCK_STREAM, false), NULL, "1");
	T_CHECK(strstr(env_error(), "does not listen") != NULL);
	close(LISTEN_FD);
	activate(unix_socket(SOCK_SEQPACKET, true), NULL, "1");
	T_CHECK(strstr(env_error(), "is not an AF_UNIX SOCK_STREAM") != NULL);
	close(LISTEN_FD);
}

static void
test_fd_good(void)
{
	struct gp_err e = { "" };
	int fl;

	activate(unix_socket(SOCK_STREAM, true), NULL, "1");
	T_EQ_INT(listen_fd_from_env(&e), LISTEN_FD);
	T_STREQ(e.msg, "");
	T_CHECK(env_unset());
	fl = fcntl(LISTEN_FD, F_GETFD);
	T_CHECK(fl != -1);
	T_CHECK((fl & FD_CLOEXEC) != 0);
	fl = fcntl(LISTEN_FD, F_GETFL);
	T_CHECK(fl != -1);
	T_CHECK((fl & O_NONBLOCK) != 0);
	/* Read once: a second call finds nothing. */
	T_EQ_INT(listen_fd_from_env(&e), -1);
	close(LISTEN_FD);
}

/* Our own credentials, as a peer on a socketpair sees them. */
static void
test_peer_self(void)
{
	struct policy_peer p;
	struct gp_err e = { "" };
	gid_t mine[256];
	int sv[2], n, i, found = 0;

	T_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	T_EQ_INT(peer_read(sv[0], &p, &e), 0);
	T_EQ_INT(p.pid, getpid());
	T_EQ_INT(p.uid, geteuid());
	T_EQ_INT(p.gid, getegid());
	n = getgroups(256, mine);
	T_CHECK(n >= 0);
	T_EQ_INT((size_t)n, p.n_groups);
	for (i = 0; i < n && (size_t)i < p.n_groups; i++)
		found += mine[i] == p.groups[i];
	T_EQ_INT(found, n);
	peer_free(&p);
	T_CHECK(p.groups == NULL);
	T_EQ_INT(p.n_groups, 0);
	close(sv[0]);
	close(sv[1]);
	/* Not a connected unix socket. */
	T_EQ_INT(peer_read(sv[0], &p, &e), -1);
	T_CHECK(strstr(e.msg, "SO_PEERCRED") != NULL);
	peer_free(&p);
}

/* Many supplementary groups: the buffer grows to what the kernel says.
 * Needs root (setgroups); a forked child does it. */
static void
test_peer_many_groups(void)
{
	static gid_t g[300];
	struct policy_peer p;
	struct gp_err e = { "" };
	int sv[2], st, i;
	pid_t pid;

	if (geteuid() != 0) {		/* CI runs this as root */
		T_EQ_INT(peer_read(-1, &p, &e), -1);
		T_CHECK(strstr(e.msg, "SO_PEERCRED") != NULL);
		return;
	}
	for (i = 0; i < 300; i++)
		g[i] = (gid_t)(64000 + i);
	T_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if ((pid = fork()) == 0) {
		close(sv[0]);
		if (setgroups(300, g) == -1)
			_exit(3);
		/* The credentials are taken at connect: a new pair. */
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
		    peer_read(sv[0], &p, &e) == -1)
			_exit(4);
		_exit(p.n_groups == 300 && p.groups[299] == 64299 ? 0 : 5);
	}
	close(sv[0]);
	close(sv[1]);
	T_EQ_INT(waitpid(pid, &st, 0), pid);
	T_CHECK(WIFEXITED(st));
	T_EQ_INT(WEXITSTATUS(st), 0);
}

static void
test_resolve(void)
{
	static struct tunnel_policy p;
	struct policy_peer peer = { 0 };
	struct gp_err e = { "" };
	static const char text[] = "allow-user root\nallow-user "
	    "no-such-user-gpvpn\nallow-group root\nallow-group 64010\n";

	T_EQ_INT(policy_parse(text, strlen(text), &p, &e), 0);
	T_CHECK(!p.allow_users[0].resolved);
	T_CHECK(p.allow_groups[1].resolved);
	peer_resolve(&p);
	T_CHECK(p.allow_users[0].resolved);
	T_EQ_INT(p.allow_users[0].id, 0);
	T_CHECK(!p.allow_users[1].resolved);
	T_CHECK(p.allow_groups[0].resolved);
	T_EQ_INT(p.allow_groups[0].id, 0);
	T_CHECK(p.allow_groups[1].resolved);
	T_EQ_INT(p.allow_groups[1].id, 64010);
	/* gid 0 by name lets a non-root user of group root in. */
	peer.uid = 1000;
	peer.gid = 0;
	T_EQ_INT(policy_peer_check(&p, &peer, &e), 0);
}

int
main(void)
{
	log_init("tunnel_listen_test", -1);
	T_RUN(test_env_missing);
	T_RUN(test_env_wrong);
	T_RUN(test_fd_wrong);
	T_RUN(test_fd_good);
	T_RUN(test_peer_self);
	T_RUN(test_peer_many_groups);
	T_RUN(test_resolve);
	return T_DONE();
}
