/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's proxy: --proxy URL, or with --proxy-from-env the usual
 * https_proxy, all_proxy and no_proxy variables (never without it). The
 * proxy's name is resolved once, so that libcurl and the CONFIG frame
 * for gp-tunnel use one address. URL and environment are the user's.
 */
#ifndef GPVPN_AUTH_PROXYCONF_H
#define GPVPN_AUTH_PROXYCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/resolve.h"
#include "ipc/config.h"
#include "ipc/err.h"

#define PROXYCONF_DEFAULT_PORT	1080	/* libcurl's, for every scheme */

enum proxyconf_scheme {
	PROXYCONF_NONE = 0,
	PROXYCONF_HTTP,		/* CONNECT; the proxy resolves the name */
	PROXYCONF_SOCKS5,	/* gp-auth resolves the gateway */
	PROXYCONF_SOCKS5H	/* the proxy resolves the name */
};

struct proxy_conf {
	enum proxyconf_scheme	scheme;
	struct gw_target	server;	/* host and port; addr when resolved */
	const char		*source; /* "--proxy", or the variable */
	char			noproxy[PROXY_NOPROXY_MAX + 1];
};

/*
 * [http|socks5|socks5h://]HOST[:PORT][/], HOST a name, an IPv4 address or
 * a bracketed IPv6 one; no scheme means http, no port 1080 (as libcurl).
 * Credentials are refused, and never quoted in the error: gpvpn does no
 * proxy authentication and keeps passwords out of argv.
 */
int	proxyconf_parse(const char *url, struct proxy_conf *p,
	    struct gp_err *e);
/*
 * The environment, as libcurl reads it for an https URL: https_proxy,
 * HTTPS_PROXY, all_proxy, ALL_PROXY (the first one set and not empty),
 * then no_proxy or NO_PROXY. 0 with scheme PROXYCONF_NONE if none is set.
 */
int	proxyconf_from_env(struct proxy_conf *p, struct gp_err *e);
/*
 * Pure: does the no_proxy list name host? Entries are separated by
 * commas or blanks: "*" (every host), a domain (itself and every name
 * under it; a leading dot is ignored), an address or an address/prefix.
 */
bool	proxyconf_bypass(const char *list, const char *host);
/* Resolve the proxy's name (a literal needs no lookup). */
int	proxyconf_resolve(struct proxy_conf *p, struct gp_err *e);
/* "scheme://address:port" for libcurl, after proxyconf_resolve. */
int	proxyconf_curl_url(const struct proxy_conf *p, char *out,
	    size_t outsz);
/* HTTP CONNECT and socks5h send the gateway's name to the proxy. */
bool	proxyconf_remote_dns(const struct proxy_conf *p);
/* "http", "socks5", "socks5h". */
const char *proxyconf_scheme_name(enum proxyconf_scheme s);
/* The frame's proxy fields for gateway t (gp-auth resolved t->addr
 * unless the proxy resolves names). */
void	proxyconf_frame(const struct proxy_conf *p, const struct gw_target *t,
	    struct cfg_proxy *out);

#endif
