/* SPDX-License-Identifier: ISC */
/*
 * Characterisation tests for the HTML-entity and JS-string decoders of
 * the login challenge (auth/htmltext.c): every expected value below was
 * captured from the decoders as they were in auth/login.c before the move
 * onto the cursor. Test code; the inputs imitate hostile servers.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/htmltext.h"
#include "auth_logincase.h"
#include "t.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Entities: input, decoded. */
static const struct {
	const char	*in;
	const char	*want;
} ent_cases[] = {
	{ "", "" },
	{ "&", "&" },
	{ "&amp;", "&" },
	{ "&amp", "&amp" },
	{ "&AMP;", "&AMP;" },
	{ "&quot;&lt;&gt;&apos;&nbsp;", "\"<>' " },
	{ "&#65;", "A" },
	{ "&#x41;", "A" },
	{ "&#X41;", "A" },
	{ "&#x0x41;", "A" },
	{ "&#X0X41;", "A" },
	{ "&#0x41;", "&#0x41;" },
	{ "&#x0x;", "&#x0x;" },
	{ "&#x0xg;", "&#x0xg;" },
	{ "&#0;", "&#0;" },
	{ "&#x0;", "&#x0;" },
	{ "&#xd800;", "&#xd800;" },
	{ "&#xdfff;", "&#xdfff;" },
	{ "&#xd7ff;", "\355\237\277" },
	{ "&#xe000;", "\356\200\200" },
	{ "&#x10ffff;", "\364\217\277\277" },
	{ "&#x110000;", "&#x110000;" },
	{ "&#1114111;", "\364\217\277\277" },
	{ "&#1114112;", "&#1114112;" },
	{ "&#99999999999999999999999;", "&#99999999999999999999999;" },
	{ "&#65", "&#65" },
	{ "&#;", "&#;" },
	{ "&#x;", "&#x;" },
	{ "&#-65;", "&#-65;" },
	{ "&#+65;", "&#+65;" },
	{ "&# 65;", "&# 65;" },
	{ "&#000000065;", "A" },
	{ "&#0000000065;", "A" },
	{ "&#00000000065;", "&#00000000065;" },
	{ "&#x0000000041;", "&#x0000000041;" },
	{ "&#x000000041;", "A" },
	{ "&#127;", "\177" },
	{ "&#128;", "\302\200" },
	{ "&#2047;", "\337\277" },
	{ "&#2048;", "\340\240\200" },
	{ "&#65535;", "\357\277\277" },
	{ "&#65536;", "\360\220\200\200" },
	{ "&#65;&#66;", "AB" },
	{ "&&amp;", "&&" },
	{ "&#xffffffff;", "&#xffffffff;" },
	{ "&#4294967361;", "&#4294967361;" },
	{ "&#65;x", "Ax" },
	{ "&lt", "&lt" },
	{ "a&quot", "a&quot" },
	{ "&#x41g;", "&#x41g;" },
	{ "&#6 5;", "&#6 5;" },
	{ "&#xAbC;", "\340\252\274" },
	{ "&#0065;", "A" },
	{ "&#x-41;", "&#x-41;" },
	{ "&#1-;", "&#1-;" },
	{ "&#x +41;", "&#x +41;" },
	{ "&#x41 ;", "&#x41 ;" },
	{ "&#a;", "&#a;" },
	{ "&#xx41;", "&#xx41;" },
	{ "&#X;", "&#X;" },
	{ "&#x0X41;", "A" },
	{ "&#0X41;", "&#0X41;" },
	{ "&nbsp;&nbsp", " &nbsp" },
	{ "&#12;&#9;&#10;", "\014\011\012" },
	{ "&#x1F600;", "\360\237\230\200" },
	{ "&#128512;", "\360\237\230\200" },
	{ "caf&#233; &amp; bar", "caf\303\251 & bar" },
	{ "&amp;amp;", "&amp;" },
	{ "&#38;amp;", "&amp;" },
	{ "&#x26;#65;", "&#65;" },
	{ "&quot", "&quot" },
	{ "&#", "&#" },
	{ "&#x", "&#x" },
	{ "&#xA", "&#xA" },
	{ "&#1e2;", "&#1e2;" },
	{ "&#x1e2;", "\307\242" },
	{ "&#55296;", "&#55296;" },
	{ "&#57343;", "&#57343;" },
	{ "&#x00000000000041;", "&#x00000000000041;" },
	{ "&#x0x00041;", "A" },
	{ "&#x0x000000041;", "&#x0x000000041;" },
	{ "&apos;s", "'s" },
	{ "<p>&lt;b&gt;</p>", "<p><b></p>" },
	{ "\303\251&amp;\377", "\303\251&\377" },
};

