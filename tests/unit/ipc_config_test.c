/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the tunnel configuration (ipc/config.c): the field
 * predicates, every config_validate() rule (THREATS.md 12 and 14), and
 * config_print() with secrets redacted. Test code only.
 */
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "t.h"

static void
fill_config(struct gp_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->gw_host, sizeof(c->gw_host), "vpn.example.com");
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	c->gw_port = 443;
	memset(c->gw_pin, 0xab, sizeof(c->gw_pin));
	snprintf(c->tunnel_path, sizeof(c->tunnel_path),
	    "/ssl-tunnel-connect.sslvpn");
	snprintf(c->authcookie, sizeof(c->authcookie),
	    "0123456789abcdef0123456789abcdef");
	snprintf(c->user, sizeof(c->user), "alice@example.com");
	(void)config_addr_parse("198.18.1.2", &c->ip4);
	c->ip4_prefixlen = 32;
	c->esp.present = true;
	c->esp.enc = CFG_ENC_AES128_CBC;
	c->esp.mac = CFG_MAC_SHA1_96;
	c->esp.udp_port = 4501;
	c->esp.spi_c2s = 0xa5a5a5a5;
	c->esp.spi_s2c = 0x5a5a5a5a;
	memset(c->esp.ekey_c2s, 0x11, 16);
	memset(c->esp.ekey_s2c, 0x22, 16);
	memset(c->esp.akey_c2s, 0x33, 20);
	memset(c->esp.akey_s2c, 0x44, 20);
	(void)config_addr_parse("198.18.0.1", &c->esp.magic4);
}

/* Each case starts from the valid config and changes one thing. */
static struct gp_config *cfg;

static void
reset(void)
{
	fill_config(cfg);
}

static void
expect_err(const char *want)
{
	struct gp_err e;

	e.msg[0] = '\0';
	if (config_validate(cfg, &e) != -1 || strcmp(e.msg, want) != 0) {
		fprintf(stderr, "  got \"%s\", want \"%s\"\n", e.msg, want);
		t_failed_now = 1;
	}
	reset();
}

static void
expect_ok(void)
{
	struct gp_err e;

	e.msg[0] = '\0';
	if (config_validate(cfg, &e) != 0) {
		fprintf(stderr, "  unexpected: \"%s\"\n", e.msg);
		t_failed_now = 1;
	}
	reset();
}

static void
set_addr(struct cfg_addr *a, const char *s)
{
	T_EQ_INT(config_addr_parse(s, a), 0);
}

static void
addresses(void)
{
	char s[CFG_ADDR_STR_MAX];
	struct cfg_addr a;

	T_EQ_INT(config_addr_parse("198.18.0.1", &a), 0);
	T_EQ_INT(a.family, CFG_AF_INET);
	T_EQ_INT(a.bytes[0], 198);
	T_EQ_INT(a.bytes[3], 1);
	T_STREQ(config_addr_str(&a, s), "198.18.0.1");
	T_EQ_INT(config_addr_parse("fd00::1", &a), 0);
	T_EQ_INT(a.family, CFG_AF_INET6);
	T_EQ_INT(a.bytes[15], 1);
	T_STREQ(config_addr_str(&a, s), "fd00::1");
	T_EQ_INT(config_addr_parse("127.1", &a), -1);
	T_EQ_INT(a.family, 0);
	T_EQ_INT(config_addr_parse("1.2.3.4 ", &a), -1);
	T_EQ_INT(config_addr_parse("0x7f.0.0.1", &a), -1);
	T_EQ_INT(config_addr_parse("fe80::1%eth0", &a), -1);
	T_EQ_INT(config_addr_parse("", &a), -1);
	T_EQ_INT(config_addr_parse(NULL, &a), -1);
	a.family = 9;
	T_STREQ(config_addr_str(&a, s), "(family 9)");
}

