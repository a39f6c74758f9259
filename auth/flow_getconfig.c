/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's getconfig step (see flow_getconfig.h). Runs in gp-auth; the
 * answer comes from a possibly hostile server through the pure
 * getconfig.c, and only a config that config_validate() takes is kept.
 */
#include <string.h>

#include "auth/flow_fail.h"
#include "auth/flow_getconfig.h"
#include "auth/flow_http.h"
#include "auth/getconfig.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define FLOW_GETCONFIG_HMAC	"sha1,md5,sha256"
#define FLOW_GETCONFIG_ENC	"aes-128-cbc,aes-256-cbc"

/*
 * The proxy gp-auth went through goes into the frame, and gp-tunnel takes
 * the same path. ESP cannot go through a proxy and must not go around
 * it: its keys are dropped here, so the frame asks for the HTTPS tunnel.
 */
static void
flow_getconfig_proxy(struct flow *f, struct gp_config *c)
{
	proxyconf_frame(f->px, &f->t, &c->proxy);
	if (f->px == NULL || !c->esp.present)
		return;
	secret_wipe(&c->esp, sizeof(c->esp));
	log_info("ESP off: the tunnel goes through the %s proxy",
	    proxyconf_scheme_name(f->px->scheme));
}

/* Gateway fields of the CONFIG: what gp-auth resolved and verified. */
static enum flow_res
flow_getconfig_gateway(struct flow *f, struct gp_config *c)
{
	const uint8_t *key = http_server_key(f->http);
	struct gp_err e;

	if (key == NULL)
		return flow_fail(f, FLOW_EXIT_ERR, "no verified server key");
	memcpy(c->gw_host, f->t.host, sizeof(c->gw_host));
	c->gw_addr = f->t.addr;
	c->gw_port = f->t.port;
	memcpy(c->gw_pin, key, sizeof(c->gw_pin));
	memcpy(c->authcookie, f->cookie->authcookie, sizeof(c->authcookie));
	memcpy(c->user, f->cookie->user, sizeof(c->user));
	flow_getconfig_proxy(f, c);
	if (config_validate(c, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "getconfig: %s", e.msg);
	return FLOW_RES_OK;
}

struct form *
flow_getconfig_form(struct flow *f)
{
	struct form *fm = flow_http_form();

	form_add(fm, "client-type", "1");
	form_add(fm, "protocol-version", "p1");
	form_add(fm, "internal", "no");
	form_add(fm, "app-version", f->app_version);
	form_add(fm, "ipv6-support", f->o->disable_ipv6 ? "no" : "yes");
	form_add(fm, "clientos", f->o->clientos);
	form_add(fm, "os-version", f->o->os_version);
	form_add(fm, "hmac-algo", FLOW_GETCONFIG_HMAC);
	form_add(fm, "enc-algo", FLOW_GETCONFIG_ENC);
	return fm;
}

enum flow_res
flow_getconfig_post(struct flow *f, struct form *fm, struct gp_config *c)
{
	struct http_resp r;
	struct gp_err e;

	if (flow_http_request(f, "getconfig", "/ssl-vpn/getconfig.esp", fm, 0,
	    &r) != FLOW_RES_OK)
		return FLOW_RES_FAIL;
	if (getconfig_parse(r.body, r.len, c, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "getconfig: %s", e.msg);
	return flow_getconfig_gateway(f, c);
}

/* PROTOCOL.md §6.1; the answer holds ESP keys, so it is never logged. */
enum flow_res
flow_getconfig_run(struct flow *f)
{
	struct form *fm = flow_getconfig_form(f);

	form_add_raw(fm, f->cookie_str);
	return flow_getconfig_post(f, fm, f->cfg);
}
