/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for flow_url_parse (auth/flow.c): which interface a
 * URL or --usergroup names and the SAML ":field" (PROTOCOL.md §3.3).
 * Test code; the URLs are the user's own.
 */
#include <string.h>

#include "auth/flow.h"
#include "t.h"

static int
parse(const char *url, const char *group, bool cookie, struct gw_target *t)
{
	struct flow_opts o;
	struct gp_err e = { "" };

	memset(&o, 0, sizeof(o));
	o.url = url;
	o.usergroup = group;
	o.cookie_on_stdin = cookie;
	return flow_url_parse(&o, t, &e);
}

static void
interfaces(void)
{
	struct gw_target t;

	T_EQ_INT(parse("198.18.0.1", NULL, false, &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_EQ_INT(parse("https://gw.example/", NULL, false, &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_EQ_INT(parse("https://gw.example/", NULL, true, &t), 0);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(parse("https://gw.example/gateway", NULL, false, &t), 0);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(t.alt_field[0], '\0');
	T_EQ_INT(parse("gw.example/ssl-vpn", NULL, false, &t), 0);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(parse("gw.example/global-protect", NULL, false, &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_EQ_INT(parse("https://gw.example/portal:prelogin-cookie", NULL,
	    false, &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_STREQ(t.alt_field, "prelogin-cookie");
	T_EQ_INT(parse("https://gw.example/:prelogin-cookie", NULL, false,
	    &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_STREQ(t.alt_field, "prelogin-cookie");
	T_EQ_INT(parse("https://gw.example/elsewhere", NULL, false, &t), -1);
}

static void
usergroup(void)
{
	struct gw_target t;

	T_EQ_INT(parse("https://gw.example:4443/portal",
	    "gateway:portal-userauthcookie", false, &t), 0);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(t.port, 4443);
	T_STREQ(t.alt_field, "portal-userauthcookie");
	T_STREQ(t.host, "gw.example");
	T_EQ_INT(parse("gw.example", "portal:prelogin-cookie", false,
	    &t), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_STREQ(t.alt_field, "prelogin-cookie");
	T_EQ_INT(parse("[2001:db8::1]:443", "gateway", false, &t), 0);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(parse("gw.example", "portal:bad field", false, &t), -1);
}

int
main(void)
{
	T_RUN(interfaces);
	T_RUN(usergroup);
	return T_DONE();
}
