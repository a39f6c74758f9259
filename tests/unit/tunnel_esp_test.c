/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for ESP (tunnel/esp.c): the PROTOCOL.md §7.6 known-answer
 * datagram, every suite round-tripping, the replay window edges, each
 * malformed case of THREATS.md 18, and no allocation per packet.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "tunnel/esp.h"
#include "t.h"

#define BUF_BYTES	(ESP_HEADROOM + 2048 + ESP_TAILROOM)
#define TEST_SPI	0x01020304U

/* Counting allocator, installed before OpenSSL allocates anything. */
static long n_alloc;

static void *
count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	n_alloc++;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	n_alloc++;
	return realloc(p, n);
}

static void
count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\n')
			continue;
		if (n == cap || sscanf(s, "%2x", &v) != 1)
			return 0;
		out[n++] = (uint8_t)v;
		s++;
	}
	return n;
}

/* PROTOCOL.md §7.6. */
static const char kat_dgram[] =
    "a5a5a5a5 00000000 2d8a37e7a3a59902392d625c2294162c"
    "bce8a6619d94096d3c6a42c0874f4e4e8cd07ab291f48a6690a0dae77c5a6996"
    "9d59581abfe385a260f8a89e3018fe1f 82f10c14e01c144bd0ca5184";
static const char kat_plain[] =
    "4500002c474740004001acdec0a807027f000001 08000b0947470000"
    "6d6f6e69746f72000070616e20686120 01020204";

static void
kat_cfg(struct cfg_esp *c)
{
	memset(c, 0, sizeof(*c));
	c->present = true;
	c->enc = CFG_ENC_AES128_CBC;
	c->mac = CFG_MAC_SHA1_96;
	c->spi_c2s = c->spi_s2c = 0xa5a5a5a5;
	(void)unhex("deadbeefdeadbeefdeadbeefdeadbee1", c->ekey_c2s, 32);
	(void)unhex("deadbeefdeadbeefdeadbeefdeadbeefdeadbee1", c->akey_c2s,
	    32);
	memcpy(c->ekey_s2c, c->ekey_c2s, sizeof(c->ekey_s2c));
	memcpy(c->akey_s2c, c->akey_c2s, sizeof(c->akey_s2c));
}

static void
known_answer_encrypt(void)
{
	struct cfg_esp c;
	struct gp_err e;
	struct esp_sa *sa;
	uint8_t want[128], plain[64], buf[BUF_BYTES];
	size_t wn, pn, out = 0;

	kat_cfg(&c);
	wn = unhex(kat_dgram, want, sizeof(want));
	pn = unhex(kat_plain, plain, sizeof(plain));
	T_EQ_INT(wn, 84);
	T_EQ_INT(pn, 48);
	sa = esp_sa_new(&c, 1, &e);
	T_CHECK(sa != NULL);
	if (sa == NULL)
		return;
	T_EQ_UINT(esp_sa_spi(sa), 0xa5a5a5a5);
	esp_sa_set_next_iv(sa, want + 8);
	memcpy(buf + ESP_HEADROOM, plain, 44);
	T_EQ_INT(esp_encrypt(sa, buf, sizeof(buf), 44, &out), 0);
	T_EQ_INT(out, 84);
	T_EQ_MEM(buf, want, 84);
	/* The next packet has seq 1 and a derived IV, not the forced one. */
	memcpy(buf + ESP_HEADROOM, plain, 44);
	T_EQ_INT(esp_encrypt(sa, buf, sizeof(buf), 44, &out), 0);
	T_EQ_INT(out, 84);
	T_EQ_INT(buf[7], 1);
	T_CHECK(memcmp(buf + 8, want + 8, 16));
	esp_sa_free(sa);
}

