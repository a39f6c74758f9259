/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the tun device (tunnel/tun.c): the name check, and, when
 * run as root, tun_open in a private network namespace of a forked child
 * (so nothing appears in the host's namespace).
 */
#define _GNU_SOURCE	/* unshare */

#include <sys/wait.h>

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "tunnel/tun.h"
#include "t.h"

static void
names(void)
{
	T_CHECK(tun_name_ok(""));
	T_CHECK(tun_name_ok("tun0"));
	T_CHECK(tun_name_ok("gp-vpn_1.a"));
	T_CHECK(tun_name_ok("abcdefghijklmno"));	/* 15 = IFNAMSIZ-1 */
	T_CHECK(!tun_name_ok("abcdefghijklmnop"));
	T_CHECK(!tun_name_ok("tun%d"));
	T_CHECK(!tun_name_ok("a/b"));
	T_CHECK(!tun_name_ok("a b"));
	T_CHECK(!tun_name_ok("a:b"));
	T_CHECK(!tun_name_ok("a\nb"));
	T_CHECK(!tun_name_ok("."));
	T_CHECK(!tun_name_ok(".."));
	T_CHECK(!tun_name_ok("t\xc3\xa9"));
}

static void
open_rejects_bad_name(void)
{
	char name[IFNAMSIZ] = "bad name";
	struct gp_err e = { "" };

	T_EQ_INT(tun_open(name, &e), -1);
	T_CHECK(strstr(e.msg, "bad name") != NULL);
}

/* In the child: 0 ok, 1 failed, 77 skipped (no privilege). */
static int
open_in_netns(void)
{
	char name[IFNAMSIZ] = "gpvpntest0", any[IFNAMSIZ] = "";
	struct gp_err e = { "" };
	int fd, fd2, fl;

	if (unshare(CLONE_NEWNET) == -1)
		return 77;
	if ((fd = tun_open(name, &e)) == -1)
		return access("/dev/net/tun", R_OK | W_OK) == -1 ? 77 : 1;
	fl = fcntl(fd, F_GETFL);
	if (strcmp(name, "gpvpntest0") != 0 || !(fl & O_NONBLOCK) ||
	    !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
		return 1;
	if ((fd2 = tun_open(any, &e)) == -1 || strncmp(any, "tun", 3) != 0)
		return 1;
	close(fd2);
	close(fd);
	return 0;
}

static void
open_as_root(void)
{
	int status = 0;
	pid_t pid;

	if ((pid = fork()) == 0)
		_exit(open_in_netns());
	T_CHECK(pid > 0);
	T_EQ_INT(waitpid(pid, &status, 0), pid);
	T_CHECK(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		T_SKIP("needs root and /dev/net/tun");
	else
		T_EQ_INT(WEXITSTATUS(status), 0);
}

int
main(void)
{
	T_RUN(names);
	T_RUN(open_rejects_bad_name);
	T_RUN(open_as_root);
	return T_DONE();
}
