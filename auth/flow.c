/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's login flow, the driver (see flow.h): set-up, then the steps
 * in order, each returning what happened, and the texts they leave for
 * the user printed here. Runs in gp-auth; servers are untrusted and
 * reach this file only through the steps' results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/cookie_io.h"
#include "auth/creds.h"
#include "auth/flow.h"
#include "auth/flow_conn.h"
#include "auth/flow_fail.h"
#include "auth/flow_getconfig.h"
#include "auth/flow_hip.h"
#include "auth/flow_int.h"
#include "auth/flow_login.h"
#include "auth/flow_logout.h"
#include "auth/flow_portal.h"
#include "auth/flow_rekey.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define FLOW_URL_MAX	(CFG_HOST_MAX + CFG_PATH_MAX + 32)

int
flow_os(const char *name, const char **clientos, const char **os_version)
{
	if (strcmp(name, "linux") == 0 || strcmp(name, "linux-64") == 0) {
		*clientos = "Linux";
		*os_version = "linux-64";
	} else if (strcmp(name, "win") == 0) {
		*clientos = "Windows";
		*os_version = "win";
	} else if (strcmp(name, "mac") == 0 ||
	    strcmp(name, "mac-intel") == 0) {
		*clientos = "Mac";
		*os_version = "mac-intel";
	} else
		return -1;
	return 0;
}

static void
flow_hostname(char *out, size_t outsz)
{
	if (gethostname(out, outsz) == -1 || out[0] == '\0' ||
	    memchr(out, '\0', outsz) == NULL)
		snprintf(out, outsz, "localhost");
}

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

struct flow *
flow_new(const struct flow_opts *o)
{
	struct flow *f;
	struct gp_err e;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("calloc");
	f->o = o;
	f->status = FLOW_EXIT_ERR;
	if ((f->pre = calloc(1, sizeof(*f->pre))) == NULL ||
	    (f->pool = http_pool_new()) == NULL ||
	    (f->cookie = cookie_new()) == NULL ||
	    (f->cfg = config_new()) == NULL ||
	    (f->cookie_str = secret_alloc(COOKIE_STR_MAX)) == NULL ||
	    (f->passwd = secret_alloc(CREDS_MAX)) == NULL)
		fatal("out of memory");
	flow_hostname(f->computer, sizeof(f->computer));
	memcpy(f->app_version, FLOW_APP_VERSION, sizeof(FLOW_APP_VERSION));
	f->hip_recheck_s = FLOW_HIP_RECHECK_S;
	if (flow_url_parse(o, &f->t, &e) == -1) {
		log_err("%s", e.msg);
		flow_free(f);
		return NULL;
	}
	memcpy(f->url_host, f->t.host, sizeof(f->url_host));
	if (o->proxy != NULL)
		f->proxy = *o->proxy;
	return f;
}

void
flow_free(struct flow *f)
{
	if (f == NULL)
		return;
	http_pool_free(f->pool);
	portal_free(f->portal);
	free(f->saml_text);
	free(f->pre);
	cookie_free(f->cookie);
	config_free(f->cfg);
	secret_free(f->cookie_str, COOKIE_STR_MAX);
	secret_free(f->passwd, CREDS_MAX);
	secret_wipe(f, sizeof(*f));
	free(f);
}

const struct gp_config *
flow_config(const struct flow *f)
{
	return f->cfg;
}

/* --cookie-on-stdin: the cookie string, then straight to getconfig. */
static enum flow_res
flow_cookie_stdin(struct flow *f)
{
	char *buf = secret_alloc(COOKIE_STR_MAX + 1);
	struct gp_err e;
	enum flow_res res = FLOW_RES_FAIL;

	if (buf == NULL)
		fatal("out of memory");
	f->t.iface = IFACE_GATEWAY;
	if (cookie_io_read(STDIN_FILENO, buf, COOKIE_STR_MAX + 1, &e) == -1 ||
	    cookie_parse(buf, f->cookie, &e) == -1)
		flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	else if (cookie_format(f->cookie, f->cookie_str,
	    COOKIE_STR_MAX) == -1)
		flow_fail(f, FLOW_EXIT_ERR, "cookie from stdin: too long");
	else {
		log_info("cookie from stdin, user %s", f->cookie->user);
		res = FLOW_RES_OK;
	}
	secret_free(buf, COOKIE_STR_MAX + 1);
	return res;
}

