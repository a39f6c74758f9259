/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the text encodings (ipc/textenc.c): hex and base64 at
 * their size limits and one over, strict padding, and percent escapes
 * byte for byte as the form and tunnel-request encoders put them.
 */
#include <stdint.h>
#include <string.h>

#include "ipc/textenc.h"
#include "t.h"

static void
hex_values(void)
{
	T_EQ_INT(hex_val('0'), 0);
	T_EQ_INT(hex_val('9'), 9);
	T_EQ_INT(hex_val('a'), 10);
	T_EQ_INT(hex_val('F'), 15);
	T_EQ_INT(hex_val('g'), -1);
	T_EQ_INT(hex_val('/'), -1);
	T_EQ_INT(hex_val(0), -1);
	T_EQ_INT(hex_val(0xe0), -1);
}

static void
hex_limits(void)
{
	uint8_t out[4];

	T_EQ_INT(hex_decode("deadBEEF", 8, out, sizeof(out)), 4);
	T_EQ_MEM(out, "\xde\xad\xbe\xef", 4);
	T_EQ_INT(hex_decode("deadbeef00", 10, out, sizeof(out)), -1);
	T_EQ_MEM(out, "\0\0\0\0", 4);
	T_EQ_INT(hex_decode("abc", 3, out, sizeof(out)), -1);
	T_EQ_INT(hex_decode("", 0, out, sizeof(out)), 0);
	/* slen bounds the read: the digits after it do not count. */
	T_EQ_INT(hex_decode("0102zz", 4, out, 2), 2);
	T_EQ_INT(hex_decode("01 2", 4, out, 2), -1);
	T_EQ_INT(hex_decode("0x12", 4, out, 2), -1);
}

static void
b64_limits(void)
{
	uint8_t out[32];

	T_EQ_INT(b64_decode("aGVsbG8=", 8, out, 5), 5);
	T_EQ_MEM(out, "hello", 5);
	T_EQ_INT(b64_decode("aGVsbG8", 7, out, 5), 5);
	T_EQ_INT(b64_decode("aGVsbG8", 7, out, 4), -1);
	T_EQ_INT(b64_decode("aGk=", 4, out, 2), 2);
	T_EQ_INT(b64_decode("aA==", 4, out, 1), 1);
	T_EQ_INT(out[0], 'h');
	T_EQ_INT(b64_decode("aA", 2, out, 1), 1);
	T_EQ_INT(b64_decode("", 0, out, 1), 0);
	T_EQ_INT(b64_decode("+/+/", 4, out, 3), 3);
	T_EQ_MEM(out, "\xfb\xff\xbf", 3);
}

static void
b64_strict(void)
{
	uint8_t out[8];

	T_EQ_INT(b64_decode("aB==", 4, out, 8), -1);	/* bits left */
	T_EQ_INT(b64_decode("aGk", 3, out, 8), 2);
	T_EQ_INT(b64_decode("aGl", 3, out, 8), -1);
	T_EQ_INT(b64_decode("aA=", 3, out, 8), -1);	/* half padded */
	T_EQ_INT(b64_decode("a===", 4, out, 8), -1);
	T_EQ_INT(b64_decode("a", 1, out, 8), -1);
	T_EQ_INT(b64_decode("aGVs=", 5, out, 8), -1);
	T_EQ_INT(b64_decode("aG=k", 4, out, 8), -1);
	T_EQ_INT(b64_decode("aG-_", 4, out, 8), -1);	/* url alphabet */
	T_EQ_INT(b64_decode("aG k", 4, out, 8), -1);
}

/* The copies in auth/form.c and tunnel/https.c put exactly this. */
static void
pct_encode_wire(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 256);
	T_EQ_INT(pct_encode(&d, "a b+c&d=e/f~g.h-i_j", 19), 0);
	T_STREQ(dynbuf_str(&d), "a%20b%2bc%26d%3de%2ff~g.h-i_j");
	dynbuf_reset(&d);
	T_EQ_INT(pct_encode(&d, "\xff\x01\x00Z9", 5), 0);
	T_STREQ(dynbuf_str(&d), "%ff%01%00Z9");
	dynbuf_free(&d);
}

static void
pct_encode_all_or_nothing(void)
{
	struct dynbuf d;

	dynbuf_init(&d, 7);	/* 6 characters and the NUL */
	T_EQ_INT(dynbuf_addstr(&d, "k="), 0);
	T_EQ_INT(pct_encode(&d, "ab ", 3), -1);	/* 5 more: one over */
	T_STREQ(dynbuf_str(&d), "k=");
	T_EQ_INT(pct_encode(&d, "a ", 2), 0);		/* exactly 6 */
	T_STREQ(dynbuf_str(&d), "k=a%20");
	dynbuf_free(&d);
}

