/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's gateway step (see flow_failover.h): the probe among the
 * portal's best gateways of equal priority, --authgroup's or the user's
 * choice, then one gateway after the other until one takes the login,
 * moving on only past failures that are the gateway's (gwchoice.c).
 * Names, answers and timings all come from untrusted servers; every
 * connection is verified as the first one was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/creds.h"
#include "auth/flow_conn.h"
#include "auth/flow_failover.h"
#include "auth/flow_fail.h"
#include "auth/flow_login.h"
#include "auth/gwchoice.h"
#include "auth/gwprobe.h"
#include "auth/resolve.h"
#include "ipc/log.h"
#include "ipc/secret.h"

/* One of the portal's gateways, in the order of f->portal->gw. */
struct flow_failover_gw {
	struct gw_target	t;
	bool			parsed;	/* t holds the portal's name */
	bool			tried;
	char			why[FLOW_WHY_MAX];	/* its failure */
};

/* Each portal name as a target; a bad one fails when its turn comes. */
static void
flow_failover_targets(const struct flow *f, struct flow_failover_gw *gws)
{
	const struct portal_policy *p = f->portal;
	char url[PORTAL_NAME_MAX + 16];
	struct gp_err e;
	size_t i;

	for (i = 0; i < p->ngw; i++) {
		snprintf(url, sizeof(url), "https://%s/gateway", p->gw[i].name);
		gws[i].parsed = resolve_url_parse(url, &gws[i].t, &e) == 0;
		if (!gws[i].parsed)
			snprintf(gws[i].why, sizeof(gws[i].why), "portal: "
			    "gateway %s: %s", p->gw[i].desc, e.msg);
	}
}

/* p->gw[0..n) and gws[0..n) into the order of order[]. */
static void
flow_failover_permute(struct flow *f, struct flow_failover_gw *gws,
    const size_t *order, size_t n)
{
	struct portal_gw *pg;
	struct flow_failover_gw *fg;
	size_t i;

	if ((pg = calloc(n, sizeof(*pg))) == NULL ||
	    (fg = calloc(n, sizeof(*fg))) == NULL)
		fatal("calloc");
	for (i = 0; i < n; i++) {
		pg[i] = f->portal->gw[order[i]];
		fg[i] = gws[order[i]];
	}
	memcpy(f->portal->gw, pg, n * sizeof(*pg));
	memcpy(gws, fg, n * sizeof(*fg));
	free(pg);
	free(fg);
}

/* Resolve the n tied gateways (once: the connection uses the address
 * the probe timed) into a[]. */
static void
flow_failover_resolve(const struct flow *f, struct flow_failover_gw *gws,
    struct gwprobe_addr *a, size_t n)
{
	struct gp_err e;
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		if (!gws[i].parsed)
			continue;
		if (flow_conn_resolve(f, &gws[i].t, &e) == -1) {
			log_debug("gateway probe: %s", e.msg);
			continue;
		}
		a[i].addr = gws[i].t.addr;
		a[i].port = gws[i].t.port;
	}
}

/*
 * Among the gateways of the best priority, the fastest TCP answer goes
 * first (gwchoice_order), unless --no-gateway-probe or --authgroup.
 */
static void
flow_failover_probe(struct flow *f, struct flow_failover_gw *gws)
{
	struct gwprobe_addr a[GWPROBE_MAX];
	int32_t ms[GWPROBE_MAX];
	size_t order[GWPROBE_MAX], n = gwchoice_ties(f->portal), i;

	if (f->o->no_gateway_probe || f->o->authgroup != NULL || n < 2)
		return;
	/* Direct TCP connects would go around the proxy. */
	if (f->o->proxy != NULL) {
		log_debug("gateway probe: skipped, connections go through a "
		    "proxy");
		return;
	}
	if (n > GWPROBE_MAX)
		n = GWPROBE_MAX;
	flow_failover_resolve(f, gws, a, n);
	gwprobe_run(a, n, GWPROBE_BOUND_MS, ms);
	for (i = 0; i < n; i++) {
		if (ms[i] == GWCHOICE_NO_ANSWER)
			log_debug("gateway probe: %s (%s): no answer within "
			    "%d ms", f->portal->gw[i].desc,
			    f->portal->gw[i].name, GWPROBE_BOUND_MS);
		else
			log_debug("gateway probe: %s (%s): %d ms",
			    f->portal->gw[i].desc, f->portal->gw[i].name,
			    (int)ms[i]);
	}
	gwchoice_order(ms, n, order);
	flow_failover_permute(f, gws, order, n);
	log_debug("gateway probe: %s (%s) first", f->portal->gw[0].desc,
	    f->portal->gw[0].name);
}

