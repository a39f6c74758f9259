/* SPDX-License-Identifier: ISC */
/*
 * HIP report submission for gp-auth (see hip.h). The body is built in
 * secret memory (it holds the cookie) and never logged; the gateway's
 * answer is untrusted and only classified.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/errors.h"
#include "auth/hip.h"
#include "auth/hiprun.h"
#include "auth/parselim.h"
#include "ipc/dynbuf.h"
#include "ipc/secret.h"
#include "ipc/textenc.h"

/* &name=encoded(value) onto d; -1 if it does not fit. */
static int
hip_field(struct dynbuf *d, const char *name, const char *value)
{
	if (dynbuf_addstr(d, "&") == -1 || dynbuf_addstr(d, name) == -1 ||
	    dynbuf_addstr(d, "=") == -1)
		return -1;
	return pct_encode(d, value, strlen(value));
}

static bool
hip_body(char *b, const struct hip_post *p, size_t *len)
{
	struct dynbuf d;

	dynbuf_fixed(&d, b, HIP_BODY_MAX);
	if (dynbuf_addstr(&d, "client-role=global-protect-full&") == -1 ||
	    dynbuf_addstr(&d, p->cookie_str) == -1)
		return false;
	if (p->ip4[0] != '\0' && hip_field(&d, "client-ip", p->ip4) == -1)
		return false;
	if (p->ip6[0] != '\0' && hip_field(&d, "client-ipv6", p->ip6) == -1)
		return false;
	if (hip_field(&d, "report", p->report) == -1)
		return false;
	*len = dynbuf_len(&d);
	return true;
}

int
hip_post_report(struct http *h, const struct hip_post *p, struct gp_err *e)
{
	char text[PARSE_TEXT_MAX];
	enum gp_error_class cls;
	struct http_req q;
	struct http_resp r;
	char *body;
	int rc = -1;

	if ((body = secret_alloc(HIP_BODY_MAX)) == NULL)
		return err_set(e, "hipreport: out of memory");
	if (!hip_body(body, p, &q.len)) {
		err_set(e, "hipreport: request larger than %d bytes",
		    HIP_BODY_MAX);
		goto out;
	}
	q.name = "hipreport";
	q.path = "/ssl-vpn/hipreport.esp";
	q.body = body;
	q.flags = 0;
	if (http_post(h, &q, &r, e) == -1)
		goto out;
	/* §11.1: any non-error XML reply counts as success. */
	if (errors_parse(r.body, r.len, text, sizeof(text), &cls))
		err_set(e, "hipreport: the gateway says: %s", text);
	else if (r.status != 200)
		err_set(e, "hipreport: HTTP %ld", r.status);
	else
		rc = 0;
out:
	secret_free(body, HIP_BODY_MAX);
	return rc;
}

/* The built-in generator: host facts now, then the XML. */
static int
hip_builtin(const struct hip_ctx *c, const char *ip4, const char *ip6,
    char *out, struct gp_err *e)
{
	struct hipgen_in *in;
	char os[256];
	int rc;

	if ((in = calloc(1, sizeof(*in))) == NULL)
		return err_set(e, "hip: out of memory");
	hipgen_host(in, "/etc/os-release", os, sizeof(os));
	in->md5 = c->md5;
	in->user = c->cookie->user;
	in->domain = c->cookie->domain;
	in->computer = c->cookie->computer;
	in->ip4 = ip4;
	in->ip6 = ip6;
	in->client_version = c->app_version;
	in->now = time(NULL);
	rc = hipgen_report(in, out, HIPGEN_REPORT_MAX, e);
	free(in);
	return rc;
}

/* --csd-wrapper: the runner gets no secret (see hip.h). */
static int
hip_script(const struct hip_ctx *c, const char *ip4, const char *ip6,
    char *out, struct gp_err *e)
{
	char cookie[COOKIE_STR_MAX];
	struct hip_run_req q;

	if (cookie_format_hip(c->cookie, cookie, sizeof(cookie)) == -1)
		return err_set(e, "hip: cookie too long");
	q.cookie = cookie;
	q.ip4 = ip4;
	q.ip6 = ip6;
	q.md5 = c->md5;
	q.client_os = c->client_os;
	q.app_version = c->app_version;
	return hiprun_run(&q, out, HIPGEN_REPORT_MAX, e);
}

int
hip_send(struct http *h, const struct hip_ctx *c, struct gp_err *e)
{
	char ip4[CFG_ADDR_STR_MAX] = "", ip6[CFG_ADDR_STR_MAX] = "";
	struct hip_post p;
	char *report;
	int rc;

	if (c->cfg->ip4.family != CFG_AF_NONE)
		(void)config_addr_str(&c->cfg->ip4, ip4);
	if (c->cfg->ip6.family != CFG_AF_NONE)
		(void)config_addr_str(&c->cfg->ip6, ip6);
	if ((report = calloc(1, HIPGEN_REPORT_MAX)) == NULL)
		return err_set(e, "hip: out of memory");
	if (hiprun_active())
		rc = hip_script(c, ip4, ip6, report, e);
	else
		rc = hip_builtin(c, ip4, ip6, report, e);
	if (rc == 0) {
		p.cookie_str = c->cookie_str;
		p.ip4 = ip4;
		p.ip6 = ip6;
		p.report = report;
		rc = hip_post_report(h, &p, e);
	}
	free(report);
	return rc;
}
