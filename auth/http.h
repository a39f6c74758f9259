/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's HTTPS client on libcurl: a handle per origin (its connection
 * and cookie jar, kept for the run by http_pool.c), pinned to the address
 * gp-auth resolved, TLS >= 1.2 checked against castore.c's CAs or a
 * --servercert pin, and the server key captured during verification,
 * before any request byte is sent. Every response byte is untrusted.
 */
#ifndef GPVPN_AUTH_HTTP_H
#define GPVPN_AUTH_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/proxyconf.h"
#include "auth/resolve.h"
#include "ipc/config.h"
#include "ipc/err.h"

#define HTTP_TIMEOUT_MS		60000	/* whole transfer */
#define HTTP_CONNECT_TIMEOUT_MS	15000
#define HTTP_MAX_REDIRECTS	5
#define HTTP_USER_AGENT		"PAN GlobalProtect"
#define HTTP_PAD_BLOCK_BYTES	64	/* X-Pad rounds bodies up to this */

struct http_opts {
	const struct gw_target	*target;	/* resolved; copied */
	const char		*pin_b64;	/* NULL, or a whole pin */
	const char		*useragent;	/* NULL: HTTP_USER_AGENT */
	/* The host on the command line, the one --servercert names: an
	 * untrusted certificate there prints the pin to give. */
	bool			 cmdline_host;
	/* NULL: direct. Else resolved (proxyconf_resolve). */
	const struct proxy_conf	*proxy;
};

/* Request flags. */
#define HTTP_FOLLOW	0x1	/* follow same-origin https redirects */
#define HTTP_FRESH	0x2	/* new TLS connection, closed after (logout) */
#define HTTP_PUBLIC	0x4	/* body holds no secret: -vv may log it */

struct http_req {
	const char	*name;		/* for logs: "prelogin", "login"... */
	const char	*path;		/* "/ssl-vpn/login.esp" */
	const char	*body;		/* form body, may be secret */
	size_t		 len;
	int		 flags;
};

struct http_resp {
	long		 status;
	const char	*body;	/* NUL-terminated, in secret memory owned by
				 * the handle, valid until the next request */
	size_t		 len;
};

struct http;

struct http *http_new(const struct http_opts *o, struct gp_err *e);
/* Between requests: the 1 MiB response buffer (secret, locked) goes
 * back to the system; the next request takes it again. Any response
 * read from h is gone. */
void	http_idle(struct http *h);
void	http_free(struct http *h);
/* POST; 0 with any HTTP status in r, -1 on transport or TLS failure. */
int	http_post(struct http *h, const struct http_req *q,
	    struct http_resp *r, struct gp_err *e);
/* True when t names h's origin: https, the same host and port. */
bool	http_same_origin(const struct http *h, const struct gw_target *t);
/* The target h was opened for: its host, port and resolved address. */
const struct gw_target *http_target(const struct http *h);
/* The SPKI SHA-256 of the verified server key; NULL before a handshake. */
const uint8_t *http_server_key(const struct http *h);

#endif
