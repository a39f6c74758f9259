/* SPDX-License-Identifier: ISC */
/*
 * No allocation per packet on the ESP path (issue 11 item 2): 10^5
 * packets encrypted into and decrypted from fixed buffers, for each
 * suite, with every heap allocation counted: OpenSSL's through
 * CRYPTO_set_mem_functions, the C library's by interposing malloc and
 * friends (not under a sanitizer, which owns them). The tun offload
 * path too: 10^5 packets cut from TSO super-packets (tunvnet.c) and
 * coalesced back (coal.c).
 */
#define _GNU_SOURCE

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdlib.h>
#include <string.h>

#include "tunnel/esp.h"
#include "tunnel/coal.h"
#include "tunnel/tunvnet.h"
#include "t.h"

#define PACKETS		100000
#define INNER		1400

static volatile unsigned long allocs;	/* malloc "cannot" write it */
static volatile int	counting;

static void *
count_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs += counting;
	return malloc(n);
}

static void *
count_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	allocs += counting;
	return realloc(p, n);
}

static void
count_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

void *
malloc(size_t n)
{
	allocs += counting;
	return __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
	allocs += counting;
	return __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
	allocs += counting;
	return __libc_realloc(p, n);
}
#endif

static void
suite(uint8_t enc, uint8_t mac)
{
	static uint8_t buf[ESP_HEADROOM + INNER + ESP_TAILROOM];
	struct esp_sa *out, *in;
	struct cfg_esp c;
	struct gp_err e;
	enum esp_drop why;
	size_t n, off, ilen;
	unsigned long i, good = 0;

	memset(&c, 0, sizeof(c));
	c.present = true;
	c.enc = enc;
	c.mac = mac;
	c.spi_c2s = c.spi_s2c = 0x11223344;
	(void)RAND_bytes(c.ekey_c2s, (int)config_enc_key_len(enc));
	(void)RAND_bytes(c.akey_c2s, (int)config_mac_key_len(mac));
	memcpy(c.ekey_s2c, c.ekey_c2s, sizeof(c.ekey_s2c));
	memcpy(c.akey_s2c, c.akey_c2s, sizeof(c.akey_s2c));
	out = esp_sa_new(&c, 1, &e);
	in = esp_sa_new(&c, 0, &e);
	T_CHECK(out != NULL && in != NULL);
	if (out == NULL || in == NULL)
		return;
	allocs = 0;
	counting = 1;
	for (i = 0; i < PACKETS; i++) {
		memset(buf + ESP_HEADROOM, (int)(i & 0xff), INNER);
		buf[ESP_HEADROOM] = 0x45;
		if (esp_encrypt(out, buf, sizeof(buf), INNER, &n) == 0 &&
		    esp_decrypt(in, buf, n, &off, &ilen, &why) == 0 &&
		    ilen == INNER)
			good++;
	}
	counting = 0;
	printf("# enc %u mac %u: %lu packets, %lu allocations\n",
	    (unsigned)enc, (unsigned)mac, good, allocs);
	T_CHECK(good == PACKETS);
	T_CHECK(allocs == 0);
	esp_sa_free(out);
	esp_sa_free(in);
}

static void
no_allocation(void)
{
	suite(CFG_ENC_AES128_CBC, CFG_MAC_SHA1_96);
	suite(CFG_ENC_AES256_CBC, CFG_MAC_SHA256_128);
	suite(CFG_ENC_AES128_CBC, CFG_MAC_MD5_96);
}

/* A 64000-byte IPv4 TSO packet, MSS 1400 (46 pieces): its length. */
static size_t
tso_packet(uint8_t *p, struct tunvnet_hdr *h)
{
	size_t len = 20 + 20 + 64000;

	memset(p, 0xab, len);
	memset(p, 0, 40);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[9] = 6;			/* TCP */
	p[32] = 5 << 4;			/* data offset */
	p[33] = 0x10;			/* ACK */
	memset(h, 0, sizeof(*h));
	h->gso_type = TUNVNET_GSO_TCPV4;
	h->gso_size = 1400;
	return len;
}

static void
no_allocation_offload(void)
{
	static uint8_t big[TUNVNET_PKT_MAX], seg[1500];
	static struct coal coal;
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	const uint8_t *out;
	size_t len = tso_packet(big, &h), n;
	unsigned long pkts = 0, held = 0;
	unsigned k, segs;

	coal_init(&coal, true);
	allocs = 0;
	counting = 1;
	while (pkts < PACKETS) {
		if (tunvnet_plan(&g, &h, big, len, sizeof(seg), &e) == -1)
			break;
		for (k = 0; k < g.nseg && pkts < PACKETS; k++, pkts++) {
			n = tunvnet_seg(&g, k, seg, sizeof(seg));
			held += coal_add(&coal, seg, n) == COAL_HELD;
		}
		(void)coal_finish(&coal, &out, &segs);
	}
	counting = 0;
	printf("# offload: %lu packets, %lu coalesced, %lu allocations\n",
	    pkts, held, allocs);
	T_CHECK(pkts == PACKETS && held == PACKETS);
	T_CHECK(allocs == 0);
}

/* The counters count: an OpenSSL and (unsanitized) a libc allocation
 * while counting are seen. */
static void
counter_works(void)
{
	void *volatile p;

	allocs = 0;
	counting = 1;
	p = OPENSSL_malloc(16);
	counting = 0;
	T_CHECK(p != NULL && allocs >= 1);
	OPENSSL_free(p);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_UNDEFINED__)
	allocs = 0;
	counting = 1;
	p = malloc(32);
	counting = 0;
	printf("# libc malloc counted: %lu\n", allocs);
	T_CHECK(p != NULL && allocs == 1);
	free(p);
#endif
}

int
main(void)
{
	T_CHECK(CRYPTO_set_mem_functions(count_malloc, count_realloc,
	    count_free) == 1);
	T_RUN(counter_works);
	T_RUN(no_allocation);
	T_RUN(no_allocation_offload);
	return T_DONE();
}
