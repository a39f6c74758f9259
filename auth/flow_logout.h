/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's logout step (PROTOCOL.md §13): logout.esp with the cookie
 * string, on a new connection. Runs in gp-auth at the end of a session;
 * the answer is untrusted, and a failure is only a warning.
 */
#ifndef GPVPN_AUTH_FLOW_LOGOUT_H
#define GPVPN_AUTH_FLOW_LOGOUT_H

#include "auth/flow_int.h"

enum flow_logout_res {
	FLOW_LOGOUT_OK,		/* the gateway took it */
	FLOW_LOGOUT_FAILED	/* warned: the cookie may stay valid */
};

enum flow_logout_res flow_logout_run(struct flow *f);

#endif
