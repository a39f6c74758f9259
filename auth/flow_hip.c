/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's HIP step (see flow_hip.h). Runs in gp-auth; the check's
 * answer goes through the pure hipcheck.c, and the cookie in the forms
 * is a secret never logged.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/flow_hip.h"
#include "auth/flow_http.h"
#include "auth/hip.h"
#include "auth/hipcheck.h"
#include "ipc/log.h"

#define FLOW_HIP_MD5_HEX	33

/* PROTOCOL.md §11.2: md5 of the cookie without authcookie and IPs. */
static int
flow_hip_md5(const struct gp_cookie *c, char out[FLOW_HIP_MD5_HEX])
{
	char text[COOKIE_STR_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (cookie_format_hip(c, text, sizeof(text)) == -1 ||
	    EVP_Digest(text, strlen(text), md, &mdlen, EVP_md5(), NULL) != 1 ||
	    mdlen != 16)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* PROTOCOL.md §11.1 step 2: a failed report is a warning, not fatal. */
static enum flow_hip_res
flow_hip_send(struct flow *f, const char *md5)
{
	struct hip_ctx c;
	struct gp_err e;

	c.cookie = f->cookie;
	c.cookie_str = f->cookie_str;
	c.cfg = f->cfg;
	c.md5 = md5;
	c.client_os = f->o->clientos;
	c.app_version = f->app_version;
	if (hip_send(f->http, &c, &e) == -1) {
		log_warnx("%s; access may be restricted", e.msg);
		return FLOW_HIP_FAILED;
	}
	log_info("hipreport: HIP report accepted");
	return FLOW_HIP_SENT;
}

/* PROTOCOL.md §11.1 step 1: ask, and send a report when needed. */
enum flow_hip_res
flow_hip_run(struct flow *f)
{
	char md5[FLOW_HIP_MD5_HEX], addr[CFG_ADDR_STR_MAX];
	struct form *fm = flow_http_form();
	struct http_resp r;
	struct gp_err e;
	bool needed = false;
	int rc;

	form_add(fm, "client-role", "global-protect-full");
	form_add_raw(fm, f->cookie_str);
	if (f->cfg->ip4.family != CFG_AF_NONE)
		form_add(fm, "client-ip", config_addr_str(&f->cfg->ip4, addr));
	if (f->cfg->ip6.family != CFG_AF_NONE)
		form_add(fm, "client-ipv6",
		    config_addr_str(&f->cfg->ip6, addr));
	if (flow_hip_md5(f->cookie, md5) == -1) {
		form_free(fm);
		log_warnx("hipreportcheck: cannot compute the md5; skipped");
		return FLOW_HIP_FAILED;
	}
	form_add(fm, "md5", md5);
	rc = flow_http_post(f, "hipreportcheck",
	    "/ssl-vpn/hipreportcheck.esp", fm, HTTP_PUBLIC, &r, &e);
	form_free(fm);
	if (rc == 0 && r.status != 200)
		rc = err_set(&e, "hipreportcheck: HTTP %ld", r.status);
	if (rc == 0)
		rc = hipcheck_parse(r.body, r.len, &needed, &e);
	if (rc == -1) {
		log_warnx("%s (continuing)", e.msg);
		return FLOW_HIP_FAILED;
	}
	if (needed)
		return flow_hip_send(f, md5);
	log_debug("hipreportcheck: no HIP report needed");
	return FLOW_HIP_NOT_NEEDED;
}
