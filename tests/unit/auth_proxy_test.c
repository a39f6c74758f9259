/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's proxy (auth/proxyconf.c, http.c's use of it):
 * URL parsing, the environment read only on request, no_proxy, the
 * frame's proxy fields, and libcurl's connections: the environment never
 * moves them, --proxy always does. Test code only; 127.0.0.1 only.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/http.h"
#include "auth/proxyconf.h"
#include "t.h"

static int
parse(const char *url, struct proxy_conf *p, struct gp_err *e)
{
	e->msg[0] = '\0';
	return proxyconf_parse(url, p, e);
}

static void
want_err(const struct gp_err *e, const char *frag)
{
	if (strstr(e->msg, frag) == NULL) {
		fprintf(stderr, "  got \"%s\", want \"%s\"\n", e->msg, frag);
		t_failed_now = 1;
	}
}

static void
test_parse_good(void)
{
	struct proxy_conf p;
	struct gp_err e;

	T_EQ_INT(parse("http://proxy.corp.example:3128/", &p, &e), 0);
	T_EQ_INT(p.scheme, PROXYCONF_HTTP);
	T_EQ_INT(p.server.port, 3128);
	T_STREQ(p.server.host, "proxy.corp.example");
	T_STREQ(p.source, "--proxy");
	T_EQ_INT(parse("SOCKS5H://198.18.10.1", &p, &e), 0);
	T_EQ_INT(p.scheme, PROXYCONF_SOCKS5H);
	T_CHECK(p.server.literal);
	T_EQ_INT(p.server.port, PROXYCONF_DEFAULT_PORT);
	T_EQ_INT(parse("socks5://[FD00::1]:1081", &p, &e), 0);
	T_EQ_INT(p.scheme, PROXYCONF_SOCKS5);
	T_EQ_INT(p.server.port, 1081);
	T_STREQ(p.server.host, "fd00::1");
	/* No scheme: http, as libcurl takes https_proxy=host:port. */
	T_EQ_INT(parse("Proxy:8080", &p, &e), 0);
	T_EQ_INT(p.scheme, PROXYCONF_HTTP);
	T_EQ_INT(p.server.port, 8080);
	T_STREQ(p.server.host, "proxy");
	T_CHECK(proxyconf_remote_dns(&p));
	T_EQ_INT(parse("socks5://h", &p, &e), 0);
	T_CHECK(!proxyconf_remote_dns(&p));
}

static void
test_parse_bad(void)
{
	char longurl[PROXY_URL_MAX + 8];
	struct proxy_conf p;
	struct gp_err e;

	T_EQ_INT(parse("http://alice:s3cr3t@proxy:3128", &p, &e), -1);
	want_err(&e, "a user name or password is not supported");
	T_CHECK(strstr(e.msg, "s3cr3t") == NULL);
	/* Even where it would look like a path. */
	T_EQ_INT(parse("http://alice:s3/cr3t@proxy", &p, &e), -1);
	T_CHECK(strstr(e.msg, "cr3t") == NULL);
	T_EQ_INT(parse("https://proxy:443", &p, &e), -1);
	want_err(&e, "proxy scheme `https`: TLS to the proxy is not supported");
	T_EQ_INT(parse("socks4://proxy", &p, &e), -1);
	want_err(&e, "proxy scheme `socks4`: expected http, socks5 or socks5h");
	T_EQ_INT(parse("http://proxy/pac.js", &p, &e), -1);
	want_err(&e, "a path, query or fragment is not supported");
	T_EQ_INT(parse("http://proxy?x", &p, &e), -1);
	T_EQ_INT(parse("http://:3128", &p, &e), -1);
	T_EQ_INT(parse("http://proxy:0", &p, &e), -1);
	T_EQ_INT(parse("http://proxy:65536", &p, &e), -1);
	T_EQ_INT(parse("http://pro xy", &p, &e), -1);
	T_EQ_INT(parse("", &p, &e), -1);
	T_EQ_INT(p.scheme, PROXYCONF_NONE);
	memset(longurl, 'a', sizeof(longurl) - 1);
	longurl[sizeof(longurl) - 1] = '\0';
	T_EQ_INT(parse(longurl, &p, &e), -1);
	want_err(&e, "longer than");
}

