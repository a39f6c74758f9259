/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the HIP runner's messages (auth/hipmsg.c): the
 * same bytes as a request (as the runner child reads it) and as a reply
 * (as gp-auth reads it). What decodes must encode back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/hipmsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
request(const uint8_t *data, size_t size, struct buf *b)
{
	static struct hipmsg_args a;
	struct hip_run_req q;
	struct gp_err e;

	e.msg[0] = '\0';
	if (hipmsg_decode_req(data, size, &a, &e) == -1) {
		if (e.msg[0] == '\0' || a.a[5][0] != '\0')
			abort();
		return;
	}
	q.cookie = a.a[0];
	q.ip4 = a.a[1];
	q.ip6 = a.a[2];
	q.md5 = a.a[3];
	q.client_os = a.a[4];
	q.app_version = a.a[5];
	buf_reset(b);
	if (hipmsg_encode_req(&q, b, &e) == -1 || b->len != size ||
	    memcmp(b->data, data, size) != 0)
		abort();
}

static void
reply(const uint8_t *data, size_t size, struct buf *b)
{
	static char out[HIPGEN_REPORT_MAX];
	struct gp_err e;
	uint8_t st;

	e.msg[0] = '\0';
	if (hipmsg_decode_reply(data, size, &st, out, sizeof(out), &e) ==
	    -1) {
		if (e.msg[0] == '\0' || out[0] != '\0' || st != HIPMSG_FAILED)
			abort();
		return;
	}
	buf_reset(b);
	if (hipmsg_encode_reply(st, out, strlen(out), b, &e) == -1 ||
	    b->len != size || memcmp(b->data, data, size) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf b;

	if (b.mem == NULL &&
	    buf_init(&b, HIPMSG_REPLY_MAX + HIPMSG_REQ_MAX) == -1)
		abort();
	request(data, size, &b);
	reply(data, size, &b);
	return 0;
}
