/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's --resolve HOST:IP (OpenConnect's form) checked when the
 * option is parsed: a host name, then an IPv4 or IPv6 address, so that a
 * wrong value is refused at start rather than silently left unused. The
 * value is the user's own.
 */
#ifndef GPVPN_AUTH_RESOLVEOPT_H
#define GPVPN_AUTH_RESOLVEOPT_H

#include "ipc/err.h"

/* 0, or -1 with e naming the part that is wrong and the form. */
int	resolveopt_check(const char *arg, struct gp_err *e);

#endif
