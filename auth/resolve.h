/* SPDX-License-Identifier: ISC */
/*
 * What the user's URL names and where it lives, for gp-auth: the URL is
 * split into host, port and GP interface, and the host is resolved once,
 * here, so that every HTTPS request and the CONFIG frame use one address.
 * The URL is the user's own input; resolver answers are untrusted.
 */
#ifndef GPVPN_AUTH_RESOLVE_H
#define GPVPN_AUTH_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define RESOLVE_DEFAULT_PORT	443
#define RESOLVE_FIELD_MAX	64	/* the ":field" of a SAML URL */
#define RESOLVE_ORIGIN_MAX	(sizeof("https://[]:65535") + CFG_HOST_MAX)

enum gw_iface {
	IFACE_GATEWAY = 1,	/* /ssl-vpn/ */
	IFACE_PORTAL = 2	/* /global-protect/ */
};

struct gw_target {
	char		host[CFG_HOST_MAX + 1];	/* lower case, no brackets */
	bool		literal;		/* host is an IP address */
	uint16_t	port;
	enum gw_iface	iface;
	/* Form field that carries the secret ("" = passwd). */
	char		alt_field[RESOLVE_FIELD_MAX];
	struct cfg_addr	addr;			/* set by resolve_lookup */
	char		addr_str[CFG_ADDR_STR_MAX];
};

/*
 * [https://]HOST[:PORT][/PATH] where HOST is a name, an IPv4 address or
 * a bracketed IPv6 address, and PATH is empty, "gateway", "portal",
 * "ssl-vpn..." or "global-protect...", optionally ":field".
 */
int	resolve_url_parse(const char *url, struct gw_target *t,
	    struct gp_err *e);
/*
 * The authority of a URL, s[0..len): host, host:port, [v6], [v6]:port
 * or a bare IPv6 address, into t's host, literal and port (port when
 * none is given). Also for a proxy's URL (proxyconf.c).
 */
int	resolve_authority(struct gw_target *t, const char *s, size_t len,
	    uint16_t port, struct gp_err *e);
/* Fill t->addr: the literal itself, or the first getaddrinfo() answer. */
int	resolve_lookup(struct gw_target *t, struct gp_err *e);
/* "https://host:port" with IPv6 in brackets; out >= RESOLVE_ORIGIN_MAX. */
int	resolve_origin(const struct gw_target *t, char *out, size_t outsz);
/* "https://host[:port]/", the port left out when it is 443. */
int	resolve_connect_url(const struct gw_target *t, char *out,
	    size_t outsz);
/* Host as it appears in a URL: IPv6 literals get brackets. */
int	resolve_url_host(const struct gw_target *t, char *out, size_t outsz);

#endif