/* f->t's interface's login: the portal's, or the gateway's. */
static enum flow_res
flow_iface_login(struct flow *f)
{
	if (f->t.iface == IFACE_PORTAL)
		return flow_portal_run(f);
	return flow_login_gateway(f);
}

static const char *
flow_iface_name(enum gw_iface iface)
{
	return iface == IFACE_PORTAL ? "portal" : "gateway";
}

/* Portal or gateway as the URL says, the other one on "does not exist"
 * (§2), or the cookie from stdin. */
static enum flow_res
flow_login_any(struct flow *f)
{
	enum gw_iface other;
	enum flow_res res;

	if (f->o->cookie_on_stdin)
		return flow_cookie_stdin(f);
	if ((res = flow_iface_login(f)) != FLOW_RES_NOT_IFACE)
		return res;
	other = f->t.iface == IFACE_PORTAL ? IFACE_GATEWAY : IFACE_PORTAL;
	log_info("not a %s: trying %s as a %s", flow_iface_name(f->t.iface),
	    f->t.host, flow_iface_name(other));
	f->t.iface = other;
	if ((res = flow_iface_login(f)) == FLOW_RES_NOT_IFACE)
		return flow_fail(f, FLOW_EXIT_ERR, "%s is neither a portal "
		    "nor a gateway", f->t.host);
	return res;
}

int
flow_run(struct flow *f)
{
	enum flow_res res = FLOW_RES_FAIL;

	if (flow_conn_open(f) == 0)
		res = flow_login_any(f);
	/* SAML asked for (also at a portal's gateway, where the failover
	 * stopped): how to come back with a cookie. */
	if (res != FLOW_RES_OK && f->saml_text != NULL)
		fputs(f->saml_text, stderr);
	if (res != FLOW_RES_OK)
		return f->status;
	flow_conn_settle(f);
	if (f->o->logged_in != NULL)
		f->o->logged_in();	/* gp-auth: the session filter */
	if (f->o->authenticate)
		return FLOW_EXIT_OK;
	if (flow_getconfig_run(f) != FLOW_RES_OK)
		return f->status;
	f->hip_due = true;
	return FLOW_EXIT_OK;
}

int
flow_rekey(struct flow *f)
{
	switch (flow_rekey_run(f)) {
	case FLOW_REKEY_OK:
		f->rekey_end = false;
		return 0;
	case FLOW_REKEY_END:
		f->rekey_end = true;
		return -1;
	default:
		f->rekey_end = false;
		return -1;
	}
}

int
flow_rekey_status(const struct flow *f)
{
	return f->rekey_end ? f->status : FLOW_EXIT_OK;
}

unsigned int
flow_hip_interval_s(const struct flow *f)
{
	return f->hip_recheck_s;
}

/*
 * The HIP check that follows every getconfig (PROTOCOL.md §11.1) waits
 * until its CONFIG has gone to the tunnel: OpenConnect's main loop, too,
 * checks HIP while the first ESP probes are out, and a failed check is
 * only a warning. The tunnel starts one round trip sooner.
 */
void
flow_hip_after_config(struct flow *f)
{
	if (!f->hip_due)
		return;
	f->hip_due = false;
	(void)flow_hip_run(f);
}

void
flow_hip_recheck(struct flow *f)
{
	log_debug("HIP: periodic recheck");
	(void)flow_hip_run(f);
}

void
flow_logout(struct flow *f)
{
	(void)flow_logout_run(f);
}

/* The portal's policy (300 KiB of locked memory, its cookies secret) is
 * for the login and its failover only: the session's requests go to
 * the gateway with its own cookie. */
void
flow_idle(struct flow *f)
{
	http_pool_idle(f->pool);
	portal_free(f->portal);
	f->portal = NULL;
}

int
flow_print_authenticate(const struct flow *f, int fd)
{
	const uint8_t *key = http_server_key(f->http);

	if (key == NULL)
		return -1;
	return cookie_io_print_auth(&f->t, f->cookie_str, key, fd);
}
