/* SPDX-License-Identifier: ISC */
/*
 * The sandbox policies as reviewed text: each filter is exported with
 * seccomp_export_pfc() and diffed against tests/data/sandbox/<role>.pfc
 * (GOLDEN_UPDATE=1 rewrites them), and a child under the [net] policy
 * reads its own /proc/self/status (THREATS.md 23). Test code only.
 */
#define _GNU_SOURCE	/* memfd_create */

#include <sys/mman.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "sandbox/sandbox.h"
#include "tests/unit/golden.h"
#include "tests/unit/t.h"

#define PFC_MAX_BYTES		(256 * 1024)
#define STATUS_MAX_BYTES	8192
#define GOLDEN_DIR		"tests/data/sandbox/"

static bool as_root;

/* The sanitizer's list alone, on a default-kill filter, for review. */
static const struct sandbox_filter sanitizer_filter = {
	"sanitizer", SCMP_ACT_KILL_PROCESS, policy_sanitizer_rules
};

static int
read_all(int fd, char *out, size_t max)
{
	size_t n = 0;
	ssize_t r;

	while (n < max - 1 && (r = read(fd, out + n, max - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	return n < max - 1 ? (int)n : -1;
}

/* The base table only: the sanitizer's additions have their own file. */
static char *
export_pfc(const struct sandbox_filter *f)
{
	struct gp_err e = { "" };
	scmp_filter_ctx ctx;
	char *out = NULL;
	int fd;

	if ((ctx = sandbox_filter_new(f, false, &e)) == NULL) {
		fprintf(stderr, "  %s: %s\n", f->role, e.msg);
		return NULL;
	}
	fd = memfd_create("pfc", MFD_CLOEXEC);
	if (fd != -1 && seccomp_export_pfc(ctx, fd) == 0 &&
	    lseek(fd, 0, SEEK_SET) == 0 && (out = malloc(PFC_MAX_BYTES)) !=
	    NULL && read_all(fd, out, PFC_MAX_BYTES) == -1) {
		free(out);
		out = NULL;
	}
	if (fd != -1)
		close(fd);
	seccomp_release(ctx);
	return out;
}

static void
check_golden(const struct sandbox_filter *f)
{
	char path[256], *got;

	snprintf(path, sizeof(path), GOLDEN_DIR "%s.pfc", f->role);
	got = export_pfc(f);
	T_REQUIRE(got != NULL);
	T_EQ_INT(golden_check(path, got, strlen(got)), 0);
	free(got);
}

static void
net_policy_matches_golden(void)
{
	check_golden(&sandbox_filter_net);
}

static void
auth_policy_matches_golden(void)
{
	check_golden(&sandbox_filter_auth);
}

static void
auth_session_policy_matches_golden(void)
{
	check_golden(&sandbox_filter_auth_session);
}

static void
priv_policy_matches_golden(void)
{
	check_golden(&sandbox_filter_priv);
}

static void
sanitizer_list_matches_golden(void)
{
	check_golden(&sanitizer_filter);
}

/* ---- /proc/self/{status,limits} of a child under [net] ----------- */

static char net_status[STATUS_MAX_BYTES];
static char net_limits[STATUS_MAX_BYTES];

/* The child opens both files first: after the filter it may only read
 * what it already holds (seq_file fills them at read time). They come
 * back on two pipes; stdout and stderr are /dev/null (RLIMIT_FSIZE 0:
 * no file open for writing, and run.sh makes them files). */
static void
net_child(const struct sandbox_policy *tmpl, const int fd[4])
{
	struct sandbox_policy p = *tmpl;
	char buf[STATUS_MAX_BYTES];
	ssize_t n;
	int i, k[] = { 0, 1, 2, fd[0], fd[1], fd[2], fd[3], -1 };

	memcpy(p.keep_fds, k, sizeof(k));
	sandbox_enter(&p);
	for (i = 0; i < 2; i++) {
		n = read(fd[i], buf, sizeof(buf));
		if (n <= 0 || write(fd[2 + i], buf, (size_t)n) != n)
			_exit(1);
	}
	_exit(0);
}

static void
net_child_start(const struct sandbox_policy *tmpl, int ws, int wl)
{
	int fd[4] = { -1, -1, ws, wl }, nul;

	if ((fd[0] = open("/proc/self/status", O_RDONLY)) == -1 ||
	    (fd[1] = open("/proc/self/limits", O_RDONLY)) == -1 ||
	    (nul = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(nul, STDOUT_FILENO) == -1 || dup2(nul, STDERR_FILENO) == -1)
		_exit(1);
	close(nul);
	net_child(tmpl, fd);
}

static int
status_fetch(const struct sandbox_policy *tmpl)
{
	int ps[2], pl[2], st = 0;
	pid_t pid, r;

	if (pipe(ps) == -1 || pipe(pl) == -1)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(ps[0]);
		close(pl[0]);
		net_child_start(tmpl, ps[1], pl[1]);
	}
	close(ps[1]);
	close(pl[1]);
	alarm(10);	/* bounds the reads below if the child hangs */
	(void)read_all(ps[0], net_status, sizeof(net_status));
	(void)read_all(pl[0], net_limits, sizeof(net_limits));
	close(ps[0]);
	close(pl[0]);
	r = waitpid(pid, &st, 0);
	alarm(0);
	if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "  child: wait status %#x\n", st);
		return -1;
	}
	return 0;
}

/* The value of "Name:" in the status text, or "" when absent. */
static const char *
status_field(const char *name, char *out, size_t outsz)
{
	const char *p = net_status;
	size_t l = strlen(name), n;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, l) == 0 && p[l] == ':') {
			p += l + 1;
			p += strspn(p, " \t");
			n = strcspn(p, "\n");
			if (n >= outsz)
				n = outsz - 1;
			memcpy(out, p, n);
			out[n] = '\0';
			break;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return out;
}

