/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-tunnel's proxy handshakes (tunnel/proxy.c and
 * proxy_handshake.c): the requests byte for byte, the parsers against good and
 * hostile answers, and the exchange over a socketpair whose far end plays
 * the proxy. Test code only.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/config.h"
#include "tunnel/proxy.h"
#include "t.h"

#define S(lit)	(const uint8_t *)(lit), sizeof(lit) - 1

static void
want_err(const struct gp_err *e, const char *frag)
{
	if (strstr(e->msg, frag) == NULL) {
		fprintf(stderr, "  got \"%s\", want \"%s\"\n", e->msg, frag);
		t_failed_now = 1;
	}
}

static void
test_requests(void)
{
	char out[PROXY_HTTP_REQUEST_MAX], small[40];
	uint8_t s5[PROXY_SOCKS5_REQUEST_MAX];
	struct gp_err e = { "" };
	int n;

	T_EQ_INT(proxy_authority(out, sizeof(out), "fd00::1", 443), 13);
	T_STREQ(out, "[fd00::1]:443");
	n = proxy_http_request(out, sizeof(out), "gw.gpvpn.test", 443, &e);
	T_STREQ(out, "CONNECT gw.gpvpn.test:443 HTTP/1.1\r\n"
	    "Host: gw.gpvpn.test:443\r\n\r\n");
	T_EQ_INT(n, (int)strlen(out));
	T_EQ_INT(proxy_http_request(out, sizeof(out), "gw\r\nX: y", 443,
	    &e), -1);
	want_err(&e, "proxy: target `gw\\x0d\\x0aX: y` is not a host name");
	T_EQ_INT(proxy_http_request(small, sizeof(small), "gw.gpvpn.test",
	    443, &e), -1);
	want_err(&e, "CONNECT request over 40 bytes");
	T_EQ_INT(proxy_socks5_request(s5, sizeof(s5), "198.18.0.1", 443,
	    &e), 10);
	T_EQ_MEM(s5, "\x05\x01\x00\x01\xc6\x12\x00\x01\x01\xbb",
	    10);
	T_EQ_INT(proxy_socks5_request(s5, sizeof(s5), "fd00::1", 8443,
	    &e), 22);
	T_EQ_INT(s5[3], 4);
	T_EQ_UINT(s5[4], 0xfd);
	T_EQ_INT(s5[19], 1);
	T_EQ_UINT(s5[20], 0x20);
	T_EQ_UINT(s5[21], 0xfb);
	T_EQ_INT(proxy_socks5_request(s5, sizeof(s5), "gw.gpvpn.test", 443,
	    &e), 5 + 13 + 2);
	T_EQ_MEM(s5, "\x05\x01\x00\x03\x0dgw.gpvpn.test\x01\xbb",
	    20);
	T_EQ_INT(proxy_socks5_request(s5, 19, "gw.gpvpn.test", 443, &e), -1);
	T_EQ_INT(proxy_socks5_request(s5, sizeof(s5), "", 443, &e), -1);
}

static int
http(const uint8_t *p, size_t n, struct proxy_http_answer *a,
    struct gp_err *e)
{
	e->msg[0] = '\0';
	return proxy_http_reply(p, n, a, e);
}

static void
test_http_reply_good(void)
{
	static const char tiny[] = "HTTP/1.0 200 OK\r\n"
	    "Proxy-agent: tinyproxy/1.11.1\r\n\r\n\x16\x03\x03";
	struct proxy_http_answer a;
	struct gp_err e;

	T_EQ_INT(http(S("HTTP/1.1 200 Connection established\r\n\r\n"), &a,
	    &e), 0);
	T_EQ_INT(a.status, 200);
	T_EQ_INT(a.line_len, 35);
	T_EQ_INT(a.used, 39);
	/* Bytes after the empty line are TLS: not part of the answer. */
	T_EQ_INT(http(S(tiny), &a, &e), 0);
	T_EQ_INT(a.used, sizeof(tiny) - 1 - 3);
	T_EQ_INT(a.line_len, 15);
	T_EQ_INT(http(S("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
	    "X-Empty:\r\n\r\n"), &a, &e), 0);
	T_EQ_INT(a.status, 403);
	T_EQ_INT(http(S("HTTP/1.1 204\r\n\r\n"), &a, &e), 0);
	T_EQ_INT(a.status, 204);
	T_EQ_INT(a.line_len, 12);
	T_EQ_INT(http(S("HTTP/1.1 200 OK\r\n"), &a, &e), PROXY_MORE);
	T_EQ_INT(http(S("HTTP/1.1 200 OK\r\n\r"), &a, &e), PROXY_MORE);
	T_EQ_INT(http(S("HTTP/1.1 2"), &a, &e), PROXY_MORE);
	T_EQ_INT(http(S(""), &a, &e), PROXY_MORE);
}