/* True when an earlier gateway had the same host and port. */
static bool
flow_failover_seen(const struct flow_failover_gw *gws, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (gws[j].tried && gws[i].parsed &&
		    gws[j].t.port == gws[i].t.port &&
		    strcmp(gws[j].t.host, gws[i].t.host) == 0)
			return true;
	return false;
}

/* Connect to gateway i and log in there; its failure in gws[i].why. */
static int
flow_failover_try(struct flow *f, struct flow_failover_gw *gws, size_t i,
    const char *pw, bool had_alt)
{
	const struct portal_gw *g = &f->portal->gw[i];

	gws[i].tried = true;
	if (!gws[i].parsed) {
		snprintf(f->why, sizeof(f->why), "%s", gws[i].why);
		memset(&f->fail, 0, sizeof(f->fail));
		f->fail.kind = GWFAIL_MALFORMED;
		f->status = FLOW_EXIT_ERR;
		return -1;
	}
	log_info("gateway %s chosen: %s", g->desc, g->name);
	f->t = gws[i].t;
	f->sent_challenge = false;
	if (flow_conn_open(f) == 0 &&
	    flow_login_blind(f, pw, had_alt) == FLOW_RES_OK)
		return 0;
	/* Never asked again (flow_failover_seen): its connection and jar go. */
	flow_conn_close(f);
	snprintf(gws[i].why, sizeof(gws[i].why), "%s", f->why);
	return -1;
}

/* The next gateway after i not tried under another name, or ngw. */
static size_t
flow_failover_next(const struct flow *f, struct flow_failover_gw *gws, size_t i)
{
	for (i++; i < f->portal->ngw; i++) {
		if (!flow_failover_seen(gws, i))
			return i;
		log_debug("gateway %s (%s): tried already under another name",
		    f->portal->gw[i].desc, f->portal->gw[i].name);
	}
	return i;
}

/* All failed: each gateway tried and its failure. */
static int
flow_failover_none(struct flow *f, const struct flow_failover_gw *gws)
{
	const struct portal_policy *p = f->portal;
	size_t i;

	log_err("no gateway took the login:");
	for (i = 0; i < p->ngw; i++)
		if (gws[i].tried)
			log_err("  gateway %s (%s): %s", p->gw[i].desc,
			    p->gw[i].name, gws[i].why);
	f->status = FLOW_EXIT_ERR;
	return -1;
}

/* From gateway i on, each in turn until one takes the login. */
static int
flow_failover_all(struct flow *f, struct flow_failover_gw *gws, size_t i,
    const char *pw, bool had_alt)
{
	const struct portal_policy *p = f->portal;
	const char *why_not;
	size_t next;

	for (;;) {
		if (flow_failover_try(f, gws, i, pw, had_alt) == 0)
			return 0;
		next = flow_failover_next(f, gws, i);
		if (!gwchoice_failover(&f->fail, &why_not)) {
			log_err("%s", f->why);
			if (next < p->ngw)
				log_err("gateway %s (%s) failed: %s, so no "
				    "other gateway is tried", p->gw[i].desc,
				    p->gw[i].name, why_not);
			return -1;
		}
		if (next == p->ngw)
			break;
		log_warnx("gateway %s (%s) failed: %s; trying %s (%s)",
		    p->gw[i].desc, p->gw[i].name, f->why, p->gw[next].desc,
		    p->gw[next].name);
		i = next;
	}
	if (p->ngw == 1) {
		log_err("%s", f->why);
		return -1;
	}
	return flow_failover_none(f, gws);
}

/* --authgroup's or the user's gateway, and no other. */
static int
flow_failover_one(struct flow *f, struct flow_failover_gw *gws, size_t i,
    const char *pw, bool had_alt)
{
	const struct portal_gw *g = &f->portal->gw[i];

	if (flow_failover_try(f, gws, i, pw, had_alt) == 0)
		return 0;
	log_err("%s", f->why);
	if (f->portal->ngw > 1)
		log_err("gateway %s (%s) failed; %s, so no other gateway is "
		    "tried", g->desc, g->name, f->o->authgroup != NULL ?
		    "--authgroup names it" : "it was chosen on the terminal");
	return -1;
}

