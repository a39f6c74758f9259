/*
 * gp-auth's login state shared by flow.c (gateway steps) and
 * flow_portal.c (portal steps, gateway choice, SAML hand-over). Internal
 * to those files; everything received in it came from untrusted servers.
 */
#ifndef GPVPN_AUTH_FLOW_INT_H
#define GPVPN_AUTH_FLOW_INT_H

#include <stdbool.h>

#include "auth/flow.h"
#include "auth/form.h"
#include "auth/gwchoice.h"
#include "auth/http.h"
#include "auth/http_pool.h"
#include "auth/parse.h"
#include "auth/portal.h"

#define FLOW_WHY_MAX	1024	/* a failure's message, for the failover */

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
	int			 status;	/* FLOW_EXIT_* of a failure */
	bool			 rekey_fatal;	/* status ends the session */
	/* Portal state (flow_portal.c). */
	struct portal_policy	*portal;	/* secret; NULL: no portal */
	char			*saved_passwd;	/* secret, CREDS_MAX: blind
						 * retry at the gateway */
	char			 app_version[PORTAL_VERSION_MAX];
	bool			 wrong_iface;	/* failed: "does not exist" */
	bool			 bad_passwd;	/* failed: HTTP 512 */
	bool			 logged_in;	/* cookie_str is valid */
	bool			 challenged;	/* the last login had 2FA */
	unsigned int		 hip_recheck_s;	/* flow_hip_interval_s */
	char			 url_host[CFG_HOST_MAX + 1];	/* the user's */
	/* The last failure (flow_fail*), for the gateway failover. */
	struct gw_fail		 fail;
	char			 why[FLOW_WHY_MAX];	/* its message */
	bool			 defer_err;	/* flow_failover.c reports */
};

/* Log the failure (or note it only, with f->defer_err), keep it in
 * f->why and f->fail, set f->status; returns -1. flow_fail's kind is
 * GWFAIL_OTHER: a failure the failover does not move on from. */
int	flow_fail(struct flow *f, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	flow_fail_as(struct flow *f, enum gw_fail_kind kind, int status,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
struct form *flow_form(void);
int	flow_request(struct flow *f, const char *name, const char *path,
	    struct form *fm, int flags, struct http_resp *r);
int	flow_prelogin_at(struct flow *f, bool portal);
int	flow_credentials(struct flow *f);
/* The §5.1 body, also the portal's (§4.1); wipes nothing. */
struct form *flow_login_form(struct flow *f, const char *input_str);
/* Login rounds at path (login.esp, or the portal's getconfig.esp). On
 * success a JNLP has filled the cookie, or (portal) *body holds the
 * policy, in the handle's memory until the next request. */
int	flow_do_login_at(struct flow *f, const char *name, const char *path,
	    struct http_resp *policy);
/* f->http for f->t: the handle its origin has (no new connection, the
 * same cookies and key), else resolve f->t unless it is, and open one. */
int	flow_connect(struct flow *f);
/* The failover gives f->t up: its handle is closed unless it is the
 * URL's (f->home), which stays for the run; f->http is NULL after. */
void	flow_disconnect(struct flow *f);
/* t's address from --resolve when it names t's host, else the resolver. */
int	flow_resolve(const struct flow *f, struct gw_target *t,
	    struct gp_err *e);

int	flow_gateway_login(struct flow *f);
/* After a failed login: true when the user may type the password again
 * (HTTP 512, on a terminal, fewer than FLOW_PASSWD_TRIES tries). */
bool	flow_ask_again(struct flow *f, int tries);

/* flow_portal.c */
/* The URL, with --usergroup as its path; a URL without a path names
 * the portal (tried first, as OpenConnect does). */
int	flow_url_parse(const struct flow_opts *o, struct gw_target *t,
	    struct gp_err *e);
/* The --servercert pin for f->t into ho: only for the host the user
 * named (ho->cmdline_host). */
void	flow_pin_for(const struct flow *f, struct http_opts *ho);
/* 0: logged in at a gateway; -1: failed; 1: not a portal, try the
 * gateway interface. */
int	flow_portal_login(struct flow *f);
/* The portal's list shown, then --authgroup's gateway or the user's
 * pick (*only: no other may be tried), else the first. */
int	flow_choose(struct flow *f, size_t *idx, bool *only);
/* The portal's password for the blind retries (§4.4), out of f: NULL
 * when there is none or the gateways want their own login (after SAML
 * or 2FA without a portal cookie). The caller secret_free()s it. */
char	*flow_take_passwd(struct flow *f, bool had_alt);
/* At the gateway in f->t: the portal's form again with pw (§4.4), else
 * (pw NULL or HTTP 512) the gateway's own login. */
int	flow_blind_retry(struct flow *f, const char *pw, bool had_alt);

/* flow_failover.c */
/* The sorted portal list: probe, choice, then each gateway in turn
 * until one takes the login (see gwchoice.h for which failures move
 * on). 0: logged in at f->t; -1: failed, f->status says how. */
int	flow_gateways(struct flow *f, bool had_alt);

/* Called by the gateway prelogin when the server signals SAML and no
 * SAML cookie was given: explains what to do; returns -1. */
int	flow_saml_explain(struct flow *f, const char *iface);
void	flow_portal_free(struct flow *f);

/* cookie_io.c: --cookie-on-stdin, then straight to getconfig. */
int	flow_cookie_stdin(struct flow *f);

#endif
