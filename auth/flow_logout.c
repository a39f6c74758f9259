/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's logout step (see flow_logout.h). Runs in gp-auth; the
 * gateway's answer is untrusted and goes through the pure errors.c; the
 * cookie string in the body is a secret never logged.
 */
#include "auth/errors.h"
#include "auth/flow_http.h"
#include "auth/flow_logout.h"
#include "auth/parselim.h"
#include "ipc/log.h"

/* §13: the body is exactly the cookie string, on a new connection. */
enum flow_logout_res
flow_logout_run(struct flow *f)
{
	char text[PARSE_TEXT_MAX];
	enum gp_error_class cls;
	struct form *fm = flow_http_form();
	struct http_resp r;
	struct gp_err e;
	int rc;

	form_add_raw(fm, f->cookie_str);
	rc = flow_http_post(f, "logout", "/ssl-vpn/logout.esp", fm,
	    HTTP_FRESH | HTTP_PUBLIC, &r, &e);
	form_free(fm);
	if (rc == -1)
		log_warnx("%s; the cookie may stay valid", e.msg);
	else if (errors_parse(r.body, r.len, text, sizeof(text), &cls))
		log_warnx("logout: the gateway says: %s", text);
	else if (r.status != 200)
		log_warnx("logout: HTTP %ld; the cookie may stay valid",
		    r.status);
	else {
		log_info("logged out");
		return FLOW_LOGOUT_OK;
	}
	return FLOW_LOGOUT_FAILED;
}
