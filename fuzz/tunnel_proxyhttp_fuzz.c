/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the parser of an HTTP proxy's answer to CONNECT
 * (tunnel/proxy.c), untrusted bytes gp-tunnel [net] reads before TLS.
 * The input is fed as proxy_handshake.c feeds it, a line at a time, and the
 * verdict must match one parse of the whole input; an answer must end in
 * its empty line, inside the input and the cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const uint8_t *p, size_t n, const struct proxy_http_answer *a)
{
	if (a->used < 4 || a->used > n || a->used > PROXY_HTTP_REPLY_MAX ||
	    memcmp(p + a->used - 4, "\r\n\r\n", 4) != 0 ||
	    a->line_len + 4 > a->used || a->status < 100 || a->status > 999)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_http_answer a, b;
	struct gp_err e = { "" }, f = { "" };
	size_t n;
	int r = PROXY_MORE, whole;

	for (n = 1; n <= size && r == PROXY_MORE; n++)
		if (data[n - 1] == '\n' || n == PROXY_HTTP_REPLY_MAX)
			r = proxy_http_reply(data, n, &a, &e);
	whole = proxy_http_reply(data, size, &b, &f);
	if (r == 0)
		fuzz_check(data, size, &a);
	if (r == -1 && e.msg[0] == '\0')
		abort();
	if (r != PROXY_MORE && (r != whole || (r == 0 &&
	    memcmp(&a, &b, sizeof(a)) != 0) || strcmp(e.msg, f.msg) != 0))
		abort();
	if (whole == PROXY_MORE && size >= PROXY_HTTP_REPLY_MAX)
		abort();
	return 0;
}
