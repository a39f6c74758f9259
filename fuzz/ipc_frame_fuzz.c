/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the frame codec (ipc/frame.c): arbitrary bytes as
 * a frame header plus CONFIG body, as gp-tunnel reads them from its
 * untrusted stdin. A config that decodes must re-encode and decode to the
 * same struct; one that does not must leave the struct wiped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "ipc/frame.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
all_zero(const struct gp_config *c)
{
	static const struct gp_config zero;

	return memcmp(c, &zero, sizeof(zero)) == 0;
}

static void
roundtrip(const struct gp_config *c, struct gp_config *d)
{
	struct buf enc, frame, in, body;
	struct frame_hdr h;
	struct gp_err e;

	if (config_validate(c, &e) != 0 ||
	    buf_init(&enc, FRAME_MAX_BODY_BYTES) == -1 ||
	    buf_init(&frame, FRAME_HDR_BYTES + FRAME_MAX_BODY_BYTES) == -1)
		abort();
	if (frame_encode_config(c, &enc, &e) != 0 ||
	    frame_encode(FRAME_CONFIG, &enc, &frame, &e) != 0)
		abort();
	buf_view(&in, frame.data, frame.len);
	if (frame_decode_hdr(&in, &h, &e) != 0 || h.length != enc.len ||
	    buf_get_view(&in, &body, h.length) != 0 ||
	    frame_decode_config(&body, d, &e) != 0 ||
	    memcmp(c, d, sizeof(*c)) != 0)
		abort();
	buf_free(&enc);
	buf_free(&frame);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gp_config *c, *d;
	static FILE *null;
	struct frame_hdr h;
	struct gp_err e;
	struct buf in;

	if (c == NULL) {
		c = config_new();
		d = config_new();
		null = fopen("/dev/null", "w");
		if (c == NULL || d == NULL || null == NULL)
			abort();
	}
	buf_view(&in, data, size);
	/* A bad header still lets the fuzzer reach the body decoder. */
	if (frame_decode_hdr(&in, &h, &e) == -1)
		buf_view(&in, data, size);
	memset(c, 0xa5, sizeof(*c));
	if (frame_decode_config(&in, c, &e) == -1) {
		if (!all_zero(c) || strlen(e.msg) == 0)
			abort();
		return 0;
	}
	config_print(null, c, true);
	roundtrip(c, d);
	return 0;
}
