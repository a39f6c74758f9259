/* SPDX-License-Identifier: ISC */
/*
 * A sandbox made ready in the parent, before the fork of the process that
 * enters it: the user's ids looked up and the seccomp filter compiled to
 * BPF. The child then runs neither NSS nor libseccomp (whose code would
 * stay in its RSS: 0.6 MiB of gp-tunnel [net]'s) and loads the filter
 * sooner. Trusted input only: the compiled-in policy tables.
 */
#ifndef GPVPN_SANDBOX_PREP_H
#define GPVPN_SANDBOX_PREP_H

#include <stdbool.h>
#include <sys/types.h>

#include "ipc/err.h"
#include "sandbox/sandbox.h"

/* Ready f and user (NULL: none) for a later sandbox_enter(); one
 * sandbox at a time, a second call replaces the first. 0, or -1 with e
 * set (an unknown user, or the filter could not be built). */
int	sandbox_prep(const struct sandbox_filter *f, const char *user,
	    struct gp_err *e);

/* For sandbox.c: user's ids if prepared. */
bool	sandbox_prep_ids(const char *user, uid_t *uid, gid_t *gid);
/* For sandbox.c: f loaded from its prepared BPF; false if f was not
 * prepared (the caller builds it then); fatal if the kernel refuses. */
bool	sandbox_prep_load(const struct sandbox_filter *f);

#endif
