/* SPDX-License-Identifier: ISC */
/*
 * ESP for GP (see esp.h, PROTOCOL.md §7) in gp-tunnel's packet process:
 * AES-CBC with HMAC-MD5/SHA1/SHA256, keyed once per SA, no allocation and
 * no RNG call per packet. Inbound datagrams are untrusted: they are
 * authenticated before a byte of them is decrypted.
 */
/*
 * The HMAC uses OpenSSL's low-level digests on purpose: in OpenSSL 3.0
 * every EVP way to restart a keyed HMAC or digest (EVP_MAC_init with a
 * NULL key, EVP_MD_CTX_copy_ex, EVP_DigestInit_ex2 with the same digest)
 * allocates a provider context per call, measured with a counting
 * CRYPTO_set_mem_functions hook. Plain MD5/SHA state structs can be
 * copied instead: RFC 2104 §4 precomputation of the ipad/opad states.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "ipc/buf.h"
#include "ipc/secret.h"
#include "tunnel/esp.h"

#define ESP_BLOCK_BYTES		16	/* AES */
#define ESP_HMAC_BLOCK_BYTES	64	/* MD5, SHA-1 and SHA-256 */
#define ESP_DIGEST_MAX_BYTES	32	/* SHA-256 */
#define ESP_IVKEY_BYTES		16
#define ESP_SEQ_LIMIT		((uint64_t)UINT32_MAX + 1)
#define ESP_DGRAM_MAX_BYTES	65535
#define ESP_NH_IPV4		4
#define ESP_NH_IPV6		41

union esp_md {
	MD5_CTX		md5;
	SHA_CTX		sha1;
	SHA256_CTX	sha256;
};

struct esp_sa {
	uint32_t	spi;
	bool		outbound;
	uint8_t		mac;		/* enum cfg_mac */
	size_t		icv_len;
	EVP_CIPHER_CTX	*cipher;	/* keyed, padding off, one direction */
	EVP_CIPHER_CTX	*ivgen;		/* outbound: AES-ECB, random key */
	union esp_md	inner;		/* digest state after key ^ ipad */
	union esp_md	outer;		/* digest state after key ^ opad */
	uint64_t	seq_next;	/* outbound; ESP_SEQ_LIMIT: used up */
	uint32_t	top;		/* inbound: highest sequence seen */
	uint64_t	seen;		/* bit i: top - i was seen */
	bool		iv_forced;	/* tests only: esp_sa_set_next_iv */
	uint8_t		iv_next[ESP_IV_BYTES];
	/* cipher's CBC state: the last ciphertext block it saw (esp_cbc) */
	uint8_t		chain[ESP_BLOCK_BYTES];
};

static const char *const esp_drop_names[ESP_DROP_REASONS] = {
	[ESP_DROP_SHORT] = "bad length",
	[ESP_DROP_SPI] = "wrong SPI",
	[ESP_DROP_ICV] = "bad ICV",
	[ESP_DROP_REPLAY] = "replayed or too old",
	[ESP_DROP_PAD] = "bad padding",
	[ESP_DROP_NEXTHDR] = "bad next header",
};

const char *
esp_drop_name(enum esp_drop why)
{
	if ((unsigned)why >= ESP_DROP_REASONS)
		return "unknown";
	return esp_drop_names[why];
}

static size_t
esp_md_len(uint8_t mac)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
		return MD5_DIGEST_LENGTH;
	case CFG_MAC_SHA1_96:
		return SHA_DIGEST_LENGTH;
	default:
		return SHA256_DIGEST_LENGTH;
	}
}

static void
esp_md_init(uint8_t mac, union esp_md *s)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
		(void)MD5_Init(&s->md5);
		break;
	case CFG_MAC_SHA1_96:
		(void)SHA1_Init(&s->sha1);
		break;
	default:
		(void)SHA256_Init(&s->sha256);
		break;
	}
}

static void
esp_md_update(uint8_t mac, union esp_md *s, const void *p, size_t n)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
		(void)MD5_Update(&s->md5, p, n);
		break;
	case CFG_MAC_SHA1_96:
		(void)SHA1_Update(&s->sha1, p, n);
		break;
	default:
		(void)SHA256_Update(&s->sha256, p, n);
		break;
	}
}

