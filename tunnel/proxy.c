/* SPDX-License-Identifier: ISC */
/*
 * The proxy handshakes' pure half (see proxy.h): the CONNECT and SOCKS5
 * requests gp-tunnel [net] sends, and the parsers of what the proxy
 * answers. The answers are untrusted network bytes: every parser is
 * bounded, checks each byte as it comes and stops at the first wrong one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/proxy.h"

#define SOCKS5_VERSION		5
#define SOCKS5_CMD_CONNECT	1
#define SOCKS5_ATYP_IPV4	1
#define SOCKS5_ATYP_NAME	3
#define SOCKS5_ATYP_IPV6	4
#define SOCKS5_METHOD_NONE	0x00
#define SOCKS5_METHOD_USERPASS	0x02
#define SOCKS5_METHOD_REFUSED	0xff
#define HTTP_STATUS_LINE_MIN	12	/* "HTTP/1.1 200" */

int
proxy_authority(char *out, size_t outsz, const char *host, uint16_t port)
{
	bool v6 = strchr(host, ':') != NULL;
	int n;

	n = snprintf(out, outsz, "%s%s%s:%u", v6 ? "[" : "", host,
	    v6 ? "]" : "", (unsigned)port);
	return n < 0 || (size_t)n >= outsz ? -1 : n;
}

static int
proxy_bad_target(const char *host, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	return err_set(e, "proxy: target `%s` is not a host name or address",
	    err_quote(q, host, strnlen(host, CFG_HOST_MAX + 1)));
}

int
proxy_http_request(char *out, size_t outsz, const char *host,
    uint16_t port, struct gp_err *e)
{
	char auth[PROXY_AUTHORITY_MAX];
	int n;

	if (outsz > 0)
		out[0] = '\0';
	if (!config_hostname_ok(host))
		return proxy_bad_target(host, e);
	if (proxy_authority(auth, sizeof(auth), host, port) == -1)
		return err_set(e, "proxy: target `%s` too long", host);
	n = snprintf(out, outsz, "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n",
	    auth, auth);
	if (n < 0 || (size_t)n >= outsz)
		return err_set(e, "proxy: CONNECT request over %zu bytes",
		    outsz);
	return n;
}

/* tchar (RFC 9110 §5.6.2): what a header name is made of. */
static bool
proxy_tchar(uint8_t ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

/* A reason phrase or field value: visible, SP, HTAB, obs-text. */
static bool
proxy_text(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != '\t' && (p[i] < 0x20 || p[i] == 0x7f))
			return false;
	return true;
}

static int
proxy_digit(struct buf *b, int *v)
{
	uint8_t ch = 0;

	if (buf_get_u8(b, &ch) == -1 || ch < '0' || ch > '9')
		return -1;
	*v = *v * 10 + (ch - '0');
	return 0;
}

/* "HTTP/1.0 NNN" or "HTTP/1.1 NNN", then nothing or SP and a reason. */
static int
proxy_status_line(const uint8_t *p, size_t len, int *status,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], proto[9];
	struct buf b;
	uint8_t sp = 0;
	int code = 0;

	buf_view(&b, p, len);
	if (buf_get_bytes(&b, proto, sizeof(proto)) == -1 ||
	    (memcmp(proto, "HTTP/1.1 ", 9) != 0 &&
	    memcmp(proto, "HTTP/1.0 ", 9) != 0) ||
	    proxy_digit(&b, &code) == -1 || proxy_digit(&b, &code) == -1 ||
	    proxy_digit(&b, &code) == -1 || code < 100 ||
	    (buf_get_u8(&b, &sp) == 0 && sp != ' ') ||
	    !proxy_text(buf_ptr(&b), buf_avail(&b)))
		return err_set(e, "proxy: not an HTTP status line: `%s`",
		    err_quote(q, (const char *)p, len));
	*status = code;
	return 0;
}

/* "name: value"; no folding (a line may not start with a blank). */
static int
proxy_header_line(const uint8_t *p, size_t len, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t i = 0;

	while (i < len && proxy_tchar(p[i]))
		i++;
	if (i == 0 || i == len || p[i] != ':' ||
	    !proxy_text(p + i + 1, len - i - 1))
		return err_set(e, "proxy: not an HTTP header line: `%s`",
		    err_quote(q, (const char *)p, len));
	return 0;
}

/* Line number no of the answer, p[0..len) without its CRLF. */
static int
proxy_line(const uint8_t *p, size_t len, size_t no,
    struct proxy_http_answer *a, struct gp_err *e)
{
	if (no == 0) {
		a->line_len = len;
		return proxy_status_line(p, len, &a->status, e);
	}
	if (no > PROXY_HTTP_HEADERS_MAX)
		return err_set(e, "proxy: more than %u header lines in the "
		    "answer to CONNECT", PROXY_HTTP_HEADERS_MAX);
	return proxy_header_line(p, len, e);
}

int
proxy_http_reply(const uint8_t *p, size_t n, struct proxy_http_answer *a,
    struct gp_err *e)
{
	size_t i, start = 0, no = 0;