static void
key_lengths(void)
{
	T_EQ_INT(config_enc_key_len(CFG_ENC_AES128_CBC), 16);
	T_EQ_INT(config_enc_key_len(CFG_ENC_AES256_CBC), 32);
	T_EQ_INT(config_enc_key_len(0), 0);
	T_EQ_INT(config_enc_key_len(3), 0);
	T_EQ_INT(config_mac_key_len(CFG_MAC_MD5_96), 16);
	T_EQ_INT(config_mac_key_len(CFG_MAC_SHA1_96), 20);
	T_EQ_INT(config_mac_key_len(CFG_MAC_SHA256_128), 32);
	T_EQ_INT(config_mac_key_len(0), 0);
	T_EQ_INT(config_mac_key_len(4), 0);
	T_EQ_INT(config_mac_icv_len(CFG_MAC_MD5_96), 12);
	T_EQ_INT(config_mac_icv_len(CFG_MAC_SHA1_96), 12);
	T_EQ_INT(config_mac_icv_len(CFG_MAC_SHA256_128), 16);
	T_EQ_INT(config_mac_icv_len(9), 0);
}

static void
hostnames(void)
{
	char s[300];

	T_CHECK(config_hostname_ok("vpn.example.com"));
	T_CHECK(config_hostname_ok("vpn"));
	T_CHECK(config_hostname_ok("a-b.c0"));
	T_CHECK(config_hostname_ok("198.18.0.1"));
	T_CHECK(config_hostname_ok("fd00::1"));
	T_CHECK(!config_hostname_ok(""));
	T_CHECK(!config_hostname_ok(NULL));
	T_CHECK(!config_hostname_ok("-a.com"));
	T_CHECK(!config_hostname_ok("a-.com"));
	T_CHECK(!config_hostname_ok("a..com"));
	T_CHECK(!config_hostname_ok(".a.com"));
	T_CHECK(!config_hostname_ok("a.com."));
	T_CHECK(!config_hostname_ok("a_b.com"));
	T_CHECK(!config_hostname_ok("a b.com"));
	T_CHECK(!config_hostname_ok("a.com\n"));
	T_CHECK(!config_hostname_ok("a;b.com"));
	T_CHECK(!config_hostname_ok("$(id).com"));
	T_CHECK(!config_hostname_ok("127.1"));
	T_CHECK(!config_hostname_ok("1.2.3.999"));
	memset(s, 'a', 64);
	s[64] = '\0';
	T_CHECK(!config_hostname_ok(s));		/* label of 64 */
	s[63] = '\0';
	T_CHECK(config_hostname_ok(s));
	memset(s, 'a', sizeof(s));
	s[63] = s[127] = s[191] = '.';
	s[253] = '\0';
	T_CHECK(config_hostname_ok(s));
	s[253] = 'a';
	s[254] = '\0';
	T_CHECK(!config_hostname_ok(s));
	s[299] = '\0';
	T_CHECK(!config_hostname_ok(s));		/* 300 characters */
}

