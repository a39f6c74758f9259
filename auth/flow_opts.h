/* SPDX-License-Identifier: ISC */
/*
 * What gp-auth's login flow is told (struct flow_opts, from the command
 * line in gp_auth.c) and what it ends with (the FLOW_EXIT_* statuses).
 * Types and limits only, shared by the driver (flow.c) and its steps;
 * the options are the user's, trusted as far as gp_auth.c checked them.
 */
#ifndef GPVPN_AUTH_FLOW_OPTS_H
#define GPVPN_AUTH_FLOW_OPTS_H

#include <stdbool.h>

#include "auth/proxyconf.h"

/* Exit statuses of gp-auth. */
#define FLOW_EXIT_OK		0
#define FLOW_EXIT_ERR		1
#define FLOW_EXIT_COOKIE	2	/* cookie rejected (PROTOCOL.md §2) */
#define FLOW_EXIT_SAML		3	/* SAML: bring a cookie (§3.3) */
#define FLOW_PASSWD_TRIES	3	/* HTTP 512 on a terminal: ask again */

#define FLOW_CHALLENGE_MAX	5	/* 2FA rounds before giving up */
#define FLOW_APP_VERSION	"6.3.0-33"	/* getconfig app-version */

/*
 * HIP recheck (PROTOCOL.md §11.1): every portal hip-report-interval -
 * FLOW_HIP_EARLY_S (§4.2), at least FLOW_HIP_RECHECK_MIN_S (a short
 * interval is a test gateway's or an odd portal's; 5 s still keeps the
 * load negligible); without a portal or an interval, FLOW_HIP_RECHECK_S
 * (OpenConnect's 3600 s - 60 s).
 */
#define FLOW_HIP_RECHECK_S	(3600 - 60)
#define FLOW_HIP_RECHECK_MIN_S	5
#define FLOW_HIP_EARLY_S	60	/* recheck this long before due */

struct flow_opts {
	const char	*url;
	const char	*user;		/* NULL: prompt on the terminal */
	bool		 passwd_on_stdin;
	const char	*cafile;	/* NULL: system CAs */
	const char	*pin_b64;	/* NULL, or a whole --servercert pin */
	const char	*clientos;	/* "Linux" (PROTOCOL.md §12) */
	const char	*os_version;	/* "linux-64" */
	bool		 authenticate;	/* stop after login.esp */
	/* Portal, SAML hand-over and identity (flow_portal.c). */
	const char	*authgroup;	/* gateway label, NULL: ask */
	const char	*usergroup;	/* replaces the URL path */
	const char	*useragent;	/* NULL: HTTP_USER_AGENT */
	const char	*client_version;	/* clientgpversion, or NULL */
	bool		 disable_ipv6;	/* ipv6-support=no */
	bool		 cookie_on_stdin;	/* OpenConnect cookie: straight
						 * to getconfig */
	const char	*resolve;	/* --resolve HOST:IP, or NULL */
	bool		 no_gateway_probe;	/* portal order among equals */
	void		(*logged_in)(void);	/* once logged in, before
						 * getconfig; or NULL */
	/* --proxy or --proxy-from-env (proxyconf.h); NULL: direct. */
	const struct proxy_conf *proxy;
};

#endif
