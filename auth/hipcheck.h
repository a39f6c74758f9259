/* SPDX-License-Identifier: ISC */
/*
 * The hipreportcheck.esp answer (PROTOCOL.md §11.1) for gp-auth: a pure
 * parser. The body comes from an untrusted server.
 */
#ifndef GPVPN_AUTH_HIPCHECK_H
#define GPVPN_AUTH_HIPCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"

/* *needed = true when <hip-report-needed>yes. */
int	hipcheck_parse(const char *body, size_t len, bool *needed,
	    struct gp_err *e);

#endif