static void
cookies_users_paths(void)
{
	char s[CFG_AUTHCOOKIE_MAX + 2];

	T_CHECK(config_cookie_ok("0123456789abcdef"));
	T_CHECK(config_cookie_ok("QUJD+/=_-"));
	T_CHECK(!config_cookie_ok(""));
	T_CHECK(!config_cookie_ok("ab cd"));
	T_CHECK(!config_cookie_ok("ab&cd"));
	T_CHECK(!config_cookie_ok("ab;cd"));
	T_CHECK(!config_cookie_ok("ab..cd"));
	T_CHECK(!config_cookie_ok("ab%00"));
	T_CHECK(!config_cookie_ok("ab\ncd"));
	memset(s, 'a', sizeof(s));
	s[CFG_AUTHCOOKIE_MAX] = '\0';
	T_CHECK(config_cookie_ok(s));
	s[0] = '-';	/* base64url, at its maximum */
	s[CFG_AUTHCOOKIE_MAX - 1] = '_';
	T_CHECK(config_cookie_ok(s));
	s[0] = 'a';
	s[CFG_AUTHCOOKIE_MAX - 1] = 'a';
	s[CFG_AUTHCOOKIE_MAX] = 'a';
	s[CFG_AUTHCOOKIE_MAX + 1] = '\0';
	T_CHECK(!config_cookie_ok(s));

	T_CHECK(config_user_ok("DOMAIN\\first.last@example.com"));
	T_CHECK(config_user_ok("Jane Doe"));
	T_CHECK(!config_user_ok(""));
	T_CHECK(!config_user_ok("a\nb"));
	T_CHECK(!config_user_ok("a\tb"));
	T_CHECK(!config_user_ok("a\x7f"));
	T_CHECK(!config_user_ok("caf\xc3\xa9"));
	s[CFG_USER_MAX] = '\0';
	T_CHECK(config_user_ok(s));
	s[CFG_USER_MAX] = 'a';
	T_CHECK(!config_user_ok(s));

	T_CHECK(config_path_ok("/ssl-tunnel-connect.sslvpn"));
	T_CHECK(config_path_ok("/a/b~c_d.e-f"));
	T_CHECK(!config_path_ok(""));
	T_CHECK(!config_path_ok("ssl-tunnel"));
	T_CHECK(!config_path_ok("/a/../etc"));
	T_CHECK(!config_path_ok("//evil.example/x"));
	T_CHECK(!config_path_ok("/a?b=c"));
	T_CHECK(!config_path_ok("/a b"));
	T_CHECK(!config_path_ok("/a\r\nHost: x"));
	s[0] = '/';
	s[CFG_PATH_MAX] = '\0';
	T_CHECK(config_path_ok(s));
	s[CFG_PATH_MAX] = 'a';
	T_CHECK(!config_path_ok(s));
}

/* NULL is refused by every string check; families give their sizes. */
static void
null_strings_and_addr_lens(void)
{
	T_CHECK(!config_cookie_ok(NULL));
	T_CHECK(!config_user_ok(NULL));
	T_CHECK(!config_path_ok(NULL));
	T_EQ_INT(config_addr_len(CFG_AF_INET), 4);
	T_EQ_INT(config_addr_len(CFG_AF_INET6), 16);
	T_EQ_INT(config_addr_len(CFG_AF_NONE), 0);
	T_EQ_INT(config_addr_len(5), 0);
}

static void
valid_configs(void)
{
	expect_ok();
	memset(&cfg->esp, 0, sizeof(cfg->esp));
	expect_ok();
	cfg->ip4.family = 0;
	memset(cfg->ip4.bytes, 0, sizeof(cfg->ip4.bytes));
	cfg->ip4_prefixlen = 0;
	set_addr(&cfg->ip6, "fd00::2");
	cfg->ip6_prefixlen = 64;
	expect_ok();
	set_addr(&cfg->gw_addr, "127.0.0.1");	/* a test gateway */
	set_addr(&cfg->esp.magic4, "127.0.0.1");
	set_addr(&cfg->esp.magic6, "::1");
	expect_ok();
	cfg->mtu = CFG_MTU_MIN;
	expect_ok();
	cfg->mtu = CFG_MTU_MAX;
	expect_ok();
	cfg->timeout_s = CFG_TIMEOUT_MAX_S;
	expect_ok();
}

