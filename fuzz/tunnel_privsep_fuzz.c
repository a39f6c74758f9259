/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the [priv] <-> [net] message codec of gp-tunnel
 * (tunnel/privsep.c), which [priv] runs on whatever a compromised [net]
 * sends. The input is one untrusted message; what decodes must encode
 * back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/privsep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct privsep_msg m;
	struct gp_err e = { "" };
	struct buf out;
	bool to_priv;
	int st;

	if (privsep_decode(data, size, &m, &e) == -1) {
		if (strlen(e.msg) == 0)
			abort();
		return 0;
	}
	for (st = 0; st < PS_STATES; st++)
		for (to_priv = false;; to_priv = true) {
			(void)privsep_allowed(to_priv, st, m.type);
			if (to_priv)
				break;
		}
	if (buf_init(&out, PRIVSEP_MAX_BYTES) == -1)
		return 0;
	if (privsep_encode(&m, &out, &e) == -1 ||
	    buf_avail(&out) != size ||
	    memcmp(buf_ptr(&out), data, size) != 0)
		abort();
	buf_free(&out);
	return 0;
}