static void
known_answer_decrypt(void)
{
	struct cfg_esp c;
	struct gp_err e;
	struct esp_sa *sa;
	uint8_t d[128], plain[64];
	size_t n, off = 0, len = 0;
	enum esp_drop why = ESP_DROP_REASONS;

	kat_cfg(&c);
	n = unhex(kat_dgram, d, sizeof(d));
	(void)unhex(kat_plain, plain, sizeof(plain));
	sa = esp_sa_new(&c, 0, &e);
	T_CHECK(sa != NULL);
	if (sa == NULL)
		return;
	T_EQ_INT(esp_decrypt(sa, d, n, &off, &len, &why), 0);
	T_EQ_INT(off, ESP_HEADROOM);
	T_EQ_INT(len, 44);
	T_EQ_MEM(d + off, plain, 44);
	/* A replay of it is dropped. */
	(void)unhex(kat_dgram, d, sizeof(d));
	T_EQ_INT(esp_decrypt(sa, d, n, &off, &len, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(off, 0);
	T_EQ_INT(len, 0);
	esp_sa_free(sa);
}

/* Same keys and SPI both ways, so an outbound SA feeds an inbound one. */
static void
mirror_cfg(struct cfg_esp *c, uint8_t enc, uint8_t mac)
{
	memset(c, 0, sizeof(*c));
	c->present = true;
	c->enc = enc;
	c->mac = mac;
	c->spi_c2s = c->spi_s2c = TEST_SPI;
	(void)RAND_bytes(c->ekey_c2s, (int)config_enc_key_len(enc));
	(void)RAND_bytes(c->akey_c2s, (int)config_mac_key_len(mac));
	memcpy(c->ekey_s2c, c->ekey_c2s, sizeof(c->ekey_s2c));
	memcpy(c->akey_s2c, c->akey_c2s, sizeof(c->akey_s2c));
}

struct pair {
	struct cfg_esp	c;
	struct esp_sa	*out;
	struct esp_sa	*in;
};

static int
pair_new(struct pair *p, uint8_t enc, uint8_t mac)
{
	struct gp_err e;

	mirror_cfg(&p->c, enc, mac);
	p->out = esp_sa_new(&p->c, 1, &e);
	p->in = esp_sa_new(&p->c, 0, &e);
	return p->out != NULL && p->in != NULL ? 0 : -1;
}

static void
pair_free(struct pair *p)
{
	esp_sa_free(p->out);
	esp_sa_free(p->in);
}

static void
fill_inner(uint8_t *p, size_t n, unsigned salt)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + salt);
	p[0] = salt % 2 == 0 ? 0x45 : 0x60;
}

/* Encrypt n inner bytes with sequence seq; returns the datagram length. */
static size_t
seal(struct pair *p, uint8_t *buf, size_t n, uint64_t seq)
{
	size_t out = 0;

	fill_inner(buf + ESP_HEADROOM, n, (unsigned)n);
	esp_sa_set_next_seq(p->out, seq);
	if (esp_encrypt(p->out, buf, BUF_BYTES, n, &out) == -1)
		return 0;
	return out;
}

static int
open_dgram(struct pair *p, uint8_t *d, size_t n, enum esp_drop *why)
{
	size_t off, len;

	*why = ESP_DROP_REASONS;
	return esp_decrypt(p->in, d, n, &off, &len, why);
}

static const size_t lens[] = {
	1, 2, 13, 14, 15, 16, 17, 18, 29, 30, 31, 32, 33, 44, 64, 100, 576,
	1280, 1326, 1398, 1399, 1400, 1422, 1438, 1439, 1440, 1499, 1500
};

static void
round_trip_one(struct pair *p, size_t n, uint32_t seq)
{
	uint8_t buf[BUF_BYTES], want[BUF_BYTES];
	size_t out, off = 0, len = 0;
	enum esp_drop why;

	out = seal(p, buf, n, seq);
	fill_inner(want, n, (unsigned)n);
	T_EQ_INT(out, ESP_HEADROOM + (n + 2 + 15) / 16 * 16 +
	    config_mac_icv_len(p->c.mac));
	T_EQ_INT(esp_decrypt(p->in, buf, out, &off, &len, &why), 0);
	T_EQ_INT(off, ESP_HEADROOM);
	T_EQ_INT(len, n);
	T_EQ_MEM(buf + off, want, n);
}