/* JS assignments: text, name, output size, result, decoded string. */
static const struct {
	const char	*text;
	const char	*name;
	size_t		 outsz;
	enum htmltext_js rc;
	const char	*want;
} js_cases[] = {
	{ "respStatus = \"Challenge\";", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "Challenge" },
	{ "respStatus=\"x\"", "respStatus", 32, HTMLTEXT_JS_FOUND, "x" },
	{ "respStatus='x'", "respStatus", 32, HTMLTEXT_JS_FOUND, "x" },
	{ "respStatus = x", "respStatus", 32, HTMLTEXT_JS_NOT_STRING, "" },
	{ "respStatus == \"x\"", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "if (respStatus == \"x\") respStatus = \"y\";", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "y" },
	{ "xrespStatus = \"a\"; respStatus = \"b\"", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "b" },
	{ "_respStatus=\"a\"", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "$respStatus=\"a\"", "respStatus", 32, HTMLTEXT_JS_FOUND, "a" },
	{ ".respStatus=\"a\"", "respStatus", 32, HTMLTEXT_JS_FOUND, "a" },
	{ "9respStatus=\"a\"", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatusX = \"a\"", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatus", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatus =", "respStatus", 32, HTMLTEXT_JS_NOT_STRING, "" },
	{ "respStatus = ", "respStatus", 32, HTMLTEXT_JS_NOT_STRING, "" },
	{ "respStatus = \"abc", "respStatus", 32, HTMLTEXT_JS_BAD, "" },
	{ "respStatus = \"a\\\"b\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "a\"b" },
	{ "respStatus = \"a\\nb\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "a\012b" },
	{ "respStatus = '\\x41'", "respStatus", 32, HTMLTEXT_JS_FOUND, "x41" },
	{ "respStatus = \"\\", "respStatus", 32, HTMLTEXT_JS_BAD, "" },
	{ "respStatus = \"a\\\\\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "a\\" },
	{ "respStatus = \"\\t\\r\\n\\q\\0\\'\"", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "\011\015\012q0'" },
	{ "respStatus = \"abc\"", "respStatus", 4, HTMLTEXT_JS_FOUND, "abc" },
	{ "respStatus = \"abcd\"", "respStatus", 4, HTMLTEXT_JS_BAD, "" },
	{ "respStatus = \"\"", "respStatus", 1, HTMLTEXT_JS_FOUND, "" },
	{ "respStatus = \"a\"", "respStatus", 1, HTMLTEXT_JS_BAD, "" },
	{ "respStatus = \"\\n\"", "respStatus", 2, HTMLTEXT_JS_FOUND, "\012" },
	{ "respStatus = \"\\n\\n\"", "respStatus", 2, HTMLTEXT_JS_BAD, "" },
	{ "respStatus = \"\"", "respStatus", 32, HTMLTEXT_JS_FOUND, "" },
	{ "respStatus\012=\011\"a\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "a" },
	{ "respStatus\015\012 = \015\012 \"a\"", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "a" },
	{ "respStatus = \"a\" ; respStatus = \"b\"", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "a" },
	{ "respStatus ==\"a\"; respStatus= \"b\"", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "b" },
	{ "respStatus = \"a'b\"", "respStatus", 32, HTMLTEXT_JS_FOUND, "a'b" },
	{ "respStatus = 'a\"b'", "respStatus", 32, HTMLTEXT_JS_FOUND, "a\"b" },
	{ "respStatus = \"\303\251\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "\303\251" },
	{ "respStatus = \"<b>&amp;\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "<b>&amp;" },
	{ "respStatus = `a`", "respStatus", 32, HTMLTEXT_JS_NOT_STRING, "" },
	{ "respStatus = \"a\012b\"", "respStatus", 32, HTMLTEXT_JS_FOUND,
	    "a\012b" },
	{ "respStatus = 'a", "respStatus", 32, HTMLTEXT_JS_BAD, "" },
	{ "respStatus\013= \"a\"", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatus = \"x\"; respStatus = 5", "respStatus", 32,
	    HTMLTEXT_JS_FOUND, "x" },
	{ "respStatus = 5; respStatus = \"x\"", "respStatus", 32,
	    HTMLTEXT_JS_NOT_STRING, "" },
	{ "respStatusrespStatus = \"x\"", "respStatus", 32, HTMLTEXT_JS_ABSENT,
	    "" },
	{ "respMsg = \"Enter PIN\"", "respMsg", 32, HTMLTEXT_JS_FOUND,
	    "Enter PIN" },
	{ "respMsg=\"it\"'s\"", "respMsg", 32, HTMLTEXT_JS_FOUND, "it" },
	{ "respMsg = 'it''s'", "respMsg", 32, HTMLTEXT_JS_FOUND, "it" },
	{ "respMsgs = \"a\"; respMsg = \"b\"", "respMsg", 32,
	    HTMLTEXT_JS_FOUND, "b" },
	{ "inputStr.value = \"x\"", "inputStr.value", 32, HTMLTEXT_JS_FOUND,
	    "x" },
	{ "inputStrXvalue = \"x\"", "inputStr.value", 32, HTMLTEXT_JS_ABSENT,
	    "" },
	{ "document.inputStr.value = \"abc\"", "inputStr.value", 32,
	    HTMLTEXT_JS_FOUND, "abc" },
	{ "a.inputStr.value=\"1\"; inputStr.value=\"2\"", "inputStr.value", 32,
	    HTMLTEXT_JS_FOUND, "1" },
	{ "inputStr.value", "inputStr.value", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "=", "respStatus", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatus = \"a\"", "respMsg", 32, HTMLTEXT_JS_ABSENT, "" },
	{ "respStatus=''", "respStatus", 32, HTMLTEXT_JS_FOUND, "" },
};

/* Whole JS and HTML challenges through login_parse. */
static const struct login_case parse_cases[] = {
	{ "<html><script>var respStatus = \"Challenge\"; var resp"
	    "Msg = \"PIN &amp; go\"; document.login.inputStr.value "
	    "= \"abc\";</script></html>", 0, "PIN & go", "abc", "" },
	{ "  <p>respStatus = &quot;Challenge&quot;; respMsg = &qu"
	    "ot;caf&#233;&quot;; inputStr.value = &#39;x1&#39;;</p>", 0,
	    "caf\303\251", "x1", "" },
	{ "respStatus = \"Challenge\"; respMsg = \"a&amp;b\"; inp"
	    "utStr.value = \"z\";", 0, "a&amp;b", "z", "" },
	{ "respStatus = \"Error\"; respMsg = \"bad &#x41; pass\";", -1, "", "",
	    "login: server says `bad &#x41; pass`" },
	{ "respStatus = \"Challenge\"; inputStr.value = \"a b\";", -1, "", "",
	    "login: challenge inputStr `a b` has unexpected charact" "ers" },
	{ "respStatus = \"Challenge\"; respMsg = \"x\";", -1, "", "",
	    "login: challenge without inputStr" },
	{ "respStatus = \"Nope\";", -1, "", "",
	    "login: respStatus `Nope` is not Challenge" },
	{ "respStatus = Challenge;", -1, "", "",
	    "login: respStatus is not a string" },
	{ "respStatus = \"Challenge\"; respMsg = \"unterminated", -1, "", "",
	    "login: respMsg is unterminated or longer than 511 byte" "s" },
};

static void
entity_table(void)
{
	char buf[256];
	size_t i, len, n;

	for (i = 0; i < NITEMS(ent_cases); i++) {
		len = strlen(ent_cases[i].in);
		memcpy(buf, ent_cases[i].in, len + 1);
		n = htmltext_entities(buf, len);
		if (strcmp(buf, ent_cases[i].want) != 0)
			fprintf(stderr, "  entity case %zu\n", i);
		T_STREQ(buf, ent_cases[i].want);
		T_EQ_INT(n, strlen(ent_cases[i].want));
	}
}

static void
js_table(void)
{
	char out[64];
	enum htmltext_js rc;
	size_t i;

	for (i = 0; i < NITEMS(js_cases); i++) {
		memset(out, 0, sizeof(out));
		rc = htmltext_js_assign(js_cases[i].text,
		    strlen(js_cases[i].text), js_cases[i].name, out,
		    js_cases[i].outsz);
		if (rc != js_cases[i].rc)
			fprintf(stderr, "  js case %zu: %d\n", i, (int)rc);
		T_EQ_INT(rc, js_cases[i].rc);
		if (rc == HTMLTEXT_JS_FOUND)
			T_STREQ(out, js_cases[i].want);
	}
}

static void
parse_table(void)
{
	login_cases_check(parse_cases, NITEMS(parse_cases));
}

/* The cursor forms: explicit lengths, NULs, and where the cursor stops. */
static void
js_string_cursor(void)
{
	struct cursor c;
	char out[8];

	cur_init(&c, "'a\\'b' x", 8);
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), 0);
	T_STREQ(out, "a'b");
	T_EQ_INT(cur_peek(&c), ' ');		/* past the closing quote */
	cur_init(&c, "\"abc\"", 4);		/* the view ends at the quote */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), -1);
	T_STREQ(out, "");
	T_EQ_INT(c.off, 0);
	cur_init(&c, "\"a\0b\"", 5);		/* a NUL inside */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), -1);
	T_EQ_INT(c.off, 0);
	cur_init(&c, "\"\\\0\"", 4);		/* an escaped NUL */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), -1);
	cur_init(&c, "x\"a\"", 4);		/* not at a quote */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), -1);
	T_EQ_INT(c.off, 0);
	cur_init(&c, "\"1234567\"", 9);	/* 7 bytes fit in 8 */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), 0);
	T_STREQ(out, "1234567");
	cur_init(&c, "\"12345678\"", 10);	/* 8 do not */
	T_EQ_INT(htmltext_js_string(&c, out, sizeof(out)), -1);
	T_STREQ(out, "");
	T_EQ_INT(c.off, 0);
	T_EQ_INT(htmltext_js_string(&c, out, 0), -1);
}