static void
esp_md_final(uint8_t mac, union esp_md *s, uint8_t *out)
{
	switch (mac) {
	case CFG_MAC_MD5_96:
		(void)MD5_Final(out, &s->md5);
		break;
	case CFG_MAC_SHA1_96:
		(void)SHA1_Final(out, &s->sha1);
		break;
	default:
		(void)SHA256_Final(out, &s->sha256);
		break;
	}
}

/* The digest state after one block of key ^ xor (keys are <= 64 bytes). */
static void
esp_hmac_pad(uint8_t mac, union esp_md *s, const uint8_t *key, size_t klen,
    uint8_t xor)
{
	uint8_t pad[ESP_HMAC_BLOCK_BYTES];
	size_t i;

	memset(pad, xor, sizeof(pad));
	for (i = 0; i < klen; i++)
		pad[i] ^= key[i];
	esp_md_init(mac, s);
	esp_md_update(mac, s, pad, sizeof(pad));
	secret_wipe(pad, sizeof(pad));
}

/* Full HMAC of p[0, n) into out (ESP_DIGEST_MAX_BYTES). */
static void
esp_hmac(const struct esp_sa *sa, const uint8_t *p, size_t n, uint8_t *out)
{
	union esp_md s;
	uint8_t ih[ESP_DIGEST_MAX_BYTES];

	s = sa->inner;
	esp_md_update(sa->mac, &s, p, n);
	esp_md_final(sa->mac, &s, ih);
	s = sa->outer;
	esp_md_update(sa->mac, &s, ih, esp_md_len(sa->mac));
	esp_md_final(sa->mac, &s, out);
	secret_wipe(&s, sizeof(s));
	secret_wipe(ih, sizeof(ih));
}