static void
net_status_no_capabilities(void)
{
	char v[128];

	T_STREQ(status_field("CapEff", v, sizeof(v)), "0000000000000000");
	T_STREQ(status_field("CapPrm", v, sizeof(v)), "0000000000000000");
	T_STREQ(status_field("CapInh", v, sizeof(v)), "0000000000000000");
	T_STREQ(status_field("CapAmb", v, sizeof(v)), "0000000000000000");
}

static void
net_status_nnp_and_seccomp(void)
{
	char v[128];

	T_STREQ(status_field("NoNewPrivs", v, sizeof(v)), "1");
	T_STREQ(status_field("Seccomp", v, sizeof(v)), "2");
}

/* "Max open files  32  32  files": the soft limit of a line. */
static const char *
limit_of(const char *name, char *out, size_t outsz)
{
	const char *p = strstr(net_limits, name);
	size_t n;

	out[0] = '\0';
	if (p == NULL)
		return out;
	p += strlen(name);
	p += strspn(p, " ");
	n = strcspn(p, " \n");
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static void
net_limits_set(void)
{
	char v[64], want[16];

	T_STREQ(limit_of("Max core file size", v, sizeof(v)), "0");
	T_STREQ(limit_of("Max file size", v, sizeof(v)), "0");
	T_STREQ(limit_of("Max processes", v, sizeof(v)), "0");
	snprintf(want, sizeof(want), "%d", SANDBOX_NET_NOFILE);
	T_STREQ(limit_of("Max open files", v, sizeof(v)), want);
}

/* Root only: the user change and the cleared bounding set. */
static void
net_status_nobody_no_bounding_set(void)
{
	char v[128];
	unsigned long r, e, s, f;

	T_STREQ(status_field("CapBnd", v, sizeof(v)), "0000000000000000");
	status_field("Uid", v, sizeof(v));
	T_EQ_INT(sscanf(v, "%lu %lu %lu %lu", &r, &e, &s, &f), 4);
	T_CHECK(r != 0);
	T_CHECK(e != 0);
	T_CHECK(s != 0);
	T_CHECK(f != 0);
	status_field("Groups", v, sizeof(v));
	T_STREQ(v, "");
}

/*
 * Root only: the [priv] shape, uid 0 keeping CAP_NET_ADMIN alone, bounding
 * set included, so that vpnc-script, run from it, gets nothing more.
 */
static void
priv_keeps_net_admin_only(void)
{
	static const int caps[] = { CAP_NET_ADMIN, -1 };
	const struct sandbox_policy p = {
		.filter = &sandbox_filter_priv,
		.keep_caps = caps,
	};
	char v[128], want[32];

	snprintf(want, sizeof(want), "%016llx", 1ULL << CAP_NET_ADMIN);
	T_EQ_INT(status_fetch(&p), 0);
	T_STREQ(status_field("CapEff", v, sizeof(v)), want);
	T_STREQ(status_field("CapPrm", v, sizeof(v)), want);
	T_STREQ(status_field("CapBnd", v, sizeof(v)), want);
	T_STREQ(status_field("CapAmb", v, sizeof(v)), "0000000000000000");
	status_field("Uid", v, sizeof(v));
	T_CHECK(strncmp(v, "0\t", 2) == 0);
}

int
main(void)
{
	const struct sandbox_policy net = {
		.filter = &sandbox_filter_net,
		.user = geteuid() == 0 ? SANDBOX_NET_USER : NULL,
		.rlimits = SANDBOX_RL_NPROC0 | SANDBOX_RL_FSIZE0 |
		    SANDBOX_RL_NOFILE,
		.nofile = SANDBOX_NET_NOFILE,
	};

	log_init("sandbox_policy_test", 0);
	as_root = geteuid() == 0;
	T_RUN(net_policy_matches_golden);
	T_RUN(auth_policy_matches_golden);
	T_RUN(auth_session_policy_matches_golden);
	T_RUN(priv_policy_matches_golden);
	T_RUN(sanitizer_list_matches_golden);
	if (status_fetch(&net) == -1) {
		printf("not ok - net: a child under the policy reports its "
		    "status\n");
		return 1;
	}
	T_RUN(net_status_no_capabilities);
	T_RUN(net_status_nnp_and_seccomp);
	T_RUN(net_limits_set);
	if (as_root) {
		T_RUN(net_status_nobody_no_bounding_set);
		T_RUN(priv_keeps_net_admin_only);
	} else
		printf("# not root: uid change, bounding set and kept "
		    "capabilities not checked\n");
	return T_DONE();
}
