/* SPDX-License-Identifier: ISC */
/*
 * The requests of gp-auth's login steps (see flow_http.h). Runs in
 * gp-auth and talks to a possibly hostile server through http.c; its
 * error texts are classed by the pure errors.c and logged only printable.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdio.h>
#include <string.h>

#include "auth/errors.h"
#include "auth/flow_fail.h"
#include "auth/flow_http.h"
#include "auth/parselim.h"
#include "ipc/log.h"

struct form *
flow_http_form(void)
{
	struct form *fm = form_new();

	if (fm == NULL)
		fatal("out of memory");
	return fm;
}

int
flow_http_post(struct flow *f, const char *name, const char *path,
    const struct form *fm, int flags, struct http_resp *r, struct gp_err *e)
{
	struct http_req q;

	if (form_ok(fm) == -1)
		return err_set(e, "%s: request larger than %d bytes", name,
		    FORM_MAX);
	q.name = name;
	q.path = path;
	q.body = fm->data;
	q.len = fm->len;
	q.flags = flags;
	log_debug("%s: POST %s", name, path);
	return http_post(f->http, &q, r, e);
}

/*
 * The fatal texts of §2 (exit FLOW_EXIT_COOKIE) that are not about the
 * cookie: shown in the server's words, not as a rejected cookie.
 */
static bool
flow_http_refusal(const char *text)
{
	static const char *const refusal[] = {
		"Valid client certificate is required",
		"Portal name not found",
		"Allow Automatic Restoration of SSL VPN is disabled", NULL
	};
	size_t i;

	for (i = 0; refusal[i] != NULL; i++)
		if (strcasestr(text, refusal[i]) != NULL)
			return true;
	return false;
}

/* A §2 error document; text is printable (errors.c). */
static enum flow_res
flow_http_text(struct flow *f, const char *name, const char *q,
    enum gp_error_class cls)
{
	if (cls == GP_ERRCLASS_COOKIE_REJECTED && !flow_http_refusal(q))
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_COOKIE, "%s: "
		    "the server rejected the authentication cookie: `%s`",
		    name, q);
	if (cls == GP_ERRCLASS_COOKIE_REJECTED)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_COOKIE, "%s: "
		    "the server refuses, and a retry will not help: `%s`",
		    name, q);
	if (cls == GP_ERRCLASS_WRONG_INTERFACE) {
		/* Not an error yet: the caller tries the other interface
		 * and reports if that fails too. */
		flow_fail_note(f, "%s: the server says `%s`", name, q);
		return FLOW_RES_NOT_IFACE;
	}
	return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: the server "
	    "says `%s`", name, q);
}

/* HTTP status and error documents (PROTOCOL.md §2). */
static enum flow_res
flow_http_check(struct flow *f, const char *name, const struct http_resp *r)
{
	char text[PARSE_TEXT_MAX];
	enum gp_error_class cls;
	bool is_err;

	/* Whole, as the server said it; errors.c already made control
	 * characters and bad UTF-8 into '?'. */
	is_err = errors_parse(r->body, r->len, text, sizeof(text), &cls);
	flow_fail_answer(f, r->status, is_err, cls, text);
	if (r->status == 512) {
		if (is_err)
			log_debug("%s: the server says: %s", name, text);
		/* After a challenge the password was right: the code
		 * is what the server refuses (flow_login.c asks again). */
		if (f->answering)
			(void)flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR,
			    "%s: the server refused the code (HTTP 512)",
			    name);
		else
			(void)flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR,
			    "%s: invalid username or password (HTTP 512)",
			    name);
		return FLOW_RES_BAD_PASSWD;
	}
	if (is_err)
		return flow_http_text(f, name, text, cls);
	if (r->status == 401 || r->status == 403)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: "
		    "permission denied (HTTP %ld)", name, r->status);
	if (r->status != 200)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: "
		    "unexpected HTTP status %ld", name, r->status);
	return FLOW_RES_OK;
}

enum flow_res
flow_http_request(struct flow *f, const char *name, const char *path,
    struct form *fm, int flags, struct http_resp *r)
{
	struct gp_err e;
	/* Our request too large, else the network, TLS or the server. */
	enum gw_fail_kind kind = form_ok(fm) == -1 ? GWFAIL_OTHER :
	    GWFAIL_TRANSPORT;
	int rc;

	rc = flow_http_post(f, name, path, fm, flags, r, &e);
	form_free(fm);
	if (rc == -1)
		return flow_fail_as(f, kind, FLOW_EXIT_ERR, "%s", e.msg);
	return flow_http_check(f, name, r);
}
