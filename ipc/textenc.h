/* SPDX-License-Identifier: ISC */
/*
 * Text encodings for every gpvpn process: hex, base64 and the percent
 * escapes of form bodies and URLs. The decoders take untrusted text,
 * bounded by the caller's length, and reject rather than guess.
 */
#ifndef GPVPN_TEXTENC_H
#define GPVPN_TEXTENC_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/dynbuf.h"

/* The value of one hex digit (either case): 0..15, or -1. */
int	hex_val(int c);
/*
 * Exactly slen / 2 bytes from slen hex digits (slen even, slen / 2 <=
 * outsz). The byte count, or -1 with out wiped.
 */
int	hex_decode(const char *s, size_t slen, uint8_t *out, size_t outsz);
/*
 * Standard-alphabet base64, '=' padding optional but whole if present;
 * unused trailing bits must be zero (one text per value). The byte
 * count, or -1 with out wiped.
 */
int	b64_decode(const char *s, size_t slen, uint8_t *out, size_t outsz);
/* n bytes as padded standard base64, NUL-terminated: the length, or -1
 * if out cannot hold it and its NUL. */
int	b64_encode(const uint8_t *p, size_t n, char *out, size_t outsz);
/*
 * Append n bytes as a form value (application/x-www-form-urlencoded, as
 * the existing encoders put it on the wire): A-Z a-z 0-9 - . _ ~ kept,
 * every other byte, space included, as %xx in lower-case hex. 0, or -1
 * with d as it was.
 */
int	pct_encode(struct dynbuf *d, const char *s, size_t n);
/*
 * Decode n bytes of %xx escapes into out, NUL-terminated; '+' becomes a
 * space only with plus_is_space. The length, or -1 (out wiped) on a bad
 * or truncated escape, a NUL (raw or %00), or no room for it and its NUL.
 */
int	pct_decode(const char *s, size_t n, char *out, size_t outsz,
	    int plus_is_space);
/* The length pct_decode would give, or -1 on the same errors. */
int	pct_decoded_len(const char *s, size_t n, size_t *len);

/*
 * The length of the valid UTF-8 sequence at p, n bytes left (1 for
 * ASCII), or 0: truncated, overlong, a surrogate or above U+10FFFF. The
 * code point goes to *cp when cp is not NULL.
 */
size_t	utf8_seq_len(const unsigned char *p, size_t n, uint32_t *cp);

#endif
