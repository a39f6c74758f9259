/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's portal step (PROTOCOL.md §3-§4.2): portal prelogin and
 * getconfig with the login form, the policy into f->portal, then the
 * gateway step. Runs in gp-auth; portal answers are untrusted and go
 * through portal.c; what the portal pushes is logged, never acted on.
 */
#ifndef GPVPN_AUTH_FLOW_PORTAL_H
#define GPVPN_AUTH_FLOW_PORTAL_H

#include "auth/flow_int.h"

/* OK: logged in at a gateway; NOT_IFACE: not a portal, try the gateway
 * interface; SAML or FAIL: failed, f->status says how. */
enum flow_res flow_portal_run(struct flow *f);

#endif