static void
gateway_rules(void)
{
	snprintf(cfg->gw_host, sizeof(cfg->gw_host), "evil.com;reboot");
	expect_err("field `gw_host`: `evil.com;reboot` is not allowed");
	cfg->gw_host[0] = '\0';
	expect_err("field `gw_host`: missing");
	memset(cfg->gw_host, 'a', sizeof(cfg->gw_host));
	expect_err("field `gw_host`: not terminated");
	memset(&cfg->gw_addr, 0, sizeof(cfg->gw_addr));
	expect_err("field `gw_addr`: missing");
	set_addr(&cfg->gw_addr, "0.0.0.0");
	expect_err("field `gw_addr`: `0.0.0.0` is the unspecified address");
	set_addr(&cfg->gw_addr, "::");
	expect_err("field `gw_addr`: `::` is the unspecified address");
	set_addr(&cfg->gw_addr, "239.1.1.1");
	expect_err("field `gw_addr`: `239.1.1.1` is a multicast address");
	set_addr(&cfg->gw_addr, "255.255.255.255");
	expect_err("field `gw_addr`: `255.255.255.255` is a reserved or "
	    "broadcast address");
	cfg->gw_addr.family = 5;
	expect_err("field `gw_addr`: `(family 5)` has no valid address "
	    "family");
	cfg->gw_addr.bytes[9] = 1;
	expect_err("field `gw_addr`: `198.18.0.1` has stray bytes after the "
	    "IPv4 address");
	snprintf(cfg->gw_host, sizeof(cfg->gw_host), "198.18.0.2");
	expect_err("field `gw_addr`: `198.18.0.1` differs from the address "
	    "in `gw_host`");
	snprintf(cfg->gw_host, sizeof(cfg->gw_host), "198.18.0.1");
	expect_ok();
	cfg->gw_port = 0;
	expect_err("field `gw_port`: `0` is not a port");
	snprintf(cfg->tunnel_path, sizeof(cfg->tunnel_path), "/../x");
	expect_err("field `tunnel_path`: `/../x` is not allowed");
	snprintf(cfg->authcookie, sizeof(cfg->authcookie), "secret\nvalue");
	expect_err("field `authcookie`: bad length or character (12 bytes)");
	snprintf(cfg->user, sizeof(cfg->user), "bob\r\n");
	expect_err("field `user`: `bob\\x0d\\x0a` is not allowed");
}

/* THREATS.md 12: the tunnel addresses a hostile getconfig might send. */
static void
tunnel_address_rules(void)
{
	set_addr(&cfg->ip4, "0.0.0.0");
	expect_err("field `ip4`: `0.0.0.0` is the unspecified address");
	set_addr(&cfg->ip4, "0.1.2.3");
	expect_err("field `ip4`: `0.1.2.3` is in 0.0.0.0/8, not a host "
	    "address");
	set_addr(&cfg->ip4, "127.0.0.1");
	expect_err("field `ip4`: `127.0.0.1` is a loopback address");
	set_addr(&cfg->ip4, "127.255.0.9");
	expect_err("field `ip4`: `127.255.0.9` is a loopback address");
	set_addr(&cfg->ip4, "224.0.0.1");
	expect_err("field `ip4`: `224.0.0.1` is a multicast address");
	set_addr(&cfg->ip4, "240.0.0.1");
	expect_err("field `ip4`: `240.0.0.1` is a reserved or broadcast "
	    "address");
	set_addr(&cfg->ip4, "198.18.0.1");
	expect_err("field `ip4`: `198.18.0.1` is the gateway's own address");
	set_addr(&cfg->ip4, "fd00::1");
	expect_err("field `ip4`: family `6`, expected `4`");
	cfg->ip4_prefixlen = 0;
	expect_err("field `ip4_prefixlen`: `0` is not in 1..32");
	cfg->ip4_prefixlen = 33;
	expect_err("field `ip4_prefixlen`: `33` is not in 1..32");
	memset(&cfg->ip4, 0, sizeof(cfg->ip4));
	expect_err("field `ip4`: missing, and no `ip6` either");
	/* gp-auth leaves ip4_prefixlen at 32 without a netmask. */
	memset(&cfg->ip4, 0, sizeof(cfg->ip4));
	set_addr(&cfg->ip6, "fd00::2");
	cfg->ip6_prefixlen = 64;
	expect_ok();
	cfg->ip4.bytes[0] = 10;
	cfg->ip4.family = 0;
	cfg->ip4_prefixlen = 0;
	set_addr(&cfg->ip6, "fd00::2");
	cfg->ip6_prefixlen = 64;
	expect_err("field `ip4`: no family but non-zero bytes");
}

