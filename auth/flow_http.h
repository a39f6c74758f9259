/* SPDX-License-Identifier: ISC */
/*
 * The requests of gp-auth's login steps: a form POSTed on f->http, and
 * the checks every answer goes through (HTTP status, the §2 error
 * documents) into a step result. Runs in gp-auth; answers are untrusted,
 * forms may be secret and are never logged.
 */
#ifndef GPVPN_AUTH_FLOW_HTTP_H
#define GPVPN_AUTH_FLOW_HTTP_H

#include "auth/flow_int.h"
#include "auth/form.h"
#include "auth/http.h"
#include "ipc/err.h"

/* A new form; out of memory is fatal. */
struct form *flow_http_form(void);
/* POST a form; -1 with e set. */
int	flow_http_post(struct flow *f, const char *name, const char *path,
	    const struct form *fm, int flags, struct http_resp *r,
	    struct gp_err *e);
/* POST (fm is freed), then check: FLOW_RES_OK with r valid until the
 * next request, else the failure recorded (flow_fail.c) and what it was:
 * FLOW_RES_NOT_IFACE, FLOW_RES_BAD_PASSWD or FLOW_RES_FAIL. */
enum flow_res flow_http_request(struct flow *f, const char *name,
	    const char *path, struct form *fm, int flags,
	    struct http_resp *r);

#endif
