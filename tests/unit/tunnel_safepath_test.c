/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the "root's alone" path check (tunnel/safepath.c), on a
 * temporary tree made under the current directory (a sticky /tmp would
 * make every path in it unsafe, which one test shows too). Components
 * owned by the user running the test count as root's. Test code only.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/safepath.h"
#include "t.h"

#define BASE_MAX	1024

static char base[BASE_MAX];

static void
mk(const char *rel, mode_t mode, bool dir)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if (dir) {
		if (mkdir(p, 0700) == -1)
			exit(2);
	} else {
		if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
			exit(2);
		if (write(fd, "#!/bin/sh\n", 10) != 10)
			exit(2);
		close(fd);
	}
	if (chmod(p, mode) == -1)
		exit(2);
}

static void
ln(const char *target, const char *rel)
{
	char p[PATH_MAX], t[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	snprintf(t, sizeof(t), "%s/%s", base, target);
	if (symlink(t, p) == -1)
		exit(2);
}

/* safepath_check(base/rel) with the test's owner; why gets the error. */
static enum safepath_result
chk(const char *rel, unsigned flags, char *out, char *why)
{
	char p[PATH_MAX];
	struct gp_err e = { "" };
	enum safepath_result r;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	r = safepath_check(p, geteuid(), flags, out, PATH_MAX, &e);
	snprintf(why, GP_ERR_MAX, "%s", e.msg);
	return r;
}

static void
tree(void)
{
	char run[] = "/run/safepath-test-XXXXXX";
	char tmpl[sizeof(run)] = "safepath-test-XXXXXX";
	char *real;

	umask(022);
	/*
	 * Every directory above the tree must be safe too: /run (root's,
	 * 0755) when we may write there, as root in make check; else the
	 * checkout, which a clone under /tmp would not be.
	 */
	if (mkdtemp(run) != NULL)
		memcpy(tmpl, run, sizeof(run));
	else if (mkdtemp(tmpl) == NULL)
		exit(2);
	if ((real = realpath(tmpl, NULL)) == NULL ||
	    strlen(real) >= sizeof(base) || chmod(real, 0755) == -1)
		exit(2);
	memcpy(base, real, strlen(real) + 1);
	free(real);
	mk("ok", 0755, true);
	mk("ok/script", 0755, false);
	mk("ok/noexec", 0644, false);
	mk("ok/gw", 0775, false);
	mk("ok/dir", 0755, true);
	mk("ww", 0777, true);
	mk("ww/script", 0755, false);
	mk("ww/sub", 0755, true);
	mk("ww/sub/script", 0755, false);
	mk("sticky", 01777, true);
	mk("sticky/script", 0755, false);
	mk("gwdir", 0775, true);
	mk("gwdir/script", 0755, false);
	ln("ok/script", "ww/link");
	ln("ww/script", "ok/link");
}

static void
untree(void)
{
	static const char *const rm[] = {
		"ok/link", "ww/link", "gwdir/script", "gwdir",
		"sticky/script", "sticky", "ww/sub/script", "ww/sub",
		"ww/script", "ww", "ok/dir", "ok/gw", "ok/noexec", "ok/script",
		"ok/other", "ok", NULL
	};
	char p[PATH_MAX];
	size_t i;

	for (i = 0; rm[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", base, rm[i]);
		if (unlink(p) == -1)
			rmdir(p);
	}
	rmdir(base);
}

static void
test_safe(void)
{
	char out[PATH_MAX], want[PATH_MAX], why[GP_ERR_MAX];

	snprintf(want, sizeof(want), "%s/ok/script", base);
	T_EQ_INT(chk("ok/script", SAFEPATH_EXEC, out, why), SAFEPATH_OK);
	T_STREQ(out, want);
	T_EQ_INT(chk("ok/noexec", 0, out, why), SAFEPATH_OK);
	/* Resolved first: a link in an unsafe place to a safe file is the
	 * safe file, and the caller runs out, not the link. */
	T_EQ_INT(chk("ww/link", SAFEPATH_EXEC, out, why), SAFEPATH_OK);
	T_STREQ(out, want);
}

static void
test_unsafe(void)
{
	char out[PATH_MAX], want[PATH_MAX], why[GP_ERR_MAX];

	T_EQ_INT(chk("ww/script", SAFEPATH_EXEC, out, why),
	    SAFEPATH_UNSAFE);
	snprintf(want, sizeof(want), "`%s/ww` is writable by others "
	    "(mode 0777)", base);
	T_STREQ(why, want);
	snprintf(want, sizeof(want), "%s/ww/script", base);
	T_STREQ(out, want);
	/* The first directory at fault is named, not the file. */
	T_EQ_INT(chk("ww/sub/script", SAFEPATH_EXEC, out, why),
	    SAFEPATH_UNSAFE);
	T_CHECK(strstr(why, "/ww` is writable by others") != NULL);
	T_EQ_INT(chk("sticky/script", SAFEPATH_EXEC, out, why),
	    SAFEPATH_UNSAFE);
	T_CHECK(strstr(why, "writable by others (mode 1777)") != NULL);
	T_EQ_INT(chk("gwdir/script", SAFEPATH_EXEC, out, why),
	    SAFEPATH_UNSAFE);
	T_CHECK(strstr(why, "/gwdir` is writable by its group") != NULL);
	T_EQ_INT(chk("ok/gw", 0, out, why), SAFEPATH_UNSAFE);
	T_CHECK(strstr(why, "/ok/gw` is writable by its group (mode 0775)")
	    != NULL);
	/* A link in a safe place to a file in an unsafe one. */
	T_EQ_INT(chk("ok/link", SAFEPATH_EXEC, out, why), SAFEPATH_UNSAFE);
	T_CHECK(strstr(why, "/ww` is writable by others") != NULL);
}

static void
test_owner(void)
{
	char p[PATH_MAX], out[PATH_MAX], why[GP_ERR_MAX];
	struct gp_err e = { "" };

	mk("ok/other", 0755, false);
	snprintf(p, sizeof(p), "%s/ok/other", base);
	if (geteuid() == 0) {
		T_EQ_INT(chown(p, 65534, 65534), 0);
		T_EQ_INT(chk("ok/other", SAFEPATH_EXEC, out, why),
		    SAFEPATH_UNSAFE);
		T_CHECK(strstr(why, "/ok/other` is owned by uid 65534, not "
		    "root") != NULL);
	} else {
		/* owner 0: only root's, and the test's files are not. */
		T_EQ_INT(safepath_check(p, 0, 0, out, sizeof(out), &e),
		    SAFEPATH_UNSAFE);
		T_CHECK(strstr(e.msg, "not root") != NULL);
	}
}

static void
test_bad(void)
{
	char out[PATH_MAX], why[GP_ERR_MAX];
	struct gp_err e = { "" };

	T_EQ_INT(chk("ok/noexec", SAFEPATH_EXEC, out, why), SAFEPATH_BAD);
	T_CHECK(strstr(why, "/ok/noexec` is not executable") != NULL);
	T_EQ_INT(chk("ok/dir", 0, out, why), SAFEPATH_BAD);
	T_CHECK(strstr(why, "/ok/dir` is not a regular file") != NULL);
	T_EQ_INT(chk("ok/missing", 0, out, why), SAFEPATH_BAD);
	T_CHECK(strstr(why, "No such file or directory") != NULL);
	T_STREQ(out, "");
	T_EQ_INT(safepath_check("ok/script", 0, 0, out, sizeof(out), &e),
	    SAFEPATH_BAD);
	T_STREQ(e.msg, "`ok/script`: not an absolute path");
	T_EQ_INT(safepath_check("/", 0, 0, out, sizeof(out), &e),
	    SAFEPATH_BAD);
	T_EQ_INT(safepath_check("/etc/hostname", 0, 0, out, 4, &e),
	    SAFEPATH_BAD);
	T_CHECK(strstr(e.msg, "too long") != NULL);
}

/* The sticky, world-writable /tmp is not a place for root's files. */
static void
test_tmp(void)
{
	char p[] = "/tmp/gpvpn-safepath-XXXXXX", out[PATH_MAX];
	struct gp_err e = { "" };
	int fd = mkstemp(p);

	T_CHECK(fd != -1);
	if (fd == -1)
		return;
	T_EQ_INT(fchmod(fd, 0755), 0);
	close(fd);
	T_EQ_INT(safepath_check(p, geteuid(), SAFEPATH_EXEC, out, sizeof(out),
	    &e), SAFEPATH_UNSAFE);
	T_CHECK(strstr(e.msg, "`/tmp` is writable by others") != NULL);
	unlink(p);
}

int
main(void)
{
	tree();
	T_RUN(test_safe);
	T_RUN(test_unsafe);
	T_RUN(test_owner);
	T_RUN(test_bad);
	T_RUN(test_tmp);
	untree();
	return T_DONE();
}
