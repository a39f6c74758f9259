/* SPDX-License-Identifier: ISC */
/*
 * The file-system view of gp-tunnel [priv] (fsview.h): a private mount
 * namespace, read-only but for the few paths vpnc-script writes. Runs as
 * root at start-up, before the fork and the sandbox; the paths are
 * compiled in, and /proc/self/mountinfo is parsed as untrusted text.
 *
 * Why these paths (vpnc-script 0.1~git20220510): the generic resolv.conf
 * code copies /etc/resolv.conf to /var/run/vpnc/resolv.conf-backup.PID
 * and rewrites /etc/resolv.conf in place (`echo > /etc/resolv.conf'),
 * and restores it with `cat backup > /etc/resolv.conf'; the default route
 * files are in /var/run/vpnc too. resolvconf and openresolv keep their
 * state and their resolv.conf in /run/resolvconf. systemd-resolved is
 * reached over D-Bus, whose socket works on a read-only mount. Routes
 * and addresses go through netlink, which no mount affects.
 */
#define _GNU_SOURCE	/* unshare, mount_setattr */

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/fdio.h"
#include "ipc/log.h"
#include "tunnel/fsview.h"
#include "tunnel/mountinfo.h"

#define FSVIEW_MOUNTINFO	"/proc/self/mountinfo"
#define FSVIEW_ST_NOSYMFOLLOW	0x2000	/* the kernel's; not in glibc */
/* Flags a bind remount must repeat or lose (nosuid, nodev, noexec and
 * nosymfollow would be cleared silently; in a user namespace, EPERM). */
#define FSVIEW_KEEP_FLAGS	(MS_NOSUID | MS_NODEV | MS_NOEXEC | \
				 MS_NOSYMFOLLOW | MS_NOATIME | \
				 MS_NODIRATIME | MS_RELATIME)

enum fsview_kind { FSVIEW_FILE, FSVIEW_DIR };

/* What stays writable, and where it may lead after symlinks. */
static const struct fsview_rw {
	const char		*path;
	enum fsview_kind	 kind;
	bool			 make;		/* mkdir if missing */
	const char		*under[2];	/* its real path starts so */
} fsview_rw[] = {
	{ FSVIEW_VPNC_DIR, FSVIEW_DIR, true, { "/run/", "/var/run/" } },
	{ "/run/resolvconf", FSVIEW_DIR, false, { "/run/", "/var/run/" } },
	{ "/etc/resolv.conf", FSVIEW_FILE, false, { "/", "/" } },
	{ "/proc/sys/net", FSVIEW_DIR, false, { "/proc/sys/net", "" } },
};

#define FSVIEW_N_RW	(sizeof(fsview_rw) / sizeof(fsview_rw[0]))
#define FSVIEW_RESOLV	"resolv.conf"	/* the file's real name ends so */

/* The real paths, found before anything is made read-only. */
struct fsview_plan {
	char	real[FSVIEW_N_RW][PATH_MAX];
	bool	use[FSVIEW_N_RW];
};

struct fsview_walk {
	unsigned	done;
	unsigned	hidden;
};

static unsigned long
fsview_st_flags(unsigned long f)
{
	unsigned long ms = 0;

	ms |= (f & ST_NOSUID) != 0 ? MS_NOSUID : 0;
	ms |= (f & ST_NODEV) != 0 ? MS_NODEV : 0;
	ms |= (f & ST_NOEXEC) != 0 ? MS_NOEXEC : 0;
	ms |= (f & FSVIEW_ST_NOSYMFOLLOW) != 0 ? MS_NOSYMFOLLOW : 0;
	ms |= (f & ST_NOATIME) != 0 ? MS_NOATIME : 0;
	ms |= (f & ST_NODIRATIME) != 0 ? MS_NODIRATIME : 0;
	ms |= (f & ST_RELATIME) != 0 ? MS_RELATIME : 0;
	return ms;
}

