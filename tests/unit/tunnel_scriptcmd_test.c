/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the -s value (tunnel/scriptcmd.c): plain path or
 * command line, its first word, a bare name looked up in a PATH, the
 * rewrite, and script_run() running a command line with /bin/sh -c and
 * the given environment alone. Test code only.
 */
#define _GNU_SOURCE	/* setenv */

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/script.h"
#include "tunnel/scriptcmd.h"
#include "t.h"

static char dir[] = "/tmp/scriptcmd-test-XXXXXX";

static const char *
in_dir(const char *name)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static void
put(const char *name, mode_t mode, const char *text)
{
	int fd;

	if ((fd = open(in_dir(name), O_WRONLY | O_CREAT | O_TRUNC,
	    0600)) == -1 || write(fd, text, strlen(text)) !=
	    (ssize_t)strlen(text) || fchmod(fd, mode) == -1)
		exit(2);
	close(fd);
}

static void
plain(void)
{
	T_CHECK(scriptcmd_is_plain("/usr/share/vpnc-scripts/vpnc-script"));
	T_CHECK(scriptcmd_is_plain("/opt/x_1.2+3,a:b@c%d-e"));
	T_CHECK(scriptcmd_is_plain("vpn-slice"));
	T_CHECK(!scriptcmd_is_plain(""));
	T_CHECK(!scriptcmd_is_plain("vpn-slice 10.0.0.0/8"));
	T_CHECK(!scriptcmd_is_plain("/opt/my\tscript"));
	T_CHECK(!scriptcmd_is_plain("/opt/$HOME"));
	T_CHECK(!scriptcmd_is_plain("/opt/a;b"));
	T_CHECK(!scriptcmd_is_plain("/opt/a*"));
	T_CHECK(!scriptcmd_is_plain("/opt/'a'"));
	T_CHECK(!scriptcmd_is_plain("/opt/a~"));
	T_CHECK(!scriptcmd_is_plain("/opt/a=b"));
}

static void
first_word(void)
{
	struct gp_err e = { "" };
	size_t s, n;

	T_EQ_INT(scriptcmd_first_word("vpn-slice 10.0.0.0/8", &s, &n,
	    &e), 0);
	T_EQ_INT(s, 0);
	T_EQ_INT(n, 9);
	T_EQ_INT(scriptcmd_first_word(" \t/run/w.sh a b", &s, &n, &e), 0);
	T_EQ_INT(s, 2);
	T_EQ_INT(n, 9);
	T_EQ_INT(scriptcmd_first_word("/run/w.sh", &s, &n, &e), 0);
	T_EQ_INT(s, 0);
	T_EQ_INT(n, 9);
	T_EQ_INT(scriptcmd_first_word("'/run/w.sh' a", &s, &n, &e), -1);
	T_STREQ(e.msg, "-s `'/run/w.sh' a`: a command line must start "
	    "with a program (an absolute path or a name), then a blank");
	T_EQ_INT(scriptcmd_first_word("/run/w.sh;id", &s, &n, &e), -1);
	T_EQ_INT(scriptcmd_first_word("$X a", &s, &n, &e), -1);
	T_EQ_INT(scriptcmd_first_word(">f a", &s, &n, &e), -1);
	T_EQ_INT(scriptcmd_first_word("   ", &s, &n, &e), -1);
	T_EQ_INT(scriptcmd_first_word("", &s, &n, &e), -1);
	T_EQ_INT(scriptcmd_first_word("./w.sh a", &s, &n, &e), -1);
	T_STREQ(e.msg, "-s `./w.sh a`: the program is a relative path");
	T_EQ_INT(scriptcmd_first_word("bin/w a", &s, &n, &e), -1);
}