static void
tunnel_address6_rules(void)
{
	static const char *bad[][2] = {
		{ "::", "is the unspecified address" },
		{ "::1", "is a loopback address" },
		{ "ff02::1", "is a multicast address" },
		{ "::ffff:198.18.1.2", "is a v4-mapped IPv6 address" },
	};
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_addr(&cfg->ip6, bad[i][0]);
		cfg->ip6_prefixlen = 64;
		snprintf(want, sizeof(want), "field `ip6`: `%s` %s",
		    bad[i][0], bad[i][1]);
		expect_err(want);
	}
	set_addr(&cfg->ip6, "fd00::2");
	cfg->ip6_prefixlen = 129;
	expect_err("field `ip6_prefixlen`: `129` is not in 1..128");
	set_addr(&cfg->ip6, "fd00::2");
	cfg->ip6_prefixlen = 0;
	expect_err("field `ip6_prefixlen`: `0` is not in 1..128");
	set_addr(&cfg->ip6, "fd00::9");
	set_addr(&cfg->gw_addr, "fd00::9");
	cfg->ip6_prefixlen = 128;
	expect_err("field `ip6`: `fd00::9` is the gateway's own address");
}

static void
mtu_and_timer_rules(void)
{
	cfg->mtu = CFG_MTU_MIN - 1;
	expect_err("field `mtu`: `575` is not 0 or in 576..9000");
	cfg->mtu = CFG_MTU_MAX + 1;
	expect_err("field `mtu`: `9001` is not 0 or in 576..9000");
	cfg->mtu = 65535;
	expect_err("field `mtu`: `65535` is not 0 or in 576..9000");
	cfg->timeout_s = CFG_TIMEOUT_MAX_S + 1;
	expect_err("field `timeout_s`: `31622401` over 31622400");
	cfg->lifetime_s = 0xffffffff;
	expect_err("field `lifetime_s`: `4294967295` over 31622400");
	cfg->idle_timeout_s = CFG_TIMEOUT_MAX_S + 1;
	expect_err("field `idle_timeout_s`: `31622401` over 31622400");
}

static void
server_rules(void)
{
	cfg->n_dns = 2;
	set_addr(&cfg->dns[0], "198.18.0.53");
	set_addr(&cfg->dns[1], "fd00::53");
	expect_ok();
	cfg->n_dns = CFG_DNS_MAX + 1;
	expect_err("field `dns`: `4` entries, at most 3");
	cfg->n_dns = 1;
	set_addr(&cfg->dns[0], "0.0.0.0");
	expect_err("field `dns`: `0.0.0.0` is the unspecified address");
	cfg->n_dns = 1;
	set_addr(&cfg->dns[0], "::ffff:8.8.8.8");
	expect_err("field `dns`: `::ffff:8.8.8.8` is a v4-mapped IPv6 "
	    "address");
	cfg->n_dns = 1;
	set_addr(&cfg->dns[0], "224.0.0.251");
	expect_err("field `dns`: `224.0.0.251` is a multicast address");
	cfg->n_dns = 1;
	set_addr(&cfg->dns[0], "127.0.0.53");
	expect_err("field `dns`: `127.0.0.53` is a loopback address");
	cfg->n_dns = 1;		/* a slot counted but never filled */
	expect_err("field `dns`: missing");
	cfg->n_nbns = CFG_NBNS_MAX + 1;
	expect_err("field `nbns`: `4` entries, at most 3");
	cfg->n_nbns = 1;
	set_addr(&cfg->nbns[0], "255.255.255.255");
	expect_err("field `nbns`: `255.255.255.255` is a reserved or "
	    "broadcast address");
}

static void
bad_suffix(const char *s, const char *want)
{
	cfg->n_suffix = 1;
	snprintf(cfg->suffix[0], sizeof(cfg->suffix[0]), "%s", s);
	expect_err(want);
}