/* The whole file, bounded. NUL-free text is the parser's job. */
static char *
fsview_read_mountinfo(size_t *len, struct gp_err *e)
{
	struct gp_err re = { "" };
	char *text;
	size_t n;
	ssize_t r;
	int fd;

	if ((fd = open(FSVIEW_MOUNTINFO, O_RDONLY | O_CLOEXEC)) == -1) {
		err_set(e, "open %s: %s", FSVIEW_MOUNTINFO, strerror(errno));
		return NULL;
	}
	if ((text = malloc(MOUNTINFO_FILE_MAX)) == NULL) {
		close(fd);
		err_set(e, "%s: out of memory", FSVIEW_MOUNTINFO);
		return NULL;
	}
	/* A full buffer is too long: one byte less than it, at most. */
	r = fdio_read_all(fd, text, MOUNTINFO_FILE_MAX - 1, &re);
	close(fd);
	if (r == -1) {
		err_set(e, "read %s: %s", FSVIEW_MOUNTINFO, errno == EMSGSIZE ?
		    "too long" : strerror(errno));
		free(text);
		return NULL;
	}
	n = (size_t)r;
	*len = n;
	return text;
}

/* A mount hidden under a later one at or above its path is not reached
 * by path (ENOENT, or EINVAL where the path is no mount point): nothing
 * in this namespace can walk into it, so it is skipped. */
static int
fsview_ro_one(const struct mountinfo_ent *m, void *arg, struct gp_err *e)
{
	struct fsview_walk *w = arg;

	if (mount(NULL, m->point, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY |
	    (m->flags & FSVIEW_KEEP_FLAGS), NULL) == 0) {
		w->done++;
		return 0;
	}
	if (errno == ENOENT || errno == EINVAL) {
		log_debug("file system view: %s is hidden (%s), skipped",
		    m->point, strerror(errno));
		w->hidden++;
		return 0;
	}
	return err_set(e, "remount %s read-only: %s", m->point,
	    strerror(errno));
}

/* Kernels before 5.12: each mount of the list, by path. */
static int
fsview_ro_walk(struct gp_err *e)
{
	struct fsview_walk w = { 0, 0 };
	struct gp_err pe = { "" };
	size_t len;
	char *text;
	int r;

	if ((text = fsview_read_mountinfo(&len, e)) == NULL)
		return -1;
	r = mountinfo_parse(text, len, fsview_ro_one, &w, &pe);
	free(text);
	if (r == -1)
		return err_set(e, "%s: %s", FSVIEW_MOUNTINFO, pe.msg);
	log_debug("file system view: %u mounts remounted read-only, %u "
	    "hidden", w.done, w.hidden);
	return 0;
}

static int
fsview_all_ro(unsigned flags, struct gp_err *e)
{
	struct mount_attr a;

	if ((flags & FSVIEW_LEGACY) != 0)
		return fsview_ro_walk(e);
	memset(&a, 0, sizeof(a));
	a.attr_set = MOUNT_ATTR_RDONLY;
	if (mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &a, sizeof(a)) == 0)
		return 0;
	if (errno == ENOSYS)
		return fsview_ro_walk(e);
	return err_set(e, "mount_setattr(/, AT_RECURSIVE, read-only): %s",
	    strerror(errno));
}

static bool
fsview_under(const struct fsview_rw *w, const char *real)
{
	size_t i, n, len = strlen(real), rn = strlen(FSVIEW_RESOLV);

	if (w->kind == FSVIEW_FILE && (len < rn ||
	    strcmp(real + len - rn, FSVIEW_RESOLV) != 0))
		return false;
	for (i = 0; i < 2; i++) {
		n = strlen(w->under[i]);
		if (n > 0 && strncmp(real, w->under[i], n) == 0)
			return true;
	}
	return false;
}

/* The real path of an entry, if present and of the right kind. 1: use
 * it, 0: absent (skipped), -1: error. */
static int
fsview_resolve(const struct fsview_rw *w, char real[PATH_MAX],
    struct gp_err *e)
{
	struct stat st;

	if (w->make && mkdir(w->path, 0755) == -1 && errno != EEXIST)
		return err_set(e, "mkdir %s: %s", w->path, strerror(errno));
	if (realpath(w->path, real) == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "%s: %s", w->path, strerror(errno));
	}
	if (stat(real, &st) == -1)
		return err_set(e, "stat %s: %s", real, strerror(errno));
	if (w->kind == FSVIEW_DIR ? !S_ISDIR(st.st_mode) :
	    !S_ISREG(st.st_mode))
		return err_set(e, "%s (%s) is not a %s", w->path, real,
		    w->kind == FSVIEW_DIR ? "directory" : "regular file");
	if (!fsview_under(w, real))
		return err_set(e, "%s leads to %s, which may not be made "
		    "writable", w->path, real);
	return 1;
}

