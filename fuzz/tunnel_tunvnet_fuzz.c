/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the offloading tun of gp-tunnel [net]: the first
 * 10 bytes are a virtio-net header, the rest a packet read from tun. It
 * is planned and cut (tunnel/tunvnet.c), each piece must fit its buffer
 * and be a packet the header walk accepts, and the pieces and the packet
 * itself are offered to the coalescer (tunnel/coal.c), whose
 * super-packet must stay within 64 KiB.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/coal.h"
#include "tunnel/tunvnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SEGMAX	1500

static struct coal coal;

static void
fuzz_offer(const uint8_t *p, size_t n)
{
	const uint8_t *out;
	unsigned segs;
	size_t len;

	if (coal_add(&coal, p, n) != COAL_FLUSH)
		return;
	len = coal_finish(&coal, &out, &segs);
	if (len > TUNVNET_HDR_BYTES + COAL_MAX_BYTES || segs == 0)
		abort();
	(void)coal_add(&coal, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t seg[FUZZ_SEGMAX];
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct tunvnet_l4 l4;
	struct gp_err e;
	const uint8_t *out;
	uint8_t *p;
	size_t n, len;
	unsigned i, segs;

	if (size < TUNVNET_HDR_BYTES || size > TUNVNET_HDR_BYTES +
	    TUNVNET_PKT_MAX)
		return 0;
	tunvnet_hdr_get(&h, data);
	len = size - TUNVNET_HDR_BYTES;
	/* Exact size on the heap, so ASan sees any read past the end. */
	if ((p = malloc(len == 0 ? 1 : len)) == NULL)
		return 0;
	memcpy(p, data + TUNVNET_HDR_BYTES, len);
	coal_init(&coal, true);
	fuzz_offer(p, len);
	if (tunvnet_plan(&g, &h, p, len, FUZZ_SEGMAX, &e) == 0) {
		if (g.nseg == 0 || g.nseg > TUNVNET_MAX_SEGS)
			abort();
		for (i = 0; i < g.nseg; i++) {
			n = tunvnet_seg(&g, i, seg, sizeof(seg));
			if (n == 0 || n > sizeof(seg))
				abort();
			if (g.mss != 0 && (tunvnet_l4_find(seg, n, &l4,
			    &e) == -1 || !tunvnet_l4_csum_ok(seg, n, &l4)))
				abort();
			fuzz_offer(seg, n);
		}
	}
	(void)coal_finish(&coal, &out, &segs);
	free(p);
	return 0;
}
