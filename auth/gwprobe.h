/* SPDX-License-Identifier: ISC */
/*
 * The gateway probe of gp-auth: among the portal's best gateways of equal
 * priority, the one that answers fastest is tried first, as PAN's own
 * client does. Only TCP connects, all at once and timed; nothing is sent.
 * The addresses are the resolver's answers for names an untrusted portal
 * listed.
 */
#ifndef GPVPN_AUTH_GWPROBE_H
#define GPVPN_AUTH_GWPROBE_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"

#define GWPROBE_BOUND_MS	2000	/* the whole probe, all gateways */
#define GWPROBE_MAX		64	/* gateways probed at once */

struct gwprobe_addr {
	struct cfg_addr	addr;	/* CFG_AF_NONE: not resolved, skipped */
	uint16_t	port;
};

/*
 * A non-blocking connect() to each a[i], then poll() until all have
 * answered or bound_ms has passed; every socket is closed without a byte
 * sent. ms[i] gets the connect time in whole milliseconds, or
 * GWCHOICE_NO_ANSWER (-1) for a refusal, an error or silence. n is at
 * most GWPROBE_MAX (more are not probed).
 */
void	gwprobe_run(const struct gwprobe_addr *a, size_t n, int bound_ms,
	    int32_t *ms);

#endif
