/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's memory while it stays for the session (stay.c): between the
 * rekeys, HIP rechecks and the logout it gives back what a request took,
 * and says at -v how much it holds. Runs in gp-auth; reads only the
 * kernel's /proc/self/status.
 */
#ifndef GPVPN_AUTH_MEMRELEASE_H
#define GPVPN_AUTH_MEMRELEASE_H

#include <stdint.h>

#include "auth/flow.h"

struct memrelease_rss {
	uint64_t	rss_kib;	/* resident */
	uint64_t	anon_kib;	/* resident, not backed by a file */
};

/* This process's resident memory; -1 if /proc cannot say. */
int	memrelease_rss(struct memrelease_rss *m);
/*
 * After login (WHEN "login") or a request of the session: the response
 * buffers back to the system (flow_idle), malloc's free pages too
 * (malloc_trim), then one debug line "RSS N KiB after WHEN (anonymous
 * M KiB)".
 */
void	memrelease_idle(struct flow *f, const char *when);

#endif
