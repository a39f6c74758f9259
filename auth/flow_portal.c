/*
 * gp-auth's portal steps (PROTOCOL.md §3-§4): portal prelogin and
 * getconfig, the gateway choice, and the gateway login with the portal's
 * cookie (the blind retry of §4.4) that flow_failover.c runs at each
 * gateway it tries. Portal answers are untrusted and go through
 * portal.c; what the portal pushes is logged, never acted on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/creds.h"
#include "auth/flow_int.h"
#include "auth/resolve.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define FLOW_URL_MAX	(CFG_HOST_MAX + CFG_PATH_MAX + 32)

/* True when the URL's path, before any ":field", names an interface. */
static bool
flow_path_given(const char *url)
{
	const char *s = strstr(url, "://"), *slash, *colon;
	size_t len;

	s = s != NULL ? s + 3 : url;
	if ((slash = strchr(s, '/')) == NULL)
		return false;
	slash++;
	colon = strrchr(slash, ':');
	len = colon != NULL ? (size_t)(colon - slash) : strlen(slash);
	while (len > 0 && slash[len - 1] == '/')
		len--;
	return len > 0;
}

int
flow_url_parse(const struct flow_opts *o, struct gw_target *t,
    struct gp_err *e)
{
	char url[FLOW_URL_MAX];
	const char *s = o->url, *auth, *slash;
	size_t n;
	int w;

	if (o->usergroup != NULL) {
		auth = strstr(s, "://");
		auth = auth != NULL ? auth + 3 : s;
		slash = strchr(auth, '/');
		n = slash != NULL ? (size_t)(slash - s) : strlen(s);
		w = snprintf(url, sizeof(url), "%.*s/%s", (int)n, s,
		    o->usergroup);
		if (w < 0 || (size_t)w >= sizeof(url))
			return err_set(e, "--usergroup: URL too long");
		s = url;
	}
	if (resolve_url_parse(s, t, e) == -1)
		return -1;
	if (!flow_path_given(s) && !o->cookie_on_stdin)
		t->iface = IFACE_PORTAL;
	return 0;
}

void
flow_pin_for(const struct flow *f, struct http_opts *ho)
{
	ho->cmdline_host = strcmp(f->t.host, f->url_host) == 0;
	ho->pin_b64 = ho->cmdline_host ? f->o->pin_b64 : NULL;
	if (f->o->pin_b64 != NULL && !ho->cmdline_host)
		log_warn("--servercert names %s's key only: gateway %s is "
		    "checked against the CAs", f->url_host, f->t.host);
}

static void
flow_portal_free_passwd(struct flow *f)
{
	if (f->saved_passwd != NULL)
		secret_free(f->saved_passwd, CREDS_MAX);
	f->saved_passwd = NULL;
}

void
flow_portal_free(struct flow *f)
{
	portal_free(f->portal);
	f->portal = NULL;
	flow_portal_free_passwd(f);
}

/* §4.1 with the §5.1 body; r gets the <policy>. 1: not a portal. */
static int
flow_portal_getconfig(struct flow *f, struct http_resp *r)
{
	int tries;

	for (tries = 1;; tries++) {
		if (flow_credentials(f) == -1)
			return -1;
		if (flow_do_login_at(f, "portal getconfig",
		    "/global-protect/getconfig.esp", r) == 0)
			return 0;
		if (f->wrong_iface)
			return 1;
		if (!flow_ask_again(f, tries))
			return -1;
	}
}

static void
flow_portal_show(const struct flow *f)
{
	const struct portal_policy *p = f->portal;
	size_t i;

	if (p->ignored[0] != '\0')
		log_warn("portal: ignoring what it pushes to clients: %s",
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
flow_ask_gateway(struct flow *f, size_t *idx, bool *only)
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
	if (portal_match(f->portal, line, idx, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	return 0;
}

int
flow_choose(struct flow *f, size_t *idx, bool *only)
{
	struct gp_err e;

	flow_portal_show(f);
	*idx = 0;
	*only = false;
	if (f->o->authgroup != NULL) {
		*only = true;
		if (portal_match(f->portal, f->o->authgroup, idx, &e) == -1)
			return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
		return 0;
	}
	if (f->o->passwd_on_stdin || f->portal->ngw == 1)
		return 0;
	return flow_ask_gateway(f, idx, only);
}

/*
 * No blind retry after a SAML or 2FA portal form without a portal
 * cookie, as OpenConnect: the saved first password would only draw a
 * challenge. Otherwise the password stays, in secret memory, until the
 * failover is done with the gateways (flow_gateways frees it).
 */
char *
flow_take_passwd(struct flow *f, bool had_alt)
{
	const struct portal_policy *p = f->portal;
	char *pw = f->saved_passwd;

	f->saved_passwd = NULL;
	if (p->userauthcookie[0] == '\0' && p->prelogon_cookie[0] == '\0' &&
	    (had_alt || f->challenged)) {
		if (f->challenged)
			log_info("portal login had a challenge and gave no "
			    "cookie: the gateway's own login");
		secret_wipe(f->passwd, CREDS_MAX);
		if (pw != NULL)
			secret_free(pw, CREDS_MAX);
		return NULL;
	}
	return pw;
}

/* §4.4: the portal's form again at the gateway, else its own login. */
int
flow_blind_retry(struct flow *f, const char *pw, bool had_alt)
{
	if (pw == NULL)
		return flow_gateway_login(f);
	memcpy(f->passwd, pw, CREDS_MAX);
	if (had_alt)
		secret_wipe(f->passwd, CREDS_MAX);	/* SAML: used up */
	if (flow_do_login_at(f, "login", "/ssl-vpn/login.esp", NULL) == 0)
		return 0;
	if (!f->bad_passwd)
		return -1;
	log_info("the gateway wants its own login");
	return flow_gateway_login(f);
}

/* §4.2: recheck HIP FLOW_HIP_EARLY_S before the portal's interval. */
static void
flow_hip_interval(struct flow *f)
{
	uint32_t v = f->portal->hip_interval_s;

	if (v == 0)
		return;
	f->hip_recheck_s = v > FLOW_HIP_EARLY_S + FLOW_HIP_RECHECK_MIN_S ?
	    v - FLOW_HIP_EARLY_S : FLOW_HIP_RECHECK_MIN_S;
	log_info("portal: HIP report interval %u s, recheck every %u s", v,
	    f->hip_recheck_s);
}

int
flow_portal_login(struct flow *f)
{
	struct http_resp r;
	struct gp_err e;
	bool had_alt = f->t.alt_field[0] != '\0';
	int rc;

	if ((f->portal == NULL && (f->portal = portal_new()) == NULL) ||
	    (f->saved_passwd == NULL &&
	    (f->saved_passwd = secret_alloc(CREDS_MAX)) == NULL))
		fatal("out of memory");
	if ((rc = flow_prelogin_at(f, true)) != 0 ||
	    (rc = flow_portal_getconfig(f, &r)) != 0)
		return rc;
	if (portal_parse(r.body, r.len, f->portal, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "portal getconfig: %s",
		    e.msg);
	if (f->portal->version[0] != '\0')
		memcpy(f->app_version, f->portal->version,
		    sizeof(f->app_version));
	flow_hip_interval(f);
	log_info("portal %s: %zu gateway(s), version %s",
	    f->portal->portal_name, f->portal->ngw, f->app_version);
	portal_sort(f->portal, f->pre->region);
	return flow_gateways(f, had_alt);
}
