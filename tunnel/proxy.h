/* SPDX-License-Identifier: ISC */
/*
 * The proxy handshakes of gp-tunnel [net] before TLS (HTTP CONNECT and
 * SOCKS5 without authentication): request builders, strict and bounded
 * parsers of the proxy's answers, and the exchange on the TCP socket.
 * Every byte a proxy sends is untrusted; the config was validated.
 */
#ifndef GPVPN_TUNNEL_PROXY_H
#define GPVPN_TUNNEL_PROXY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"

/* Parsers: 0 done, PROXY_MORE for more bytes, -1 malformed (e says). */
#define PROXY_MORE		1

/* "host:port", "[v6]:port": the length, or -1 if out is too small. */
int	proxy_authority(char *out, size_t outsz, const char *host,
	    uint16_t port);

/*
 * "CONNECT host:port HTTP/1.1", a Host header with the same authority,
 * the empty line. host must pass config_hostname_ok(). The length, or -1.
 */
int	proxy_http_request(char *out, size_t outsz, const char *host,
	    uint16_t port, struct gp_err *e);

struct proxy_http_answer {
	int	status;		/* 100..999 */
	size_t	line_len;	/* the status line, without its CRLF */
	size_t	used;		/* bytes through the empty line */
};

/*
 * The answer to CONNECT in p[0..n): "HTTP/1.0|1.1 NNN[ reason]", at most
 * PROXY_HTTP_HEADERS_MAX header lines "name: value", the empty line; CRLF
 * only, no control bytes, no folding. PROXY_MORE while the empty line has
 * not come and n < PROXY_HTTP_REPLY_MAX. Bytes past a->used are not read.
 */
int	proxy_http_reply(const uint8_t *p, size_t n,
	    struct proxy_http_answer *a, struct gp_err *e);

/* SOCKS5 (RFC 1928). We offer one method: none (0x00). */
#define PROXY_SOCKS5_GREETING	"\x05\x01\x00"
#define PROXY_SOCKS5_GREETING_BYTES	3
#define PROXY_SOCKS5_METHOD_BYTES	2
/* VER CMD RSV ATYP, a name of up to 255 bytes with its length, port. */
#define PROXY_SOCKS5_REQUEST_MAX	(4 + 1 + 255 + 2)
/* The same for the reply: the largest a proxy may send. */
#define PROXY_SOCKS5_REPLY_MAX		(4 + 1 + 255 + 2)

/* The method choice, exactly 2 bytes: 0, PROXY_MORE or -1. */
int	proxy_socks5_method(const uint8_t *p, size_t n, struct gp_err *e);
/*
 * CONNECT to target: an IPv4 or IPv6 literal goes as an address, anything
 * else as a domain name (the proxy resolves it). The length, or -1.
 */
int	proxy_socks5_request(uint8_t *out, size_t outsz, const char *target,
	    uint16_t port, struct gp_err *e);
/*
 * The reply in p[0..n): VER 5, REP 0, RSV 0, ATYP 1, 3 or 4 and the bound
 * address and port. PROXY_MORE with *need the bytes the reply has at
 * least (more than n); 0 with *need its whole length; -1 at the first
 * wrong byte (a refusal names the proxy's reason).
 */
int	proxy_socks5_reply(const uint8_t *p, size_t n, size_t *need,
	    struct gp_err *e);

/*
 * On fd, a connected non-blocking TCP socket to c->proxy: ask for the
 * gateway (c->proxy.target, c->gw_port) and read the answer, to the
 * deadline (clock_now_ms) or until *cancel. Nothing past the answer is
 * read, so TLS starts on a clean stream. 0 or -1.
 */
int	proxy_handshake(int fd, const struct gp_config *c, int64_t deadline,
	    volatile sig_atomic_t *cancel, struct gp_err *e);

#endif