	memset(a, 0, sizeof(*a));
	if (n > PROXY_HTTP_REPLY_MAX)
		n = PROXY_HTTP_REPLY_MAX;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			return err_set(e, "proxy: a line feed without a "
			    "carriage return at byte %zu of the answer", i);
		if (p[i] != '\r' || i + 1 == n)
			continue;
		if (p[i + 1] != '\n')
			return err_set(e, "proxy: a carriage return without "
			    "a line feed at byte %zu of the answer", i);
		if (i == start && no > 0) {
			a->used = i + 2;
			return 0;
		}
		if (proxy_line(p + start, i - start, no, a, e) == -1)
			return -1;
		no++;
		start = ++i + 1;
	}
	if (n == PROXY_HTTP_REPLY_MAX)
		return err_set(e, "proxy: no end to the answer to CONNECT "
		    "within %u bytes", PROXY_HTTP_REPLY_MAX);
	return PROXY_MORE;
}

int
proxy_socks5_method(const uint8_t *p, size_t n, struct gp_err *e)
{
	struct buf b;
	uint8_t ver = 0, method = 0;

	buf_view(&b, p, n);
	if (buf_get_u8(&b, &ver) == 0 && ver != SOCKS5_VERSION)
		return err_set(e, "proxy: SOCKS version `%u` in the method "
		    "choice, expected 5", ver);
	if (buf_get_u8(&b, &method) == -1)
		return PROXY_MORE;
	switch (method) {
	case SOCKS5_METHOD_NONE:
		return 0;
	case SOCKS5_METHOD_USERPASS:
		return err_set(e, "proxy: the SOCKS5 proxy wants a user name "
		    "and password (method 2); gpvpn does no proxy "
		    "authentication");
	case SOCKS5_METHOD_REFUSED:
		return err_set(e, "proxy: the SOCKS5 proxy accepts none of "
		    "our methods (we offer only `no authentication`)");
	default:
		return err_set(e, "proxy: SOCKS5 method `%u`, which we did "
		    "not offer", method);
	}
}

int
proxy_socks5_request(uint8_t *out, size_t outsz, const char *target,
    uint16_t port, struct gp_err *e)
{
	struct cfg_addr a;
	size_t n = 4, alen;

	if (!config_hostname_ok(target))
		return proxy_bad_target(target, e);
	alen = strlen(target);
	if (config_addr_parse(target, &a) == 0)
		alen = a.family == CFG_AF_INET ? 4 : 16;
	if (outsz < 4 + 1 + alen + 2)
		return err_set(e, "proxy: SOCKS5 request over %zu bytes",
		    outsz);
	out[0] = SOCKS5_VERSION;
	out[1] = SOCKS5_CMD_CONNECT;
	out[2] = 0;
	if (a.family == CFG_AF_INET || a.family == CFG_AF_INET6) {
		out[3] = a.family == CFG_AF_INET ? SOCKS5_ATYP_IPV4 :
		    SOCKS5_ATYP_IPV6;
		memcpy(out + n, a.bytes, alen);
	} else {
		out[3] = SOCKS5_ATYP_NAME;
		out[n++] = (uint8_t)alen;
		memcpy(out + n, target, alen);
	}
	n += alen;
	out[n++] = (uint8_t)(port >> 8);
	out[n++] = (uint8_t)port;
	return (int)n;
}

static const char *
proxy_socks5_why(uint8_t rep)
{
	static const char *const why[] = { "succeeded",
	    "general SOCKS server failure",
	    "connection not allowed by ruleset", "network unreachable",
	    "host unreachable", "connection refused", "TTL expired",
	    "command not supported", "address type not supported" };

	return rep < sizeof(why) / sizeof(why[0]) ? why[rep] :
	    "unknown reply code";
}

/* ATYP 3: a length byte (not 0), the name, the port. */
static int
proxy_socks5_name(struct buf *b, size_t n, size_t *need, struct gp_err *e)
{
	uint8_t len = 0;

	*need = 5;
	if (buf_get_u8(b, &len) == -1)
		return PROXY_MORE;
	if (len == 0)
		return err_set(e, "proxy: SOCKS5 reply: a bound name of "
		    "length `0`");
	*need = 4 + 1 + (size_t)len + 2;
	return n >= *need ? 0 : PROXY_MORE;
}

int
proxy_socks5_reply(const uint8_t *p, size_t n, size_t *need,
    struct gp_err *e)
{
	struct buf b;
	uint8_t ver = 0, rep = 0, rsv = 0, atyp = 0;

	buf_view(&b, p, n);
	*need = 4;
	if (buf_get_u8(&b, &ver) == 0 && ver != SOCKS5_VERSION)
		return err_set(e, "proxy: SOCKS version `%u` in the reply, "
		    "expected 5", ver);
	if (buf_get_u8(&b, &rep) == 0 && rep != 0)
		return err_set(e, "proxy: SOCKS5 CONNECT failed: %s (reply "
		    "`%u`)", proxy_socks5_why(rep), rep);
	if (buf_get_u8(&b, &rsv) == 0 && rsv != 0)
		return err_set(e, "proxy: SOCKS5 reply: reserved byte `%u`, "
		    "expected 0", rsv);
	if (buf_get_u8(&b, &atyp) == -1)
		return PROXY_MORE;
	if (atyp == SOCKS5_ATYP_IPV4)
		*need = 4 + 4 + 2;
	else if (atyp == SOCKS5_ATYP_IPV6)
		*need = 4 + 16 + 2;
	else if (atyp == SOCKS5_ATYP_NAME)
		return proxy_socks5_name(&b, n, need, e);
	else
		return err_set(e, "proxy: SOCKS5 reply: address type `%u` is "
		    "not 1, 3 or 4", atyp);
	return n >= *need ? 0 : PROXY_MORE;
}