static void
bad(const uint8_t *p, size_t n, const char *frag)
{
	struct proxy_http_answer a;
	struct gp_err e;

	T_EQ_INT(http(p, n, &a, &e), -1);
	want_err(&e, frag);
}

static void
test_http_reply_hostile(void)
{
	bad(S("HTTP/1.1 200 OK\n\n"), "a line feed without a carriage "
	    "return at byte 15");
	bad(S("HTTP/1.1 200 OK\rX"), "a carriage return without a line "
	    "feed at byte 15");
	bad(S("HTTP/2.0 200 OK\r\n\r\n"), "not an HTTP status line: "
	    "`HTTP/2.0 200 OK`");
	bad(S("SSH-2.0-OpenSSH_9.2\r\n"), "not an HTTP status line");
	bad(S("HTTP/1.1 099 Low\r\n"), "not an HTTP status line");
	bad(S("HTTP/1.1 20 OK\r\n"), "not an HTTP status line");
	bad(S("HTTP/1.1 200OK\r\n"), "not an HTTP status line");
	bad(S("HTTP/1.1 200 O\001K\r\n"), "not an HTTP status line");
	bad(S("HTTP/1.1 200 O\0K\r\n"), "not an HTTP status line");
	bad(S("\r\n\r\n"), "not an HTTP status line: ``");
	bad(S("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n"), "not an HTTP header "
	    "line: `No colon`");
	bad(S("HTTP/1.1 200 OK\r\n: no name\r\n\r\n"), "not an HTTP header");
	bad(S("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n"), "not an HTTP "
	    "header line: ` folded`");
	bad(S("HTTP/1.1 200 OK\r\nA: b\033[2J\r\n\r\n"), "not an HTTP header");
	bad(S("HTTP/1.1 200 OK\r\nA b: c\r\n\r\n"), "not an HTTP header");
}