static EVP_CIPHER_CTX *
esp_cipher_new(const EVP_CIPHER *type, const uint8_t *key, int enc)
{
	EVP_CIPHER_CTX *ctx;

	static const uint8_t zero[ESP_BLOCK_BYTES];

	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL)
		return NULL;
	/* The all-zero IV is esp_sa.chain's first value (see esp_cbc). */
	if (EVP_CipherInit_ex(ctx, type, NULL, key, zero, enc) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * Outbound IVs are AES-ECB, under a key drawn once per SA, of a block
 * holding the sequence number. CBC needs IVs that an attacker cannot
 * predict before it chooses plaintext; without the IV key each IV is
 * the output of a pseudo-random permutation on an input never used
 * before in this SA (sequence numbers never repeat: esp_encrypt stops
 * at 2^32 - 1), so IVs are unpredictable and distinct, with no RNG call
 * per packet. The IV key is fresh per SA, so new SAs give new IVs.
 */
static int
esp_ivgen_init(struct esp_sa *sa, struct gp_err *e)
{
	uint8_t k[ESP_IVKEY_BYTES];

	if (RAND_bytes(k, sizeof(k)) != 1)
		return err_set(e, "esp: no random bytes for the IV key");
	sa->ivgen = esp_cipher_new(EVP_aes_128_ecb(), k, 1);
	secret_wipe(k, sizeof(k));
	if (sa->ivgen == NULL)
		return err_set(e, "esp: cannot set up the IV generator");
	return 0;
}

static int
esp_make_iv(struct esp_sa *sa, uint64_t seq, uint8_t *iv)
{
	uint8_t blk[ESP_BLOCK_BYTES];
	int n, i;

	if (sa->iv_forced) {
		memcpy(iv, sa->iv_next, ESP_IV_BYTES);
		sa->iv_forced = false;
		return 0;
	}
	memset(blk, 0, sizeof(blk));
	for (i = 0; i < 8; i++)
		blk[ESP_BLOCK_BYTES - 1 - i] = (uint8_t)(seq >> (8 * i));
	if (EVP_EncryptUpdate(sa->ivgen, iv, &n, blk, sizeof(blk)) != 1 ||
	    n != ESP_IV_BYTES)
		return -1;
	return 0;
}

static const EVP_CIPHER *
esp_cipher_type(uint8_t enc)
{
	switch (enc) {
	case CFG_ENC_AES128_CBC:
		return EVP_aes_128_cbc();
	case CFG_ENC_AES256_CBC:
		return EVP_aes_256_cbc();
	default:
		return NULL;
	}
}

static int
esp_sa_keys(struct esp_sa *sa, const struct cfg_esp *c, struct gp_err *e)
{
	const uint8_t *ek = sa->outbound ? c->ekey_c2s : c->ekey_s2c;
	const uint8_t *ak = sa->outbound ? c->akey_c2s : c->akey_s2c;
	size_t aklen = config_mac_key_len(c->mac);

	sa->cipher = esp_cipher_new(esp_cipher_type(c->enc), ek,
	    sa->outbound ? 1 : 0);
	if (sa->cipher == NULL)
		return err_set(e, "esp: cannot set up the cipher");
	esp_hmac_pad(sa->mac, &sa->inner, ak, aklen, 0x36);
	esp_hmac_pad(sa->mac, &sa->outer, ak, aklen, 0x5c);
	if (sa->outbound && esp_ivgen_init(sa, e) == -1)
		return -1;
	return 0;
}

struct esp_sa *
esp_sa_new(const struct cfg_esp *c, int outbound, struct gp_err *e)
{
	struct esp_sa *sa;

	if (!c->present)
		return err_set(e, "esp: no ESP in the config"), NULL;
	if (esp_cipher_type(c->enc) == NULL)
		return err_set(e, "field `esp_enc`: unknown algorithm `%u`",
		    c->enc), NULL;
	if (config_mac_key_len(c->mac) == 0)
		return err_set(e, "field `esp_mac`: unknown algorithm `%u`",
		    c->mac), NULL;
	sa = secret_alloc(sizeof(*sa));
	if (sa == NULL)
		return err_set(e, "esp: out of memory"), NULL;
	sa->outbound = outbound != 0;
	sa->spi = sa->outbound ? c->spi_c2s : c->spi_s2c;
	sa->mac = c->mac;
	sa->icv_len = config_mac_icv_len(c->mac);
	if (esp_sa_keys(sa, c, e) == -1) {
		esp_sa_free(sa);
		return NULL;
	}
	return sa;
}

/*
 * The first SAs' one-time costs, paid before the connect path: OpenSSL
 * fetches a cipher's implementation at its first use and sets up its
 * random generators at the first RAND_bytes, 1.4 to 3.3 ms in [net]
 * right before its first probe (measured, kernel 6.18, OpenSSL 3.0).
 * Its caches are process memory, which [net] gets through the fork.
 */
void
esp_warm(void)
{
	struct cfg_esp c;
	struct esp_sa *sa;
	struct gp_err e;
	int dir;

	memset(&c, 0, sizeof(c));
	c.present = true;
	for (c.enc = CFG_ENC_AES128_CBC; c.enc <= CFG_ENC_AES256_CBC; c.enc++)
		for (dir = 0; dir <= 1; dir++) {
			c.mac = dir ? CFG_MAC_SHA1_96 : CFG_MAC_SHA256_128;
			if ((sa = esp_sa_new(&c, dir, &e)) != NULL)
				esp_sa_free(sa);
		}
}

void
esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	EVP_CIPHER_CTX_free(sa->cipher);	/* cleanses the key schedule */
	EVP_CIPHER_CTX_free(sa->ivgen);
	secret_free(sa, sizeof(*sa));
}

uint32_t
esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

bool
esp_sa_exhausted(const struct esp_sa *sa)
{
	return sa->outbound && sa->seq_next >= ESP_SEQ_LIMIT;
}

void
esp_sa_set_next_iv(struct esp_sa *sa, const uint8_t *iv)
{
	memcpy(sa->iv_next, iv, ESP_IV_BYTES);
	sa->iv_forced = true;
}

void
esp_sa_set_next_seq(struct esp_sa *sa, uint64_t seq)
{
	sa->seq_next = seq > ESP_SEQ_LIMIT ? ESP_SEQ_LIMIT : seq;
}

void
esp_sa_forget_seen(struct esp_sa *sa)
{
	sa->top = 0;
	sa->seen = 0;
}

/* ESP next header for an inner packet's IP version nibble; 0 if none. */
static uint8_t
esp_next_header(uint8_t version)
{
	if (version == 4)
		return ESP_NH_IPV4;
	if (version == 6)
		return ESP_NH_IPV6;
	return 0;
}

