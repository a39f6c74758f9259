/* SPDX-License-Identifier: ISC */
/*
 * The file-system view of gp-tunnel [priv] and the vpnc-script it runs:
 * a private mount namespace where everything is read-only except what
 * routes and DNS need. Set up by root at start-up, before the fork and
 * before the sandbox drops CAP_SYS_ADMIN; its inputs are compiled in.
 */
#ifndef GPVPN_TUNNEL_FSVIEW_H
#define GPVPN_TUNNEL_FSVIEW_H

#include "ipc/err.h"

/* vpnc-script's state: the resolv.conf backup, the default routes. */
#define FSVIEW_VPNC_DIR		"/var/run/vpnc"
#define FSVIEW_TMP_OPTIONS	"mode=1777,size=16m"

/* fsview_enter() flags. */
#define FSVIEW_LEGACY	0x1	/* remount mount by mount from mountinfo
				 * even where mount_setattr(2) exists (the
				 * path of kernels before 5.12; tests) */

/*
 * unshare(CLONE_NEWNS); every mount a slave of the host's (nothing
 * propagates back); every mount read-only; then writable again only:
 *   /etc/resolv.conf (the file it resolves to, written in place),
 *   /var/run/vpnc (created if missing), /run/resolvconf (if present),
 *   /proc/sys/net, and a new private tmpfs on /tmp.
 * Needs CAP_SYS_ADMIN. 0, or -1 with e naming the step that failed:
 * the caller must not go on (the view may be half made).
 */
int	fsview_enter(unsigned flags, struct gp_err *e);

#endif