static void
every_suite_round_trips(void)
{
	static const uint8_t encs[] = { CFG_ENC_AES128_CBC,
	    CFG_ENC_AES256_CBC };
	static const uint8_t macs[] = { CFG_MAC_MD5_96, CFG_MAC_SHA1_96,
	    CFG_MAC_SHA256_128 };
	struct pair p;
	size_t i, j, k;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 3; j++) {
			T_EQ_INT(pair_new(&p, encs[i], macs[j]), 0);
			for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
				round_trip_one(&p, lens[k], (uint32_t)k);
			pair_free(&p);
		}
}

/* An independent encoder, for authenticated datagrams with odd trailers:
 * AES-128-CBC + HMAC-SHA1-96 of plaintext pt (a multiple of 16). */
static size_t
forge(const struct cfg_esp *c, uint32_t seq, const uint8_t *pt, size_t n,
    uint8_t *out)
{
	EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned ml = 0;
	int l1 = 0, l2 = 0;
	size_t i;

	for (i = 0; i < 4; i++) {
		out[i] = (uint8_t)(c->spi_s2c >> (24 - 8 * i));
		out[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
	}
	(void)RAND_bytes(out + 8, 16);
	(void)EVP_EncryptInit_ex(x, EVP_aes_128_cbc(), NULL, c->ekey_s2c,
	    out + 8);
	(void)EVP_CIPHER_CTX_set_padding(x, 0);
	(void)EVP_EncryptUpdate(x, out + 24, &l1, pt, (int)n);
	(void)EVP_EncryptFinal_ex(x, out + 24 + l1, &l2);
	EVP_CIPHER_CTX_free(x);
	(void)HMAC(EVP_sha1(), c->akey_s2c, 20, out, 24 + n, mac, &ml);
	memcpy(out + 24 + n, mac, 12);
	return 24 + n + 12;
}

static size_t
seal_plain(struct pair *p, uint32_t seq, const uint8_t *pt, size_t n,
    uint8_t *out)
{
	return forge(&p->c, seq, pt, n, out);
}

static void
window_fresh_and_duplicate(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	enum esp_drop why;
	size_t n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	n = seal(&p, b, 40, 0);
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);
	n = seal(&p, b, 40, 0);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	n = seal(&p, b, 40, 1);
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);
	pair_free(&p);
}

static int
try_seq(struct pair *p, uint32_t seq, enum esp_drop *why)
{
	uint8_t b[BUF_BYTES];
	size_t n = seal(p, b, 60, seq);

	return open_dgram(p, b, n, why);
}

