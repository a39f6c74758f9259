/* SPDX-License-Identifier: ISC */
/*
 * The full-disk check (diskfull.h), in gp-tunnel [priv] around the
 * connect script. It reads only statvfs(3) of compiled-in paths; a path
 * that does not exist is no file system the script writes to.
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <string.h>

#include "tunnel/diskfull.h"
#include "tunnel/fsview.h"

static const char *const diskfull_paths[] = {
	"/etc/resolv.conf", FSVIEW_VPNC_DIR, NULL
};

int
diskfull_check(struct gp_err *e)
{
	struct statvfs sv;
	size_t i;

	for (i = 0; diskfull_paths[i] != NULL; i++) {
		if (statvfs(diskfull_paths[i], &sv) == -1) {
			if (errno == ENOENT)
				continue;
			return err_set(e, "statvfs %s: %s", diskfull_paths[i],
			    strerror(errno));
		}
		if (sv.f_bfree == 0)
			return err_set(e, "the file system of %s is full",
			    diskfull_paths[i]);
	}
	return 0;
}
