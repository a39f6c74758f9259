/* SPDX-License-Identifier: ISC */
/*
 * The file-system view of gp-tunnel [priv] (tunnel/fsview.c), as root: a
 * forked child applies the view as gp-tunnel does, then [priv]'s sandbox
 * (uid 0, CAP_NET_ADMIN alone, its filter), and tries to chmod a root
 * file and create a file in a root directory (both made by this test
 * under /var/tmp), which must fail with EROFS, while resolv.conf,
 * vpnc-script's state directory, /tmp and net sysctls stay writable.
 * The child first gets a private /run and its own resolv.conf and
 * network namespace, so the host is not touched. Not root: skipped.
 */
#define _GNU_SOURCE	/* unshare, CLONE_* */

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "sandbox/sandbox.h"
#include "tunnel/fsview.h"
#include "t.h"

#define SKIP_STATUS	77
#define VPN_RESOLV	"nameserver 198.18.64.53\n"
#define HOST_RESOLV	"nameserver 198.18.0.53\n"

static char dir[] = "/var/tmp/gpvpn-fsview.XXXXXX";
static char root_file[PATH_MAX], root_dir[PATH_MAX], resolv[PATH_MAX];

static void
path_in(char *out, const char *name)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		abort();
}

static int
write_file(const char *path, const char *text, int flags)
{
	size_t n = strlen(text);
	int fd, r = -1;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644)) == -1)
		return -1;
	if (write(fd, text, n) == (ssize_t)n)
		r = 0;
	if (close(fd) == -1)
		r = -1;
	return r;
}

/* Root-owned, as root's files are: a 0644 file and a 0755 directory. */
static int
fixture_make(void)
{
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) == -1)
		return -1;
	path_in(root_file, "root-file");
	path_in(root_dir, "root-dir");
	path_in(resolv, "resolv.conf");
	if (write_file(root_file, "root's\n", O_CREAT | O_EXCL) == -1 ||
	    chmod(root_file, 0644) == -1 || mkdir(root_dir, 0755) == -1 ||
	    write_file(resolv, HOST_RESOLV, O_CREAT | O_EXCL) == -1)
		return -1;
	return 0;
}

static void
fixture_remove(void)
{
	char p[PATH_MAX];

	path_in(p, "root-dir/new");
	(void)unlink(p);
	path_in(p, "root-dir/new-dir");
	(void)rmdir(p);
	(void)rmdir(root_dir);
	(void)unlink(root_file);
	(void)unlink(resolv);
	(void)rmdir(dir);
}

/* mkdir -p of the directories above path. */
static int
mkdir_parents(const char *path)
{
	char p[PATH_MAX];
	char *s;

	if ((size_t)snprintf(p, sizeof(p), "%s", path) >= sizeof(p))
		return -1;
	for (s = strchr(p + 1, '/'); s != NULL; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) == -1 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

/*
 * What `ip netns exec` and tests/netns/nsexec.sh do: a private mount
 * namespace with a tmpfs on /run and our resolv.conf bound over the
 * host's, plus a network namespace for the sysctl write. 77: no right.
 */
static int
child_isolate(void)
{
	char target[PATH_MAX];

	if (realpath("/etc/resolv.conf", target) == NULL)
		return SKIP_STATUS;
	if (unshare(CLONE_NEWNS | CLONE_NEWNET) == -1)
		return errno == EPERM ? SKIP_STATUS : 1;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1 ||
	    mount("gpvpn-test-run", "/run", "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=0755,size=1m") == -1)
		return 1;
	if (strncmp(target, "/run/", 5) == 0 && (mkdir_parents(target) == -1 ||
	    write_file(target, "", O_CREAT) == -1))
		return 1;	/* systemd-resolved's link into /run */
	return mount(resolv, target, NULL, MS_BIND, NULL) == -1 ? 1 : 0;
}

static bool
fails_erofs(int r)
{
	if (r != -1)
		fprintf(stderr, "  succeeded\n");
	else if (errno != EROFS)
		fprintf(stderr, "  failed with %s, not EROFS\n",
		    strerror(errno));
	return r == -1 && errno == EROFS;
}

/* The two things the issue names, and a sysctl outside the network. */
static void
child_denied(void)
{
	char p[PATH_MAX];
	int fd;

	T_CHECK(fails_erofs(chmod(root_file, 0666)));
	path_in(p, "root-dir/new");
	T_CHECK(fails_erofs(write_file(p, "x\n", O_CREAT | O_EXCL)));
	T_CHECK(fails_erofs(write_file(root_file, "x\n", O_APPEND)));
	T_CHECK(fails_erofs(chown(root_file, 0, 0)));
	path_in(p, "root-dir/new-dir");
	T_CHECK(fails_erofs(mkdir(p, 0755)));
	/* core_pattern: a pipe there runs a program as full root. Opened
	 * only; not a byte is written even if the open succeeds. */
	fd = open("/proc/sys/kernel/core_pattern", O_WRONLY | O_CLOEXEC);
	T_CHECK(fails_erofs(fd));
	if (fd != -1)
		close(fd);
}

