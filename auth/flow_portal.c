/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's portal step (see flow_portal.h). Runs in gp-auth; portal
 * answers are untrusted and go through portal.c; the password kept for
 * the gateways' blind retry (§4.4) stays in secret memory.
 */
#include <stdio.h>
#include <string.h>

#include "auth/creds.h"
#include "auth/flow_fail.h"
#include "auth/flow_failover.h"
#include "auth/flow_login.h"
#include "auth/flow_portal.h"
#include "auth/flow_prelogin.h"
#include "auth/gwchoice.h"
#include "ipc/log.h"
#include "ipc/secret.h"

/* §4.1 with the §5.1 body; at->policy gets the <policy>. */
static enum flow_res
flow_portal_getconfig(struct flow *f, struct flow_login_at *at)
{
	enum flow_res res;
	int tries;

	for (tries = 1;; tries++) {
		if (flow_login_credentials(f) == -1)
			return FLOW_RES_FAIL;
		if ((res = flow_login_rounds(f, at)) == FLOW_RES_OK ||
		    res == FLOW_RES_NOT_IFACE)
			return res;
		if (!flow_login_again(f, res, tries))
			return res;
	}
}

/* §4.2: recheck HIP FLOW_HIP_EARLY_S before the portal's interval. */
static void
flow_portal_hip(struct flow *f)
{
	uint32_t v = f->portal->hip_interval_s;

	if (v == 0)
		return;
	f->hip_recheck_s = v > FLOW_HIP_EARLY_S + FLOW_HIP_RECHECK_MIN_S ?
	    v - FLOW_HIP_EARLY_S : FLOW_HIP_RECHECK_MIN_S;
	log_info("portal: HIP report interval %u s, recheck every %u s", v,
	    f->hip_recheck_s);
}

/* The portal's policy (§4.2) into f->portal. */
static enum flow_res
flow_portal_policy(struct flow *f, const struct http_resp *r)
{
	struct gp_err e;

	if (portal_parse(r->body, r->len, f->portal, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "portal getconfig: %s",
		    e.msg);
	if (f->portal->version[0] != '\0')
		memcpy(f->app_version, f->portal->version,
		    sizeof(f->app_version));
	flow_portal_hip(f);
	log_info("portal %s: %zu gateway(s), version %s",
	    f->portal->portal_name, f->portal->ngw, f->app_version);
	gwchoice_sort(f->portal, f->pre->region);
	return FLOW_RES_OK;
}

enum flow_res
flow_portal_run(struct flow *f)
{
	struct http_resp r;
	struct flow_login_at at = { "portal getconfig",
	    "/global-protect/getconfig.esp", &r, NULL, false };
	bool had_alt = f->t.alt_field[0] != '\0';
	enum flow_res res;

	if ((f->portal == NULL && (f->portal = portal_new()) == NULL) ||
	    (at.keep = secret_alloc(CREDS_MAX)) == NULL)
		fatal("out of memory");
	if ((res = flow_prelogin_run(f, true)) != FLOW_RES_OK ||
	    (res = flow_portal_getconfig(f, &at)) != FLOW_RES_OK ||
	    (res = flow_portal_policy(f, &r)) != FLOW_RES_OK) {
		secret_free(at.keep, CREDS_MAX);
		return res;
	}
	return flow_failover_run(f, at.keep, had_alt, at.challenged);
}
