/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the SOCKS5 parsers of gp-tunnel [net]
 * (tunnel/proxy.c): the method choice and the CONNECT reply, untrusted
 * bytes from a proxy, read as proxy_handshake.c reads them (exactly as many as
 * the parser says it needs); and the request built for a target taken
 * from the input, which must have the length the target gives it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "tunnel/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_reply(const uint8_t *p, size_t size)
{
	struct gp_err e = { "" };
	size_t n = 0, need = 0;
	int r;

	r = proxy_socks5_reply(p, 0, &need, &e);
	while (r == PROXY_MORE) {
		if (need <= n || need > PROXY_SOCKS5_REPLY_MAX)
			abort();
		if (need > size)
			return;
		n = need;
		r = proxy_socks5_reply(p, n, &need, &e);
	}
	if ((r == 0 && need != n) || (r == -1 && e.msg[0] == '\0'))
		abort();
}

static void
fuzz_request(const uint8_t *p, size_t size)
{
	uint8_t out[PROXY_SOCKS5_REQUEST_MAX];
	char target[CFG_HOST_MAX + 2];
	struct cfg_addr a;
	struct gp_err e = { "" };
	size_t n = size < sizeof(target) - 1 ? size : sizeof(target) - 1;
	int len;

	memcpy(target, p, n);
	target[n] = '\0';
	len = proxy_socks5_request(out, sizeof(out), target, 443, &e);
	if (!config_hostname_ok(target)) {
		if (len != -1)
			abort();
		return;
	}
	if (config_addr_parse(target, &a) == 0)
		n = a.family == CFG_AF_INET ? 4 : 16;
	else
		n = 1 + strlen(target);
	if (len != (int)(4 + n + 2) || out[0] != 5 || out[1] != 1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_err e = { "" };

	if (size < 1)
		return 0;
	if (proxy_socks5_method(data + 1, size - 1 < 2 ? size - 1 : 2,
	    &e) == -1 && e.msg[0] == '\0')
		abort();
	/* The reply comes after the method choice, as on the wire. */
	if (data[0] & 1)
		fuzz_request(data + 1, size - 1);
	else if (size >= 3)
		fuzz_reply(data + 3, size - 3);
	return 0;
}
