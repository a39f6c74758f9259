/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's rekey step (PROTOCOL.md §6.1, §9): getconfig again with the
 * current addresses preferred, a new config kept only if it keeps the
 * tunnel's addresses, then the HIP step. Runs in gp-auth during the
 * session; the answer is untrusted.
 */
#ifndef GPVPN_AUTH_FLOW_REKEY_H
#define GPVPN_AUTH_FLOW_REKEY_H

#include <stddef.h>

#include "auth/flow_int.h"
#include "ipc/config.h"

enum flow_rekey_res {
	FLOW_REKEY_OK,		/* f->cfg holds the new configuration */
	FLOW_REKEY_RETRY,	/* failed; a later try may work */
	FLOW_REKEY_END		/* failed for good: end the session with
				 * f->status */
};

enum flow_rekey_res flow_rekey_run(struct flow *f);
/* Pure: 0 if a rekey's config nc keeps oc's tunnel addresses and
 * prefixes, else -1 and what changed in msg. */
int	flow_rekey_check(const struct gp_config *oc,
	    const struct gp_config *nc, char *msg, size_t msgsz);

#endif