static void
esp_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
esp_xor2(uint8_t *b, const uint8_t *x, const uint8_t *y)
{
	size_t i;

	for (i = 0; i < ESP_BLOCK_BYTES; i++)
		b[i] ^= x[i] ^ y[i];
}

/* Back to a known CBC state after a failed update. */
static void
esp_cbc_reset(struct esp_sa *sa)
{
	static const uint8_t zero[ESP_BLOCK_BYTES];

	memset(sa->chain, 0, sizeof(sa->chain));
	if (EVP_CipherInit_ex(sa->cipher, NULL, NULL, NULL, zero, -1) != 1)
		ERR_clear_error();	/* the next update fails too */
}

/*
 * CBC under a new IV per packet without re-initialising the context,
 * which costs OpenSSL 3 a parameter lookup by name at each call (its
 * strcmp alone was 1.5-1.9 % of [net]'s samples in a 64-byte flood,
 * `BENCH_PERF=1 make bench`). The
 * context goes on chaining from the last ciphertext block it saw,
 * sa->chain, so the first block is corrected by iv ^ chain: before
 * encryption (E(p1 ^ iv ^ chain ^ chain)) or after decryption
 * (D(c1) ^ chain ^ chain ^ iv). The result is CBC under iv, exactly.
 */
static int
esp_cbc(struct esp_sa *sa, const uint8_t *iv, uint8_t *p, size_t n)
{
	uint8_t last[ESP_BLOCK_BYTES];
	int outl;

	memcpy(last, p + n - ESP_BLOCK_BYTES, sizeof(last));
	if (sa->outbound)
		esp_xor2(p, iv, sa->chain);
	if (EVP_CipherUpdate(sa->cipher, p, &outl, p, (int)n) != 1 ||
	    (size_t)outl != n) {
		esp_cbc_reset(sa);
		return -1;
	}
	if (sa->outbound)
		memcpy(last, p + n - ESP_BLOCK_BYTES, sizeof(last));
	else
		esp_xor2(p, iv, sa->chain);
	memcpy(sa->chain, last, sizeof(last));
	return 0;
}

/* Padding 1, 2, 3..., pad length, next header; returns the CBC length. */
static size_t
esp_trailer(uint8_t *inner, size_t inner_len, uint8_t nh)
{
	size_t pad = 15 - (inner_len + 1) % ESP_BLOCK_BYTES;
	size_t i;

	for (i = 0; i < pad; i++)
		inner[inner_len + i] = (uint8_t)(i + 1);
	inner[inner_len + pad] = (uint8_t)pad;
	inner[inner_len + pad + 1] = nh;
	return inner_len + pad + 2;
}

/* Layout: SPI, sequence, IV, ciphertext, ICV (PROTOCOL.md §7.2). */
int
esp_encrypt(struct esp_sa *sa, uint8_t *buf, size_t cap, size_t inner_len,
    size_t *out_len)
{
	uint8_t mac[ESP_DIGEST_MAX_BYTES];
	uint8_t *iv = buf + ESP_SPI_SEQ_BYTES;
	uint8_t nh;
	size_t n;

	*out_len = 0;
	if (!sa->outbound || sa->seq_next >= ESP_SEQ_LIMIT ||
	    inner_len == 0 || inner_len > ESP_DGRAM_MAX_BYTES ||
	    cap < ESP_HEADROOM + inner_len + ESP_TAILROOM)
		return -1;
	nh = esp_next_header(buf[ESP_HEADROOM] >> 4);
	if (nh == 0)
		return -1;
	n = esp_trailer(buf + ESP_HEADROOM, inner_len, nh);
	esp_put_u32(buf, sa->spi);
	esp_put_u32(buf + 4, (uint32_t)sa->seq_next);
	if (esp_make_iv(sa, sa->seq_next, iv) == -1 ||
	    esp_cbc(sa, iv, buf + ESP_HEADROOM, n) == -1)
		return -1;
	esp_hmac(sa, buf, ESP_HEADROOM + n, mac);
	memcpy(buf + ESP_HEADROOM + n, mac, sa->icv_len);
	secret_wipe(mac, sizeof(mac));
	sa->seq_next++;
	*out_len = ESP_HEADROOM + n + sa->icv_len;
	return 0;
}

