/*
 * Unit tests for the tunnel MTU (tunnel/mtu.c) against every worked
 * example of PROTOCOL.md §10, plus the base floor, IPv6 peers and the
 * clamps that keep a loopback or tiny-MSS path inside CFG_MTU_MIN..MAX.
 */
#include "tunnel/mtu.h"
#include "t.h"

/* PROTOCOL.md §10 table, IPv4 peer. */
static void
worked_examples(void)
{
	T_CHECK(mtu_esp(1406, false, CFG_MAC_SHA1_96) == 1326);
	T_CHECK(mtu_esp(1406, false, CFG_MAC_SHA256_128) == 1326);
	T_CHECK(mtu_esp(1500, false, CFG_MAC_SHA1_96) == 1422);
	T_CHECK(mtu_https(1406, 0, false) == 1361);
}

/* No path MTU known: base 1406; below 1280 it is raised to 1280. */
static void
base_default_and_floor(void)
{
	T_CHECK(mtu_https(0, 0, false) == 1361);
	T_CHECK(mtu_esp(0, false, CFG_MAC_SHA1_96) == 1326);
	T_CHECK(mtu_https(1000, 0, false) == 1280 - 20 - 20 - 5);
	/* 1280-28-36 = 1216, already a multiple of 16, minus 2 */
	T_CHECK(mtu_esp(576, false, CFG_MAC_SHA1_96) == 1214);
}

static void
ipv6_peer(void)
{
	T_CHECK(mtu_https(0, 0, true) == 1406 - 20 - 40 - 5);
	/* 1406-48 = 1358 -36 = 1322 -> 1312 -> 1310 */
	T_CHECK(mtu_esp(1406, true, CFG_MAC_SHA1_96) == 1310);
	/* 1358-40 = 1318 -> 1312 -> 1310 */
	T_CHECK(mtu_esp(1406, true, CFG_MAC_SHA256_128) == 1310);
}

/* A known MSS replaces "base - TCP - IP". */
static void
mss_wins(void)
{
	T_CHECK(mtu_https(1500, 1448, false) == 1443);
	T_CHECK(mtu_https(0, 1460, true) == 1455);
}

/* Loopback reports 64 KiB; a silly MSS goes below the floor. */
static void
clamps(void)
{
	T_CHECK(mtu_https(65536, 65483, false) == CFG_MTU_MAX);
	T_CHECK(mtu_https(65536, 0, false) == CFG_MTU_MAX);
	T_CHECK(mtu_https(0, 100, false) == CFG_MTU_MIN);
	T_CHECK(mtu_https(0, 3, false) == CFG_MTU_MIN);
	T_CHECK(mtu_esp(65536, false, CFG_MAC_SHA1_96) == CFG_MTU_MAX);
}

static void
md5_and_unknown_mac(void)
{
	T_CHECK(mtu_esp(1406, false, CFG_MAC_MD5_96) == 1326);
	T_CHECK(mtu_esp(1406, false, CFG_MAC_NONE) == 0);
	T_CHECK(mtu_esp(1406, false, 99) == 0);
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
	return T_DONE();
}
