/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's prelogin step (PROTOCOL.md §3.1) at the gateway or the
 * portal: the server's labels and region into f->pre, or what it asks
 * for instead (SAML, the other interface). Runs in gp-auth; the answer
 * is untrusted and goes through prelogin.c and saml.c.
 */
#ifndef GPVPN_AUTH_FLOW_PRELOGIN_H
#define GPVPN_AUTH_FLOW_PRELOGIN_H

#include <stdbool.h>

#include "auth/flow_int.h"

/*
 * The only request that may follow a redirect. FLOW_RES_OK; NOT_IFACE
 * when the server says it is not that interface; SAML when it asks for
 * a SAML login and no SAML cookie was given (f->saml_text tells the user
 * how to bring one); FAIL on any other failure.
 */
enum flow_res flow_prelogin_run(struct flow *f, bool portal);

#endif
