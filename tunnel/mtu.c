/* SPDX-License-Identifier: ISC */
/*
 * Tunnel MTU when getconfig says 0 (PROTOCOL.md §10), in gp-tunnel. Pure
 * arithmetic on numbers the kernel reported for our own socket; the
 * result is kept inside the range config_validate accepts for <mtu>.
 * Also the IPv6 floor, which [net] and [priv] (on [net]'s untrusted
 * numbers) both apply.
 */
#include "tunnel/mtu.h"

#define MTU_UDP_HDR_BYTES	8
#define MTU_TCP_HDR_BYTES	20
#define MTU_IP4_HDR_BYTES	20
#define MTU_IP6_HDR_BYTES	40
#define MTU_TLS_OVERHEAD_BYTES	5	/* TLS record header, block size 1 */
#define MTU_ESP_HDR_BYTES	8	/* SPI + sequence number */
#define MTU_ESP_IV_BYTES	16
#define MTU_ESP_BLOCK_BYTES	16	/* AES */
#define MTU_ESP_TRAILER_BYTES	2	/* pad length + next header */

static unsigned
mtu_base(unsigned base)
{
	if (base == 0)
		base = MTU_BASE_DEFAULT;
	if (base < MTU_BASE_MIN)
		base = MTU_BASE_MIN;
	return base;
}

/* A TCP or loopback path may report 64 KiB; a tiny MSS may go below the
 * floor. Either way the tunnel still works, so clamp rather than fail. */
static unsigned
mtu_clamp(unsigned m)
{
	if (m < CFG_MTU_MIN)
		return CFG_MTU_MIN;
	if (m > CFG_MTU_MAX)
		return CFG_MTU_MAX;
	return m;
}

unsigned
mtu_https(unsigned base, unsigned mss, bool peer_v6)
{
	unsigned m;

	if (mss != 0)
		m = mss;
	else
		m = mtu_base(base) - MTU_TCP_HDR_BYTES -
		    (peer_v6 ? MTU_IP6_HDR_BYTES : MTU_IP4_HDR_BYTES);
	if (m <= MTU_TLS_OVERHEAD_BYTES)
		return CFG_MTU_MIN;
	return mtu_clamp(m - MTU_TLS_OVERHEAD_BYTES);
}

/* Returns 0 for an unknown MAC algorithm. */
unsigned
mtu_esp(unsigned base, bool peer_v6, uint8_t mac)
{
	size_t icv = config_mac_icv_len(mac);
	unsigned m;

	if (icv == 0)
		return 0;
	m = mtu_base(base) - MTU_UDP_HDR_BYTES -
	    (peer_v6 ? MTU_IP6_HDR_BYTES : MTU_IP4_HDR_BYTES);
	m -= MTU_ESP_HDR_BYTES + (unsigned)icv + MTU_ESP_IV_BYTES;
	m -= m % MTU_ESP_BLOCK_BYTES;
	m -= MTU_ESP_TRAILER_BYTES;
	return mtu_clamp(m);
}

bool
mtu_inner_v6(const struct gp_config *c, bool no_ipv6)
{
	return c->ip6.family == CFG_AF_INET6 && !no_ipv6;
}

/* Raise, not refuse: a tunnel at 1280 still works (the outer packets may
 * need fragmenting), one below it silently loses IPv6 to the host's
 * other routes. */
unsigned
mtu_floor(unsigned mtu, bool inner_v6)
{
	if (inner_v6 && mtu != 0 && mtu < MTU_IPV6_MIN)
		return MTU_IPV6_MIN;
	return mtu;
}

unsigned
mtu_tunnel(unsigned cfg_mtu, unsigned transport_mtu, bool inner_v6)
{
	return mtu_floor(cfg_mtu != 0 ? cfg_mtu : transport_mtu, inner_v6);
}
