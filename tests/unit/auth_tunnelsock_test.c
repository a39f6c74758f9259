/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth --tunnel-socket (auth/tunnel_sock.c): a service
 * that accepts (an empty STATUS frame), one that refuses (closes), one
 * that sends something else, one that is not root, and the connect
 * errors with what to check. The fake services are forked children on a
 * socket under /tmp. Test code only.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/tunnel_sock.h"
#include "ipc/frame.h"
#include "t.h"

enum fake { FAKE_ACCEPT, FAKE_REFUSE, FAKE_WRONG, FAKE_BODY };

static char sock_path[64];

static int
fake_listen(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memcpy(sun.sun_path, sock_path, strlen(sock_path) + 1);
	(void)unlink(sock_path);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(sock_path, 0666) == -1 || listen(fd, 1) == -1)
		_exit(2);
	return fd;
}

/* One connection, answered as `how`; as uid `uid` when not -1. */
static pid_t
fake_start(enum fake how, uid_t uid)
{
	struct buf body;
	uint8_t one = 1;
	int lfd, c, ready[2];
	pid_t pid;
	char x;

	/* Unlinked here: the child may not, as another user in /tmp. */
	(void)unlink(sock_path);
	if (pipe(ready) == -1 || (pid = fork()) == -1)
		exit(2);
	if (pid == 0) {
		close(ready[0]);
		if (uid != (uid_t)-1 && setuid(uid) == -1)
			_exit(3);
		lfd = fake_listen();
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		if ((c = accept(lfd, NULL, NULL)) == -1)
			_exit(4);
		buf_view(&body, &one, 1);
		if (how == FAKE_ACCEPT)
			(void)frame_write(c, FRAME_STATUS, NULL, NULL);
		else if (how == FAKE_WRONG)
			(void)frame_write(c, FRAME_NEED_CONFIG, NULL, NULL);
		else if (how == FAKE_BODY)
			(void)frame_write(c, FRAME_STATUS, &body, NULL);
		close(c);
		_exit(0);
	}
	close(ready[1]);
	if (read(ready[0], &x, 1) != 1)
		exit(2);
	close(ready[0]);
	return pid;
}

static void
fake_reap(pid_t pid)
{
	int st;

	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
}

/* tunnel_sock_connect against a fake: 0 ok, -1 with e. */
static int
try_fake(enum fake how, uid_t uid, struct gp_err *e)
{
	pid_t pid = fake_start(how, uid);
	int fd;

	memset(e, 0, sizeof(*e));
	fd = tunnel_sock_connect(sock_path, e);
	fake_reap(pid);
	if (fd != -1)
		close(fd);
	return fd == -1 ? -1 : 0;
}

static void
test_accept_refuse(void)
{
	struct gp_err e;

	if (geteuid() != 0) {		/* CI runs this as root */
		T_EQ_INT(try_fake(FAKE_ACCEPT, (uid_t)-1, &e), -1);
		T_CHECK(strstr(e.msg, "not root") != NULL);
		return;
	}
	T_EQ_INT(try_fake(FAKE_ACCEPT, (uid_t)-1, &e), 0);
	T_EQ_INT(try_fake(FAKE_REFUSE, (uid_t)-1, &e), -1);
	T_CHECK(strstr(e.msg, "refused the connection: uid 0 is not "
	    "allowed by gp-tunnel's policy") != NULL);
	T_EQ_INT(try_fake(FAKE_WRONG, (uid_t)-1, &e), -1);
	T_CHECK(strstr(e.msg, "expected an empty STATUS frame first, got "
	    "type 4, 0 bytes") != NULL);
	T_EQ_INT(try_fake(FAKE_BODY, (uid_t)-1, &e), -1);
	T_CHECK(strstr(e.msg, "got type 3, 1 bytes") != NULL);
}

/* A socket that another user serves never gets the session. */
static void
test_not_root(void)
{
	struct gp_err e;

	if (geteuid() != 0) {
		T_EQ_INT(try_fake(FAKE_ACCEPT, (uid_t)-1, &e), -1);
		T_CHECK(strstr(e.msg, "is served by uid") != NULL);
		return;
	}
	T_EQ_INT(try_fake(FAKE_ACCEPT, 65534, &e), -1);
	T_CHECK(strstr(e.msg, "is served by uid 65534, not root: not "
	    "sending it the session") != NULL);
}

static void
test_connect_errors(void)
{
	struct gp_err e = { "" };
	char longp[200];
	int fd;

	(void)unlink(sock_path);
	T_EQ_INT(tunnel_sock_connect(sock_path, &e), -1);
	T_CHECK(strstr(e.msg, "cannot connect to") != NULL);
	T_CHECK(strstr(e.msg, "No such file or directory; is gp-tunnel.socket "
	    "active") != NULL);
	/* A socket file nobody listens on. */
	fd = fake_listen();
	close(fd);
	T_EQ_INT(tunnel_sock_connect(sock_path, &e), -1);
	T_CHECK(strstr(e.msg, "Connection refused; is gp-tunnel.socket "
	    "active") != NULL);
	(void)unlink(sock_path);
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	T_EQ_INT(tunnel_sock_connect(longp, &e), -1);
	T_CHECK(strstr(e.msg, "not a socket path (1 to 107 bytes)") != NULL);
	T_EQ_INT(tunnel_sock_connect("", &e), -1);
	/* A path that is not a socket. */
	T_EQ_INT(tunnel_sock_connect("/dev/null", &e), -1);
	T_CHECK(strstr(e.msg, "Connection refused") != NULL);
}

/* Permission denied names the group to check (needs another uid). */
static void
test_connect_eacces(void)
{
	int fd, st;
	pid_t pid;

	if (geteuid() != 0) {	/* another uid needs root; CI is root */
		T_EQ_INT(setuid(0), -1);
		return;
	}
	fd = fake_listen();
	T_EQ_INT(chmod(sock_path, 0660), 0);
	if ((pid = fork()) == 0) {
		struct gp_err e = { "" };

		if (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
		    setuid(65534) == -1)
			_exit(3);
		if (tunnel_sock_connect(sock_path, &e) != -1)
			_exit(4);
		_exit(strstr(e.msg, "Permission denied; are you in the "
		    "socket's group (gpvpn)?") != NULL ? 0 : 5);
	}
	T_EQ_INT(waitpid(pid, &st, 0), pid);
	T_CHECK(WIFEXITED(st));
	T_EQ_INT(WEXITSTATUS(st), 0);
	close(fd);
	(void)unlink(sock_path);
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	snprintf(sock_path, sizeof(sock_path), "/tmp/gpvpn-tsock-%ld.sock",
	    (long)getpid());
	T_RUN(test_accept_refuse);
	T_RUN(test_not_root);
	T_RUN(test_connect_errors);
	T_RUN(test_connect_eacces);
	(void)unlink(sock_path);
	return T_DONE();
}
