/* SPDX-License-Identifier: ISC */
/*
 * Characterisation tests for gp-auth's form bodies and percent-decoding
 * (auth/form.c): the bytes on the wire, the exact overflow limits and
 * what a failed add or decode leaves behind. Written against form.c as
 * it was before it used ipc/textenc.h and ipc/dynbuf.h; both pass.
 */
#include <string.h>

#include "auth/form.h"
#include "t.h"

static void
add_fields(void)
{
	struct form *f = form_new();

	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	form_add(f, "user", "a b&c=d+e/é~-._");
	form_add_raw(f, "&prot=https:");
	form_add_raw(f, "");
	form_add(f, "k", "");
	form_add_raw(f, "jnlpReady=jnlpReady");
	T_STREQ(f->data, "user=a%20b%26c%3dd%2be%2f%c3%a9~-._&prot=https:&k=&"
	    "jnlpReady=jnlpReady");
	T_EQ_INT(f->len, strlen(f->data));
	T_EQ_INT(form_ok(f), 0);
	form_free(f);
}

static void
add_every_byte(void)
{
	struct form *f = form_new();
	char all[256], want[1024];
	size_t i, o = 0;

	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	for (i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	form_add(f, "v", all);
	o = (size_t)snprintf(want, sizeof(want), "v=");
	for (i = 1; i < 256; i++) {
		if ((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		    (i >= '0' && i <= '9') || strchr("-._~", (int)i) != NULL)
			want[o++] = (char)i;
		else
			o += (size_t)snprintf(want + o, sizeof(want) - o,
			    "%%%02x", (unsigned)i);
	}
	want[o] = '\0';
	T_STREQ(f->data, want);
	form_free(f);
}

/* Fill the form to FORM_MAX - 1 bytes exactly, then one byte more. */
static void
add_overflow(void)
{
	static char big[FORM_MAX];
	struct form *f = form_new();
	size_t before;

	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	form_add(f, "a", "1");
	memset(big, 'x', sizeof(big));
	big[FORM_MAX - 1 - 4 - 2] = '\0';	/* "a=1" "&" "k=" */
	form_add(f, "k", big);
	T_EQ_INT(f->len, FORM_MAX - 1);
	T_EQ_INT(form_ok(f), 0);
	f->len = 3;				/* back to "a=1" */
	memset(f->data + 3, 0, FORM_MAX - 3);
	big[FORM_MAX - 1 - 4 - 2] = 'x';
	big[FORM_MAX - 4 - 2] = '\0';		/* one byte too many */
	before = f->len;
	form_add(f, "k", big);
	T_EQ_INT(form_ok(f), -1);
	T_EQ_INT(f->len, before);
	T_STREQ(f->data, "a=1");
	T_EQ_INT(f->data[before + 1], '\0');	/* the tail is wiped */
	form_add(f, "b", "2");			/* ignored once flagged */
	form_add_raw(f, "c=3");
	T_STREQ(f->data, "a=1");
	form_free(f);
}

static void
add_raw_overflow(void)
{
	static char big[FORM_MAX + 1];
	struct form *f = form_new();

	T_CHECK(f != NULL);
	if (f == NULL)
		return;
	memset(big, 'r', FORM_MAX - 1);
	big[FORM_MAX - 1] = '\0';
	form_add_raw(f, big);		/* FORM_MAX bytes with the NUL: fits */
	T_EQ_INT(form_ok(f), 0);
	T_EQ_INT(f->len, FORM_MAX - 1);
	f->len = 0;
	f->data[0] = '\0';
	big[FORM_MAX - 1] = 'r';	/* one more: does not */
	big[FORM_MAX] = '\0';
	form_add_raw(f, big);
	T_EQ_INT(form_ok(f), -1);
	T_EQ_INT(f->len, 0);
	T_EQ_INT(f->data[0], '\0');
	T_EQ_INT(f->data[FORM_MAX - 2], '\0');	/* wiped */
	form_free(f);
}

static void
encode(void)
{
	char out[8];

	T_EQ_INT(form_encode("a b", out, sizeof(out)), 0);
	T_STREQ(out, "a%20b");
	T_EQ_INT(form_encode("abcdefg", out, sizeof(out)), 0);	/* fits */
	T_STREQ(out, "abcdefg");
	T_EQ_INT(form_encode("abcdefgh", out, sizeof(out)), -1);
	T_STREQ(out, "");
	T_EQ_INT(form_encode("abcd/", out, sizeof(out)), 0);	/* 7 */
	T_STREQ(out, "abcd%2f");
	T_EQ_INT(form_encode("abcde/", out, sizeof(out)), -1);	/* 8 */
	T_EQ_MEM(out, "\0\0\0\0\0\0\0\0", 8);	/* wiped */
	T_EQ_INT(form_encode("", out, sizeof(out)), 0);
	T_STREQ(out, "");
	T_EQ_INT(form_encode("a", out, 0), -1);
	T_EQ_INT(form_encode("", out, 1), 0);
	T_EQ_INT(form_encode("a", out, 1), -1);
}

static void
decode(void)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*out;
	} cases[] = {
		{ "", 0, "" }, { "abc", 0, "abc" }, { "%41%62", 0, "Ab" },
		{ "%2B%2b+", 0, "++" "+" }, { "a%20b", 0, "a b" },
		{ "%c3%A9", 0, "\xc3\xa9" }, { "%4", -1, "" },
		{ "%", -1, "" }, { "a%", -1, "" }, { "%00", -1, "" },
		{ "%zz", -1, "" }, { "%0g", -1, "" }, { "%g0", -1, "" },
		{ "%01", 0, "\x01" }, { "%%41", -1, "" }, { "1234567", 0,
		"1234567" }, { "12345678", -1, "" }, { "123456%37", 0,
		"1234567" }, { "1234567%38", -1, "" }, { "%-1", -1, "" },
		{ "% 1", -1, "" }, { "%+1", -1, "" },
	};
	char out[8];
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'z', sizeof(out));
		rc = form_decode(cases[i].in, out, sizeof(out));
		if (rc != cases[i].rc)
			fprintf(stderr, "  decode case %zu\n", i);
		T_EQ_INT(rc, cases[i].rc);
		T_CHECK(memchr(out, '\0', sizeof(out)) != NULL);
		T_STREQ(out, cases[i].out);
	}
	T_EQ_INT(form_decode("", out, 0), -1);
	T_EQ_INT(form_decode("", out, 1), 0);
	T_EQ_INT(form_decode("a", out, 1), -1);
	T_EQ_INT(form_decoded_len("12345678%41", &n), 0);
	T_EQ_INT(n, 9);
	n = 7;
	T_EQ_INT(form_decoded_len("a%0", &n), -1);
	T_EQ_INT(n, 0);
	T_EQ_INT(form_decoded_len("%00", &n), -1);
	T_EQ_INT(form_decoded_len("%zz", &n), -1);
	T_EQ_INT(form_decoded_len("", &n), 0);
	T_EQ_INT(n, 0);
	T_EQ_INT(form_decoded_len("+%2b", &n), 0);
	T_EQ_INT(n, 2);
}

int
main(void)
{
	T_RUN(add_fields);
	T_RUN(add_every_byte);
	T_RUN(add_overflow);
	T_RUN(add_raw_overflow);
	T_RUN(encode);
	T_RUN(decode);
	return T_DONE();
}
