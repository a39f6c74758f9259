/*
 * libFuzzer target for the START_TUNNEL answer of the HTTPS tunnel
 * (tunnel/https_reply.c): the gateway's untrusted bytes, read in pieces
 * as https_reply_read reads them, then judged. The first byte sets the
 * piece size; the invariants are the reader's: never past the buffer,
 * START_TUNNEL only for exactly those 12 bytes, a message otherwise.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/https.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_START_LEN	(sizeof(HTTPS_START_TUNNEL) - 1)

/* One read: at most chunk bytes, at most what the reader wants. */
static size_t
fuzz_piece(size_t want, size_t chunk, size_t left)
{
	size_t n = want < chunk ? want : chunk;

	return n < left ? n : left;
}

static void
fuzz_judge(const char *reply, size_t have)
{
	struct gp_err e;
	int r;

	memset(&e, 0, sizeof(e));
	r = https_reply_judge(reply, have, &e);
	if ((r != HTTPS_OPEN_ERROR && r != HTTPS_OPEN_COOKIE_REJECTED) ||
	    e.msg[0] == '\0' || memchr(e.msg, '\0', sizeof(e.msg)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char reply[HTTPS_REPLY_MAX];
	size_t have = 0, want = FUZZ_START_LEN, chunk, n;
	enum https_reply_next next;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] % 64 + 1;
	data++;
	size--;
	for (;;) {
		n = fuzz_piece(want - have, chunk, size);
		if (n == 0)
			break;
		memcpy(reply + have, data, n);
		data += n;
		size -= n;
		have += n;
		next = https_reply_next(reply, have, sizeof(reply));
		if (next == HTTPS_REPLY_START) {
			if (have != FUZZ_START_LEN || memcmp(reply,
			    HTTPS_START_TUNNEL, FUZZ_START_LEN) != 0)
				abort();
			return 0;
		}
		if (next == HTTPS_REPLY_MORE)
			want = sizeof(reply);
		else if (next == HTTPS_REPLY_DONE)
			break;
	}
	fuzz_judge(reply, have);
	return 0;
}
