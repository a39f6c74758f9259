/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for what gp-tunnel checks in a decrypted ESP payload
 * before it can reach tun: the IP header sanity check (tunnel/transport.c)
 * and the magic-ping reply test (tunnel/magic.c), for an IPv4 and an IPv6
 * magic address. The input is an untrusted inner packet.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "tunnel/magic.h"
#include "tunnel/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gp_config cfg4, cfg6;

static void
fuzz_init(void)
{
	static const uint8_t gw4[4] = { 198, 18, 0, 1 };
	static const uint8_t ip4[4] = { 198, 18, 128, 10 };
	static const uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 10 };

	cfg4.esp.present = cfg6.esp.present = true;
	cfg4.ip4.family = CFG_AF_INET;
	memcpy(cfg4.ip4.bytes, ip4, sizeof(ip4));
	cfg4.esp.magic4.family = CFG_AF_INET;
	memcpy(cfg4.esp.magic4.bytes, gw4, sizeof(gw4));
	cfg6.ip6.family = CFG_AF_INET6;
	memcpy(cfg6.ip6.bytes, ip6, sizeof(ip6));
	cfg6.esp.magic6.family = CFG_AF_INET6;
	memcpy(cfg6.esp.magic6.bytes, gw6, sizeof(gw6));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	uint8_t *copy;
	bool ok;

	if (!ready) {
		fuzz_init();
		ready = true;
	}
	/* An exact-size heap copy, so ASan sees any read past the end. */
	if ((copy = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	ok = xport_inner_ok(copy, size);
	/* The session asks magic_is_reply only about packets that passed
	 * xport_inner_ok; both must cope with anything anyway. */
	(void)magic_is_reply(&cfg4, copy, size);
	(void)magic_is_reply(&cfg6, copy, size);
	if (ok && size < 20)
		abort();	/* no IP packet is that short */
	free(copy);
	return 0;
}
