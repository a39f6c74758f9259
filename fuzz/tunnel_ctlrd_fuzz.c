/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for [priv]'s incremental reader of gp-auth's frame
 * stream (tunnel/ctl.c ctl_reader_step), which takes untrusted bytes in
 * whatever pieces the socket gives. The first input byte picks the piece
 * size; the rest is the stream. Whole frames must match their header,
 * and CONFIG bodies go through the decoder as [priv] would. The first
 * step of each input is a real read(2) from a pipe; the others give the
 * reader the bytes read() would have given (all that wait, up to what it
 * asks for) through ctl_reader_took, without two syscalls a step.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/frame.h"
#include "tunnel/ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The bytes one step took from the pipe, by the reader's own count. */
static size_t
taken(const struct ctl_reader *r, size_t got0, enum ctl_rd rd,
    const struct frame_hdr *h)
{
	if (rd == CTL_RD_FRAME)
		return FRAME_HDR_BYTES + h->length - got0;
	return r->got - got0;
}

/*
 * Where CONFIG bodies are decoded, zeroed before each (a global has
 * AddressSanitizer redzones as a heap block does).
 */
static struct gp_config cfg;

/* The pipe of the first step: empty between steps and inputs. */
static int fds[2] = { -1, -1 };

/* One step on the avail bytes at p that "wait in the pipe". */
static enum ctl_rd
step(struct ctl_reader *r, const uint8_t *p, size_t avail, bool first,
    struct frame_hdr *h, struct buf *body, struct gp_err *e)
{
	uint8_t *dst;
	size_t n, k;

	dst = ctl_reader_dest(r, &n);
	k = n < avail ? n : avail;
	if (first) {
		if (write(fds[1], p, k) != (ssize_t)k)
			abort();
		return ctl_reader_step(r, fds[0], 0, h, body, e);
	}
	memcpy(dst, p, k);
	return ctl_reader_took(r, k, 0, h, body, e);
}

/*
 * Step until the piece is used up; false once the reader is done. A step
 * that takes nothing while bytes wait would loop forever, and aborts.
 */
static bool
drain(struct ctl_reader *r, const uint8_t *p, size_t left, bool *first)
{
	struct frame_hdr h;
	struct buf body;
	struct gp_err e = { "" };
	enum ctl_rd rd;
	size_t got0, k;

	while (left > 0) {
		got0 = r->got;
		rd = step(r, p, left, *first, &h, &body, &e);
		*first = false;
		if (rd == CTL_RD_ERROR || rd == CTL_RD_EOF)
			return false;
		if ((k = taken(r, got0, rd, &h)) == 0 || k > left)
			abort();
		p += k;
		left -= k;
		if (rd == CTL_RD_MORE)
			continue;
		if (body.len != h.length || r->got != 0)
			abort();
		if (h.type == FRAME_CONFIG) {
			/* What config_new() gives, without its 26 KB calloc. */
			memset(&cfg, 0, sizeof(cfg));
			(void)frame_decode_config(&body, &cfg, &e);
		}
		buf_free(&body);
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_reader r;
	size_t piece, off = 1, n;
	bool first = true;

	if (size < 1 || (fds[0] == -1 && pipe(fds) == -1))
		return 0;
	piece = (size_t)data[0] + 1;
	memset(&r, 0, sizeof(r));
	while (off < size) {
		n = size - off < piece ? size - off : piece;
		if (!drain(&r, data + off, n, &first))
			break;
		off += n;
		if (r.got > FRAME_HDR_BYTES + FRAME_MAX_BODY_BYTES)
			abort();
	}
	ctl_reader_free(&r);
	return 0;
}