static void
test_http_reply_limits(void)
{
	static uint8_t big[PROXY_HTTP_REPLY_MAX + 100];
	struct proxy_http_answer a;
	struct gp_err e;
	size_t i, n;

	/* No end of line at all: more until the cap, an error at it. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 ", 13);
	T_EQ_INT(http(big, PROXY_HTTP_REPLY_MAX - 1, &a, &e), PROXY_MORE);
	T_EQ_INT(http(big, PROXY_HTTP_REPLY_MAX, &a, &e), -1);
	want_err(&e, "no end to the answer to CONNECT within 4096 bytes");
	T_EQ_INT(http(big, sizeof(big), &a, &e), -1);
	/* Headers: 64 are fine, 65 are not. */
	n = (size_t)snprintf((char *)big, sizeof(big), "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < PROXY_HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf((char *)big + n, sizeof(big) - n,
		    "H%zu: v\r\n", i);
	memcpy(big + n, "\r\n", 2);
	T_EQ_INT(http(big, n + 2, &a, &e), 0);
	T_EQ_INT(a.used, n + 2);
	memcpy(big + n, "X: y\r\n\r\n", 8);
	T_EQ_INT(http(big, n + 8, &a, &e), -1);
	want_err(&e, "more than 64 header lines");
	/* The end just inside the cap is an answer; past it is not read. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nA: ", 20);
	memcpy(big + PROXY_HTTP_REPLY_MAX - 4, "\r\n\r\n", 4);
	T_EQ_INT(http(big, sizeof(big), &a, &e), 0);
	T_EQ_INT(a.used, PROXY_HTTP_REPLY_MAX);
	memcpy(big + PROXY_HTTP_REPLY_MAX - 4, "aa\r\n\r\n", 6);
	T_EQ_INT(http(big, sizeof(big), &a, &e), -1);
}

static int
method(const uint8_t *p, size_t n, struct gp_err *e)
{
	e->msg[0] = '\0';
	return proxy_socks5_method(p, n, e);
}

static void
test_socks5_method(void)
{
	struct gp_err e;

	T_EQ_INT(method(S("\x05\x00"), &e), 0);
	T_EQ_INT(method(S("\x05"), &e), PROXY_MORE);
	T_EQ_INT(method(S(""), &e), PROXY_MORE);
	T_EQ_INT(method(S("\x04\x00"), &e), -1);
	want_err(&e, "SOCKS version `4` in the method choice");
	T_EQ_INT(method(S("\x04"), &e), -1);
	T_EQ_INT(method(S("\x05\x02"), &e), -1);
	want_err(&e, "wants a user name and password (method 2)");
	T_EQ_INT(method(S("\x05\xff"), &e), -1);
	want_err(&e, "accepts none of our methods");
	T_EQ_INT(method(S("\x05\x01"), &e), -1);
	want_err(&e, "SOCKS5 method `1`, which we did not offer");
}

static int
reply(const uint8_t *p, size_t n, size_t *need, struct gp_err *e)
{
	e->msg[0] = '\0';
	*need = 12345;
	return proxy_socks5_reply(p, n, need, e);
}

static void
test_socks5_reply(void)
{
	static const uint8_t v4[] = "\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00";
	static const uint8_t name[] = "\x05\x00\x00\x03\x05proxy\x04\x38";
	uint8_t v6[22] = { 5, 0, 0, 4 };
	struct gp_err e;
	size_t i, need;

	for (i = 0; i < 4; i++) {
		T_EQ_INT(reply(v4, i, &need, &e), PROXY_MORE);
		T_EQ_INT(need, 4);
	}
	for (i = 4; i < 10; i++) {
		T_EQ_INT(reply(v4, i, &need, &e), PROXY_MORE);
		T_EQ_INT(need, 10);
	}
	T_EQ_INT(reply(v4, 10, &need, &e), 0);
	T_EQ_INT(need, 10);
	T_EQ_INT(reply(v6, 21, &need, &e), PROXY_MORE);
	T_EQ_INT(need, 22);
	T_EQ_INT(reply(v6, 22, &need, &e), 0);
	T_EQ_INT(need, 22);
	T_EQ_INT(reply(name, 4, &need, &e), PROXY_MORE);
	T_EQ_INT(need, 5);
	T_EQ_INT(reply(name, 5, &need, &e), PROXY_MORE);
	T_EQ_INT(need, 12);
	T_EQ_INT(reply(name, 12, &need, &e), 0);
	T_EQ_INT(need, 12);
	T_EQ_INT(reply(S("\x05\x05"), &need, &e), -1);
	want_err(&e, "SOCKS5 CONNECT failed: connection refused (reply `5`)");
	T_EQ_INT(reply(S("\x05\x02\x00\x01"), &need, &e), -1);
	want_err(&e, "connection not allowed by ruleset (reply `2`)");
	T_EQ_INT(reply(S("\x05\xc8"), &need, &e), -1);
	want_err(&e, "unknown reply code (reply `200`)");
	T_EQ_INT(reply(S("\x04\x00\x00\x01"), &need, &e), -1);
	want_err(&e, "SOCKS version `4` in the reply");
	T_EQ_INT(reply(S("\x05\x00\x01\x01"), &need, &e), -1);
	want_err(&e, "reserved byte `1`");
	T_EQ_INT(reply(S("\x05\x00\x00\x02"), &need, &e), -1);
	want_err(&e, "address type `2` is not 1, 3 or 4");
	T_EQ_INT(reply(S("\x05\x00\x00\x03\x00\x00\x00"), &need, &e), -1);
	want_err(&e, "a bound name of length `0`");
	/* The longest name a reply can carry, and what it needs. */
	T_EQ_INT(reply(S("\x05\x00\x00\x03\xff"), &need, &e), PROXY_MORE);
	T_EQ_INT(need, PROXY_SOCKS5_REPLY_MAX);
}

/* ---- the exchange, over a socketpair ---- */

struct pair {
	int	us;	/* what gp-tunnel holds, non-blocking */
	int	proxy;	/* the far end, written by the test */
};

static void
pair_open(struct pair *p, const void *answer, size_t n)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		exit(2);
	p->us = sv[0];
	p->proxy = sv[1];
	(void)fcntl(p->us, F_SETFL, O_NONBLOCK);
	if (n > 0 && write(p->proxy, answer, n) != (ssize_t)n)
		exit(2);
}

static void
pair_close(struct pair *p)
{
	close(p->us);
	close(p->proxy);
}

