/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-auth's --servercert pins (auth/pin.c): only the whole
 * pin is taken, as 44 or 43 base64 characters or OpenConnect's 64 hex
 * digits; anything shorter, longer or off-alphabet is refused by name.
 */
#include <stdint.h>
#include <string.h>

#include "auth/pin.h"
#include "t.h"

/* SHA-256 bytes 0x00..0x1f, in base64 and in hex. */
#define HASH_B64	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define HASH_BARE	"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define HASH_B64_TAIL	"cICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"	/* from 11 */
#define HASH_HEX	"000102030405060708090a0b0c0d0e0f" \
			"101112131415161718191a1b1c1d1e1f"
#define HASH_HEX_UC	"000102030405060708090A0B0C0D0E0F" \
			"101112131415161718191A1B1C1D1E1F"

static void
hash_init(uint8_t *h)
{
	int i;

	for (i = 0; i < CFG_PIN_BYTES; i++)
		h[i] = (uint8_t)i;
}

/* arg is refused, b64 left empty, and the message holds want. */
static int
refused(const char *arg, const char *want)
{
	char b64[PIN_B64_LEN + 1] = "x";
	struct gp_err e;

	memset(&e, 0, sizeof(e));
	if (pin_parse(arg, b64, sizeof(b64), &e) != -1 || b64[0] != '\0')
		return 0;
	if (strstr(e.msg, want) == NULL) {
		fprintf(stderr, "  `%s`: message `%s` lacks `%s`\n", arg,
		    e.msg, want);
		return 0;
	}
	return 1;
}

static void
whole_pins_taken(void)
{
	char b64[PIN_B64_LEN + 1];
	struct gp_err e;

	T_EQ_INT(pin_parse(PIN_PREFIX HASH_B64, b64, sizeof(b64), &e), 0);
	T_STREQ(b64, HASH_B64);
	/* 43 characters: the '=' left off, written back canonical. */
	T_EQ_INT(pin_parse(PIN_PREFIX HASH_BARE, b64, sizeof(b64), &e), 0);
	T_STREQ(b64, HASH_B64);
	/* OpenConnect's sha256: form names the same hash in hex. */
	T_EQ_INT(pin_parse("sha256:" HASH_HEX, b64, sizeof(b64), &e), 0);
	T_STREQ(b64, HASH_B64);
	T_EQ_INT(pin_parse("sha256:" HASH_HEX_UC, b64, sizeof(b64), &e), 0);
	T_STREQ(b64, HASH_B64);
}

static void
partial_pins_refused(void)
{
	const char *len_msg = "44 base64 characters (43 without the final "
	    "`=`), not ";

	T_CHECK(refused(PIN_PREFIX "AAEC", len_msg));
	T_CHECK(refused(PIN_PREFIX "AAEC", "not 4"));
	T_CHECK(refused(PIN_PREFIX "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",
	    "not 42"));
	T_CHECK(refused(PIN_PREFIX HASH_B64 "A", "not 45"));
	T_CHECK(refused(PIN_PREFIX HASH_B64 "=", "not 45"));
	T_CHECK(refused(PIN_PREFIX, "not 0"));
	/* Hex shorthand, or hex under the base64 prefix. */
	T_CHECK(refused("sha256:000102", "64 hex digits, not 6"));
	T_CHECK(refused("sha256:" HASH_HEX "0", "64 hex digits, not 65"));
	T_CHECK(refused(PIN_PREFIX HASH_HEX, "not 64"));
}

static void
bad_alphabet_refused(void)
{
	T_CHECK(refused(PIN_PREFIX "AAECAwQFB-" HASH_B64_TAIL "=",
	    "character 10 of the pin, `-`, is not base64"));
	T_CHECK(refused(PIN_PREFIX "AAECAwQFB=" HASH_B64_TAIL,
	    "character 10 of the pin, `=`, is not base64"));
	T_CHECK(refused(PIN_PREFIX "AAECAwQFB " HASH_B64_TAIL,
	    "is not base64"));
	/* 44 characters whose last is not the padding. */
	T_CHECK(refused(PIN_PREFIX HASH_BARE "A", "character 44 of the pin, "
	    "`A`, is not the padding `=`"));
	/* '9' leaves a bit over: not the canonical encoding of 32 bytes. */
	T_CHECK(refused(PIN_PREFIX "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9"
	    "=",
	    "character 43 of the pin, `9`, is not the last character"));
	T_CHECK(refused("sha256:" "g00102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f",
	    "character 1 of the pin, `g`, is not a hex digit"));
}

static void
other_forms_refused(void)
{
	const char *form = "expected pin-sha256: and 44 base64 characters";

	T_CHECK(refused(HASH_B64, form));
	T_CHECK(refused("sha1:000102030405060708090a0b0c0d0e0f10111213",
	    form));
	T_CHECK(refused("PIN-SHA256:" HASH_B64, form));
	T_CHECK(refused(" pin-sha256:" HASH_B64, form));
	T_CHECK(refused("", form));
}

static void
small_buffer_refused(void)
{
	char b64[PIN_B64_LEN];
	struct gp_err e;

	T_EQ_INT(pin_parse(PIN_PREFIX HASH_B64, b64, sizeof(b64), &e), -1);
	T_EQ_INT(b64[0], '\0');
}

static void
whole_pins_match(void)
{
	uint8_t h[CFG_PIN_BYTES];
	char b64[PIN_B64_LEN + 1], s[PIN_STR_MAX];
	struct gp_err e;

	hash_init(h);
	T_CHECK(pin_match(HASH_B64, h));
	T_EQ_INT(pin_parse(PIN_PREFIX HASH_BARE, b64, sizeof(b64), &e), 0);
	T_CHECK(pin_match(b64, h));
	/* A part never matches, nor does the refused pin "". */
	T_CHECK(!pin_match("AAEC", h));
	T_CHECK(!pin_match(HASH_BARE, h));
	T_CHECK(!pin_match("", h));
	T_CHECK(!pin_match(HASH_B64 "A", h));
	h[31] ^= 1;
	T_CHECK(!pin_match(HASH_B64, h));
	hash_init(h);
	h[0] ^= 0x80;
	T_CHECK(!pin_match(HASH_B64, h));
	hash_init(h);
	pin_format(h, s);
	T_STREQ(s, PIN_PREFIX HASH_B64);
}

int
main(void)
{
	T_RUN(whole_pins_taken);
	T_RUN(partial_pins_refused);
	T_RUN(bad_alphabet_refused);
	T_RUN(other_forms_refused);
	T_RUN(small_buffer_refused);
	T_RUN(whole_pins_match);
	return T_DONE();
}