/* THREATS.md 12: resolv.conf and script injection through dns-suffix. */
static void
suffix_rules(void)
{
	char s[301];

	cfg->n_suffix = 2;
	snprintf(cfg->suffix[0], sizeof(cfg->suffix[0]), "example.com");
	snprintf(cfg->suffix[1], sizeof(cfg->suffix[1]), "corp");
	expect_ok();
	bad_suffix("a.com\nnameserver 1.2.3.4",
	    "field `suffix`: `a.com\\x0anameserver 1.2.3.4` is not allowed");
	bad_suffix("a.com b.com", "field `suffix`: `a.com b.com` is not "
	    "allowed");
	bad_suffix("a.com;reboot", "field `suffix`: `a.com;reboot` is not "
	    "allowed");
	bad_suffix("$(reboot)", "field `suffix`: `$(reboot)` is not allowed");
	bad_suffix("`id`.com", "field `suffix`: `\\x60id\\x60.com` is not "
	    "allowed");
	bad_suffix("198.18.0.1", "field `suffix`: `198.18.0.1` is an "
	    "address, not a domain");
	bad_suffix("", "field `suffix`: missing");
	memset(s, 'a', sizeof(s));
	s[300] = '\0';
	memcpy(cfg->suffix[0], s, sizeof(cfg->suffix[0]));
	cfg->n_suffix = 1;
	expect_err("field `suffix`: not terminated");
	cfg->n_suffix = CFG_SUFFIX_MAX + 1;
	expect_err("field `suffix`: `9` entries, at most 8");
}

static void
set_route(unsigned i, const char *a, unsigned plen)
{
	cfg->n_routes = i + 1;
	set_addr(&cfg->routes[i].addr, a);
	cfg->routes[i].prefixlen = (uint8_t)plen;
}

static void
route_rules(void)
{
	set_route(0, "0.0.0.0", 0);
	set_route(1, "198.18.0.1", 32);
	cfg->routes[1].exclude = true;
	set_route(2, "::", 0);
	set_route(3, "fd00:1::", 32);
	set_route(4, "198.18.0.0", 15);
	expect_ok();
	set_route(0, "198.18.64.1", 24);
	expect_err("field `route`: `198.18.64.1/24` has host bits set");
	set_route(0, "198.19.0.0", 15);
	expect_err("field `route`: `198.19.0.0/15` has host bits set");
	set_route(0, "fd00::1", 64);
	expect_err("field `route`: `fd00::1/64` has host bits set");
	set_route(0, "198.18.0.0", 33);
	expect_err("field `route`: `198.18.0.0/33` prefix too long");
	set_route(0, "fd00::", 129);
	expect_err("field `route`: `fd00::/129` prefix too long");
	cfg->n_routes = 1;
	expect_err("field `route`: family `0` is not 4 or 6");
	set_route(0, "198.18.0.0", 16);
	cfg->routes[0].addr.bytes[8] = 1;
	expect_err("field `route`: `198.18.0.0/16` has host bits set");
	cfg->n_routes = CFG_ROUTES_MAX + 1;
	expect_err("field `route`: `1025` entries, at most 1024");
}

static void
esp_rules(void)
{
	cfg->esp.enc = 7;
	expect_err("field `esp_enc`: unknown algorithm `7`");
	cfg->esp.mac = 0;
	expect_err("field `esp_mac`: unknown algorithm `0`");
	cfg->esp.udp_port = 0;
	expect_err("field `esp_udp_port`: `0` is not a port");
	cfg->esp.spi_c2s = 0;
	expect_err("field `esp_spi_c2s`: `0` is reserved");
	cfg->esp.spi_s2c = 0;
	expect_err("field `esp_spi_s2c`: `0` is reserved");
	memset(cfg->esp.ekey_c2s, 0, sizeof(cfg->esp.ekey_c2s));
	expect_err("field `esp_ekey_c2s`: all zero (missing key)");
	cfg->esp.ekey_s2c[16] = 1;	/* 17 bytes for AES-128 */
	expect_err("field `esp_ekey_s2c`: longer than 16 bytes");
	cfg->esp.mac = CFG_MAC_MD5_96;	/* 20-byte keys for a 16-byte MAC */
	expect_err("field `esp_akey_c2s`: longer than 16 bytes");
	memset(&cfg->esp.magic4, 0, sizeof(cfg->esp.magic4));
	expect_err("field `esp_magic4`: missing, and no `esp_magic6` either");
	set_addr(&cfg->esp.magic4, "fd00::1");
	expect_err("field `esp_magic4`: family `6`, expected `4`");
	set_addr(&cfg->esp.magic6, "ff02::1");
	expect_err("field `esp_magic6`: `ff02::1` is a multicast address");
	set_addr(&cfg->esp.magic4, "0.0.0.0");
	expect_err("field `esp_magic4`: `0.0.0.0` is the unspecified "
	    "address");
	memset(&cfg->esp, 0, sizeof(cfg->esp));
	cfg->esp.spi_c2s = 1;
	expect_err("field `esp`: not present but fields are set");
	memset(&cfg->esp, 0, sizeof(cfg->esp));
	cfg->esp.akey_s2c[31] = 1;
	expect_err("field `esp`: not present but fields are set");
}

