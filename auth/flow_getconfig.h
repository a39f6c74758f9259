/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's getconfig step (PROTOCOL.md §6.1): the client's offer POSTed
 * with the cookie, the answer parsed (getconfig.c) and completed with
 * what gp-auth verified itself (gateway address, key, proxy), then
 * validated. Runs in gp-auth; the answer is untrusted and holds the ESP
 * keys, so it is never logged.
 */
#ifndef GPVPN_AUTH_FLOW_GETCONFIG_H
#define GPVPN_AUTH_FLOW_GETCONFIG_H

#include "auth/flow_int.h"
#include "auth/form.h"

/* The client's offer, the same for the first getconfig and a rekey. */
struct form *flow_getconfig_form(struct flow *f);
/* POST fm (freed), parse into c, add the gateway fields, validate. */
enum flow_res flow_getconfig_post(struct flow *f, struct form *fm,
	    struct gp_config *c);
/* The first getconfig, into f->cfg. */
enum flow_res flow_getconfig_run(struct flow *f);

#endif
