/* SPDX-License-Identifier: ISC */
/*
 * A pure parser of /proc/self/mountinfo (proc(5)): each line gives a
 * mount point and the per-mount flags that a read-only remount must
 * keep. Used by gp-tunnel [priv] at start-up (fsview.c); the text comes
 * from the kernel but is parsed as untrusted, bounded and strictly.
 */
#ifndef GPVPN_TUNNEL_MOUNTINFO_H
#define GPVPN_TUNNEL_MOUNTINFO_H

#include <stddef.h>

#include "ipc/err.h"

#define MOUNTINFO_PATH_MAX	4096		/* PATH_MAX, with the NUL */
#define MOUNTINFO_LINE_MAX	(4 * MOUNTINFO_PATH_MAX + 1024)
#define MOUNTINFO_FILE_MAX	(8 * 1024 * 1024)
#define MOUNTINFO_FIELDS_MAX	64

struct mountinfo_ent {
	char		point[MOUNTINFO_PATH_MAX];	/* unescaped */
	unsigned long	flags;	/* MS_RDONLY, MS_NOSUID, MS_NODEV,
				 * MS_NOEXEC, MS_NOSYMFOLLOW, MS_NOATIME,
				 * MS_NODIRATIME, MS_RELATIME */
};

/*
 * One line, without its newline:
 *   ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER
 * POINT is absolute, its \ooo escapes decoded and no NUL inside; OPTIONS
 * are the per-mount flags (unknown names are ignored: newer kernels add
 * them). 0, or -1 with e naming the field and the value.
 */
int	mountinfo_parse_line(const char *line, size_t len,
	    struct mountinfo_ent *m, struct gp_err *e);

/*
 * A whole file: fn is called for each line in order and stops the walk
 * when it returns -1 (having set e). 0, or -1 with e naming the line.
 */
int	mountinfo_parse(const char *text, size_t len,
	    int (*fn)(const struct mountinfo_ent *m, void *arg,
	    struct gp_err *e), void *arg, struct gp_err *e);

#endif