static void
window_edges(void)
{
	struct pair p;
	enum esp_drop why;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	T_EQ_INT(try_seq(&p, 100, &why), 0);
	T_EQ_INT(try_seq(&p, 100 - 63, &why), 0);
	T_EQ_INT(try_seq(&p, 100 - 63, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 100 - 64, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 0, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	/* Out of order inside the window. */
	T_EQ_INT(try_seq(&p, 98, &why), 0);
	T_EQ_INT(try_seq(&p, 99, &why), 0);
	T_EQ_INT(try_seq(&p, 90, &why), 0);
	T_EQ_INT(try_seq(&p, 99, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 100, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	/* Jump of 63: the bitmap shifts, 100 stays known at distance 63. */
	T_EQ_INT(try_seq(&p, 163, &why), 0);
	T_EQ_INT(try_seq(&p, 100, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 101, &why), 0);
	/* Jump of exactly 64: reset; 163 is out, 164 is fresh. */
	T_EQ_INT(try_seq(&p, 227, &why), 0);
	T_EQ_INT(try_seq(&p, 163, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 164, &why), 0);
	T_EQ_INT(try_seq(&p, 227, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	/* Jump of 65. */
	T_EQ_INT(try_seq(&p, 292, &why), 0);
	T_EQ_INT(try_seq(&p, 228, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 229, &why), 0);
	pair_free(&p);
}

static void
window_top_of_range(void)
{
	struct pair p;
	enum esp_drop why;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES256_CBC, CFG_MAC_SHA256_128), 0);
	T_EQ_INT(try_seq(&p, 0, &why), 0);
	T_EQ_INT(try_seq(&p, UINT32_MAX, &why), 0);
	T_EQ_INT(try_seq(&p, UINT32_MAX, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 0, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, 1, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	T_EQ_INT(try_seq(&p, UINT32_MAX - 1, &why), 0);
	T_EQ_INT(try_seq(&p, UINT32_MAX - 63, &why), 0);
	T_EQ_INT(try_seq(&p, UINT32_MAX - 64, &why), -1);
	T_EQ_INT(why, ESP_DROP_REPLAY);
	pair_free(&p);
}

/* A forged packet far ahead must not move the window. */
static void
window_moves_only_when_authentic(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	enum esp_drop why;
	size_t n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_MD5_96), 0);
	n = seal(&p, b, 60, 1000);
	b[n - 1] ^= 1;
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_ICV);
	T_EQ_INT(try_seq(&p, 0, &why), 0);
	T_EQ_INT(try_seq(&p, 1000, &why), 0);
	pair_free(&p);
}

static void
outbound_sequence_never_wraps(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	size_t out = 0;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	T_CHECK(!esp_sa_exhausted(p.out));
	T_CHECK(seal(&p, b, 40, UINT32_MAX) != 0);
	T_EQ_MEM(b + 4, "\xff\xff\xff\xff", 4);
	T_CHECK(esp_sa_exhausted(p.out));
	fill_inner(b + ESP_HEADROOM, 40, 0);
	T_EQ_INT(esp_encrypt(p.out, b, sizeof(b), 40, &out), -1);
	T_EQ_INT(out, 0);
	pair_free(&p);
}

static void
encrypt_rejects_bad_input(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	size_t out = 1;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	fill_inner(b + ESP_HEADROOM, 40, 0);
	b[ESP_HEADROOM] = 0x55;			/* version 5 */
	T_EQ_INT(esp_encrypt(p.out, b, sizeof(b), 40, &out), -1);
	T_EQ_INT(out, 0);
	b[ESP_HEADROOM] = 0x45;
	T_EQ_INT(esp_encrypt(p.out, b, sizeof(b), 0, &out), -1);
	T_EQ_INT(esp_encrypt(p.out, b, ESP_HEADROOM + 40 + ESP_TAILROOM - 1,
	    40, &out), -1);
	T_EQ_INT(esp_encrypt(p.in, b, sizeof(b), 40, &out), -1);
	/* None of these used up a sequence number. */
	T_EQ_INT(esp_encrypt(p.out, b, ESP_HEADROOM + 40 + ESP_TAILROOM, 40,
	    &out), 0);
	T_EQ_INT(b[7], 0);
	pair_free(&p);
}

static void
drop_short_lengths(void)
{
	static const size_t bad[] = { 0, 1, 8, 23, 24, 36, 37, 51 };
	struct pair p;
	uint8_t b[BUF_BYTES];
	enum esp_drop why;
	size_t i, n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	n = seal(&p, b, 40, 0);		/* 24 + 48 + 12 */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		T_EQ_INT(open_dgram(&p, b, bad[i], &why), -1);
		T_EQ_INT(why, ESP_DROP_SHORT);
	}
	/* Ciphertext not a multiple of 16: one byte too many or too few. */
	T_EQ_INT(open_dgram(&p, b, n + 1, &why), -1);
	T_EQ_INT(why, ESP_DROP_SHORT);
	T_EQ_INT(open_dgram(&p, b, n - 1, &why), -1);
	T_EQ_INT(why, ESP_DROP_SHORT);
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);
	pair_free(&p);
}

static void
drop_wrong_spi(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	enum esp_drop why;
	size_t n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	n = seal(&p, b, 40, 0);
	b[3] ^= 0x80;
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_SPI);
	b[3] ^= 0x80;
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);
	pair_free(&p);
}

/* One flipped bit anywhere after the SPI fails the ICV, before decrypt:
 * the ciphertext must be left as it was. */
