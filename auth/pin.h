/* SPDX-License-Identifier: ISC */
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
#define PIN_HEX_PREFIX	"sha256:"	/* OpenConnect's hex form, same hash */
#define PIN_B64_LEN	44	/* base64 of 32 bytes, one '=' of padding */
#define PIN_HEX_LEN	64	/* hex of 32 bytes */
#define PIN_STR_MAX	(sizeof(PIN_PREFIX) + PIN_B64_LEN)

/*
 * "pin-sha256:" and the whole base64 pin (44 characters, or 43 without
 * the '='), or "sha256:" and 64 hex digits; nothing shorter. Writes the
 * pin as 44 canonical base64 characters to b64 (b64sz > PIN_B64_LEN). On
 * error b64 is "", which pin_match() accepts for no key.
 */
int	pin_parse(const char *arg, char *b64, size_t b64sz, struct gp_err *e);
/* true when b64 is the whole canonical pin of this hash; never a part. */
bool	pin_match(const char *b64, const uint8_t hash[CFG_PIN_BYTES]);
/* "pin-sha256:..." for a hash; out holds PIN_STR_MAX bytes. */
void	pin_format(const uint8_t hash[CFG_PIN_BYTES], char *out);
/* SHA-256 of the DER SubjectPublicKeyInfo of cert; 0 or -1. */
int	pin_spki_sha256(X509 *cert, uint8_t hash[CFG_PIN_BYTES]);

#endif
