/* SPDX-License-Identifier: ISC */
/*
 * The connection of gp-auth's login steps to f->t (see flow_conn.h).
 * Runs in gp-auth; addresses and names come from the user or from an
 * untrusted portal, and --servercert pins only the host the user named.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/flow_conn.h"
#include "auth/flow_fail.h"
#include "auth/http_pool.h"
#include "ipc/log.h"

/* --resolve HOST:IP as OpenConnect prints it: 0 if it names t. */
static int
flow_conn_resolve_opt(const struct flow *f, struct gw_target *t)
{
	const char *r = f->o->resolve, *colon;

	if (r == NULL || (colon = strchr(r, ':')) == NULL ||
	    (size_t)(colon - r) != strlen(t->host) ||
	    strncasecmp(r, t->host, (size_t)(colon - r)) != 0 ||
	    config_addr_parse(colon + 1, &t->addr) == -1)
		return -1;
	config_addr_str(&t->addr, t->addr_str);
	return 0;
}

int
flow_conn_resolve(const struct flow *f, struct gw_target *t,
    struct gp_err *e)
{
	if (flow_conn_resolve_opt(f, t) == 0)
		return 0;
	return resolve_lookup(t, e);
}

/* The proxy for f->t: none, none by no_proxy, or the proxy, resolved
 * the first time it is used. */
static int
flow_conn_proxy(struct flow *f)
{
	struct gp_err e;

	f->px = NULL;
	if (f->proxy.scheme == PROXYCONF_NONE)
		return 0;
	if (proxyconf_bypass(f->proxy.noproxy, f->t.host)) {
		log_info("%s is in no_proxy: connecting directly", f->t.host);
		return 0;
	}
	if (f->proxy.server.addr.family == CFG_AF_NONE) {
		if (proxyconf_resolve(&f->proxy, &e) == -1)
			return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
		log_info("proxy %s://%s (%s) port %u, from %s",
		    proxyconf_scheme_name(f->proxy.scheme),
		    f->proxy.server.host, f->proxy.server.addr_str,
		    f->proxy.server.port, f->proxy.source);
	}
	f->px = &f->proxy;
	return 0;
}

static void
flow_conn_log(const struct flow *f)
{
	const char *what = f->t.iface == IFACE_PORTAL ? "portal" : "gateway";

	if (f->px == NULL)
		log_info("%s %s (%s) port %u", what, f->t.host,
		    f->t.addr_str, f->t.port);
	else
		log_info("%s %s (%s) port %u through the %s proxy %s port %u",
		    what, f->t.host, f->t.addr.family != CFG_AF_NONE ?
		    f->t.addr_str : "resolved by the proxy", f->t.port,
		    proxyconf_scheme_name(f->px->scheme),
		    f->px->server.addr_str, f->px->server.port);
}

/*
 * f->t's origin has a handle (the portal's, for a gateway on the same
 * host and port): its TLS connection, cookie jar and verified key go on,
 * and so does the address it connected to, the one the CONFIG names.
 */
static int
flow_conn_reuse(struct flow *f)
{
	const struct gw_target *t = http_target(f->http);

	f->t.addr = t->addr;
	memcpy(f->t.addr_str, t->addr_str, sizeof(f->t.addr_str));
	log_info("%s %s (%s) port %u: the same origin as before, its "
	    "connection and cookies go on", f->t.iface == IFACE_PORTAL ?
	    "portal" : "gateway", f->t.host, f->t.addr_str, f->t.port);
	return 0;
}

/* The --servercert pin for f->t into ho: only for the host the user
 * named (ho->cmdline_host). */
static void
flow_conn_pin(const struct flow *f, struct http_opts *ho)
{
	ho->cmdline_host = strcmp(f->t.host, f->url_host) == 0;
	ho->pin_b64 = ho->cmdline_host ? f->o->pin_b64 : NULL;
	if (f->o->pin_b64 != NULL && !ho->cmdline_host)
		log_warnx("--servercert names %s's key only: gateway %s is "
		    "checked against the CAs", f->url_host, f->t.host);
}

int
flow_conn_open(struct flow *f)
{
	struct http_opts ho;
	struct gp_err e;

	if (flow_conn_proxy(f) == -1)
		return -1;
	if ((f->http = http_pool_find(f->pool, &f->t)) != NULL)
		return flow_conn_reuse(f);
	/* A portal's gateway may be resolved already, for the probe. A
	 * proxy that resolves names gets the name (a literal is one). */
	if (f->t.addr.family == CFG_AF_NONE && (f->px == NULL ||
	    !proxyconf_remote_dns(f->px) || f->t.literal) &&
	    flow_conn_resolve(f, &f->t, &e) == -1)
		return flow_fail_as(f, GWFAIL_RESOLVE, FLOW_EXIT_ERR, "%s",
		    e.msg);
	if (f->px != NULL && proxyconf_remote_dns(f->px) &&
	    f->o->resolve != NULL)
		log_warnx("--resolve is not used: the %s proxy resolves %s",
		    proxyconf_scheme_name(f->px->scheme), f->t.host);
	flow_conn_log(f);
	memset(&ho, 0, sizeof(ho));
	ho.proxy = f->px;
	ho.target = &f->t;
	flow_conn_pin(f, &ho);
	ho.useragent = f->o->useragent;
	if ((f->http = http_pool_open(f->pool, &ho, &e)) == NULL)
		return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	if (f->home == NULL)
		f->home = f->http;
	return 0;
}

void
flow_conn_close(struct flow *f)
{
	if (f->http != NULL && f->http != f->home)
		http_pool_close(f->pool, f->http);
	f->http = NULL;
}

/* The session asks only f->t's origin again (getconfig, HIP, rekey,
 * logout), so the others' connections and jars go now. */
void
flow_conn_settle(struct flow *f)
{
	size_t n = http_pool_keep(f->pool, f->http);

	f->home = f->http;
	if (n > 0)
		log_debug("%zu other HTTPS connection(s) closed: only %s's "
		    "is asked again", n, f->t.host);
}