static bool
esp_replay_ok(const struct esp_sa *sa, uint32_t seq)
{
	uint32_t back;

	if (seq > sa->top)
		return true;
	back = sa->top - seq;
	if (back >= ESP_REPLAY_WINDOW)
		return false;
	return (sa->seen & ((uint64_t)1 << back)) == 0;
}

/* Only for authenticated packets; "top 0, nothing seen" expects 0. */
static void
esp_replay_mark(struct esp_sa *sa, uint32_t seq)
{
	uint32_t ahead;

	if (seq > sa->top) {
		ahead = seq - sa->top;
		sa->seen = ahead >= ESP_REPLAY_WINDOW ? 0 : sa->seen << ahead;
		sa->top = seq;
	}
	sa->seen |= (uint64_t)1 << (sa->top - seq);
}

/* After decryption: trailer, padding 1..n, next header vs version. */
static int
esp_check_plain(const uint8_t *pt, size_t n, size_t *inner_len,
    enum esp_drop *why)
{
	struct buf b;
	uint8_t pad = 0, nh = 0, v = 0;
	size_t len, i;

	buf_view(&b, pt, n);
	(void)buf_skip(&b, n - 2);
	(void)buf_get_u8(&b, &pad);
	(void)buf_get_u8(&b, &nh);
	*why = ESP_DROP_PAD;
	if ((size_t)pad + 2 > n)
		return -1;
	len = n - 2 - pad;
	buf_view(&b, pt, n);
	(void)buf_skip(&b, len);
	for (i = 0; i < pad; i++)
		if (buf_get_u8(&b, &v) == -1 || v != i + 1)
			return -1;
	*why = ESP_DROP_NEXTHDR;
	buf_view(&b, pt, len);
	if (buf_get_u8(&b, &v) == -1 || esp_next_header(v >> 4) == 0 ||
	    nh != esp_next_header(v >> 4))
		return -1;
	*inner_len = len;
	return 0;
}

static int
esp_auth(struct esp_sa *sa, const uint8_t *dgram, size_t n, uint32_t seq,
    enum esp_drop *why)
{
	uint8_t mac[ESP_DIGEST_MAX_BYTES];
	int bad;

	esp_hmac(sa, dgram, n, mac);
	bad = CRYPTO_memcmp(mac, dgram + n, sa->icv_len);
	secret_wipe(mac, sizeof(mac));
	if (bad != 0) {
		*why = ESP_DROP_ICV;
		return -1;
	}
	if (!esp_replay_ok(sa, seq)) {
		*why = ESP_DROP_REPLAY;
		return -1;
	}
	esp_replay_mark(sa, seq);
	return 0;
}

/*
 * Order of PROTOCOL.md §7.2. A length that is not header + k blocks +
 * ICV (k >= 1) is ESP_DROP_SHORT; an empty inner packet is
 * ESP_DROP_NEXTHDR (no version nibble to match). The replay window moves
 * once the ICV and window checks pass, before decryption.
 */
int
esp_decrypt(struct esp_sa *sa, uint8_t *dgram, size_t len,
    size_t *inner_off, size_t *inner_len, enum esp_drop *why)
{
	struct buf b;
	uint32_t spi = 0, seq = 0;
	size_t n;

	*inner_off = 0;
	*inner_len = 0;
	*why = ESP_DROP_SHORT;
	if (len <= ESP_HEADROOM + sa->icv_len || len > ESP_DGRAM_MAX_BYTES)
		return -1;
	n = len - ESP_HEADROOM - sa->icv_len;
	if (n % ESP_BLOCK_BYTES != 0)
		return -1;
	buf_view(&b, dgram, len);
	(void)buf_get_u32(&b, &spi);
	(void)buf_get_u32(&b, &seq);
	*why = ESP_DROP_SPI;
	if (sa->outbound || spi != sa->spi)
		return -1;
	if (esp_auth(sa, dgram, ESP_HEADROOM + n, seq, why) == -1)
		return -1;
	*why = ESP_DROP_SHORT;
	if (esp_cbc(sa, dgram + ESP_SPI_SEQ_BYTES, dgram + ESP_HEADROOM,
	    n) == -1)
		return -1;
	if (esp_check_plain(dgram + ESP_HEADROOM, n, inner_len, why) == -1)
		return -1;
	*inner_off = ESP_HEADROOM;
	return 0;
}
