/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the tunnel MTU (tunnel/mtu.c) against every worked
 * example of PROTOCOL.md §10, plus the base floor, IPv6 peers and the
 * clamps that keep a loopback or tiny-MSS path inside CFG_MTU_MIN..MAX,
 * and the 1280 floor of a tunnel that carries IPv6.
 */
#include "tunnel/mtu.h"
#include "t.h"

/* PROTOCOL.md §10 table, IPv4 peer. */
static void
worked_examples(void)
{
	T_EQ_INT(mtu_esp(1406, false, CFG_MAC_SHA1_96), 1326);
	T_EQ_INT(mtu_esp(1406, false, CFG_MAC_SHA256_128), 1326);
	T_EQ_INT(mtu_esp(1500, false, CFG_MAC_SHA1_96), 1422);
	T_EQ_INT(mtu_https(1406, 0, false), 1361);
}

/* No path MTU known: base 1406; below 1280 it is raised to 1280. */
static void
base_default_and_floor(void)
{
	T_EQ_INT(mtu_https(0, 0, false), 1361);
	T_EQ_INT(mtu_esp(0, false, CFG_MAC_SHA1_96), 1326);
	T_EQ_INT(mtu_https(1000, 0, false), 1280 - 20 - 20 - 5);
	/* 1280-28-36 = 1216, already a multiple of 16, minus 2 */
	T_EQ_INT(mtu_esp(576, false, CFG_MAC_SHA1_96), 1214);
}

static void
ipv6_peer(void)
{
	T_EQ_INT(mtu_https(0, 0, true), 1406 - 20 - 40 - 5);
	/* 1406-48 = 1358 -36 = 1322 -> 1312 -> 1310 */
	T_EQ_INT(mtu_esp(1406, true, CFG_MAC_SHA1_96), 1310);
	/* 1358-40 = 1318 -> 1312 -> 1310 */
	T_EQ_INT(mtu_esp(1406, true, CFG_MAC_SHA256_128), 1310);
}

/* A known MSS replaces "base - TCP - IP". */
static void
mss_wins(void)
{
	T_EQ_INT(mtu_https(1500, 1448, false), 1443);
	T_EQ_INT(mtu_https(0, 1460, true), 1455);
}

/* Loopback reports 64 KiB; a silly MSS goes below the floor. */
static void
clamps(void)
{
	T_EQ_INT(mtu_https(65536, 65483, false), CFG_MTU_MAX);
	T_EQ_INT(mtu_https(65536, 0, false), CFG_MTU_MAX);
	T_EQ_INT(mtu_https(0, 100, false), CFG_MTU_MIN);
	T_EQ_INT(mtu_https(0, 3, false), CFG_MTU_MIN);
	T_EQ_INT(mtu_esp(65536, false, CFG_MAC_SHA1_96), CFG_MTU_MAX);
}

static void
md5_and_unknown_mac(void)
{
	T_EQ_INT(mtu_esp(1406, false, CFG_MAC_MD5_96), 1326);
	T_EQ_INT(mtu_esp(1406, false, CFG_MAC_NONE), 0);
	T_EQ_INT(mtu_esp(1406, false, 99), 0);
}

/* What carries IPv6: an IPv6 tunnel address, unless --disable-ipv6. */
static void
inner_v6(void)
{
	struct gp_config *c = config_new();

	T_CHECK(c != NULL);
	if (c == NULL)
		return;
	(void)config_addr_parse("198.18.128.10", &c->ip4);
	T_CHECK(!mtu_inner_v6(c, false));
	(void)config_addr_parse("2001:2:0:18::10", &c->ip6);
	T_CHECK(mtu_inner_v6(c, false));
	T_CHECK(!mtu_inner_v6(c, true));
	config_free(c);
}

/* With IPv6 inside, nothing goes below 1280: the gateway's <mtu>, a
 * small path MTU, a clamped MSS. IPv4 only still allows 576. */
static void
ipv6_floor(void)
{
	T_EQ_INT(mtu_tunnel(1000, 1400, true), 1280);
	T_EQ_INT(mtu_tunnel(576, 0, true), 1280);
	T_EQ_INT(mtu_tunnel(0, mtu_https(0, 536, false), true), 1280);
	T_EQ_INT(mtu_tunnel(0, mtu_https(0, 100, true), true), 1280);
	T_EQ_INT(mtu_tunnel(0, 1279, true), 1280);
	T_EQ_INT(mtu_tunnel(0, 1280, true), 1280);
	T_EQ_INT(mtu_tunnel(0, 1422, true), 1422);
	T_EQ_INT(mtu_tunnel(1400, 1200, true), 1400);
	T_EQ_INT(mtu_tunnel(0, 0, true), 0);
	T_EQ_INT(mtu_tunnel(1000, 1400, false), 1000);
	T_EQ_INT(mtu_tunnel(576, 1400, false), 576);
	T_EQ_INT(mtu_tunnel(0, mtu_https(0, 100, false), false), 576);
	T_EQ_INT(mtu_floor(1200, true), 1280);
	T_EQ_INT(mtu_floor(1200, false), 1200);
	T_EQ_INT(mtu_floor(9000, true), 9000);
}

int
main(void)
{
	T_RUN(worked_examples);
	T_RUN(base_default_and_floor);
	T_RUN(ipv6_peer);
	T_RUN(mss_wins);
	T_RUN(clamps);
	T_RUN(md5_and_unknown_mac);
	T_RUN(inner_v6);
	T_RUN(ipv6_floor);
	return T_DONE();
}
