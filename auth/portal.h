/* SPDX-License-Identifier: ISC */
/*
 * The portal's answer for gp-auth (PROTOCOL.md §4.2-§4.3): a pure parser
 * of <policy> and the gateway choice by region priority and --authgroup.
 * Input is untrusted: client-side actions the portal pushes (root CAs,
 * installers, scripts, passcodes) are only named, never acted on.
 */
#ifndef GPVPN_AUTH_PORTAL_H
#define GPVPN_AUTH_PORTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/parselim.h"
#include "ipc/config.h"
#include "ipc/err.h"

#define PORTAL_GW_MAX		64	/* more gateways are rejected */
#define PORTAL_RULES_MAX	32	/* priority-rule entries per gateway */
#define PORTAL_NAME_MAX		(CFG_HOST_MAX + 9)	/* "[v6]:65535" */
/* A gateway with no description is shown by its name: room for one. */
#define PORTAL_DESC_MAX		PORTAL_NAME_MAX
#define PORTAL_VERSION_MAX	64
#define PORTAL_COOKIE_MAX	1024
#define PORTAL_IGNORED_MAX	256
#define PORTAL_PRIO_NONE	UINT32_MAX	/* no rule matched: last */
#define PORTAL_HIP_INTERVAL_MAX_S	(7 * 86400)	/* more: rejected */

struct portal_gw {
	char		name[PORTAL_NAME_MAX];	/* HOST[:PORT] to connect to */
	char		desc[PORTAL_DESC_MAX];	/* the label shown, matched */
	uint32_t	prio;			/* set by gwchoice_sort */
	size_t		nrules;
	struct {
		char		region[PARSE_NAME_MAX];
		uint32_t	prio;
	}		rules[PORTAL_RULES_MAX];
};

/* The portal cookies are secrets: keep a struct portal_policy in secret
 * memory (portal_new/portal_free). */
struct portal_policy {
	char		version[PORTAL_VERSION_MAX];	/* "" if none */
	char		portal_name[PARSE_NAME_MAX];
	char		userauthcookie[PORTAL_COOKIE_MAX];	/* "" absent */
	char		prelogon_cookie[PORTAL_COOKIE_MAX];
	/* Names of pushed client-side actions we ignore, comma separated
	 * (THREATS.md 13), for the log. */
	char		ignored[PORTAL_IGNORED_MAX];
	/* hip-collection/hip-report-interval, seconds; 0: none or 0. */
	uint32_t	hip_interval_s;
	size_t		ngw;
	struct portal_gw gw[PORTAL_GW_MAX];
};

struct portal_policy *portal_new(void);
void	portal_free(struct portal_policy *p);

/* <policy> into p; -1 with e on malformed input or no external gateway. */
int	portal_parse(const char *body, size_t len, struct portal_policy *p,
	    struct gp_err *e);

#endif