/* What routes and DNS need. */
static void
child_allowed(void)
{
	T_EQ_INT(write_file("/etc/resolv.conf", VPN_RESOLV, O_TRUNC), 0);
	T_EQ_INT(write_file(FSVIEW_VPNC_DIR "/resolv.conf-backup.1",
	    HOST_RESOLV, O_CREAT | O_TRUNC), 0);
	T_EQ_INT(unlink(FSVIEW_VPNC_DIR "/resolv.conf-backup.1"), 0);
	T_EQ_INT(write_file("/tmp/gpvpn-fsview-test", "x\n",
	    O_CREAT | O_EXCL), 0);
	T_EQ_INT(unlink("/tmp/gpvpn-fsview-test"), 0);
	T_EQ_INT(write_file("/proc/sys/net/ipv4/ip_forward", "1\n", 0), 0);
}

/* After the sandbox: undoing the view is a killed system call. */
static void
child_cannot_remount(void)
{
	int status = 0;
	pid_t pid;

	if ((pid = fork()) == 0) {
		(void)mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL);
		_exit(0);
	}
	T_CHECK(pid > 0);
	T_EQ_INT(waitpid(pid, &status, 0), pid);
	T_CHECK(WIFSIGNALED(status));
	T_EQ_INT(WTERMSIG(status), SIGSYS);
}

static int
child(unsigned flags)
{
	static const int caps[] = { CAP_NET_ADMIN, -1 };
	struct sandbox_policy p = {
		.filter = &sandbox_filter_priv,
		.keep_caps = caps,
		.keep_fds = { 0, 1, 2, -1 },
	};
	struct gp_err e = { "" };
	int r;

	if ((r = child_isolate()) != 0)
		return r;
	if (fsview_enter(flags, &e) == -1) {
		fprintf(stderr, "  %s\n", e.msg);
		return 1;
	}
	/* All capabilities still held: read-only holds even so. */
	child_denied();
	child_allowed();
	sandbox_enter(&p);	/* [priv]: uid 0, CAP_NET_ADMIN alone */
	child_denied();
	T_EQ_INT(write_file("/etc/resolv.conf", VPN_RESOLV, O_TRUNC), 0);
	child_cannot_remount();
	return t_failed_now;
}

static bool
dir_is_empty(const char *path)
{
	struct dirent *d;
	DIR *dp;
	int n = 0;

	if ((dp = opendir(path)) == NULL)
		return false;
	while ((d = readdir(dp)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dp);
	return n == 0;
}

/* The host sees the DNS write, and nothing else. */
static void
host_unchanged(void)
{
	char buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	T_EQ_INT(stat(root_file, &st), 0);
	T_EQ_UINT(st.st_mode & 07777, 0644);
	T_CHECK(dir_is_empty(root_dir));
	T_CHECK((fd = open(resolv, O_RDONLY | O_CLOEXEC)) != -1);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	T_STREQ(buf, VPN_RESOLV);
	/* Reset for the next run. */
	T_EQ_INT(write_file(resolv, HOST_RESOLV, O_TRUNC), 0);
	(void)chmod(root_file, 0644);
}

/* 0: the child could isolate itself; SKIP_STATUS: it may not. */
static int
probe_isolate(void)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(child_isolate());
	if (pid == -1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status))
		return 1;
	return WEXITSTATUS(status);
}

static void
run_view(unsigned flags)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == 0)
		_exit(child(flags));
	T_CHECK(pid > 0);
	T_EQ_INT(waitpid(pid, &status, 0), pid);
	T_CHECK(WIFEXITED(status));
	T_EQ_INT(WEXITSTATUS(status), 0);
	host_unchanged();
}

static void
view_mount_setattr(void)
{
	run_view(0);
}

static void
view_remount_walk(void)
{
	run_view(FSVIEW_LEGACY);
}

int
main(void)
{
	log_init("tunnel_fsview_test", 0);
	if (geteuid() != 0) {
		printf("ok - tunnel_fsview_test # SKIP needs root (a mount "
		    "namespace, root-owned files)\n");
		return 0;
	}
	if (fixture_make() == -1) {
		perror("tunnel_fsview_test: the files under /var/tmp");
		fixture_remove();
		return 1;
	}
	switch (probe_isolate()) {
	case 0:
		T_RUN(view_mount_setattr);
		T_RUN(view_remount_walk);
		break;
	case SKIP_STATUS:
		printf("ok - tunnel_fsview_test # SKIP no right to make a "
		    "mount namespace, or no /etc/resolv.conf\n");
		break;
	default:
		printf("not ok - the test child isolates itself (private "
		    "/run, resolv.conf, netns)\n");
		t_failures++;
	}
	fixture_remove();
	return T_DONE();
}
