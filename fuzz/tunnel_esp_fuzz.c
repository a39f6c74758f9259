/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for ESP receive (tunnel/esp.c): the input is an
 * untrusted datagram for a fixed SA, or an inner packet that is sealed by
 * esp_encrypt (or by an independent encoder, with any trailer) and then
 * mutated. Byte 0 picks the mode and the suite.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tunnel/esp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_INNER_MAX	1600
#define FUZZ_BUF_BYTES	(ESP_HEADROOM + FUZZ_INNER_MAX + ESP_TAILROOM)
#define FUZZ_SPI	0xa5a5a5a5U
#define FUZZ_SUITES	6	/* AES-128/256-CBC x HMAC-MD5/SHA1/SHA256 */

static uint8_t dgram[FUZZ_BUF_BYTES + 64];

static void
fuzz_cfg(struct cfg_esp *c, unsigned suite)
{
	memset(c, 0, sizeof(*c));
	c->present = true;
	c->enc = suite % 2 == 0 ? CFG_ENC_AES128_CBC : CFG_ENC_AES256_CBC;
	c->mac = (uint8_t)(CFG_MAC_MD5_96 + suite / 2 % 3);
	c->spi_c2s = c->spi_s2c = FUZZ_SPI;
	memset(c->ekey_c2s, 0xde, sizeof(c->ekey_c2s));
	memset(c->akey_c2s, 0xad, sizeof(c->akey_c2s));
	memcpy(c->ekey_s2c, c->ekey_c2s, sizeof(c->ekey_s2c));
	memcpy(c->akey_s2c, c->akey_c2s, sizeof(c->akey_s2c));
}

/* The SAs of each suite, made once: their key schedules and secret
 * pages cost more than a run. An inbound one forgets what it saw before
 * each input, so every input meets a new SA's replay window. */
static struct esp_sa *fuzz_sas[FUZZ_SUITES][2];

static struct esp_sa *
fuzz_sa(const struct cfg_esp *c, unsigned suite, int outbound)
{
	struct gp_err e;
	struct esp_sa **sa = &fuzz_sas[suite][outbound];

	if (*sa == NULL && (*sa = esp_sa_new(c, outbound, &e)) == NULL)
		abort();
	if (!outbound)
		esp_sa_forget_seen(*sa);
	return *sa;
}

/* Decrypt; a success must describe a sane inner packet. */
static int
fuzz_open(const struct cfg_esp *c, unsigned suite, uint8_t *d, size_t n)
{
	struct esp_sa *in = fuzz_sa(c, suite, 0);
	enum esp_drop why = ESP_DROP_REASONS;
	size_t off = 1, len = 1;
	int r;

	r = esp_decrypt(in, d, n, &off, &len, &why);
	if (r == 0 && (off != ESP_HEADROOM || len == 0 ||
	    off + len > n || (d[off] >> 4 != 4 && d[off] >> 4 != 6)))
		abort();
	if (r == -1 && (why >= ESP_DROP_REASONS || off != 0 || len != 0))
		abort();
	return r;
}

/* Flip bytes as the input says (pairs: position, xor mask). */
static void
fuzz_mutate(uint8_t *d, size_t n, const uint8_t *m, size_t mlen)
{
	size_t i;

	for (i = 0; i + 1 < mlen; i += 2)
		d[m[i] % n] ^= m[i + 1];
}

/*
 * Input: inner length (u16 LE), sequence (u32 LE), inner bytes, then
 * mutations. esp_encrypt seals it; intact it must open, changed it must
 * not.
 */
static void
fuzz_sealed(const struct cfg_esp *c, unsigned suite, const uint8_t *p,
    size_t n)
{
	static uint8_t orig[sizeof(dgram)];
	struct esp_sa *out;
	size_t inner, take, dlen = 0;
	uint32_t seq;
	bool changed;

	if (n < 6)
		return;
	inner = ((size_t)p[0] | (size_t)p[1] << 8) % FUZZ_INNER_MAX + 1;
	seq = p[2] | (uint32_t)p[3] << 8 | (uint32_t)p[4] << 16 |
	    (uint32_t)p[5] << 24;
	take = inner < n - 6 ? inner : n - 6;
	memset(dgram, 0, sizeof(dgram));
	memcpy(dgram + ESP_HEADROOM, p + 6, take);
	dgram[ESP_HEADROOM] = (uint8_t)(seq % 2 == 0 ? 0x45 : 0x60);
	out = fuzz_sa(c, suite, 1);
	esp_sa_set_next_seq(out, seq);
	if (esp_encrypt(out, dgram, FUZZ_BUF_BYTES, inner, &dlen) == -1)
		abort();
	memcpy(orig, dgram, dlen);
	fuzz_mutate(dgram, dlen, p + 6 + take, n - 6 - take);
	changed = memcmp(orig, dgram, dlen) != 0;
	if ((fuzz_open(c, suite, dgram, dlen) == 0) == changed)
		abort();
}

/* Independent encoder, AES-CBC + HMAC: authentic datagrams whose
 * plaintext (trailer included) is the input, so the checks after the
 * ICV see anything. */
static void
fuzz_forged(const struct cfg_esp *c, unsigned suite, const uint8_t *p,
    size_t n)
{
	EVP_CIPHER_CTX *x;
	const EVP_MD *md[] = { EVP_md5(), EVP_sha1(), EVP_sha256() };
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	size_t klen = config_mac_key_len(c->mac);
	int l = 0;

	n -= n % 16;
	if (n == 0 || n > FUZZ_INNER_MAX)
		return;
	memset(dgram, 0xa5, 4);
	memset(dgram + 4, 0, 20);
	x = EVP_CIPHER_CTX_new();
	if (x == NULL || EVP_EncryptInit_ex(x, c->enc == CFG_ENC_AES128_CBC ?
	    EVP_aes_128_cbc() : EVP_aes_256_cbc(), NULL, c->ekey_s2c,
	    dgram + 8) != 1 || EVP_CIPHER_CTX_set_padding(x, 0) != 1 ||
	    EVP_EncryptUpdate(x, dgram + 24, &l, p, (int)n) != 1)
		abort();
	EVP_CIPHER_CTX_free(x);
	(void)HMAC(md[c->mac - 1], c->akey_s2c, (int)klen, dgram, 24 + n,
	    mac, &ml);
	memcpy(dgram + 24 + n, mac, config_mac_icv_len(c->mac));
	(void)fuzz_open(c, suite, dgram, 24 + n +
	    config_mac_icv_len(c->mac));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_esp c;
	unsigned mode, suite;

	if (size < 1)
		return 0;
	mode = data[0];
	suite = mode % FUZZ_SUITES;
	fuzz_cfg(&c, suite);
	data++;
	size--;
	switch (mode / FUZZ_SUITES % 3) {
	case 0:
		if (size > sizeof(dgram))
			return 0;
		memcpy(dgram, data, size);
		(void)fuzz_open(&c, suite, dgram, size);
		break;
	case 1:
		fuzz_sealed(&c, suite, data, size);
		break;
	default:
		fuzz_forged(&c, suite, data, size);
		break;
	}
	return 0;
}