/* Error messages never carry the cookie, the keys, or any of their bytes. */
static void
print_redacts(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	snprintf(cfg->authcookie, sizeof(cfg->authcookie), "SECRETCOOKIE");
	memset(cfg->esp.ekey_c2s, 0xc7, 16);
	fp = open_memstream(&out, &len);
	T_CHECK(fp != NULL);
	config_print(fp, cfg, true);
	fclose(fp);
	T_CHECK(strstr(out, "SECRETCOOKIE") == NULL);
	T_CHECK(strstr(out, "c7c7") == NULL);
	T_CHECK(strstr(out, "1111") == NULL);
	T_CHECK(strstr(out, "authcookie: (redacted, 12 bytes)\n") != NULL);
	T_CHECK(strstr(out, "esp_ekey_c2s: (redacted, 16 bytes)\n") != NULL);
	T_CHECK(strstr(out, "esp_akey_s2c: (redacted, 20 bytes)\n") != NULL);
	/* The pin as --servercert takes it (issue 12), not in hex. */
	T_CHECK(strstr(out, "\ngw_pin: pin-sha256:q6urq6urq6urq6urq6urq6urq6u"
	    "rq6urq6urq6urq6s=\n") != NULL);
	T_CHECK(strstr(out, "\nip4: 198.18.1.2/32\nip6: (none)\n") != NULL);
	free(out);
	fp = open_memstream(&out, &len);
	config_print(fp, cfg, false);
	fclose(fp);
	T_CHECK(strstr(out, "authcookie: SECRETCOOKIE\n") != NULL);
	T_CHECK(strstr(out, "esp_ekey_c2s: c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7\n")
	    != NULL);
	free(out);
	reset();
}

static void
print_escapes(void)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp;

	/* An unvalidated struct must not inject lines into --dump. */
	snprintf(cfg->user, sizeof(cfg->user), "bob\nip4: 1.2.3.4");
	cfg->n_routes = 1;
	set_addr(&cfg->routes[0].addr, "198.18.64.0");
	cfg->routes[0].prefixlen = 24;
	cfg->routes[0].exclude = true;
	fp = open_memstream(&out, &len);
	config_print(fp, cfg, true);
	fclose(fp);
	T_CHECK(strstr(out, "user: bob\\x0aip4: 1.2.3.4\n") != NULL);
	T_CHECK(strstr(out, "route: exclude 198.18.64.0/24\n") != NULL);
	free(out);
	reset();
}

static void
secret_memory(void)
{
	struct gp_config *c = config_new();
	const uint8_t *p = (const uint8_t *)c;
	size_t i;
	int nz = 0;

	T_CHECK(c != NULL);
	for (i = 0; c != NULL && i < sizeof(*c); i++)
		nz |= p[i];
	T_EQ_INT(nz, 0);
	config_free(c);
	config_free(NULL);
}

int
main(void)
{
	cfg = config_new();
	if (cfg == NULL)
		return 1;
	reset();
	T_RUN(addresses);
	T_RUN(key_lengths);
	T_RUN(hostnames);
	T_RUN(cookies_users_paths);
	T_RUN(null_strings_and_addr_lens);
	T_RUN(valid_configs);
	T_RUN(gateway_rules);
	T_RUN(tunnel_address_rules);
	T_RUN(tunnel_address6_rules);
	T_RUN(mtu_and_timer_rules);
	T_RUN(server_rules);
	T_RUN(suffix_rules);
	T_RUN(route_rules);
	T_RUN(esp_rules);
	T_RUN(print_redacts);
	T_RUN(print_escapes);
	T_RUN(secret_memory);
	config_free(cfg);
	return T_DONE();
}
