/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the JSON writer (tunnel/jsonw.c): nesting and commas,
 * numbers, hostile strings (quotes, backslashes, control bytes, broken
 * and overlong UTF-8, surrogates) and a buffer too small. Test code only.
 */
#include <stdint.h>

#include "tunnel/jsonw.h"
#include "t.h"

static const char *
one_str(char *out, size_t cap, const char *s)
{
	struct jsonw w;

	jsonw_init(&w, out, cap);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "s", s);
	jsonw_close(&w);
	return jsonw_done(&w);
}

static void
nesting(void)
{
	char out[256];
	struct jsonw w;

	jsonw_init(&w, out, sizeof(out));
	jsonw_open(&w, NULL);
	jsonw_str(&w, "a", "x");
	jsonw_open(&w, "o");
	jsonw_u64(&w, "n", UINT64_MAX);
	jsonw_i64(&w, "m", -5);
	jsonw_close(&w);
	jsonw_open(&w, "e");
	jsonw_close(&w);
	jsonw_bool(&w, "t", true);
	jsonw_null(&w, "z");
	jsonw_str(&w, "ns", NULL);
	jsonw_close(&w);
	T_STREQ(jsonw_done(&w), "{\"a\":\"x\",\"o\":{\"n\":"
	    "18446744073709551615,\"m\":-5},\"e\":{},\"t\":true,\"z\":null,"
	    "\"ns\":null}");
}

static void
misuse(void)
{
	char out[64];
	struct jsonw w;

	jsonw_init(&w, out, sizeof(out));
	jsonw_u64(&w, "n", 1);		/* no object */
	T_CHECK(jsonw_done(&w) == NULL);
	jsonw_init(&w, out, sizeof(out));
	jsonw_open(&w, NULL);
	T_CHECK(jsonw_done(&w) == NULL);	/* left open */
	jsonw_close(&w);
	jsonw_close(&w);		/* one too many */
	T_CHECK(jsonw_done(&w) == NULL);
	jsonw_init(&w, out, sizeof(out));
	jsonw_open(&w, NULL);
	jsonw_u64(&w, NULL, 1);		/* a member needs a key */
	jsonw_close(&w);
	T_CHECK(jsonw_done(&w) == NULL);
	jsonw_init(&w, out, sizeof(out));
	jsonw_open(&w, NULL);
	jsonw_close(&w);
	jsonw_open(&w, NULL);		/* a second top-level object */
	jsonw_close(&w);
	T_CHECK(jsonw_done(&w) == NULL);
}

static void
hostile(void)
{
	char out[256];

	T_STREQ(one_str(out, sizeof(out), "a\"b\\c"),
	    "{\"s\":\"a\\\"b\\\\c\"}");
	T_STREQ(one_str(out, sizeof(out), "\n\r\t\x01\x1f\x7f"),
	    "{\"s\":\"\\u000a\\u000d\\u0009\\u0001\\u001f\\u007f\"}");
	/* A forged second line or member stays inside the string. */
	T_STREQ(one_str(out, sizeof(out), "x\",\"cookie\":\"y\n{"),
	    "{\"s\":\"x\\\",\\\"cookie\\\":\\\"y\\u000a{\"}");
	/* Valid UTF-8 passes: é, €, U+1F600. */
	T_STREQ(one_str(out, sizeof(out), "\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80"), "{\"s\":\"\xc3\xa9\xe2\x82\xac"
	    "\xf0\x9f\x98\x80\"}");
	/* Not UTF-8: a lone continuation, a truncated sequence, an overlong
	 * '/', a surrogate, above U+10FFFF, 0xff. */
	T_STREQ(one_str(out, sizeof(out), "\x80"), "{\"s\":\"\\ufffd\"}");
	T_STREQ(one_str(out, sizeof(out), "a\xe2\x82"),
	    "{\"s\":\"a\\ufffd\\ufffd\"}");
	T_STREQ(one_str(out, sizeof(out), "\xc0\xaf"),
	    "{\"s\":\"\\ufffd\\ufffd\"}");
	T_STREQ(one_str(out, sizeof(out), "\xed\xa0\x80"),
	    "{\"s\":\"\\ufffd\\ufffd\\ufffd\"}");
	T_STREQ(one_str(out, sizeof(out), "\xf4\x90\x80\x80"),
	    "{\"s\":\"\\ufffd\\ufffd\\ufffd\\ufffd\"}");
	T_STREQ(one_str(out, sizeof(out), "\xff"), "{\"s\":\"\\ufffd\"}");
	/* The empty string. */
	T_CHECK(one_str(out, sizeof(out), "") != NULL);
}

static void
bounded(void)
{
	char out[16], big[600];
	size_t cap;

	memset(big, '"', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_CHECK(one_str(out, sizeof(out), big) == NULL);
	T_CHECK(strlen(out) < sizeof(out));
	/* Exactly enough, and one byte less. */
	for (cap = 1; cap <= 13; cap++) {
		char b[13];

		if (cap == 13)
			T_STREQ(one_str(b, cap, "abcd"), "{\"s\":\"abcd\"}");
		else
			T_CHECK(one_str(b, cap, "abcd") == NULL);
	}
	T_CHECK(one_str(out, 0, "a") == NULL);
}

int
main(void)
{
	T_RUN(nesting);
	T_RUN(misuse);
	T_RUN(hostile);
	T_RUN(bounded);
	return T_DONE();
}