static void
env_clear(void)
{
	static const char *const v[] = { "https_proxy", "HTTPS_PROXY",
	    "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "http_proxy",
	    "HTTP_PROXY" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		unsetenv(v[i]);
}

static void
test_env(void)
{
	char big[PROXY_NOPROXY_MAX + 2];
	struct proxy_conf p;
	struct gp_err e = { "" };

	env_clear();
	setenv("http_proxy", "http://plain:80", 1);	/* not for https */
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_EQ_INT(p.scheme, PROXYCONF_NONE);
	setenv("ALL_PROXY", "socks5h://all:1080", 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_STREQ(p.server.host, "all");
	T_STREQ(p.source, "ALL_PROXY");
	setenv("HTTPS_PROXY", "upper:3128", 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_STREQ(p.server.host, "upper");
	setenv("https_proxy", "", 1);		/* empty: not set */
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_STREQ(p.server.host, "upper");
	setenv("https_proxy", "http://lower:3128", 1);
	setenv("NO_PROXY", "upper.example", 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_STREQ(p.server.host, "lower");
	T_STREQ(p.source, "https_proxy");
	T_STREQ(p.noproxy, "upper.example");
	setenv("no_proxy", "lower.example,.corp", 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), 0);
	T_STREQ(p.noproxy, "lower.example,.corp");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	setenv("no_proxy", big, 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), -1);
	want_err(&e, "no_proxy: longer than 4096 bytes");
	setenv("https_proxy", "ftp://x", 1);
	T_EQ_INT(proxyconf_from_env(&p, &e), -1);
	want_err(&e, "https_proxy: proxy scheme `ftp`");
	env_clear();
}

static void
test_bypass(void)
{
	T_CHECK(!proxyconf_bypass("", "gw.example.com"));
	T_CHECK(proxyconf_bypass("*", "gw.example.com"));
	T_CHECK(proxyconf_bypass("a.test, *", "gw.example.com"));
	T_CHECK(proxyconf_bypass("example.com", "gw.example.com"));
	T_CHECK(proxyconf_bypass("example.com", "example.com"));
	T_CHECK(proxyconf_bypass(".Example.COM.", "gw.example.com"));
	T_CHECK(proxyconf_bypass(" x.test ,\texample.com", "gw.example.com"));
	T_CHECK(!proxyconf_bypass("ample.com", "gw.example.com"));
	T_CHECK(!proxyconf_bypass("gw.example.com", "example.com"));
	T_CHECK(!proxyconf_bypass("example.com.other", "example.com"));
	T_CHECK(!proxyconf_bypass(".", "example.com"));
	T_CHECK(proxyconf_bypass("198.18.0.1", "198.18.0.1"));
	T_CHECK(!proxyconf_bypass("198.18.0.1", "198.18.0.10"));
	T_CHECK(proxyconf_bypass("10.0.0.0/8,198.18.0.0/15", "198.19.2.3"));
	T_CHECK(!proxyconf_bypass("198.18.0.0/16", "198.19.2.3"));
	T_CHECK(proxyconf_bypass("0.0.0.0/0", "203.0.113.9"));
	T_CHECK(!proxyconf_bypass("198.18.0.0/33", "198.18.0.1"));
	T_CHECK(!proxyconf_bypass("198.18.0.0/", "198.18.0.1"));
	T_CHECK(proxyconf_bypass("fd00::/8", "fd12::1"));
	T_CHECK(!proxyconf_bypass("fd00::/8", "fe80::1"));
	T_CHECK(!proxyconf_bypass("198.18.0.0/15", "gw.example.com"));
	T_CHECK(!proxyconf_bypass("example.com", "198.18.0.1"));
}

static void
test_frame_and_url(void)
{
	struct proxy_conf p;
	struct gw_target t;
	struct cfg_proxy x;
	struct gp_err e;
	char url[128];

	T_EQ_INT(parse("socks5h://[fd00::10]:1080", &p, &e), 0);
	T_EQ_INT(proxyconf_curl_url(&p, url, sizeof(url)), -1);
	T_EQ_INT(proxyconf_resolve(&p, &e), 0);
	T_EQ_INT(proxyconf_curl_url(&p, url, sizeof(url)), 0);
	T_STREQ(url, "socks5h://[fd00::10]:1080");
	T_EQ_INT(resolve_url_parse("https://gw.example.com/", &t, &e), 0);
	proxyconf_frame(&p, &t, &x);
	T_EQ_INT(x.type, CFG_PROXY_SOCKS5);
	T_EQ_INT(x.port, 1080);
	T_STREQ(x.target, "gw.example.com");
	/* socks5: gp-auth resolved the gateway; the proxy gets the address. */
	p.scheme = PROXYCONF_SOCKS5;
	T_EQ_INT(config_addr_parse("198.18.0.1", &t.addr), 0);
	proxyconf_frame(&p, &t, &x);
	T_STREQ(x.target, "198.18.0.1");
	p.scheme = PROXYCONF_HTTP;
	proxyconf_frame(&p, &t, &x);
	T_EQ_INT(x.type, CFG_PROXY_HTTP);
	T_STREQ(x.target, "gw.example.com");
	proxyconf_frame(NULL, &t, &x);
	T_EQ_INT(x.type, CFG_PROXY_NONE);
	T_EQ_INT(x.target[0], '\0');
}

/* ---- libcurl: where do the connections go? ---- */

/* A TCP listener on 127.0.0.1; its port in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		exit(2);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A refusing proxy: one connection, its first line into out, then 403. */
static pid_t
proxy_child(int lfd, int out)
{
	char buf[512];
	ssize_t n;
	pid_t pid;
	int c;

	if ((pid = fork()) != 0)
		return pid;
	alarm(10);
	if ((c = accept(lfd, NULL, NULL)) == -1)
		_exit(1);
	n = read(c, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\r")] = '\0';
	(void)!write(out, buf, strlen(buf));
	(void)!write(c, "HTTP/1.1 403 Forbidden\r\n\r\n", 26);
	_exit(0);
}

/* One POST to https://127.0.0.1:gw_port/ (nothing listens there). */
static int
post(uint16_t gw_port, const struct proxy_conf *px, struct gp_err *e)
{
	struct http_opts o;
	struct gw_target t;
	struct http_req q = { "test", "/x", "", 0, 0 };
	struct http_resp r;
	struct http *h;
	char url[64];
	int rc;

	snprintf(url, sizeof(url), "https://127.0.0.1:%u/", gw_port);
	if (resolve_url_parse(url, &t, e) == -1 || resolve_lookup(&t, e) == -1)
		return -2;
	memset(&o, 0, sizeof(o));
	o.target = &t;
	o.proxy = px;
	if ((h = http_new(&o, e)) == NULL)
		return -2;
	rc = http_post(h, &q, &r, e);
	http_free(h);
	return rc;
}

static bool
pending(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	return poll(&p, 1, 200) == 1;
}

/* https_proxy, all_proxy and no_proxy in the environment move nothing. */
static void
test_curl_ignores_env(void)
{
	struct gp_err e = { "" };
	uint16_t pport, gport;
	int lfd = listener(&pport), gfd = listener(&gport);
	char env[64];

	close(gfd);	/* a port where nothing listens: refused at once */
	snprintf(env, sizeof(env), "http://127.0.0.1:%u", pport);
	setenv("https_proxy", env, 1);
	setenv("HTTPS_PROXY", env, 1);
	setenv("all_proxy", env, 1);
	T_EQ_INT(post(gport, NULL, &e), -1);
	T_CHECK(strstr(e.msg, "test:") != NULL);
	T_CHECK(!pending(lfd));
	env_clear();
	close(lfd);
}

/* --proxy: curl asks the proxy for the gateway, no_proxy or not. */
static void
test_curl_uses_proxy(void)
{
	struct proxy_conf px;
	struct gp_err e = { "" };
	uint16_t pport, gport;
	int lfd = listener(&pport), gfd = listener(&gport), pfd[2];
	char url[64], line[256], want[64];
	ssize_t n;
	pid_t pid;

	close(gfd);
	T_EQ_INT(pipe(pfd), 0);
	pid = proxy_child(lfd, pfd[1]);
	close(pfd[1]);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", pport);
	T_EQ_INT(parse(url, &px, &e), 0);
	T_EQ_INT(proxyconf_resolve(&px, &e), 0);
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	T_EQ_INT(post(gport, &px, &e), -1);
	n = read(pfd[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "CONNECT 127.0.0.1:%u HTTP/1.1", gport);
	T_STREQ(line, want);
	T_CHECK(strstr(e.msg, "403") != NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	env_clear();
	close(pfd[0]);
	close(lfd);
}

int
main(void)
{
	T_RUN(test_parse_good);
	T_RUN(test_parse_bad);
	T_RUN(test_env);
	T_RUN(test_bypass);
	T_RUN(test_frame_and_url);
	T_RUN(test_curl_ignores_env);
	T_RUN(test_curl_uses_proxy);
	return T_DONE();
}