static void
lengths_not_nuls(void)
{
	char s[] = "&amp;\0&lt;x";
	char out[8] = "zzz";

	/* the length, not a NUL, ends the text */
	T_EQ_INT(htmltext_entities(s, 11), 4);
	T_EQ_MEM(s, "&\0<x", 5);
	memcpy(s, "&amp;&lt;", 10);
	T_EQ_INT(htmltext_entities(s, 4), 4);	/* "&amp" is no entity */
	T_STREQ(s, "&amp");
	T_EQ_INT(htmltext_js_assign("respMsg = \"a\"", 10, "respMsg", out,
	    sizeof(out)), HTMLTEXT_JS_NOT_STRING);
	T_EQ_INT(htmltext_js_assign("respMsg = \"a\"", 12, "respMsg", out,
	    sizeof(out)), HTMLTEXT_JS_BAD);
	T_STREQ(out, "");
	T_EQ_INT(htmltext_js_assign("x\0respMsg = \"a\"", 15, "respMsg", out,
	    sizeof(out)), HTMLTEXT_JS_FOUND);
	T_STREQ(out, "a");
	T_EQ_INT(htmltext_js_assign("respMsg = \"a\"", 6, "respMsg", out,
	    sizeof(out)), HTMLTEXT_JS_ABSENT);
}

int
main(void)
{
	T_RUN(entity_table);
	T_RUN(js_table);
	T_RUN(parse_table);
	T_RUN(js_string_cursor);
	T_RUN(lengths_not_nuls);
	return T_DONE();
}
