/* SPDX-License-Identifier: ISC */
/*
 * Is a file system the vpnc-script writes to full? In gp-tunnel [priv],
 * before and after the connect script: with no free block left, the
 * script's resolv.conf backup or the new resolv.conf may be cut short
 * while the script still exits 0. The paths are compiled in.
 */
#ifndef GPVPN_TUNNEL_DISKFULL_H
#define GPVPN_TUNNEL_DISKFULL_H

#include "ipc/err.h"

/* 0 if /etc/resolv.conf's and /var/run/vpnc's file systems have a free
 * block (or the path does not exist); -1 with e naming the full one. */
int	diskfull_check(struct gp_err *e);

#endif
