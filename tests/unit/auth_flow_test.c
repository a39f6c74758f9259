/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the network-free parts of gp-auth's flow: URL parsing
 * (ports, IPv6 literals, interfaces; flow.c) and the shell quoting of the
 * --authenticate lines (cookie_io.c). The --servercert pins:
 * auth_pin_test.c.
 */
#include <stdint.h>
#include <string.h>

#include "auth/cookie_io.h"
#include "auth/flow.h"
#include "auth/pin.h"
#include "auth/resolve.h"
#include "t.h"

/* SHA-256 bytes 0x00..0x1f and their base64. */
#define HASH_B64	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static void
hash_init(uint8_t *h)
{
	int i;

	for (i = 0; i < CFG_PIN_BYTES; i++)
		h[i] = (uint8_t)i;
}

static void
url_basic(void)
{
	struct gw_target t;
	struct gp_err e;

	T_EQ_INT(resolve_url_parse("vpn.example.com", &t, &e), 0);
	T_STREQ(t.host, "vpn.example.com");
	T_EQ_INT(t.port, 443);
	T_CHECK(!t.literal);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(resolve_url_parse("HTTPS://VPN.Example.com:4443/gateway/",
	    &t, &e), 0);
	T_STREQ(t.host, "vpn.example.com");
	T_EQ_INT(t.port, 4443);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(resolve_url_parse("https://198.18.0.1/ssl-vpn", &t, &e), 0);
	T_CHECK(t.literal);
	T_EQ_INT(t.port, 443);
	T_EQ_INT(t.iface, IFACE_GATEWAY);
	T_EQ_INT(resolve_url_parse("gw/portal", &t, &e), 0);
	T_EQ_INT(t.iface, IFACE_PORTAL);
	T_EQ_INT(resolve_url_parse("gw/gateway:prelogin-cookie", &t, &e), 0);
	T_STREQ(t.alt_field, "prelogin-cookie");
	T_EQ_INT(t.iface, IFACE_GATEWAY);
}

static void
url_ipv6(void)
{
	struct gw_target t;
	struct gp_err e;
	char out[RESOLVE_ORIGIN_MAX];

	T_EQ_INT(resolve_url_parse("https://[FD00::1]:8443/", &t, &e), 0);
	T_STREQ(t.host, "fd00::1");
	T_CHECK(t.literal);
	T_EQ_INT(t.port, 8443);
	T_EQ_INT(resolve_origin(&t, out, sizeof(out)), 0);
	T_STREQ(out, "https://[fd00::1]:8443");
	T_EQ_INT(resolve_connect_url(&t, out, sizeof(out)), 0);
	T_STREQ(out, "https://[fd00::1]:8443/");
	T_EQ_INT(resolve_url_parse("[::1]", &t, &e), 0);
	T_EQ_INT(t.port, 443);
	T_EQ_INT(resolve_connect_url(&t, out, sizeof(out)), 0);
	T_STREQ(out, "https://[::1]/");
	T_EQ_INT(resolve_url_parse("fd00::2", &t, &e), 0);	/* bare */
	T_STREQ(t.host, "fd00::2");
	T_EQ_INT(t.port, 443);
	T_EQ_INT(resolve_url_parse("[1.2.3.4]:443", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("[fd00::1", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("[fd00::1]x", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("[fd00::1]:0", &t, &e), -1);
}

static void
url_rejects(void)
{
	struct gw_target t;
	struct gp_err e;

	T_EQ_INT(resolve_url_parse("http://gw", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("ftp://gw", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("user@gw", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw:65536", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw:0", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw:", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw:44x", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("https://", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("g w", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw/other", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw/gateway:bad field", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw/gateway:", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("gw?x=1", &t, &e), -1);
	T_EQ_INT(resolve_url_parse("bad_host!", &t, &e), -1);
}

static void
shell_quote(void)
{
	char out[32];

	T_EQ_INT(cookie_io_shell_quote("a b&c", out, sizeof(out)), 0);
	T_STREQ(out, "'a b&c'");
	T_EQ_INT(cookie_io_shell_quote("it's", out, sizeof(out)), 0);
	T_STREQ(out, "'it'\\''s'");
	T_EQ_INT(cookie_io_shell_quote("", out, sizeof(out)), 0);
	T_STREQ(out, "''");
	T_EQ_INT(cookie_io_shell_quote("abc", out, 5), -1);
	T_EQ_INT(cookie_io_shell_quote("abc", out, 6), 0);
	T_EQ_INT(cookie_io_shell_quote("'", out, 6), -1);
	T_EQ_INT(cookie_io_shell_quote("'", out, 7), 0);
	T_STREQ(out, "''\\'''");
}

static void
authenticate_text(void)
{
	struct gw_target t;
	struct gp_err e;
	uint8_t h[CFG_PIN_BYTES];
	char out[1024];

	hash_init(h);
	T_EQ_INT(resolve_url_parse("GW.example:4443", &t, &e), 0);
	T_EQ_INT(config_addr_parse("198.18.0.1", &t.addr), 0);
	config_addr_str(&t.addr, t.addr_str);
	T_EQ_INT(cookie_io_auth_text(&t, "authcookie=x&user=o'k", h, out,
	    sizeof(out)), 0);
	T_STREQ(out, "COOKIE='authcookie=x&user=o'\\''k'\n"
	    "HOST='198.18.0.1'\n"
	    "CONNECT_URL='https://gw.example:4443/'\n"
	    "FINGERPRINT='pin-sha256:" HASH_B64 "'\n"
	    "RESOLVE='gw.example:198.18.0.1'\n");
	T_EQ_INT(resolve_url_parse("[fd00::1]", &t, &e), 0);
	T_EQ_INT(resolve_lookup(&t, &e), 0);
	T_EQ_INT(cookie_io_auth_text(&t, "c", h, out, sizeof(out)), 0);
	T_CHECK(strstr(out, "CONNECT_URL='https://[fd00::1]/'\n") != NULL);
	T_CHECK(strstr(out, "\nRESOLVE=\n") != NULL);
	T_EQ_INT(cookie_io_auth_text(&t, "c", h, out, 40), -1);
	/* Behind a proxy that resolves names: no address, the name. */
	T_EQ_INT(resolve_url_parse("gw.example", &t, &e), 0);
	T_EQ_INT(cookie_io_auth_text(&t, "c", h, out, sizeof(out)), 0);
	T_CHECK(strstr(out, "\nHOST='gw.example'\n") != NULL);
	T_CHECK(strstr(out, "\nRESOLVE=\n") != NULL);
}

static void
os_names(void)
{
	const char *os = NULL, *ver = NULL;

	T_EQ_INT(flow_os("linux", &os, &ver), 0);
	T_STREQ(os, "Linux");
	T_STREQ(ver, "linux-64");
	T_EQ_INT(flow_os("win", &os, &ver), 0);
	T_STREQ(os, "Windows");
	T_EQ_INT(flow_os("mac", &os, &ver), 0);
	T_STREQ(os, "Mac");
	T_STREQ(ver, "mac-intel");
	T_EQ_INT(flow_os("amiga", &os, &ver), -1);
}

int
main(void)
{
	T_RUN(url_basic);
	T_RUN(url_ipv6);
	T_RUN(url_rejects);
	T_RUN(shell_quote);
	T_RUN(authenticate_text);
	T_RUN(os_names);
	return T_DONE();
}