static void
pct_decode_limits(void)
{
	char out[6];
	size_t n;

	T_EQ_INT(pct_decode("a%20b", 5, out, 4, 0), 3);
	T_STREQ(out, "a b");
	T_EQ_INT(pct_decode("abcd", 4, out, 4, 0), -1);	/* NUL */
	T_EQ_MEM(out, "\0\0\0\0", 4);
	T_EQ_INT(pct_decode("abc", 3, out, 4, 0), 3);
	T_EQ_INT(pct_decode("", 0, out, 1, 0), 0);
	T_STREQ(out, "");
	T_EQ_INT(pct_decode("", 0, out, 0, 0), -1);
	T_EQ_INT(pct_decoded_len("a%2Fb%2f", 8, &n), 0);
	T_EQ_INT(n, 4);
	T_EQ_INT(pct_decoded_len("a%2", 3, &n), -1);
	T_EQ_INT(n, 0);
}

static void
pct_decode_bad(void)
{
	char out[16];

	T_EQ_INT(pct_decode("%", 1, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("%4", 2, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("%41", 2, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("%g1", 3, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("%00", 3, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("a\0b", 3, out, sizeof(out), 0), -1);
	T_EQ_INT(pct_decode("%41", 3, out, sizeof(out), 0), 1);
	T_STREQ(out, "A");
}

static void
pct_decode_plus(void)
{
	char out[16];

	T_EQ_INT(pct_decode("a+b%2B", 6, out, sizeof(out), 0), 4);
	T_STREQ(out, "a+b+");
	T_EQ_INT(pct_decode("a+b%2B", 6, out, sizeof(out), 1), 4);
	T_STREQ(out, "a b+");
}

/* Valid lengths, and each way a sequence is refused. */
static void
utf8_lengths(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		uint32_t	 cp;
	} v[] = {
		{ "A", 1, 0x41 },
		{ "\xc3\xa9", 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 0x1f600 },
		{ "\xc2\x85", 2, 0x85 },		/* C1: callers decide */
		{ "\xc0\xaf", 0, 0 },			/* overlong */
		{ "\xe0\x80\xaf", 0, 0 },		/* overlong */
		{ "\xed\xa0\x80", 0, 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 0, 0 },	/* above U+10FFFF */
		{ "\xe2\x82", 0, 0 },			/* truncated */
		{ "\xe2\x28\xac", 0, 0 },		/* not a continuation */
		{ "\x80", 0, 0 },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cp = 0;
		T_EQ_UINT(utf8_seq_len((const unsigned char *)v[i].s,
		    strlen(v[i].s), &cp), v[i].len);
		if (v[i].len != 0)
			T_EQ_UINT(cp, v[i].cp);
	}
	T_EQ_UINT(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 2,
	    NULL), 0);
	T_EQ_UINT(utf8_seq_len((const unsigned char *)"A", 0, NULL), 0);
}

/* RFC 4648 section 10's vectors, the room for the NUL, and a round
 * trip through b64_decode. */
static void
b64_encode_vectors(void)
{
	static const char *v[][2] = { { "", "" }, { "f", "Zg==" },
	    { "fo", "Zm8=" }, { "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
	    { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" } };
	uint8_t raw[32], back[32];
	char out[64];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		T_EQ_INT(b64_encode((const uint8_t *)v[i][0],
		    strlen(v[i][0]), out, sizeof(out)), strlen(v[i][1]));
		T_STREQ(out, v[i][1]);
	}
	T_EQ_INT(b64_encode((const uint8_t *)"foo", 3, out, 4), -1);
	T_EQ_INT(b64_encode((const uint8_t *)"foo", 3, out, 5), 4);
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 37 + 1);
	T_EQ_INT(b64_encode(raw, sizeof(raw), out, sizeof(out)), 44);
	T_EQ_INT(b64_decode(out, 44, back, sizeof(back)), 32);
	T_EQ_MEM(back, raw, sizeof(raw));
}

int
main(void)
{
	T_RUN(hex_values);
	T_RUN(hex_limits);
	T_RUN(b64_limits);
	T_RUN(b64_strict);
	T_RUN(b64_encode_vectors);
	T_RUN(pct_encode_wire);
	T_RUN(pct_encode_all_or_nothing);
	T_RUN(pct_decode_limits);
	T_RUN(pct_decode_bad);
	T_RUN(pct_decode_plus);
	T_RUN(utf8_lengths);
	return T_DONE();
}