static void
flow_failover_show(const struct flow *f)
{
	const struct portal_policy *p = f->portal;
	size_t i;

	if (p->ignored[0] != '\0')
		log_warnx("portal: ignoring what it pushes to clients: %s",
		    p->ignored);
	for (i = 0; i < p->ngw; i++) {
		if (p->gw[i].prio == PORTAL_PRIO_NONE)
			log_info("gateway %zu: %s (%s)", i + 1, p->gw[i].desc,
			    p->gw[i].name);
		else
			log_info("gateway %zu: %s (%s), priority %u", i + 1,
			    p->gw[i].desc, p->gw[i].name, p->gw[i].prio);
	}
}

/* The terminal choice: a number, a label, or Enter for the default
 * (the only answer that leaves the others to fail over to). */
static int
flow_failover_ask(struct flow *f, size_t *idx, bool *only)
{
	char line[PORTAL_DESC_MAX], prompt[PORTAL_DESC_MAX + 32];
	char *end;
	unsigned long v;
	struct gp_err e;

	snprintf(prompt, sizeof(prompt), "Gateway [%s]: ",
	    f->portal->gw[0].desc);
	if (creds_read(prompt, false, false, line, sizeof(line), &e) == -1) {
		log_debug("no terminal (%s): the first gateway", e.msg);
		*idx = 0;
		return 0;
	}
	if (line[0] == '\0') {
		*idx = 0;
		return 0;
	}
	*only = true;
	v = strtoul(line, &end, 10);
	if (*end == '\0' && v >= 1 && v <= f->portal->ngw) {
		*idx = v - 1;
		return 0;
	}
	if (gwchoice_match(f->portal, line, idx, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	return 0;
}

/* The portal's list shown, then --authgroup's gateway or the user's
 * pick (*only: no other may be tried), else the first. */
static int
flow_failover_choose(struct flow *f, size_t *idx, bool *only)
{
	struct gp_err e;

	flow_failover_show(f);
	*idx = 0;
	*only = false;
	if (f->o->authgroup != NULL) {
		*only = true;
		if (gwchoice_match(f->portal, f->o->authgroup, idx, &e) == -1)
			return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
		return 0;
	}
	if (f->o->passwd_on_stdin || f->portal->ngw == 1)
		return 0;
	return flow_failover_ask(f, idx, only);
}

/*
 * No blind retry after a SAML or 2FA portal form without a portal
 * cookie, as OpenConnect: the saved first password would only draw a
 * challenge. Otherwise the password stays, in secret memory, until the
 * failover is done with the gateways (flow_failover_run frees it).
 */
static char *
flow_failover_take(struct flow *f, char *saved, bool had_alt,
    bool challenged)
{
	const struct portal_policy *p = f->portal;
	char *pw = saved;

	if (p->userauthcookie[0] == '\0' && p->prelogon_cookie[0] == '\0' &&
	    (had_alt || challenged)) {
		if (challenged)
			log_info("portal login had a challenge and gave no "
			    "cookie: the gateway's own login");
		secret_wipe(f->passwd, CREDS_MAX);
		if (pw != NULL)
			secret_free(pw, CREDS_MAX);
		return NULL;
	}
	return pw;
}

enum flow_res
flow_failover_run(struct flow *f, char *saved, bool had_alt,
    bool challenged)
{
	struct flow_failover_gw *gws;
	char *pw;
	size_t idx;
	bool only;
	int rc;

	if ((gws = calloc(f->portal->ngw, sizeof(*gws))) == NULL)
		fatal("calloc");
	flow_failover_targets(f, gws);
	flow_failover_probe(f, gws);
	if (flow_failover_choose(f, &idx, &only) == -1) {
		free(gws);
		if (saved != NULL)
			secret_free(saved, CREDS_MAX);
		return FLOW_RES_FAIL;
	}
	pw = flow_failover_take(f, saved, had_alt, challenged);
	f->defer_err = true;
	if (only)
		rc = flow_failover_one(f, gws, idx, pw, had_alt);
	else
		rc = flow_failover_all(f, gws, idx, pw, had_alt);
	f->defer_err = false;
	if (pw != NULL)
		secret_free(pw, CREDS_MAX);
	free(gws);
	return rc == 0 ? FLOW_RES_OK : FLOW_RES_FAIL;
}