static void
drop_flipped_bits(void)
{
	static const size_t at[] = { 4, 7, 8, 23, 24, 40, 71, 72, 83 };
	struct pair p;
	uint8_t b[BUF_BYTES], copy[BUF_BYTES];
	enum esp_drop why;
	size_t i, n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	n = seal(&p, b, 40, 5);
	T_EQ_INT(n, 84);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		b[at[i]] ^= 0x10;
		memcpy(copy, b, n);
		T_EQ_INT(open_dgram(&p, b, n, &why), -1);
		T_EQ_INT(why, ESP_DROP_ICV);
		T_EQ_MEM(copy, b, n);
		b[at[i]] ^= 0x10;
	}
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);
	pair_free(&p);
}

static void
drop_bad_trailers(void)
{
	struct pair p;
	uint8_t pt[48], b[BUF_BYTES];
	enum esp_drop why;
	size_t n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	(void)unhex(kat_plain, pt, sizeof(pt));
	n = seal_plain(&p, 1, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), 0);	/* the encoder works */
	pt[45] = 3;				/* padding 01 03 */
	n = seal_plain(&p, 2, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_PAD);
	pt[45] = 2;
	pt[46] = 200;				/* pad length > payload */
	n = seal_plain(&p, 3, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_PAD);
	pt[46] = 47;				/* pad + 2 = 49 > 48 */
	n = seal_plain(&p, 4, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_PAD);
	pt[46] = 2;
	pt[47] = 17;				/* next header UDP */
	n = seal_plain(&p, 5, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_NEXTHDR);
	pt[47] = 41;				/* IPv6 for an IPv4 packet */
	n = seal_plain(&p, 6, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_NEXTHDR);
	pt[47] = 4;
	pt[0] = 0x55;				/* version 5 */
	n = seal_plain(&p, 7, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_NEXTHDR);
	pt[0] = 0x05;			/* version 0 with next header 0 */
	pt[47] = 0;
	n = seal_plain(&p, 8, pt, 48, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_NEXTHDR);
	pair_free(&p);
}

/*
 * esp.c keeps one cipher context per SA and corrects the first block of
 * each packet for its IV (esp_cbc). Checked against fresh contexts, the
 * way a peer decrypts and encrypts: each datagram of a run sealed by an
 * SA opens under its own IV alone; datagrams forged one context each
 * open in a shuffled order, a refused trailer among them.
 */
static void
cbc_chain_against_fresh_contexts(void)
{
	static const unsigned order[] = { 5, 1, 9, 2, 8, 3, 7, 4, 6, 10 };
	uint8_t b[BUF_BYTES], pt[BUF_BYTES], want[BUF_BYTES];
	uint8_t d[10][BUF_BYTES];
	size_t dn[10], k, n, off, len, clen;
	EVP_CIPHER_CTX *x;
	enum esp_drop why;
	struct pair p;
	int l1 = 0;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		n = seal(&p, b, lens[k], k);
		T_CHECK(n > 0);
		clen = n - ESP_HEADROOM - 12;
		x = EVP_CIPHER_CTX_new();
		T_CHECK(EVP_DecryptInit_ex(x, EVP_aes_128_cbc(), NULL,
		    p.c.ekey_c2s, b + 8) == 1);
		(void)EVP_CIPHER_CTX_set_padding(x, 0);
		T_CHECK(EVP_DecryptUpdate(x, pt, &l1, b + ESP_HEADROOM,
		    (int)clen) == 1);
		EVP_CIPHER_CTX_free(x);
		T_EQ_INT(l1, (int)clen);
		fill_inner(want, lens[k], (unsigned)lens[k]);
		T_EQ_MEM(pt, want, lens[k]);
	}
	for (k = 0; k < 10; k++) {
		fill_inner(pt, 45, 2);		/* IPv4, 45 bytes */
		pt[45] = 1;			/* padding 1 */
		pt[46] = k == 6 ? 200 : 1;	/* pad length; 200 refused */
		pt[47] = 4;			/* IPv4 */
		dn[k] = seal_plain(&p, (uint32_t)k + 1, pt, 48, d[k]);
	}
	for (k = 0; k < 10; k++) {
		size_t i = order[k] - 1;
		int want_rc = i == 6 ? -1 : 0;

		T_EQ_INT(esp_decrypt(p.in, d[i], dn[i], &off, &len, &why),
		    want_rc);
		if (i == 6) {
			T_EQ_INT(why, ESP_DROP_PAD);
			continue;
		}
		T_EQ_INT(len, 45);
		fill_inner(want, 45, 2);
		T_EQ_MEM(d[i] + off, want, 45);
	}
	pair_free(&p);
}

