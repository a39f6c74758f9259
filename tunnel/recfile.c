/* SPDX-License-Identifier: ISC */
/*
 * The session record's file (recfile.h), in gp-tunnel as root before the
 * sandbox and in [priv] through the descriptor it keeps. Its owner and
 * mode are checked on the open descriptor, its directory's too; its
 * content is parsed by record.c as untrusted text.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/recfile.h"

/* Root's, not writable by group or others, of the type wanted. */
static int
recfile_owned(const struct stat *st, mode_t type, const char *what,
    struct gp_err *e)
{
	if ((st->st_mode & S_IFMT) != type)
		return err_set(e, "%s: not a %s", what,
		    type == S_IFDIR ? "directory" : "regular file");
	if (st->st_uid != 0 || (st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return err_set(e, "%s: not root's alone (uid %ld, mode %03o)",
		    what, (long)st->st_uid, (unsigned)(st->st_mode & 0777));
	if (type == S_IFREG && st->st_nlink != 1)
		return err_set(e, "%s: %lu links", what,
		    (unsigned long)st->st_nlink);
	return 0;
}

static int
recfile_dir(bool create, struct gp_err *e)
{
	struct stat st;

	/* 0755, as gp-tunnel.socket makes it: its socket is in there. */
	if (create && mkdir(RECFILE_DIR, 0755) == -1 && errno != EEXIST)
		return err_set(e, "%s: %s", RECFILE_DIR, strerror(errno));
	if (lstat(RECFILE_DIR, &st) == -1) {
		if (errno == ENOENT)
			return RECFILE_NONE;
		return err_set(e, "%s: %s", RECFILE_DIR, strerror(errno));
	}
	return recfile_owned(&st, S_IFDIR, RECFILE_DIR, e);
}

static int
recfile_lock(int fd, const char *path, struct gp_err *e)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return err_set(e, "%s: fstat: %s", path, strerror(errno));
	if (recfile_owned(&st, S_IFREG, path, e) == -1)
		return RECFILE_ERR;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK) {
		err_set(e, "%s is in use by a running gp-tunnel", path);
		return RECFILE_BUSY;
	}
	return err_set(e, "%s: flock: %s", path, strerror(errno));
}

int
recfile_open(const char *ifname, bool create, struct gp_err *e)
{
	char path[sizeof(RECFILE_DIR) + IFNAMSIZ + 8];
	int fd, r;

	if ((r = recfile_dir(create, e)) != 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s.state", RECFILE_DIR, ifname);
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK |
	    (create ? O_CREAT : 0), 0600);
	if (fd == -1 && errno == ENOENT && !create)
		return RECFILE_NONE;
	if (fd == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((r = recfile_lock(fd, path, e)) != 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
recfile_read(int fd, const char *ifname, struct record *r,
    struct gp_err *e)
{
	char *buf;
	ssize_t n;
	char q[ERR_QUOTE_MAX];

	if ((buf = malloc(RECORD_MAX_BYTES + 1)) == NULL)
		return err_set(e, "record: out of memory");
	n = pread(fd, buf, RECORD_MAX_BYTES + 1, 0);
	if (n == -1) {
		free(buf);
		return err_set(e, "record: read: %s", strerror(errno));
	}
	if (n == 0 || record_parse(buf, (size_t)n, r, e) == -1) {
		free(buf);
		return n == 0 ? 0 : -1;
	}
	free(buf);
	if (strcmp(r->ifname, ifname) != 0) {
		err_set(e, "record: TUNDEV `%s' is not %s",
		    err_quote(q, r->ifname, strlen(r->ifname)), ifname);
		record_free(r);
		return -1;
	}
	return 1;
}

int
recfile_write(int fd, const char *script, const struct script_env *env,
    struct gp_err *e)
{
	char *buf;
	int n;
	ssize_t w;

	if ((buf = malloc(RECORD_MAX_BYTES)) == NULL)
		return err_set(e, "record: out of memory");
	if ((n = record_format(buf, RECORD_MAX_BYTES, script, env, e)) ==
	    -1) {
		free(buf);
		return -1;
	}
	w = ftruncate(fd, 0) == -1 ? -1 : pwrite(fd, buf, (size_t)n, 0);
	free(buf);
	if (w != n || fsync(fd) == -1)
		return err_set(e, "record: write: %s", w == -1 || w == n ?
		    strerror(errno) : "short write");
	return 0;
}

int
recfile_clear(int fd, struct gp_err *e)
{
	if (ftruncate(fd, 0) == -1 || fsync(fd) == -1)
		return err_set(e, "record: empty it: %s", strerror(errno));
	return 0;
}
