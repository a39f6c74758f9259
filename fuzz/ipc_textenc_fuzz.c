/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the text decoders (ipc/textenc.c): arbitrary
 * bytes as hex, base64 and percent-escaped text, as servers and files
 * send them. Hex and base64 that decode must re-encode to the input (they
 * are strict); escaped text must re-encode to a text that decodes to the
 * same bytes; a failure must leave the output wiped.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "ipc/bytes.h"
#include "ipc/textenc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX	512

static void
check_hex(const char *s, size_t n)
{
	uint8_t out[OUT_MAX / 2], again[OUT_MAX / 2];
	char enc[OUT_MAX + 1];
	int r, i;

	r = hex_decode(s, n, out, sizeof(out));
	if (r == -1) {
		if (!bytes_all_zero(out, sizeof(out)))
			abort();
		return;
	}
	for (i = 0; i < r; i++)
		snprintf(enc + 2 * i, 3, "%02x", out[i]);
	if (strncasecmp(enc, s, n) != 0 ||
	    hex_decode(enc, (size_t)r * 2, again, sizeof(again)) != r ||
	    memcmp(out, again, (size_t)r) != 0)
		abort();
}

/* Strict means canonical: what decodes re-encodes to the same text. */
static void
check_b64(const char *s, size_t n)
{
	uint8_t out[OUT_MAX];
	char enc[OUT_MAX / 3 * 4 + 5];
	size_t bare = n, elen;
	int r;

	r = b64_decode(s, n, out, sizeof(out));
	if (r == -1) {
		if (!bytes_all_zero(out, sizeof(out)))
			abort();
		return;
	}
	while (bare > 0 && s[bare - 1] == '=')
		bare--;
	elen = (size_t)EVP_EncodeBlock((unsigned char *)enc, out, r);
	while (elen > 0 && enc[elen - 1] == '=')
		elen--;
	if (elen != bare || memcmp(enc, s, bare) != 0)
		abort();
}

static void
check_pct(const char *s, size_t n, int plus)
{
	char out[OUT_MAX], again[OUT_MAX];
	struct dynbuf d;
	size_t len;
	int r;

	r = pct_decode(s, n, out, sizeof(out), plus);
	if (r == -1) {
		if (!bytes_all_zero(out, sizeof(out)))
			abort();
		return;
	}
	if (pct_decoded_len(s, n, &len) == -1 || len != (size_t)r ||
	    strlen(out) != len)
		abort();
	dynbuf_init(&d, 3 * OUT_MAX + 1);
	if (pct_encode(&d, out, len) == -1 ||
	    pct_decode(dynbuf_str(&d), dynbuf_len(&d), again, sizeof(again),
	    plus) != r || memcmp(out, again, len + 1) != 0)
		abort();
	dynbuf_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_hex(s, size);
	check_b64(s, size);
	check_pct(s, size, 0);
	check_pct(s, size, 1);
	return 0;
}