/* Padding only: a valid trailer around an empty inner packet. */
static void
drop_empty_inner(void)
{
	struct pair p;
	uint8_t pt[16], b[BUF_BYTES];
	enum esp_drop why;
	size_t i, n;

	T_EQ_INT(pair_new(&p, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96), 0);
	for (i = 0; i < 14; i++)
		pt[i] = (uint8_t)(i + 1);
	pt[14] = 14;
	pt[15] = 4;
	n = seal_plain(&p, 0, pt, 16, b);
	T_EQ_INT(open_dgram(&p, b, n, &why), -1);
	T_EQ_INT(why, ESP_DROP_NEXTHDR);
	pair_free(&p);
}

static void
drop_names(void)
{
	T_STREQ(esp_drop_name(ESP_DROP_ICV), "bad ICV");
	T_STREQ(esp_drop_name(ESP_DROP_REASONS), "unknown");
}

static void
bad_config_refused(void)
{
	struct cfg_esp c;
	struct gp_err e;

	mirror_cfg(&c, CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96);
	c.enc = 9;
	T_CHECK(esp_sa_new(&c, 1, &e) == NULL);
	c.enc = CFG_ENC_AES128_CBC;
	c.mac = 0;
	T_CHECK(esp_sa_new(&c, 1, &e) == NULL);
	c.mac = CFG_MAC_SHA1_96;
	c.present = false;
	T_CHECK(esp_sa_new(&c, 0, &e) == NULL);
}

/* 1000 round trips of each suite, no allocation by OpenSSL. */
static void
no_allocation_per_packet(void)
{
	struct pair p;
	uint8_t b[BUF_BYTES];
	enum esp_drop why;
	size_t n, off, len;
	long before;
	int i, ok = 1;
	uint8_t mac;

	for (mac = CFG_MAC_MD5_96; mac <= CFG_MAC_SHA256_128; mac++) {
		before = n_alloc;
		T_EQ_INT(pair_new(&p, CFG_ENC_AES256_CBC, mac), 0);
		T_CHECK(n_alloc > before);	/* the hook does count */
		before = n_alloc;
		for (i = 0; i < 1000; i++) {
			fill_inner(b + ESP_HEADROOM, 1400, 2);
			if (esp_encrypt(p.out, b, sizeof(b), 1400, &n) == -1 ||
			    esp_decrypt(p.in, b, n, &off, &len, &why) == -1)
				ok = 0;
		}
		T_CHECK(ok);
		T_EQ_INT(n_alloc, before);
		pair_free(&p);
	}
}

int
main(void)
{
	if (CRYPTO_set_mem_functions(count_malloc, count_realloc,
	    count_free) != 1) {
		printf("not ok - counting allocator not installed\n");
		return 1;
	}
	T_RUN(known_answer_encrypt);
	T_RUN(known_answer_decrypt);
	T_RUN(every_suite_round_trips);
	T_RUN(window_fresh_and_duplicate);
	T_RUN(window_edges);
	T_RUN(window_top_of_range);
	T_RUN(window_moves_only_when_authentic);
	T_RUN(outbound_sequence_never_wraps);
	T_RUN(encrypt_rejects_bad_input);
	T_RUN(drop_short_lengths);
	T_RUN(drop_wrong_spi);
	T_RUN(drop_flipped_bits);
	T_RUN(drop_bad_trailers);
	T_RUN(drop_empty_inner);
	T_RUN(cbc_chain_against_fresh_contexts);
	T_RUN(drop_names);
	T_RUN(bad_config_refused);
	T_RUN(no_allocation_per_packet);
	return T_DONE();
}
