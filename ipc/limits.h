/* SPDX-License-Identifier: ISC */
/*
 * The size limits on what servers, users and frames hand to gpvpn, each
 * with why it is that number. gp-auth and gp-tunnel both include it
 * (through config.h); it holds constants only, so change a limit here and
 * nowhere else. Sizes are in bytes without the NUL unless a name says so.
 */
#ifndef GPVPN_LIMITS_H
#define GPVPN_LIMITS_H

/* What %-encoding makes of n bytes at worst: each one as "%xx". */
#define LIM_PCT_ENCODED(n)	(3 * (n))

/* ---- the login's saved fields (PROTOCOL.md §5.3), decoded ---- */

/*
 * PAN-OS sends 32 hex digits; other servers send base64url tokens of
 * several hundred characters. 4096 is the size RFC 6265 §6.1 asks every
 * user agent to keep for one cookie, so no server can count on more.
 */
#define CFG_AUTHCOOKIE_MAX	4096
/*
 * user, portal, domain, computer: names. A user may be a UPN or e-mail
 * address, a domain or computer a DNS name (253, RFC 1035); PAN-OS keeps
 * each well under 256.
 */
#define CFG_USER_MAX		256
#define COOKIE_FIELD_MAX	256	/* portal, domain, computer */

/*
 * OpenConnect's cookie string (PROTOCOL.md §5.3): every field above
 * %-encoded, both preferred addresses, and a persistent-cookie as long as
 * an authcookie (yuezk's clients add one; it is read and dropped).
 */
#define COOKIE_STR_KEYS_BYTES	128	/* "authcookie=&portal=&..." */
#define COOKIE_STR_MAX		(COOKIE_STR_KEYS_BYTES + \
	LIM_PCT_ENCODED(2 * CFG_AUTHCOOKIE_MAX + CFG_USER_MAX + \
	3 * COOKIE_FIELD_MAX + 2 * 46) + 1)

/* ---- what carries them ---- */

/* A JNLP <argument> of the login answer: the authcookie, %-encoded. */
#define LOGIN_ARG_MAX		LIM_PCT_ENCODED(CFG_AUTHCOOKIE_MAX)
/* A request body: the cookie string plus the fields of getconfig.esp. */
#define FORM_MAX		(COOKIE_STR_MAX + 4096)
/*
 * The HTTPS tunnel's request line (PROTOCOL.md §8.1): the path, the
 * cookie and user %-encoded, "GET ", "?authcookie=", "&user=" and
 * " HTTP/1.1\r\n\r\n".
 */
#define HTTPS_REQUEST_MAX	(CFG_PATH_MAX + \
	LIM_PCT_ENCODED(CFG_AUTHCOOKIE_MAX + CFG_USER_MAX) + 64)
/*
 * A response body, counted after Content-Encoding is undone: getconfig
 * with 1024 routes is under 200 KiB; more is a hostile server (a gzip
 * bomb is cut here, not in memory).
 */
#define PARSE_BODY_MAX		(1024 * 1024)
/* A frame body: a CONFIG with every field at its maximum fits (frame.h). */
#define FRAME_MAX_BODY_BYTES	(64U * 1024)

/* ---- the tunnel configuration (ipc/config.h) ---- */

#define CFG_HOST_MAX		253	/* DNS name, RFC 1035 */
#define CFG_PATH_MAX		128	/* ssl-tunnel-url; PAN-OS: 26 */
#define CFG_PIN_BYTES		32	/* SHA-256 of the server's SPKI */
#define CFG_DNS_MAX		3	/* resolv.conf's MAXNS */
#define CFG_NBNS_MAX		3
#define CFG_SUFFIX_MAX		8	/* more than vpnc-script passes on */
#define CFG_ROUTES_MAX		1024	/* includes + excludes, v4 + v6 */
#define CFG_KEY_MAX		32	/* largest ESP key (AES-256, SHA-256) */
#define CFG_MTU_MIN		576	/* RFC 791: every IPv4 host takes it */
#define CFG_MTU_MAX		9000	/* jumbo frames */
/* A year: gateways allow login lifetimes far beyond a month. */
#define CFG_TIMEOUT_MAX_S	(366U * 24 * 3600)

/* ---- a proxy on the way to the gateway (gp-auth --proxy) ---- */

/* A proxy URL: scheme, a host name (or bracketed address) and a port. */
#define PROXY_URL_MAX		(sizeof("socks5h://[]:65535/") + CFG_HOST_MAX)
/* no_proxy from the environment: a list of names; longer is refused. */
#define PROXY_NOPROXY_MAX	4096
/*
 * The CONNECT request of gp-tunnel: "CONNECT host:port HTTP/1.1", a Host
 * header with the same authority, and the empty line.
 */
#define PROXY_AUTHORITY_MAX	(CFG_HOST_MAX + sizeof("[]:65535"))
#define PROXY_HTTP_REQUEST_MAX	(2 * PROXY_AUTHORITY_MAX + 64)
/*
 * The proxy's answer to CONNECT, status line and headers: a few hundred
 * bytes from squid or tinyproxy. More is a broken or hostile proxy.
 */
#define PROXY_HTTP_REPLY_MAX	4096
#define PROXY_HTTP_HEADERS_MAX	64

#endif
