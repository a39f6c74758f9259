/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of gp-auth's handle per origin (auth/http_pool.c): a target
 * finds the handle of its own scheme, host and port only (another port
 * of the same host is another origin), handles are opened once per
 * origin, closed on demand (one, or all but the gateway's after login)
 * and bounded. No connection is made.
 */
#include <string.h>

#include <curl/curl.h>

#include "auth/http.h"
#include "auth/http_pool.h"
#include "auth/resolve.h"
#include "t.h"

/* A target as resolve.c makes it: host, port, interface, address. */
static struct gw_target
target(const char *host, uint16_t port, enum gw_iface iface,
    const char *addr)
{
	struct gw_target t;

	memset(&t, 0, sizeof(t));
	snprintf(t.host, sizeof(t.host), "%s", host);
	t.port = port;
	t.iface = iface;
	if (config_addr_parse(addr, &t.addr) == 0)
		config_addr_str(&t.addr, t.addr_str);
	t.literal = strcmp(host, addr) == 0;
	return t;
}

static struct http *
open_at(struct http_pool *p, const struct gw_target *t, struct gp_err *e)
{
	struct http_opts o;

	memset(&o, 0, sizeof(o));
	o.target = t;
	return http_pool_open(p, &o, e);
}

static void
same_origin_same_handle(void)
{
	struct gw_target portal = target("vpn.example.com", 443,
	    IFACE_PORTAL, "198.18.0.1");
	struct gw_target gw = target("vpn.example.com", 443, IFACE_GATEWAY,
	    "198.18.0.9");
	struct http_pool *p = http_pool_new();
	struct gp_err e;
	struct http *h;

	T_CHECK(p != NULL);
	T_CHECK(http_pool_find(p, &portal) == NULL);
	h = open_at(p, &portal, &e);
	T_CHECK(h != NULL);
	/* The gateway on the portal's host and port: the portal's handle,
	 * with the address the portal's connection went to. */
	T_CHECK(http_pool_find(p, &gw) == h);
	T_STREQ(http_target(h)->addr_str, "198.18.0.1");
	T_CHECK(http_same_origin(h, &gw));
	/* Opening it again is refused: one handle per origin. */
	T_CHECK(open_at(p, &gw, &e) == NULL);
	T_CHECK(strstr(e.msg, "open for it already") != NULL);
	T_EQ_INT(http_pool_count(p), 1);
	http_pool_free(p);
}

static void
other_origins_other_handles(void)
{
	struct gw_target a = target("vpn.example.com", 443, IFACE_PORTAL,
	    "198.18.0.1");
	struct gw_target port = target("vpn.example.com", 4443,
	    IFACE_GATEWAY, "198.18.0.1");
	struct gw_target host = target("gw2.example.com", 443, IFACE_GATEWAY,
	    "198.18.0.1");
	struct gw_target addr = target("198.18.0.1", 443, IFACE_GATEWAY,
	    "198.18.0.1");
	struct gw_target v6 = target("2001:db8::1", 443, IFACE_GATEWAY,
	    "2001:db8::1");
	struct http_pool *p = http_pool_new();
	struct http *ha, *hp, *hh, *hx;
	struct gp_err e;

	ha = open_at(p, &a, &e);
	/* Another port of the same host, another name for the same
	 * address, the address itself: each is an origin of its own. */
	T_CHECK(http_pool_find(p, &port) == NULL);
	T_CHECK(http_pool_find(p, &host) == NULL);
	T_CHECK(http_pool_find(p, &addr) == NULL);
	hp = open_at(p, &port, &e);
	hh = open_at(p, &host, &e);
	hx = open_at(p, &v6, &e);
	T_CHECK(ha != NULL);
	T_CHECK(hp != NULL);
	T_CHECK(hh != NULL);
	T_CHECK(hx != NULL);
	T_CHECK(ha != hp);
	T_CHECK(hp != hh);
	T_CHECK(hh != hx);
	T_CHECK(ha != hx);
	T_CHECK(http_pool_find(p, &a) == ha);
	T_CHECK(http_pool_find(p, &port) == hp);
	T_CHECK(http_pool_find(p, &host) == hh);
	T_CHECK(http_pool_find(p, &v6) == hx);
	T_CHECK(!http_same_origin(ha, &port));
	http_pool_free(p);
}

static void
host_case_does_not_matter(void)
{
	struct gw_target a = target("vpn.example.com", 443, IFACE_PORTAL,
	    "198.18.0.1");
	struct gw_target b = target("VPN.Example.COM", 443, IFACE_GATEWAY,
	    "198.18.0.1");
	struct http_pool *p = http_pool_new();
	struct gp_err e;
	struct http *h = open_at(p, &a, &e);

	T_REQUIRE(h != NULL);
	T_CHECK(http_pool_find(p, &b) == h);
	http_pool_free(p);
}

static void
close_and_bound(void)
{
	struct gw_target t[HTTP_POOL_MAX + 1];
	struct http *h[HTTP_POOL_MAX + 1];
	struct http_pool *p = http_pool_new();
	char name[32];
	struct gp_err e;
	size_t i;

	for (i = 0; i <= HTTP_POOL_MAX; i++) {
		snprintf(name, sizeof(name), "gw%zu.example.com", i);
		t[i] = target(name, 443, IFACE_GATEWAY, "198.18.0.1");
	}
	for (i = 0; i < HTTP_POOL_MAX; i++) {
		h[i] = open_at(p, &t[i], &e);
		T_CHECK(h[i] != NULL);
	}
	T_CHECK(open_at(p, &t[HTTP_POOL_MAX], &e) == NULL);
	T_CHECK(strstr(e.msg, "origins open at once") != NULL);
	/* The failover closes a gateway it gives up: gone, the others
	 * stay, and there is room again. */
	http_pool_close(p, h[1]);
	T_EQ_INT(http_pool_count(p), HTTP_POOL_MAX - 1);
	T_CHECK(http_pool_find(p, &t[1]) == NULL);
	for (i = 0; i < HTTP_POOL_MAX; i++)
		T_CHECK(i == 1 || http_pool_find(p, &t[i]) == h[i]);
	h[HTTP_POOL_MAX] = open_at(p, &t[HTTP_POOL_MAX], &e);
	T_CHECK(h[HTTP_POOL_MAX] != NULL);
	T_CHECK(http_pool_find(p, &t[HTTP_POOL_MAX]) == h[HTTP_POOL_MAX]);
	http_pool_free(p);
}

/* After login only the gateway's origin is asked again. */
static void
keep_only_the_gateway(void)
{
	struct gw_target portal = target("portal.example.com", 443,
	    IFACE_PORTAL, "198.18.0.1");
	struct gw_target gw = target("gw.example.com", 443, IFACE_GATEWAY,
	    "198.18.0.2");
	struct gw_target other = target("gw.example.com", 4443,
	    IFACE_GATEWAY, "198.18.0.2");
	struct http_pool *p = http_pool_new();
	struct http *hg;
	struct gp_err e;

	T_CHECK(open_at(p, &portal, &e) != NULL);
	T_CHECK(open_at(p, &other, &e) != NULL);
	hg = open_at(p, &gw, &e);
	T_CHECK(hg != NULL);
	T_EQ_INT(http_pool_keep(p, hg), 2);
	T_EQ_INT(http_pool_count(p), 1);
	T_CHECK(http_pool_find(p, &gw) == hg);
	T_CHECK(http_pool_find(p, &portal) == NULL);
	T_CHECK(http_pool_find(p, &other) == NULL);
	T_EQ_INT(http_pool_keep(p, hg), 0);
	http_pool_free(p);
}

int
main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	T_RUN(same_origin_same_handle);
	T_RUN(other_origins_other_handles);
	T_RUN(host_case_does_not_matter);
	T_RUN(close_and_bound);
	T_RUN(keep_only_the_gateway);
	curl_global_cleanup();
	return T_DONE();
}
