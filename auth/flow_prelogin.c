/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's prelogin step (see flow_prelogin.h). Runs in gp-auth; the
 * answer comes from a possibly hostile server and is parsed by the pure
 * prelogin.c; a SAML request becomes text only through saml.c's checks.
 */
#include <stdio.h>
#include <stdlib.h>

#include "auth/flow_fail.h"
#include "auth/flow_http.h"
#include "auth/flow_prelogin.h"
#include "auth/saml.h"
#include "ipc/log.h"

/* SAML asked for: the hand-over text for the driver to print. */
static enum flow_res
flow_prelogin_saml(struct flow *f, const char *iface)
{
	struct gp_err e;

	free(f->saml_text);
	if ((f->saml_text = malloc(SAML_TEXT_MAX)) == NULL)
		fatal("out of memory");
	if (saml_text(f->pre, &f->t, iface, f->o->clientos, f->saml_text,
	    SAML_TEXT_MAX, &e) == -1) {
		free(f->saml_text);
		f->saml_text = NULL;
		return flow_fail(f, FLOW_EXIT_ERR, "the %s asks for SAML "
		    "login, but %s", iface, e.msg);
	}
	(void)flow_fail(f, FLOW_EXIT_SAML, "%s: SAML login needed (exit "
	    "status %d)", iface, FLOW_EXIT_SAML);
	return FLOW_RES_SAML;
}

enum flow_res
flow_prelogin_run(struct flow *f, bool portal)
{
	const char *name = portal ? "portal prelogin" : "prelogin";
	char path[128];
	struct form *fm = flow_http_form();
	struct http_resp r;
	struct gp_err e;
	enum flow_res res;

	snprintf(path, sizeof(path), "/%s/prelogin.esp?tmp=tmp&"
	    "clientVer=4100&clientos=%s", portal ? "global-protect" :
	    "ssl-vpn", f->o->clientos);
	form_add(fm, "cas-support", "yes");
	res = flow_http_request(f, name, path, fm, HTTP_FOLLOW | HTTP_PUBLIC,
	    &r);
	if (res == FLOW_RES_NOT_IFACE)
		return res;
	if (res != FLOW_RES_OK)
		return FLOW_RES_FAIL;
	if (prelogin_parse(r.body, r.len, f->pre, &e) == -1)
		return flow_fail_as(f, GWFAIL_MALFORMED, FLOW_EXIT_ERR,
		    "%s: %s", name, e.msg);
	if (f->pre->saml && f->t.alt_field[0] == '\0')
		return flow_prelogin_saml(f, portal ? "portal" : "gateway");
	log_debug("%s: region `%s`", name, f->pre->region);
	return FLOW_RES_OK;
}
