/* SPDX-License-Identifier: ISC */
/*
 * Gateway failover for gp-auth (flow_failover.c): which failures at one
 * of the portal's gateways let the next one be tried, and the order of
 * the best gateways once the probe (gwprobe.c) timed them. Pure
 * functions; the facts they weigh come from untrusted servers.
 */
#ifndef GPVPN_AUTH_GWCHOICE_H
#define GPVPN_AUTH_GWCHOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/errors.h"
#include "auth/parselim.h"
#include "auth/portal.h"

/* Probe answers within this much of the fastest are ties: the portal's
 * order decides among them. */
#define GWCHOICE_TIE_MS		5
#define GWCHOICE_NO_ANSWER	(-1)	/* refused, unreachable or silent */

enum gw_fail_kind {
	GWFAIL_OTHER = 0,	/* ours (terminal, memory, limits), SAML */
	GWFAIL_RESOLVE,		/* the gateway's name does not resolve */
	GWFAIL_TRANSPORT,	/* TCP refused or silent, TLS, oversized */
	GWFAIL_ANSWER,		/* an HTTP status or a §2 error document */
	GWFAIL_MALFORMED	/* an answer the parsers refuse */
};

/* What went wrong at a gateway, as far as the failover cares. */
struct gw_fail {
	enum gw_fail_kind	kind;
	long			status;		/* ANSWER: HTTP status */
	bool			has_text;	/* ANSWER: a §2 error text */
	enum gp_error_class	cls;		/* of that text */
	char			text[PARSE_TEXT_MAX];	/* printable */
	bool			challenged;	/* a 2FA answer was sent */
};

/*
 * §4.3: each gateway's priority is the lowest of its priority-rule
 * entries named region or "Any" (PORTAL_PRIO_NONE if none); the list is
 * then sorted by it, stably. region may be "" (only "Any" counts).
 */
void	gwchoice_sort(struct portal_policy *p, const char *region);
/*
 * --authgroup: the gateway whose description equals label (ignoring
 * case), else the only one it is a case-insensitive prefix of. -1 with
 * the choices listed in e when none or several match.
 */
int	gwchoice_match(const struct portal_policy *p, const char *label,
	    size_t *idx, struct gp_err *e);

/*
 * True when the next gateway may be tried after g: the gateway did not
 * answer, or answered in a way that is about itself (HTTP 5xx, a broken
 * answer, a refusal that is not about the user). False, with the reason
 * in *why_not, when trying elsewhere would repeat the user's mistake or
 * spray the password: HTTP 512/401/513, a credential or account text, a
 * refused 2FA answer, a rejected cookie, and everything on our side.
 */
bool	gwchoice_failover(const struct gw_fail *g, const char **why_not);
/* How many gateways from the first share its priority (after
 * gwchoice_sort): the ones the probe may reorder. */
size_t	gwchoice_ties(const struct portal_policy *p);
/*
 * The order of n tied gateways from their probe times ms[] (whole ms or
 * GWCHOICE_NO_ANSWER) into order[] (indices): the answers within
 * GWCHOICE_TIE_MS of the fastest in the portal's order, then the other
 * answers by time, then the silent ones in the portal's order.
 */
void	gwchoice_order(const int32_t *ms, size_t n, size_t *order);

#endif