/* What gp-tunnel sent to the proxy, as a string. */
static const char *
sent(struct pair *p)
{
	static char buf[1024];
	ssize_t n;

	n = recv(p->proxy, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static struct gp_config *
proxied(uint8_t type, const char *target)
{
	static struct gp_config c;

	memset(&c, 0, sizeof(c));
	c.gw_port = 443;
	c.proxy.type = type;
	c.proxy.port = 8888;
	(void)config_addr_parse("198.18.10.1", &c.proxy.addr);
	snprintf(c.proxy.target, sizeof(c.proxy.target), "%s", target);
	return &c;
}

static int
shake(struct pair *p, const struct gp_config *c, int ms, struct gp_err *e)
{
	e->msg[0] = '\0';
	return proxy_handshake(p->us, c, clock_now_ms() + ms, NULL, e);
}

static void
test_handshake_http(void)
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n"
	    "\r\n\x16\x03\x03";
	struct pair p;
	struct gp_err e;
	char rest[8];

	pair_open(&p, ok, sizeof(ok) - 1);
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_HTTP, "gw.gpvpn.test"), 2000,
	    &e), 0);
	T_STREQ(sent(&p), "CONNECT gw.gpvpn.test:443 HTTP/1.1\r\n"
	    "Host: gw.gpvpn.test:443\r\n\r\n");
	/* The TLS bytes behind the answer are still there for OpenSSL. */
	T_EQ_INT(read(p.us, rest, sizeof(rest)), 3);
	T_EQ_UINT(rest[0], 0x16);
	pair_close(&p);
	pair_open(&p, S("HTTP/1.0 403 Filtered\r\nContent-Type: text/html"
	    "\r\n\r\n<html>"));
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_HTTP, "fd00::1"), 2000, &e), -1);
	T_STREQ(e.msg, "proxy: CONNECT [fd00::1]:443 refused: `HTTP/1.0 403 "
	    "Filtered`");
	pair_close(&p);
	pair_open(&p, S("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n"));
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_HTTP, "gw.gpvpn.test"), 2000,
	    &e), -1);
	want_err(&e, "the proxy wants authentication (HTTP 407)");
	pair_close(&p);
	pair_open(&p, S("HTTP/1.1 200 OK\r\n"));
	(void)shutdown(p.proxy, SHUT_WR);
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_HTTP, "gw.gpvpn.test"), 2000,
	    &e), -1);
	want_err(&e, "closed the connection before its answer was complete");
	pair_close(&p);
}

static void
test_handshake_socks5(void)
{
	static const char ok[] = "\x05\x00" "\x05\x00\x00\x01\x00\x00\x00"
	    "\x00\x00\x00" "\x16";
	struct pair p;
	struct gp_err e;
	uint8_t buf[64];
	ssize_t n;

	pair_open(&p, ok, sizeof(ok) - 1);
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_SOCKS5, "gw.gpvpn.test"), 2000,
	    &e), 0);
	n = recv(p.proxy, buf, sizeof(buf), MSG_DONTWAIT);
	T_EQ_INT(n, 3 + 20);
	T_EQ_MEM(buf, "\x05\x01\x00" "\x05\x01\x00\x03"
	    "\x0dgw.gpvpn.test\x01\xbb", 23);
	T_EQ_INT(read(p.us, buf, sizeof(buf)), 1);
	T_EQ_UINT(buf[0], 0x16);
	pair_close(&p);
	pair_open(&p, S("\x05\x00\x05\x04\x00\x01"));
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_SOCKS5, "198.18.0.1"), 2000,
	    &e), -1);
	T_STREQ(e.msg, "proxy: SOCKS5 CONNECT failed: host unreachable "
	    "(reply `4`)");
	pair_close(&p);
	pair_open(&p, S("\x05\xff"));
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_SOCKS5, "198.18.0.1"), 2000,
	    &e), -1);
	want_err(&e, "accepts none of our methods");
	pair_close(&p);
}

/* A silent proxy: the deadline ends the wait. */
static void
test_handshake_timeout(void)
{
	struct pair p;
	struct gp_err e;
	int64_t t0 = clock_now_ms();

	pair_open(&p, NULL, 0);
	T_EQ_INT(shake(&p, proxied(CFG_PROXY_HTTP, "gw.gpvpn.test"), 300,
	    &e), -1);
	want_err(&e, "proxy: timed out while waiting for the proxy's answer");
	T_CHECK(clock_now_ms() - t0 >= 290);
	T_CHECK(clock_now_ms() - t0 < 3000);
	pair_close(&p);
}

int
main(void)
{
	T_RUN(test_requests);
	T_RUN(test_http_reply_good);
	T_RUN(test_http_reply_hostile);
	T_RUN(test_http_reply_limits);
	T_RUN(test_socks5_method);
	T_RUN(test_socks5_reply);
	T_RUN(test_handshake_http);
	T_RUN(test_handshake_socks5);
	T_RUN(test_handshake_timeout);
	return T_DONE();
}
