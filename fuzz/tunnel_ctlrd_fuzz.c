/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for [priv]'s incremental reader of gp-auth's frame
 * stream (tunnel/ctl.c ctl_reader_step), which takes untrusted bytes in
 * whatever pieces the socket gives. The first input byte picks the piece
 * size; the rest is the stream. Whole frames must match their header,
 * and CONFIG bodies go through the decoder as [priv] would.
 */
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
 * Step until the pipe is empty; false once the reader is done. The
 * harness counts what is in the pipe itself (left), so each step costs
 * one read(2) and no FIONREAD ioctl; a step that takes nothing while
 * bytes wait would loop forever, and aborts.
 */
static bool
drain(struct ctl_reader *r, int fd, size_t left)
{
	struct gp_config *c;
	struct frame_hdr h;
	struct buf body;
	struct gp_err e = { "" };
	enum ctl_rd rd;
	size_t got0, k;

	while (left > 0) {
		got0 = r->got;
		rd = ctl_reader_step(r, fd, 0, &h, &body, &e);
		if (rd == CTL_RD_ERROR || rd == CTL_RD_EOF)
			return false;
		if ((k = taken(r, got0, rd, &h)) == 0 || k > left)
			abort();
		left -= k;
		if (rd == CTL_RD_MORE)
			continue;
		if (body.len != h.length || r->got != 0)
			abort();
		if (h.type == FRAME_CONFIG && (c = config_new()) != NULL) {
			(void)frame_decode_config(&body, c, &e);
			config_free(c);
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
	int p[2];

	if (size < 1 || pipe(p) == -1)
		return 0;
	piece = (size_t)data[0] + 1;
	memset(&r, 0, sizeof(r));
	while (off < size) {
		n = size - off < piece ? size - off : piece;
		if (write(p[1], data + off, n) != (ssize_t)n)
			break;
		off += n;
		if (!drain(&r, p[0], n))
			break;
		if (r.got > FRAME_HDR_BYTES + FRAME_MAX_BODY_BYTES)
			abort();
	}
	ctl_reader_free(&r);
	close(p[0]);
	close(p[1]);
	return 0;
}
