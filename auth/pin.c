/*
 * Server key pins (see pin.h), in gp-auth. The pin argument is the user's
 * own; the certificate hashed here was sent by a possibly hostile server,
 * so only OpenSSL's DER encoder touches it.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pin.h"

static bool
pin_b64_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
pin_parse(const char *arg, char *b64, size_t b64sz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *s;
	size_t i, len;

	if (b64sz > 0)
		b64[0] = '\0';
	if (strncmp(arg, PIN_PREFIX, strlen(PIN_PREFIX)) != 0)
		return err_set(e, "--servercert `%s`: expected "
		    "`pin-sha256:BASE64`", err_quote(q, arg, strlen(arg)));
	s = arg + strlen(PIN_PREFIX);
	len = strlen(s);
	if (len < PIN_B64_MIN || len > PIN_B64_LEN || len >= b64sz)
		return err_set(e, "--servercert: the pin must have %d to %d "
		    "base64 characters, not %zu", PIN_B64_MIN, PIN_B64_LEN,
		    len);
	for (i = 0; i < len; i++) {
		/* 32 bytes encode to 43 characters and one '='. */
		if (pin_b64_char(s[i]) || (s[i] == '=' && i == PIN_B64_LEN - 1))
			continue;
		return err_set(e, "--servercert `%s`: not base64 at "
		    "character %zu", err_quote(q, s, len), i + 1);
	}
	memcpy(b64, s, len + 1);
	return 0;
}

bool
pin_match(const char *b64, const uint8_t hash[CFG_PIN_BYTES])
{
	unsigned char enc[PIN_B64_LEN + 1];
	size_t len = strlen(b64);

	if (len < PIN_B64_MIN || len > PIN_B64_LEN)
		return false;
	if (EVP_EncodeBlock(enc, hash, CFG_PIN_BYTES) != PIN_B64_LEN)
		return false;
	return memcmp(enc, b64, len) == 0;
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