static int
fsview_plan_make(struct fsview_plan *p, struct gp_err *e)
{
	size_t i;
	int r;

	for (i = 0; i < FSVIEW_N_RW; i++) {
		if ((r = fsview_resolve(&fsview_rw[i], p->real[i], e)) == -1)
			return -1;
		p->use[i] = r == 1;
		if (r == 0)
			log_debug("file system view: no %s", fsview_rw[i].path);
	}
	return 0;
}

/* A new mount of path onto itself, then its read-only flag cleared. */
static int
fsview_rw_one(const char *path, unsigned flags, struct gp_err *e)
{
	struct mount_attr a;
	struct statvfs sv;

	if (mount(path, path, NULL, MS_BIND, NULL) == -1)
		return err_set(e, "bind %s: %s", path, strerror(errno));
	memset(&a, 0, sizeof(a));
	a.attr_clr = MOUNT_ATTR_RDONLY;
	if ((flags & FSVIEW_LEGACY) == 0 &&
	    mount_setattr(AT_FDCWD, path, 0, &a, sizeof(a)) == 0)
		return 0;
	if ((flags & FSVIEW_LEGACY) == 0 && errno != ENOSYS)
		return err_set(e, "mount_setattr(%s, writable): %s", path,
		    strerror(errno));
	if (statvfs(path, &sv) == -1)
		return err_set(e, "statvfs %s: %s", path, strerror(errno));
	if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT |
	    fsview_st_flags(sv.f_flag), NULL) == -1)
		return err_set(e, "remount %s writable: %s", path,
		    strerror(errno));
	return 0;
}

static int
fsview_writable(const struct fsview_plan *p, unsigned flags,
    struct gp_err *e)
{
	size_t i;

	for (i = 0; i < FSVIEW_N_RW; i++) {
		if (!p->use[i])
			continue;
		if (fsview_rw_one(p->real[i], flags, e) == -1)
			return -1;
		log_debug("file system view: %s writable", p->real[i]);
	}
	if (mount("gpvpn-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV |
	    MS_NOEXEC, FSVIEW_TMP_OPTIONS) == -1)
		return err_set(e, "a private tmpfs on /tmp: %s",
		    strerror(errno));
	return 0;
}

/* The post-condition: / is read-only, what should be writable is. */
static int
fsview_verify(const struct fsview_plan *p, struct gp_err *e)
{
	struct statvfs sv;
	size_t i;

	if (statvfs("/", &sv) == -1 || (sv.f_flag & ST_RDONLY) == 0)
		return err_set(e, "/ is not read-only after the set-up");
	for (i = 0; i < FSVIEW_N_RW; i++) {
		if (!p->use[i])
			continue;
		if (statvfs(p->real[i], &sv) == -1 ||
		    (sv.f_flag & ST_RDONLY) != 0)
			return err_set(e, "%s is not writable after the "
			    "set-up", p->real[i]);
	}
	if (statvfs("/tmp", &sv) == -1 || (sv.f_flag & ST_RDONLY) != 0)
		return err_set(e, "/tmp is not writable after the set-up");
	return 0;
}

static int
fsview_steps(unsigned flags, struct gp_err *e)
{
	struct fsview_plan p;

	memset(&p, 0, sizeof(p));
	if (fsview_plan_make(&p, e) == -1)
		return -1;
	if (unshare(CLONE_NEWNS) == -1)
		return err_set(e, "unshare(CLONE_NEWNS): %s", strerror(errno));
	/* Nothing done here may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) == -1)
		return err_set(e, "make / a slave: %s", strerror(errno));
	if (fsview_all_ro(flags, e) == -1 ||
	    fsview_writable(&p, flags, e) == -1)
		return -1;
	return fsview_verify(&p, e);
}

int
fsview_enter(unsigned flags, struct gp_err *e)
{
	struct gp_err se = { "" };

	if (fsview_steps(flags, &se) == -1)
		return err_set(e, "file system view: %s", se.msg);
	log_debug("file system view: read-only but for vpnc-script's "
	    "paths and a private /tmp");
	return 0;
}
