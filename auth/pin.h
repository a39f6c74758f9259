/*
 * Server key pins in OpenConnect's format for gp-auth: "pin-sha256:" and
 * the base64 SHA-256 of a certificate's SubjectPublicKeyInfo. The pin text
 * comes from the user's command line; certificates come from the server
 * and are untrusted.
 */
#ifndef GPVPN_AUTH_PIN_H
#define GPVPN_AUTH_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define PIN_PREFIX	"pin-sha256:"
#define PIN_B64_LEN	44	/* base64 of 32 bytes, one '=' of padding */
#define PIN_B64_MIN	4	/* shortest prefix that may stand for a pin */
#define PIN_STR_MAX	(sizeof(PIN_PREFIX) + PIN_B64_LEN)

/* "pin-sha256:BASE64" (or a prefix of at least 4 characters) -> b64. */
int	pin_parse(const char *arg, char *b64, size_t b64sz, struct gp_err *e);
/* true when b64 (a whole pin or a prefix) names this hash. */
bool	pin_match(const char *b64, const uint8_t hash[CFG_PIN_BYTES]);
/* "pin-sha256:..." for a hash; out holds PIN_STR_MAX bytes. */
void	pin_format(const uint8_t hash[CFG_PIN_BYTES], char *out);
/* SHA-256 of the DER SubjectPublicKeyInfo of cert; 0 or -1. */
int	pin_spki_sha256(X509 *cert, uint8_t hash[CFG_PIN_BYTES]);

#endif
