/* SPDX-License-Identifier: ISC */
/*
 * Server key pins (see pin.h), in gp-auth. The pin argument is the user's
 * own; the certificate hashed here was sent by a possibly hostile server,
 * so only OpenSSL's DER encoder touches it.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "ipc/secret.h"
#include "ipc/textenc.h"
#include "pin.h"

#define PIN_B64_BARE	(PIN_B64_LEN - 1)	/* without the '=' */

/* The standard base64 alphabet, to name the first character it lacks. */
static const char pin_b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
pin_bad_char(const char *s, size_t i, const char *what, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	return err_set(e, "--servercert: character %zu of the pin, `%s`, is "
	    "not %s", i + 1, err_quote(q, s + i, 1), what);
}

/* The whole base64 pin: 43 characters and an optional '='; strict. */
static int
pin_from_b64(const char *s, uint8_t out[CFG_PIN_BYTES], struct gp_err *e)
{
	size_t i, len = strlen(s);

	if (len != PIN_B64_LEN && len != PIN_B64_BARE)
		return err_set(e, "--servercert: pin-sha256: takes the whole "
		    "pin, %d base64 characters (%d without the final `=`), "
		    "not %zu", PIN_B64_LEN, PIN_B64_BARE, len);
	if (b64_decode(s, len, out, CFG_PIN_BYTES) == CFG_PIN_BYTES)
		return 0;
	/* Why not, in the order a reader checks it. */
	if ((i = strspn(s, pin_b64_alphabet)) < PIN_B64_BARE)
		return pin_bad_char(s, i, "base64", e);
	if (len == PIN_B64_LEN && s[PIN_B64_BARE] != '=')
		return pin_bad_char(s, PIN_B64_BARE, "the padding `=`", e);
	/* 43 * 6 = 258 bits: 256 used, the last 2 must be zero. */
	return pin_bad_char(s, PIN_B64_BARE - 1, "the last character of a "
	    "32-byte value", e);
}

/* OpenConnect's sha256: form: the same hash as 64 hex digits. */
static int
pin_from_hex(const char *s, uint8_t out[CFG_PIN_BYTES], struct gp_err *e)
{
	size_t i, len = strlen(s);

	if (len != PIN_HEX_LEN)
		return err_set(e, "--servercert: sha256: takes the whole hash, "
		    "%d hex digits, not %zu", PIN_HEX_LEN, len);
	if (hex_decode(s, len, out, CFG_PIN_BYTES) == CFG_PIN_BYTES)
		return 0;
	for (i = 0; i < len && hex_val((unsigned char)s[i]) != -1; i++)
		;
	return pin_bad_char(s, i, "a hex digit", e);
}

static bool
pin_prefixed(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int
pin_parse(const char *arg, char *b64, size_t b64sz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	uint8_t raw[CFG_PIN_BYTES];
	int rc;

	if (b64sz > 0)
		b64[0] = '\0';
	if (b64sz <= PIN_B64_LEN)
		return err_set(e, "--servercert: no room for the pin");
	if (pin_prefixed(arg, PIN_PREFIX))
		rc = pin_from_b64(arg + strlen(PIN_PREFIX), raw, e);
	else if (pin_prefixed(arg, PIN_HEX_PREFIX))
		rc = pin_from_hex(arg + strlen(PIN_HEX_PREFIX), raw, e);
	else
		rc = err_set(e, "--servercert `%s`: expected pin-sha256: and "
		    "%d base64 characters, or sha256: and %d hex digits",
		    err_quote(q, arg, strlen(arg)), PIN_B64_LEN, PIN_HEX_LEN);
	if (rc == 0 && EVP_EncodeBlock((unsigned char *)b64, raw,
	    CFG_PIN_BYTES) != PIN_B64_LEN)
		rc = err_set(e, "--servercert: cannot encode the pin");
	if (rc != 0)
		b64[0] = '\0';
	return rc;
}

bool
pin_match(const char *b64, const uint8_t hash[CFG_PIN_BYTES])
{
	unsigned char enc[PIN_B64_LEN + 1];

	if (strnlen(b64, PIN_B64_LEN + 1) != PIN_B64_LEN)
		return false;
	if (EVP_EncodeBlock(enc, hash, CFG_PIN_BYTES) != PIN_B64_LEN)
		return false;
	return secret_equal(enc, b64, PIN_B64_LEN);
}

void
pin_format(const uint8_t hash[CFG_PIN_BYTES], char *out)
{
	size_t n = strlen(PIN_PREFIX);

	memcpy(out, PIN_PREFIX, n);
	if (EVP_EncodeBlock((unsigned char *)out + n, hash,
	    CFG_PIN_BYTES) != PIN_B64_LEN)
		out[n] = '\0';
}

int
pin_spki_sha256(X509 *cert, uint8_t hash[CFG_PIN_BYTES])
{
	unsigned char *der = NULL;
	unsigned int hlen = 0;
	int len, rc = -1;

	memset(hash, 0, CFG_PIN_BYTES);
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0)
		return -1;
	if (EVP_Digest(der, (size_t)len, hash, &hlen, EVP_sha256(),
	    NULL) == 1 && hlen == CFG_PIN_BYTES)
		rc = 0;
	OPENSSL_free(der);
	return rc;
}
