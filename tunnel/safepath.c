/* SPDX-License-Identifier: ISC */
/*
 * The "root's alone" path check (safepath.h), as OpenSSH's safe_path()
 * does it for authorized keys: resolve the path, then walk from / down
 * so that each directory is known safe before what is in it is trusted.
 * Runs in gp-tunnel as root before stdin is read; the path is trusted
 * to be what root or its policy named, the file system is not.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/safepath.h"

static const char *
safepath_quote(char q[ERR_QUOTE_MAX], const char *s)
{
	return err_quote(q, s, strlen(s));
}

/* Owner and mode of one component: root's (or owner's), no g/o write. */
static bool
safepath_mode_ok(const char *name, const struct stat *st, uid_t owner,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (st->st_uid != 0 && st->st_uid != owner) {
		err_set(e, "`%s` is owned by uid %lu, not root",
		    safepath_quote(q, name), (unsigned long)st->st_uid);
		return false;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		err_set(e, "`%s` is writable by %s (mode %04o)",
		    safepath_quote(q, name), (st->st_mode & S_IWOTH) != 0 ?
		    "others" : "its group", (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

/*
 * One component: a directory (type S_IFDIR) or the file (S_IFREG, and
 * executable with SAFEPATH_EXEC). lstat: realpath() left no link, so
 * one now means a change under us.
 */
static enum safepath_result
safepath_node(const char *path, mode_t type, unsigned flags, uid_t owner,
    bool *unsafe, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct stat st;

	if (lstat(path, &st) == -1)
		return err_set(e, "`%s`: %s", safepath_quote(q, path),
		    strerror(errno));
	if ((st.st_mode & S_IFMT) != type)
		return err_set(e, "`%s` %s", safepath_quote(q, path),
		    type == S_IFDIR ? "is no longer a directory" :
		    "is not a regular file");
	if ((flags & SAFEPATH_EXEC) != 0 && (st.st_mode & 0111) == 0)
		return err_set(e, "`%s` is not executable",
		    safepath_quote(q, path));
	if (!*unsafe && !safepath_mode_ok(path, &st, owner, e))
		*unsafe = true;
	return SAFEPATH_OK;
}

/* Each directory from / down, then the file; the first fault is kept. */
static enum safepath_result
safepath_walk(char *real, uid_t owner, unsigned flags, struct gp_err *e)
{
	bool unsafe = false;
	size_t i;

	if (safepath_node("/", S_IFDIR, 0, owner, &unsafe, e) == SAFEPATH_BAD)
		return SAFEPATH_BAD;
	for (i = 1; real[i] != '\0'; i++) {
		if (real[i] != '/')
			continue;
		real[i] = '\0';
		if (safepath_node(real, S_IFDIR, 0, owner, &unsafe, e) ==
		    SAFEPATH_BAD) {
			real[i] = '/';
			return SAFEPATH_BAD;
		}
		real[i] = '/';
	}
	if (safepath_node(real, S_IFREG, flags, owner, &unsafe, e) ==
	    SAFEPATH_BAD)
		return SAFEPATH_BAD;
	return unsafe ? SAFEPATH_UNSAFE : SAFEPATH_OK;
}

enum safepath_result
safepath_check(const char *path, uid_t owner, unsigned flags, char *out,
    size_t outsz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	enum safepath_result r;
	char *real;

	if (outsz > 0)
		out[0] = '\0';
	if (path[0] != '/')
		return err_set(e, "`%s`: not an absolute path",
		    safepath_quote(q, path));
	if ((real = realpath(path, NULL)) == NULL)
		return err_set(e, "`%s`: %s", safepath_quote(q, path),
		    strerror(errno));
	if (strlen(real) >= outsz) {
		free(real);
		return err_set(e, "`%s`: the resolved path is too long",
		    safepath_quote(q, path));
	}
	r = safepath_walk(real, owner, flags, e);
	if (r != SAFEPATH_BAD)
		memcpy(out, real, strlen(real) + 1);
	free(real);
	return r;
}
