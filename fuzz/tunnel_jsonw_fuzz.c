/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the JSON writer of gp-tunnel's status lines
 * (tunnel/jsonw.c), which escapes strings that may come from a server.
 * The input is one untrusted string: the output must fit its bound, hold
 * no control byte, and be valid UTF-8 (ASCII escapes or well-formed
 * sequences), with the string's quotes all escaped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/jsonw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A well-formed UTF-8 sequence at p of n bytes left: its length, or 0. */
static size_t
seq_len(const unsigned char *p, size_t n)
{
	size_t want = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2, i;

	if (p[0] < 0xc2 || p[0] > 0xf4 || n < want)
		return 0;
	for (i = 1; i < want; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return want;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[512], out[512 * 6 + 32];
	const unsigned char *p;
	struct jsonw w;
	size_t n, k, i;

	n = size < sizeof(in) - 1 ? size : sizeof(in) - 1;
	memcpy(in, data, n);
	in[n] = '\0';
	jsonw_init(&w, out, sizeof(out));
	jsonw_open(&w, NULL);
	jsonw_str(&w, "s", in);
	jsonw_close(&w);
	if (jsonw_done(&w) == NULL)
		abort();	/* 6 bytes per input byte always fit */
	p = (const unsigned char *)out;
	k = strlen(out);
	if (k < 8 || memcmp(out, "{\"s\":\"", 6) != 0 ||
	    memcmp(out + k - 2, "\"}", 2) != 0)
		abort();
	for (i = 6; i < k - 2; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f)
			abort();
		if (p[i] == '\\') {
			i++;	/* the escaped byte */
			continue;
		}
		if (p[i] == '"')
			abort();
		if (p[i] >= 0x80) {
			size_t l = seq_len(p + i, k - 2 - i);

			if (l == 0)
				abort();
			i += l - 1;
		}
	}
	return 0;
}