static void
which(void)
{
	char out[PATH_MAX], list[PATH_MAX * 2], want[PATH_MAX];
	struct gp_err e = { "" };

	put("prog", 0755, "#!/bin/sh\n");
	put("noexec", 0644, "#!/bin/sh\n");
	if (mkdir(in_dir("sub"), 0755) == -1 ||
	    mkdir(in_dir("sub/prog"), 0755) == -1)
		exit(2);
	/* A directory named prog is skipped, as sh skips it. */
	snprintf(list, sizeof(list), "::relative:%s/sub:%s", dir, dir);
	T_EQ_INT(scriptcmd_which_in(list, "prog", out, sizeof(out),
	    &e), 0);
	snprintf(want, sizeof(want), "%s/prog", dir);
	T_STREQ(out, want);
	T_EQ_INT(scriptcmd_which_in(list, "noexec", out, sizeof(out),
	    &e), -1);
	T_CHECK(strstr(e.msg, "program `noexec` is not in root's PATH")
	    != NULL);
	T_EQ_INT(scriptcmd_which_in(list, "sub/prog", out, sizeof(out),
	    &e), -1);
	T_EQ_INT(scriptcmd_which_in(list, "", out, sizeof(out), &e), -1);
	/* The fixed PATH: sh is in /usr/bin or /bin on every system. */
	T_EQ_INT(scriptcmd_which("sh", out, sizeof(out), &e), 0);
	T_CHECK(strcmp(out, "/usr/bin/sh") == 0 ||
	    strcmp(out, "/bin/sh") == 0);
	T_EQ_INT(scriptcmd_which(".", out, sizeof(out), &e), -1);
	rmdir(in_dir("sub/prog"));
	rmdir(in_dir("sub"));
}

static void
rewrite(void)
{
	struct gp_err e = { "" };
	char out[64], small[12];

	T_EQ_INT(scriptcmd_rewrite(" vpn-slice 10.0.0.0/8", 1, 9,
	    "/usr/bin/vpn-slice", out, sizeof(out), &e), 0);
	T_STREQ(out, " /usr/bin/vpn-slice 10.0.0.0/8");
	T_EQ_INT(scriptcmd_rewrite("vpn-slice 10.0.0.0/8", 0, 9,
	    "/usr/bin/vpn-slice", small, sizeof(small), &e), -1);
	T_STREQ(small, "");
	T_STREQ(e.msg, "-s: the command line is too long");
	T_EQ_INT(scriptcmd_program("/usr/bin/vpn-slice 10.0.0.0/8", out,
	    sizeof(out), &e), 0);
	T_STREQ(out, "/usr/bin/vpn-slice");
	T_EQ_INT(scriptcmd_program("/run/w.sh", out, sizeof(out), &e), 0);
	T_STREQ(out, "/run/w.sh");
	T_EQ_INT(scriptcmd_program("'x' y", out, sizeof(out), &e), -1);
}

/* A command line runs under /bin/sh -c with its arguments, and sees
 * the environment it was given and nothing of ours. */
static void
run_command_line(void)
{
	char *vars[] = { "reason=connect", "PATH=/usr/bin:/bin", NULL };
	struct script_env env = { 2, { NULL } };
	struct gp_err e = { "" };
	char cmd[PATH_MAX * 2];

	env.vars[0] = vars[0];
	env.vars[1] = vars[1];
	put("args.sh", 0755, "#!/bin/sh\n"
	    "{ printf '%s|' \"$0\" \"$@\"; echo; env; } > \"${0%.sh}.out\"\n"
	    "exit 7\n");
	setenv("GPVPN_SHOULD_NOT_LEAK", "1", 1);
	snprintf(cmd, sizeof(cmd), "%s/args.sh a1 'b 2'", dir);
	T_EQ_INT(script_run(cmd, &env, &e), -1);
	T_CHECK(strstr(e.msg, "exit status 7") != NULL);
	snprintf(cmd, sizeof(cmd), "grep -qx '%s/args.sh|a1|b 2|' %s && "
	    "grep -qx reason=connect %s && ! grep -q SHOULD_NOT_LEAK %s",
	    dir, in_dir("args.out"), in_dir("args.out"), in_dir("args.out"));
	T_EQ_INT(system(cmd), 0);
	/* The same file as a plain path: exec'd, no arguments. */
	T_EQ_INT(script_run(in_dir("args.sh"), &env, &e), -1);
	T_CHECK(strstr(e.msg, "exit status 7") != NULL);
	snprintf(cmd, sizeof(cmd), "grep -qx '%s/args.sh|' %s", dir,
	    in_dir("args.out"));
	T_EQ_INT(system(cmd), 0);
	unlink(in_dir("args.out"));
	unlink(in_dir("args.sh"));
}

int
main(void)
{
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) == -1)
		return 2;
	T_RUN(plain);
	T_RUN(first_word);
	T_RUN(which);
	T_RUN(rewrite);
	T_RUN(run_command_line);
	unlink(in_dir("prog"));
	unlink(in_dir("noexec"));
	rmdir(dir);
	return T_DONE();
}
