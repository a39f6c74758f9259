/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for resolveopt_check (auth/resolveopt.c): --resolve
 * HOST:IP accepted in OpenConnect's form, every other value refused with
 * the part that is wrong. Test code only.
 */
#include <string.h>

#include "auth/resolveopt.h"
#include "t.h"

static void
accepted(void)
{
	static const char *ok[] = {
		"vpn.example.com:192.0.2.1",
		"VPN-1.Example.COM:198.18.0.1",
		"gw:198.18.0.1",
		"vpn.example.com.:192.0.2.1",
		"vpn.example.com:2001:db8::1",
		"vpn.example.com:::1",
		"198.18.0.1:198.18.0.2",
	};
	struct gp_err e;
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		T_EQ_INT(resolveopt_check(ok[i], &e), 0);
}

static void
refused(void)
{
	static const struct { const char *arg, *msg; } bad[] = {
		{ "gw.example.com:notanip", "--resolve: `notanip` is not an "
		    "IPv4 or IPv6 address" },
		{ "gw.example.com:", "--resolve: `` is not an IPv4 or IPv6 "
		    "address" },
		{ "gw.example.com:443:192.0.2.1", "--resolve: `443:192.0.2.1` "
		    "is not an IPv4 or IPv6 address (no port: the form is "
		    "OpenConnect's HOST:IP, not curl's HOST:PORT:IP)" },
		{ "gw.example.com:[2001:db8::1]", "--resolve: `[2001:db8::1]` "
		    "is not an IPv4 or IPv6 address (an IPv6 address goes "
		    "without brackets)" },
		{ "gw.example.com", "--resolve `gw.example.com`: expected "
		    "HOST:IP, e.g. vpn.example.com:192.0.2.1" },
		{ ":192.0.2.1", "--resolve: `` is not a host name" },
		{ "bad_host:192.0.2.1", "--resolve: `bad_host` is not a host "
		    "name" },
		{ "-gw.example:192.0.2.1", "--resolve: `-gw.example` is not a "
		    "host name" },
		{ "gw-.example:192.0.2.1", "--resolve: `gw-.example` is not a "
		    "host name" },
		{ "gw..example:192.0.2.1", "--resolve: `gw..example` is not a "
		    "host name" },
		{ "g\x1bw:192.0.2.1", "--resolve: `g\\x1bw` is not a host "
		    "name" },
		{ "gw:192.0.2.1 ", "--resolve: `192.0.2.1 ` is not an IPv4 "
		    "or IPv6 address" },
	};
	struct gp_err e;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_EQ_INT(resolveopt_check(bad[i].arg, &e), -1);
		T_STREQ(e.msg, bad[i].msg);
	}
}

/* Labels of 63 bytes pass, 64 do not; names of 253 bytes pass. */
static void
lengths(void)
{
	char s[300];
	struct gp_err e;

	memset(s, 'a', 63);
	memcpy(s + 63, ":192.0.2.1", 11);
	T_EQ_INT(resolveopt_check(s, &e), 0);
	memset(s, 'a', 64);
	memcpy(s + 64, ":192.0.2.1", 11);
	T_EQ_INT(resolveopt_check(s, &e), -1);
	memset(s, 'a', 253);
	s[63] = s[127] = s[191] = '.';
	memcpy(s + 253, ":192.0.2.1", 11);
	T_EQ_INT(resolveopt_check(s, &e), 0);
	memset(s, 'a', 254);
	s[63] = s[127] = s[191] = '.';
	memcpy(s + 254, ":192.0.2.1", 11);
	T_EQ_INT(resolveopt_check(s, &e), -1);
}

int
main(void)
{
	T_RUN(accepted);
	T_RUN(refused);
	T_RUN(lengths);
	return T_DONE();
}
