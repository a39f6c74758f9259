/* SPDX-License-Identifier: ISC */
/*
 * The systemd notify protocol, without libsystemd: one datagram
 * ("READY=1", "STATUS=...", "STOPPING=1") to the socket named by
 * $NOTIFY_SOCKET, a path or an abstract name ("@..."). Runs in the
 * gp-tunnel --listen process; the variable comes from systemd and is
 * checked (length, form) all the same.
 */
#ifndef GPVPN_TUNNEL_SDNOTIFY_H
#define GPVPN_TUNNEL_SDNOTIFY_H

#include "ipc/err.h"

/* Reads $NOTIFY_SOCKET and unsets it (the session and its scripts do
 * not inherit it). 1: notifications on; 0: none asked; -1: a bad value
 * (e says which). */
int	sdnotify_init(struct gp_err *e);
/* One message, never waiting; a no-op without $NOTIFY_SOCKET. 0 or -1
 * (e says why; the caller only logs it). */
int	sdnotify_send(const char *msg, struct gp_err *e);
/* "STATUS=" and the text, at most 200 bytes of it. */
int	sdnotify_status(const char *text, struct gp_err *e);

#endif
