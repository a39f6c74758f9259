/* SPDX-License-Identifier: ISC */
/*
 * The login state gp-auth's flow driver (flow.c) hands to its steps
 * (flow_*.c), and the result each step returns. Private to those files;
 * everything received in it came from untrusted servers, and the
 * secrets in it live in secret memory.
 */
#ifndef GPVPN_AUTH_FLOW_INT_H
#define GPVPN_AUTH_FLOW_INT_H

#include <stdbool.h>

#include "auth/cookie.h"
#include "auth/flow_opts.h"
#include "auth/gwchoice.h"
#include "auth/http.h"
#include "auth/http_pool.h"
#include "auth/portal.h"
#include "auth/prelogin.h"
#include "auth/proxyconf.h"
#include "auth/resolve.h"
#include "ipc/config.h"

#define FLOW_WHY_MAX	1024	/* a failure's message, for the failover */

/*
 * What a step did. Every failure is also recorded (flow_fail.c): its
 * exit status in f->status, its message in f->why, its facts for the
 * failover in f->fail. FLOW_RES_FAIL is -1 as every failure here.
 */
enum flow_res {
	FLOW_RES_FAIL = -1,	/* failed: f->status says how */
	FLOW_RES_OK = 0,
	FLOW_RES_NOT_IFACE,	/* "does not exist": try the other one */
	FLOW_RES_BAD_PASSWD,	/* HTTP 512: the user may type it again */
	FLOW_RES_SAML		/* SAML asked for: f->saml_text says how */
};

struct flow {
	const struct flow_opts	*o;
	struct gw_target	 t;
	struct http_pool	*pool;		/* a handle per origin */
	struct http		*http;		/* f->t's, in pool */
	struct http		*home;		/* the URL's, kept all run */
	struct proxy_conf	 proxy;		/* o->proxy, resolved once */
	const struct proxy_conf	*px;		/* &proxy for t, or NULL */
	struct prelogin		*pre;
	struct gp_cookie	*cookie;	/* secret */
	struct gp_config	*cfg;		/* secret */
	char			*cookie_str;	/* secret, COOKIE_STR_MAX */
	char			*passwd;	/* secret, CREDS_MAX */
	char			 user[CFG_USER_MAX + 1];
	char			 computer[COOKIE_FIELD_MAX + 1];
	char			 url_host[CFG_HOST_MAX + 1];	/* the user's */
	/* What the portal set (flow_portal.c), for the later steps. */
	struct portal_policy	*portal;	/* secret; NULL: no portal */
	char			 app_version[PORTAL_VERSION_MAX];
	unsigned int		 hip_recheck_s;	/* flow_hip_interval_s */
	/* The SAML hand-over text (saml.c) the driver prints, or NULL. */
	char			*saml_text;
	/* The last failure (flow_fail.c), for the failover and the exit. */
	int			 status;	/* FLOW_EXIT_* */
	struct gw_fail		 fail;
	char			 why[FLOW_WHY_MAX];	/* its message */
	bool			 defer_err;	/* flow_failover.c reports */
	bool			 sent_challenge;	/* a 2FA answer went to
							 * f->t: in f->fail */
	bool			 answering;	/* this request carries a 2FA
						 * answer: a 512 refuses it */
	/* The driver's own (flow.c). */
	bool			 rekey_end;	/* the last rekey ends the
						 * session */
	bool			 hip_due;	/* a getconfig's HIP check,
						 * run once its CONFIG is out */
};

#endif
