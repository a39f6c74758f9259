/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the START_TUNNEL answer of the HTTPS tunnel
 * (tunnel/https_reply.c): the gateway's untrusted bytes, handed to the
 * reader's own loop (https_reply_collect) in pieces whose size the first
 * byte sets. Checked: never a byte past the 12 of START_TUNNEL when it
 * opens, never more than HTTPS_REPLY_MAX, a message whenever it fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/https.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_START_LEN	(sizeof(HTTPS_START_TUNNEL) - 1)

struct fuzz_src {
	const uint8_t	*p;
	size_t		 len, off, chunk;
};

static long
fuzz_read(void *arg, void *buf, size_t len, struct gp_err *e)
{
	struct fuzz_src *s = arg;
	size_t n = len < s->chunk ? len : s->chunk;

	(void)e;
	if (len == 0)
		abort();	/* asked for nothing: it would spin */
	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(buf, s->p + s->off, n);
	s->off += n;
	return (long)n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_src s;
	struct gp_err e;
	int r;

	if (size == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	s.p = data + 1;
	s.len = size - 1;
	s.off = 0;
	s.chunk = (size_t)data[0] % 64 + 1;
	r = https_reply_collect(fuzz_read, &s, &e);
	if (s.off > HTTPS_REPLY_MAX)
		abort();
	if (r == HTTPS_OPEN_OK) {
		if (s.off != FUZZ_START_LEN || memcmp(s.p, HTTPS_START_TUNNEL,
		    FUZZ_START_LEN) != 0)
			abort();
		return 0;
	}
	if ((r != HTTPS_OPEN_ERROR && r != HTTPS_OPEN_COOKIE_REJECTED) ||
	    e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
		abort();
	return 0;
}
