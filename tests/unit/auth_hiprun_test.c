/* SPDX-License-Identifier: ISC */
/*
 * End-to-end tests for the HIP runner (auth/hiprun.c): a real child, a
 * real --csd-wrapper script in a temporary directory, and its arguments,
 * report, failures and inherited descriptors as gp-auth sees them
 * through hiprun_run().
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/hiprun.h"
#include "t.h"

/* Echoes its arguments; --client-os picks a failure to show. */
static const char script_text[] =
    "#!/bin/sh\n"
    "os=; all=\n"
    "while [ $# -gt 0 ]; do\n"
    "\t[ \"$1\" = --client-os ] && os=$2\n"
    "\tall=\"$all[$1]\"; shift\n"
    "done\n"
    "case $os in\n"
    "fail) exit 3 ;;\n"
    "nul) printf 'a\\0b' ;;\n"
    "big) head -c 40000 /dev/zero | tr '\\0' x ;;\n"
    "fds) for n in 9 1500; do [ -e /proc/$$/fd/$n ] && printf '%s ' $n\n"
    "\tdone; printf 'checked' ;;\n"
    "*) printf '%s{%s}' \"$all\" \"$APP_VERSION\" ;;\n"
    "esac\n";

static char dir[] = "/tmp/gpvpn-hiprun.XXXXXX";
static char script[64];
static char out[HIPGEN_REPORT_MAX];

/*
 * Descriptors gp-auth has open when it starts the runner, one of them
 * over 1023, must not reach the script.
 */
static int
open_fds(void)
{
	struct rlimit rl;
	int fd;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur < 2048 && rl.rlim_max >= 2048) {
		rl.rlim_cur = 2048;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return -1;
	}
	if ((fd = open("/dev/null", O_RDONLY)) == -1 ||
	    dup2(fd, 9) == -1 || dup2(fd, 1500) == -1)
		return -1;
	return fd == 9 || fd == 1500 ? 0 : close(fd);
}

static int
setup(void)
{
	struct gp_err e;
	FILE *fp;

	if (open_fds() == -1) {
		fprintf(stderr, "  cannot open fds 9 and 1500\n");
		return -1;
	}
	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(script, sizeof(script), "%s/csd.sh", dir);
	if ((fp = fopen(script, "w")) == NULL)
		return -1;
	fputs(script_text, fp);
	if (fclose(fp) != 0 || chmod(script, 0700) == -1)
		return -1;
	if (hiprun_start(script, &e) == -1) {
		fprintf(stderr, "  %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
run(const char *os, const char *ip6, struct gp_err *e)
{
	struct hip_run_req q = { "portal=p&user=u", "198.18.0.2", ip6,
	    "0123abcd", os, "6.1.0" };

	e->msg[0] = '\0';
	return hiprun_run(&q, out, sizeof(out), e);
}

static void
runner_arguments(void)
{
	struct gp_err e;

	T_CHECK(hiprun_active());
	T_EQ_INT(run("Linux", "", &e), 0);
	T_STREQ(out, "[--cookie][portal=p&user=u][--client-ip][198.18.0.2]"
	    "[--md5][0123abcd][--client-os][Linux]{6.1.0}");
	T_EQ_INT(run("Linux", "2001:db8::2", &e), 0);
	T_STREQ(out, "[--cookie][portal=p&user=u][--client-ip][198.18.0.2]"
	    "[--client-ipv6][2001:db8::2][--md5][0123abcd][--client-os]"
	    "[Linux]{6.1.0}");
}

static void
runner_failures(void)
{
	struct gp_err e;

	T_EQ_INT(run("fail", "", &e), -1);
	T_STREQ(e.msg, "hip: the --csd-wrapper script failed (non-zero exit "
	    "or crash)");
	T_EQ_INT(run("nul", "", &e), -1);
	T_STREQ(e.msg, "hip: the script's report is too large or has a NUL "
	    "byte");
	T_EQ_INT(run("big", "", &e), -1);
	T_STREQ(e.msg, "hip: the --csd-wrapper script wrote too much");
	/* and the runner still answers */
	T_EQ_INT(run("Linux", "", &e), 0);
}

static void
runner_closes_fds(void)
{
	struct gp_err e;

	T_EQ_INT(run("fds", "", &e), 0);
	T_STREQ(out, "checked");
}

static void
runner_too_long(void)
{
	static char big[HIP_RUN_REQ_MAX];
	struct hip_run_req q = { big, "", "", "", "", "" };
	struct gp_err e;

	memset(big, 'c', sizeof(big) - 1);
	T_EQ_INT(hiprun_run(&q, out, sizeof(out), &e), -1);
	T_STREQ(e.msg, "hip: script arguments too long");
	T_EQ_INT(run("Linux", "", &e), 0);
}

int
main(void)
{
	int rc;

	if (setup() == -1) {
		printf("not ok - setup\n");
		return 1;
	}
	T_RUN(runner_arguments);
	T_RUN(runner_failures);
	T_RUN(runner_closes_fds);
	T_RUN(runner_too_long);
	rc = T_DONE();
	(void)unlink(script);
	(void)rmdir(dir);
	return rc;
}
