/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the GPST reassembler (tunnel/gpst.c), the first
 * code in gp-tunnel to see bytes from the gateway. The input is untrusted
 * stream bytes; the first two bytes seed how the stream is cut up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/gpst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_EVENTS_MAX	4096

struct fuzz_ev {
	int		kind;
	size_t		len;
	uint16_t	ethertype;
	uint32_t	sum;
};

struct fuzz_run {
	size_t		n;
	struct fuzz_ev	ev[FUZZ_EVENTS_MAX];
	struct gpst_rx	rx;
};

static struct fuzz_run whole_run, split_run;

static uint32_t
fuzz_sum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

static void
fuzz_feed(struct fuzz_run *f, const uint8_t *p, size_t n)
{
	struct gpst_pkt pkt;
	struct gp_err e;
	struct buf in;
	uint8_t hdr[GPST_HDR_BYTES];
	int r;

	buf_view(&in, p, n);
	while ((r = gpst_rx_next(&f->rx, &in, &pkt, &e)) != GPST_RX_MORE) {
		if (r == GPST_RX_PACKET) {
			/* A packet that came out must frame back in. */
			if (pkt.len == 0 || pkt.len > GPST_MAX_PAYLOAD ||
			    gpst_encode(hdr, pkt.data, pkt.len, &e) != 0)
				abort();
		}
		if (f->n < FUZZ_EVENTS_MAX) {
			f->ev[f->n].kind = r;
			f->ev[f->n].len = pkt.len;
			f->ev[f->n].ethertype = pkt.ethertype;
			f->ev[f->n].sum = pkt.data ? fuzz_sum(pkt.data,
			    pkt.len) : 0;
		}
		f->n++;
		if (r == GPST_RX_FATAL)
			break;
	}
}

/* Same stream, one chunk versus pseudo-random cuts: same packets out. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed;
	size_t off, k, cap;

	if (size < 2)
		return 0;
	seed = (uint32_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;
	whole_run.n = split_run.n = 0;
	gpst_rx_init(&whole_run.rx);
	gpst_rx_init(&split_run.rx);
	fuzz_feed(&whole_run, data, size);
	cap = (seed & 0xff) + 1;
	/* A dead reassembler is not fed again: the session reconnects. */
	for (off = 0; off < size && !split_run.rx.dead; off += k) {
		seed = seed * 1103515245U + 12345U;
		k = (seed >> 16) % cap + 1;
		if (k > size - off)
			k = size - off;
		fuzz_feed(&split_run, data + off, k);
	}
	if (whole_run.n != split_run.n || memcmp(whole_run.ev, split_run.ev,
	    (whole_run.n < FUZZ_EVENTS_MAX ? whole_run.n : FUZZ_EVENTS_MAX) *
	    sizeof(whole_run.ev[0])) != 0)
		abort();
	return 0;
}
