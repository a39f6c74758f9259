/*
 * gp-auth's login sequence (PROTOCOL.md §1): gateway prelogin, login with
 * 2FA rounds, getconfig and the HIP check, ending in a validated
 * gp_config; also the --authenticate text, the rekey hook and logout.
 * Responses are untrusted and go through the pure parsers of parse.h.
 */
#ifndef GPVPN_AUTH_FLOW_H
#define GPVPN_AUTH_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/proxyconf.h"
#include "auth/resolve.h"
#include "ipc/config.h"

/* Exit statuses of gp-auth. */
#define FLOW_EXIT_OK		0
#define FLOW_EXIT_ERR		1
#define FLOW_EXIT_COOKIE	2	/* cookie rejected (PROTOCOL.md §2) */
#define FLOW_EXIT_SAML		3	/* SAML: bring a cookie (§3.3) */
#define FLOW_PASSWD_TRIES	3	/* HTTP 512 on a terminal: ask again */

#define FLOW_CHALLENGE_MAX	5	/* 2FA rounds before giving up */
#define FLOW_APP_VERSION	"6.3.0-33"	/* getconfig app-version */
/* --authenticate: the cookie string (no quote in it: it is %-encoded),
 * then HOST, CONNECT_URL, FINGERPRINT and RESOLVE. */
#define FLOW_AUTH_TEXT_MAX	(COOKIE_STR_MAX + 2048)

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

struct flow;

/* NULL with a message logged on failure. */
struct flow *flow_new(const struct flow_opts *o);
void	flow_free(struct flow *f);
/* Run the whole login; returns a FLOW_EXIT_* status. */
int	flow_login(struct flow *f);
/* The CONFIG to send, valid after flow_login() returned FLOW_EXIT_OK. */
const struct gp_config *flow_config(const struct flow *f);
/*
 * Rekey hook (PROTOCOL.md §9): the session calls this at timeout - 60 s
 * to refresh the configuration (getconfig again) before pushing a new
 * CONFIG. Returns 0 when flow_config() holds a fresh one, -1 otherwise.
 */
int	flow_rekey(struct flow *f);
/*
 * After flow_rekey() returned -1: FLOW_EXIT_OK when it may be retried
 * later (network, server error), else the status to end the session with
 * (FLOW_EXIT_COOKIE: cookie rejected; FLOW_EXIT_ERR: the gateway handed
 * out a different tunnel address or prefix, which gp-tunnel cannot take).
 */
int	flow_rekey_status(const struct flow *f);
/*
 * HIP recheck (PROTOCOL.md §11.1): hipreportcheck again, and a report if
 * the gateway wants one. The session calls it every flow_hip_interval_s()
 * seconds: the portal's hip-report-interval - 60 s (§4.2), at least
 * FLOW_HIP_RECHECK_MIN_S (a short interval is a test gateway's or an
 * odd portal's; 5 s still keeps the load negligible); without a portal
 * or an interval, FLOW_HIP_RECHECK_S (OpenConnect's 3600 s - 60 s).
 */
#define FLOW_HIP_RECHECK_S	(3600 - 60)
#define FLOW_HIP_RECHECK_MIN_S	5
#define FLOW_HIP_EARLY_S	60	/* recheck this long before due */
unsigned int flow_hip_interval_s(const struct flow *f);
void	flow_hip_recheck(struct flow *f);
/* POST logout.esp with every cookie field (§13); failures are warnings. */
void	flow_logout(struct flow *f);
/* Write the --authenticate lines (PROTOCOL.md §5.4) to fd. */
int	flow_print_authenticate(const struct flow *f, int fd);

/* Pure helpers, exposed for the unit tests. */
int	flow_os(const char *name, const char **clientos,
	    const char **os_version);
int	flow_shell_quote(const char *s, char *out, size_t outsz);
/* 0 if a rekey's config nc keeps oc's tunnel addresses and prefixes,
 * else -1 and what changed in msg. */
int	flow_rekey_check(const struct gp_config *oc,
	    const struct gp_config *nc, char *msg, size_t msgsz);
int	flow_authenticate_text(const struct gw_target *t, const char *cookie,
	    const uint8_t key[CFG_PIN_BYTES], char *out, size_t outsz);

#endif
