/* SPDX-License-Identifier: ISC */
/*
 * Unit and golden tests for the frame codec and frame I/O (ipc/frame.c):
 * round trips at every maximum, each limit one past, truncation at every
 * offset, hostile headers, and slow, stalled or interrupted writers.
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */

#include <sys/time.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/frame.h"
#include "golden.h"
#include "t.h"
#include "tunnel/privsep.h"	/* PRIVSEP_MAX_BODY_BYTES: a macro */

#define GOLDEN_DIR	"tests/data/frame"

/* A small, typical config: IPv4 only, ESP with AES-128 and SHA-1. */
static void
fill_config(struct gp_config *c, bool esp)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->gw_host, sizeof(c->gw_host), "vpn.example.com");
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	c->gw_port = 443;
	memset(c->gw_pin, 0xab, sizeof(c->gw_pin));
	snprintf(c->tunnel_path, sizeof(c->tunnel_path),
	    "/ssl-tunnel-connect.sslvpn");
	snprintf(c->authcookie, sizeof(c->authcookie),
	    "0123456789abcdef0123456789abcdef");
	snprintf(c->user, sizeof(c->user), "alice@example.com");
	(void)config_addr_parse("198.18.1.2", &c->ip4);
	c->ip4_prefixlen = 32;
	c->n_dns = 1;
	(void)config_addr_parse("198.18.0.53", &c->dns[0]);
	c->n_suffix = 1;
	snprintf(c->suffix[0], sizeof(c->suffix[0]), "example.com");
	c->n_routes = 2;
	(void)config_addr_parse("198.18.64.0", &c->routes[0].addr);
	c->routes[0].prefixlen = 24;
	(void)config_addr_parse("198.18.64.128", &c->routes[1].addr);
	c->routes[1].prefixlen = 25;
	c->routes[1].exclude = true;
	c->timeout_s = 3600;
	if (!esp)
		return;
	c->esp.present = true;
	c->esp.enc = CFG_ENC_AES128_CBC;
	c->esp.mac = CFG_MAC_SHA1_96;
	c->esp.udp_port = 4501;
	c->esp.spi_c2s = 0xa5a5a5a5;
	c->esp.spi_s2c = 0x5a5a5a5a;
	memset(c->esp.ekey_c2s, 0x11, 16);
	memset(c->esp.ekey_s2c, 0x22, 16);
	memset(c->esp.akey_c2s, 0x33, 20);
	memset(c->esp.akey_s2c, 0x44, 20);
	(void)config_addr_parse("198.18.0.1", &c->esp.magic4);
}

/* A valid name of exactly len characters made of 63-character labels. */
static void
long_name(char *out, size_t len, char letter)
{
	size_t i;

	for (i = 0; i < len; i++)
		out[i] = (i % 64 == 63) ? '.' : letter;
	out[len] = '\0';
}

static void
fill_route(struct cfg_route *r, unsigned i)
{
	memset(r, 0, sizeof(*r));
	if (i % 2 == 0) {
		r->addr.family = CFG_AF_INET;
		r->addr.bytes[0] = 10;
		r->addr.bytes[1] = (uint8_t)(i >> 8);
		r->addr.bytes[2] = (uint8_t)i;
		r->prefixlen = 24;
	} else {
		(void)config_addr_parse("2001:db8::", &r->addr);
		r->addr.bytes[4] = (uint8_t)(i >> 8);
		r->addr.bytes[5] = (uint8_t)i;
		r->prefixlen = 48;
	}
	r->exclude = i % 3 == 0;
}

/* Every field present and at its maximum. */
static void
fill_max(struct gp_config *c)
{
	unsigned i;

	fill_config(c, true);
	long_name(c->gw_host, CFG_HOST_MAX, 'g');
	memset(c->tunnel_path, 'p', CFG_PATH_MAX);
	c->tunnel_path[0] = '/';
	for (i = 0; i < CFG_AUTHCOOKIE_MAX; i++)
		c->authcookie[i] = "AZaz09+/=_-"[i % 11];
	for (i = 0; i < CFG_USER_MAX; i++)
		c->user[i] = (char)(0x20 + i % 95);
	(void)config_addr_parse("fd00:198:18::2", &c->ip6);
	c->ip6_prefixlen = 128;
	c->mtu = CFG_MTU_MAX;
	c->n_dns = CFG_DNS_MAX;
	(void)config_addr_parse("198.18.0.54", &c->dns[1]);
	(void)config_addr_parse("fd00::53", &c->dns[2]);
	c->n_nbns = CFG_NBNS_MAX;
	for (i = 0; i < CFG_NBNS_MAX; i++)
		(void)config_addr_parse(i ? "198.18.0.138" : "fd00::138",
		    &c->nbns[i]);
	c->n_suffix = CFG_SUFFIX_MAX;
	for (i = 0; i < CFG_SUFFIX_MAX; i++)
		long_name(c->suffix[i], CFG_HOST_MAX, (char)('a' + i));
	c->n_routes = CFG_ROUTES_MAX;
	for (i = 0; i < CFG_ROUTES_MAX; i++)
		fill_route(&c->routes[i], i);
	c->timeout_s = c->lifetime_s = c->idle_timeout_s = CFG_TIMEOUT_MAX_S;
	c->esp.enc = CFG_ENC_AES256_CBC;
	c->esp.mac = CFG_MAC_SHA256_128;
	c->esp.udp_port = 65535;
	c->esp.spi_c2s = c->esp.spi_s2c = 0xffffffff;
	memset(c->esp.ekey_c2s, 0x55, 32);
	memset(c->esp.ekey_s2c, 0x66, 32);
	memset(c->esp.akey_c2s, 0x77, 32);
	memset(c->esp.akey_s2c, 0x88, 32);
	(void)config_addr_parse("fd00::1", &c->esp.magic6);
}

/* fill_max with every address IPv6: the largest encoding there is. */
static void
fill_worst(struct gp_config *c)
{
	unsigned i;

	fill_max(c);
	(void)config_addr_parse("2001:db8:ffff::1", &c->gw_addr);
	for (i = 0; i < CFG_ROUTES_MAX; i++) {
		fill_route(&c->routes[i], 1);
		c->routes[i].addr.bytes[4] = (uint8_t)(i >> 8);
		c->routes[i].addr.bytes[5] = (uint8_t)i;
	}
	for (i = 0; i < CFG_DNS_MAX; i++) {
		(void)config_addr_parse("fd00::53", &c->dns[i]);
		c->dns[i].bytes[15] = (uint8_t)i;
	}
	for (i = 0; i < CFG_NBNS_MAX; i++) {
		(void)config_addr_parse("fd00::138", &c->nbns[i]);
		c->nbns[i].bytes[15] = (uint8_t)i;
	}
}

/* fill_worst behind a proxy instead of ESP: the larger of the two. */
static void
fill_worst_proxy(struct gp_config *c)
{
	fill_worst(c);
	explicit_bzero(&c->esp, sizeof(c->esp));
	c->proxy.type = CFG_PROXY_SOCKS5;
	(void)config_addr_parse("2001:db8:eeee::1", &c->proxy.addr);
	c->proxy.port = 65535;
	memcpy(c->proxy.target, c->gw_host, sizeof(c->proxy.target));
}

/* Encode c into a fresh body buffer (the caller frees it). */
static int
encode_body(const struct gp_config *c, struct buf *body)
{
	struct gp_err e;

	if (buf_init(body, FRAME_MAX_BODY_BYTES) == -1)
		return -1;
	if (frame_encode_config(c, body, &e) == -1) {
		fprintf(stderr, "  encode: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int
encode_frame(const struct gp_config *c, struct buf *out)
{
	struct buf body;
	struct gp_err e;
	int rc = -1;

	if (buf_init(out, FRAME_HDR_BYTES + FRAME_MAX_BODY_BYTES) == -1)
		return -1;
	if (encode_body(c, &body) == 0 &&
	    frame_encode(FRAME_CONFIG, &body, out, &e) == 0)
		rc = 0;
	buf_free(&body);
	return rc;
}

/* A whole frame held in memory: header, exactly length bytes, config. */
static int
decode_frame(const uint8_t *p, size_t n, struct gp_config *c,
    struct gp_err *e)
{
	struct frame_hdr h;
	struct buf in, body;

	memset(c, 0xee, sizeof(*c));
	buf_view(&in, p, n);
	if (frame_decode_hdr(&in, &h, e) == -1)
		goto fail;
	if (h.type != FRAME_CONFIG) {
		err_set(e, "frame: type `%u`, expected CONFIG", h.type);
		goto fail;
	}
	if (buf_avail(&in) != h.length) {
		err_set(e, "frame: body of %zu bytes, header says %u",
		    buf_avail(&in), (unsigned)h.length);
		goto fail;
	}
	(void)buf_get_view(&in, &body, h.length);
	return frame_decode_config(&body, c, e);
fail:
	explicit_bzero(c, sizeof(*c));
	return -1;
}

static bool
all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static bool
config_same(const struct gp_config *a, const struct gp_config *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

static void
roundtrip(bool max, bool esp)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct gp_err e;
	struct buf f;

	if (max)
		fill_max(c);
	else
		fill_config(c, esp);
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(decode_frame(f.data, f.len, d, &e), 0);
	if (t_failed_now)
		fprintf(stderr, "  %s\n", e.msg);
	T_CHECK(config_same(c, d));
	buf_free(&f);
	config_free(c);
	config_free(d);
}

static void
roundtrip_small(void)
{
	roundtrip(false, false);
	roundtrip(false, true);
}

/* The worst case of frame.h is exact, and fits both carriers. */
static size_t
worst_len(void (*fill)(struct gp_config *))
{
	struct gp_config *c = config_new(), *d = config_new();
	struct buf body;
	struct gp_err e;
	size_t n = 0;

	fill(c);
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(encode_body(c, &body), 0);
	T_EQ_INT(frame_decode_config(&body, d, &e), 0);
	T_CHECK(config_same(c, d));
	n = body.len;
	buf_free(&body);
	config_free(c);
	config_free(d);
	return n;
}

static void
roundtrip_max(void)
{
	size_t esp, proxy;

	roundtrip(true, true);
	esp = worst_len(fill_worst);
	proxy = worst_len(fill_worst_proxy);
	T_EQ_INT(proxy, FRAME_CONFIG_MAX_BYTES);
	T_EQ_INT(esp, FRAME_CONFIG_MAX_BYTES - FRAME_PROXY_MAX_BYTES +
	    FRAME_ESP_MAX_BYTES);
	T_CHECK(proxy <= FRAME_MAX_BODY_BYTES);
	T_CHECK(proxy <= PRIVSEP_MAX_BODY_BYTES);
	if (t_failed_now)
		fprintf(stderr, "  maximal CONFIG: %zu bytes (ESP: %zu), "
		    "frame.h says %zu\n", proxy, esp,
		    (size_t)FRAME_CONFIG_MAX_BYTES);
}

/*
 * Rewrite an encoded body: op applies to the first field with tag (test
 * input is trusted here, so plain byte handling is fine).
 */
enum mut_op { MUT_REPLACE, MUT_DROP, MUT_DUP, MUT_BEFORE };

static void
mutate(const struct buf *in, struct buf *out, uint16_t tag,
    enum mut_op op, const void *val, size_t len)
{
	const uint8_t *p = in->data;
	size_t off = 0, flen;
	uint16_t t;
	bool done = false;

	T_EQ_INT(buf_init(out, FRAME_MAX_BODY_BYTES + 4096), 0);
	while (off + 4 <= in->len) {
		t = (uint16_t)(p[off] << 8 | p[off + 1]);
		flen = 4 + (size_t)(p[off + 2] << 8 | p[off + 3]);
		if (t != tag || done) {
			(void)buf_put_bytes(out, p + off, flen);
		} else if (op == MUT_REPLACE) {
			(void)buf_put_u16(out, t);
			(void)buf_put_u16(out, (uint16_t)len);
			(void)buf_put_bytes(out, val, len);
		} else if (op == MUT_DUP) {
			(void)buf_put_bytes(out, p + off, flen);
			(void)buf_put_bytes(out, p + off, flen);
		} else if (op == MUT_BEFORE) {
			(void)buf_put_bytes(out, val, len);
			(void)buf_put_bytes(out, p + off, flen);
		}
		done = done || t == tag;
		off += flen;
	}
	T_CHECK(done);
}

/* Decode a mutated body of the typical config; expect err in the message. */
static void
expect_body(bool max, uint16_t tag, enum mut_op op, const void *val,
    size_t len, const char *err)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct buf body, mut;
	struct gp_err e;

	if (max)
		fill_max(c);
	else
		fill_config(c, true);
	T_EQ_INT(encode_body(c, &body), 0);
	mutate(&body, &mut, tag, op, val, len);
	memset(d, 0xee, sizeof(*d));
	e.msg[0] = '\0';
	T_EQ_INT(frame_decode_config(&mut, d, &e), -1);
	T_CHECK(all_zero(d, sizeof(*d)));
	if (strstr(e.msg, err) == NULL) {
		fprintf(stderr, "  tag %u: got \"%s\", want \"%s\"\n", tag,
		    e.msg, err);
		t_failed_now = 1;
	}
	buf_free(&body);
	buf_free(&mut);
	config_free(c);
	config_free(d);
}

static void
strings_one_past_max(void)
{
	char s[CFG_AUTHCOOKIE_MAX + 2];

	memset(s, 'a', sizeof(s));
	expect_body(false, 1, MUT_REPLACE, s, CFG_HOST_MAX + 1,
	    "field `gw_host`: length `254`, expected 1..253");
	s[0] = '/';
	expect_body(false, 5, MUT_REPLACE, s, CFG_PATH_MAX + 1,
	    "field `tunnel_path`: length `129`");
	expect_body(false, 6, MUT_REPLACE, s, CFG_AUTHCOOKIE_MAX + 1,
	    "field `authcookie`: length `4097`, expected 1..4096");
	expect_body(false, 7, MUT_REPLACE, s, CFG_USER_MAX + 1,
	    "field `user`: length `257`, expected 1..256");
	expect_body(false, 13, MUT_REPLACE, s, CFG_HOST_MAX + 1,
	    "field `suffix`: length `254`");
	expect_body(false, 7, MUT_REPLACE, s, 0, "field `user`: length `0`");
	expect_body(false, 7, MUT_REPLACE, "al\0ce", 5,
	    "field `user`: contains a NUL byte");
}

static void
lists_one_past_max(void)
{
	expect_body(true, 11, MUT_DUP, NULL, 0,
	    "field `dns`: more than 3 entries");
	expect_body(true, 12, MUT_DUP, NULL, 0,
	    "field `nbns`: more than 3 entries");
	expect_body(true, 13, MUT_DUP, NULL, 0,
	    "field `suffix`: more than 8 entries");
	expect_body(true, 14, MUT_DUP, NULL, 0,
	    "field `route`: more than 1024 entries");
}

static void
fixed_lengths(void)
{
	uint8_t z[40];

	memset(z, 0x5a, sizeof(z));
	expect_body(false, 3, MUT_REPLACE, z, 3,
	    "field `gw_port`: length `3`, expected 2");
	expect_body(false, 3, MUT_REPLACE, z, 1, "field `gw_port`: length");
	expect_body(false, 4, MUT_REPLACE, z, 31, "field `gw_pin`: length");
	expect_body(false, 4, MUT_REPLACE, z, 33, "field `gw_pin`: length");
	expect_body(false, 15, MUT_REPLACE, z, 5,
	    "field `timeout_s`: length `5`, expected 4");
	expect_body(false, 18, MUT_REPLACE, z, 2, "field `esp_enc`: length");
	expect_body(false, 23, MUT_REPLACE, z, 33,
	    "field `esp_ekey_c2s`: length `33`, expected 1..32");
	expect_body(false, 23, MUT_REPLACE, z, 0,
	    "field `esp_ekey_c2s`: length `0`");
}

static void
address_fields(void)
{
	const uint8_t v4short[] = { 4, 198, 18, 0 };
	const uint8_t fam5[] = { 5, 198, 18, 0, 1 };
	const uint8_t v4as6[] = { 6, 198, 18, 0, 1 };
	const uint8_t ip4v6[18] = { 6, 0xfd };
	const uint8_t ip4nop[] = { 4, 198, 18, 1, 2 };
	const uint8_t route_flag[] = { 4, 198, 18, 64, 0, 24, 2 };
	const uint8_t route_bits[] = { 4, 198, 18, 64, 1, 24, 0 };
	const uint8_t route_long[] = { 4, 198, 18, 64, 0, 33, 0 };

	expect_body(false, 2, MUT_REPLACE, v4short, sizeof(v4short),
	    "field `gw_addr`: length `4`, expected 5 for family 4");
	expect_body(false, 2, MUT_REPLACE, fam5, sizeof(fam5),
	    "field `gw_addr`: family `5` is not 4 or 6");
	expect_body(false, 2, MUT_REPLACE, v4as6, sizeof(v4as6),
	    "field `gw_addr`: length `5`, expected 17 for family 6");
	expect_body(false, 8, MUT_REPLACE, ip4v6, sizeof(ip4v6),
	    "field `ip4`: family `6`, expected 4");
	expect_body(false, 8, MUT_REPLACE, ip4nop, sizeof(ip4nop),
	    "field `ip4`: length `5`, expected 6");
	expect_body(false, 14, MUT_REPLACE, route_flag, sizeof(route_flag),
	    "field `route`: flag `2`");
	expect_body(false, 14, MUT_REPLACE, route_bits, sizeof(route_bits),
	    "field `route`: `198.18.64.1/24` has host bits set");
	expect_body(false, 14, MUT_REPLACE, route_long, sizeof(route_long),
	    "field `route`: `198.18.64.0/33` prefix too long");
}

static void
structure(void)
{
	const uint8_t unknown[] = { 0, 99, 0, 1, 'x' };
	const uint8_t tag0[] = { 0, 0, 0, 0 };
	const uint8_t late_host[] = { 0, 1, 0, 1, 'x' };
	const uint8_t host[] = { 0, 1, 0, 5, 'a', '.', 'c', 'o', 'm' };

	expect_body(false, 7, MUT_BEFORE, unknown, sizeof(unknown),
	    "CONFIG: unknown field tag `99`");
	expect_body(false, 7, MUT_BEFORE, tag0, sizeof(tag0),
	    "CONFIG: unknown field tag `0`");
	expect_body(false, 3, MUT_DUP, NULL, 0, "field `gw_port`: duplicate");
	expect_body(false, 6, MUT_DUP, NULL, 0,
	    "field `authcookie`: duplicate");
	expect_body(false, 7, MUT_BEFORE, host, sizeof(host),
	    "field `gw_host`: duplicate");
	expect_body(false, 15, MUT_BEFORE, late_host, sizeof(late_host),
	    "field `gw_host`: duplicate");
	expect_body(false, 1, MUT_DROP, NULL, 0, "field `gw_host`: missing");
	expect_body(false, 4, MUT_DROP, NULL, 0, "field `gw_pin`: missing");
	expect_body(false, 6, MUT_DROP, NULL, 0,
	    "field `authcookie`: missing");
	expect_body(false, 22, MUT_DROP, NULL, 0,
	    "field `esp_spi_s2c`: missing");
	expect_body(false, 26, MUT_DROP, NULL, 0,
	    "field `esp_akey_s2c`: missing");
	expect_body(false, 8, MUT_DROP, NULL, 0, "field `ip4`: missing");
}

static void
order_enforced(void)
{
	const uint8_t mtu[] = { 0, 10, 0, 2, 0x05, 0xdc };
	const uint8_t dns[] = { 0, 11, 0, 5, 4, 198, 18, 0, 54 };

	/* mtu (10) placed before ip4 (8) is out of order. */
	expect_body(false, 8, MUT_BEFORE, mtu, sizeof(mtu),
	    "field `ip4`: out of order after `mtu`");
	/* A second dns entry after the suffix list is not contiguous. */
	expect_body(false, 14, MUT_BEFORE, dns, sizeof(dns),
	    "field `dns`: entries not contiguous");
}

static void
trailing_and_short(void)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct buf body, big;
	struct gp_err e;
	size_t i;

	fill_config(c, true);
	T_EQ_INT(encode_body(c, &body), 0);
	T_EQ_INT(buf_init(&big, FRAME_MAX_BODY_BYTES), 0);
	(void)buf_put_bytes(&big, body.data, body.len);
	for (i = 1; i <= 4; i++) {
		(void)buf_put_u8(&big, 0);
		big.off = 0;
		T_EQ_INT(frame_decode_config(&big, d, &e), -1);
		T_CHECK(all_zero(d, sizeof(*d)));
		if (i < 4)
			T_CHECK(strstr(e.msg, "field header truncated") !=
			    NULL);
		else
			T_CHECK(strstr(e.msg, "unknown field tag `0`") !=
			    NULL);
	}
	/* A field length running past the end of the body. */
	big.len = body.len;
	(void)buf_put_bytes(&big, "\0\x0a\0\x09\x05", 5);
	big.off = 0;
	T_EQ_INT(frame_decode_config(&big, d, &e), -1);
	T_STREQ(e.msg, "field `mtu`: length `9` but 1 bytes left");
	buf_free(&body);
	buf_free(&big);
	config_free(c);
	config_free(d);
}

/* fill_config without ESP, behind a proxy: HTTP CONNECT by name, no
 * gateway address (the proxy resolves it). */
static void
fill_proxy(struct gp_config *c)
{
	fill_config(c, false);
	memset(&c->gw_addr, 0, sizeof(c->gw_addr));
	c->proxy.type = CFG_PROXY_HTTP;
	(void)config_addr_parse("198.18.10.1", &c->proxy.addr);
	c->proxy.port = 8888;
	snprintf(c->proxy.target, sizeof(c->proxy.target), "%s", c->gw_host);
}

/* Decode a mutated body of fill_proxy's config; expect err. */
static void
expect_proxy(uint16_t tag, enum mut_op op, const void *val, size_t len,
    const char *err)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct buf body, mut;
	struct gp_err e;

	fill_proxy(c);
	T_EQ_INT(encode_body(c, &body), 0);
	mutate(&body, &mut, tag, op, val, len);
	e.msg[0] = '\0';
	T_EQ_INT(frame_decode_config(&mut, d, &e), -1);
	T_CHECK(all_zero(d, sizeof(*d)));
	if (strstr(e.msg, err) == NULL) {
		fprintf(stderr, "  tag %u: got \"%s\", want \"%s\"\n", tag,
		    e.msg, err);
		t_failed_now = 1;
	}
	buf_free(&body);
	buf_free(&mut);
	config_free(c);
	config_free(d);
}

/* c must fail config_validate with err in the message. */
static void
expect_invalid(const struct gp_config *c, const char *err)
{
	struct gp_err e;

	e.msg[0] = '\0';
	T_EQ_INT(config_validate(c, &e), -1);
	if (strstr(e.msg, err) == NULL) {
		fprintf(stderr, "  got \"%s\", want \"%s\"\n", e.msg, err);
		t_failed_now = 1;
	}
}

static void
proxy_roundtrip(void)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct gp_err e;
	struct buf f;

	fill_proxy(c);
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(decode_frame(f.data, f.len, d, &e), 0);
	T_CHECK(config_same(c, d));
	T_CHECK(config_tunnel_peer(d) == &d->proxy.addr);
	T_CHECK(config_proxy_same(c, d));
	buf_free(&f);
	/* socks5 resolved by gp-auth: the address, as text. */
	c->proxy.type = CFG_PROXY_SOCKS5;
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	memset(c->proxy.target, 0, sizeof(c->proxy.target));
	snprintf(c->proxy.target, sizeof(c->proxy.target), "198.18.0.1");
	T_CHECK(!config_proxy_same(c, d));
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(decode_frame(f.data, f.len, d, &e), 0);
	T_CHECK(config_same(c, d));
	buf_free(&f);
	/* Direct: the gateway is the peer, and no proxy field is sent. */
	fill_config(c, true);
	T_CHECK(config_tunnel_peer(c) == &c->gw_addr);
	T_EQ_INT(encode_body(c, &f), 0);
	T_EQ_INT(frame_decode_config(&f, d, &e), 0);
	T_EQ_INT(d->proxy.type, CFG_PROXY_NONE);
	buf_free(&f);
	config_free(c);
	config_free(d);
}

static void
proxy_fields(void)
{
	const uint8_t type3[] = { 3 }, type0[] = { 0 }, port0[] = { 0, 0 };
	const uint8_t mcast[] = { 4, 224, 0, 0, 1 };

	expect_proxy(31, MUT_DROP, NULL, 0, "field `proxy_port`: missing");
	expect_proxy(29, MUT_DROP, NULL, 0, "field `proxy_type`: missing");
	expect_proxy(29, MUT_REPLACE, type3, 1,
	    "field `proxy_type`: unknown type `3`");
	/* No proxy after all: then the gateway's address is missing. */
	expect_proxy(29, MUT_REPLACE, type0, 1, "field `gw_addr`: missing");
	expect_proxy(29, MUT_REPLACE, port0, 2, "field `proxy_type`: length");
	expect_proxy(31, MUT_REPLACE, port0, 2,
	    "field `proxy_port`: `0` is not a port");
	expect_proxy(30, MUT_REPLACE, mcast, sizeof(mcast),
	    "field `proxy_addr`: `224.0.0.1` is a multicast address");
	expect_proxy(32, MUT_REPLACE, "evil.example", 12,
	    "field `proxy_target`: `evil.example` is neither `gw_host`");
	expect_proxy(32, MUT_REPLACE, "a b", 3,
	    "field `proxy_target`: `a b` is not allowed");
	expect_proxy(32, MUT_DUP, NULL, 0, "field `proxy_target`: duplicate");
	/* Without a proxy the gateway's address is required, as ever. */
	expect_body(false, 2, MUT_DROP, NULL, 0, "field `gw_addr`: missing");
}

static void
proxy_semantics(void)
{
	struct gp_config *c = config_new();

	fill_config(c, true);
	c->proxy = (struct cfg_proxy){ .type = CFG_PROXY_HTTP, .port = 80 };
	(void)config_addr_parse("198.18.10.1", &c->proxy.addr);
	snprintf(c->proxy.target, sizeof(c->proxy.target), "%s", c->gw_host);
	expect_invalid(c, "field `esp`: present behind a proxy");
	fill_proxy(c);
	snprintf(c->proxy.target, sizeof(c->proxy.target), "198.18.0.1");
	expect_invalid(c, "field `proxy_target`: `198.18.0.1` is neither");
	fill_proxy(c);
	snprintf(c->gw_host, sizeof(c->gw_host), "198.18.0.1");
	snprintf(c->proxy.target, sizeof(c->proxy.target), "198.18.0.1");
	expect_invalid(c, "differs from the address in `gw_host`");
	fill_proxy(c);
	(void)config_addr_parse("198.18.10.1", &c->ip4);
	expect_invalid(c, "field `ip4`: `198.18.10.1` is the proxy's address");
	fill_proxy(c);
	(void)config_addr_parse("127.0.0.1", &c->proxy.addr);
	T_EQ_INT(config_validate(c, &(struct gp_err){ "" }), 0);
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	c->proxy.type = CFG_PROXY_NONE;
	expect_invalid(c, "field `proxy_type`: none, but other proxy fields "
	    "are set");
	config_free(c);
}

static void
esp_keys(void)
{
	uint8_t k[32];

	memset(k, 0x42, sizeof(k));
	expect_body(false, 23, MUT_REPLACE, k, 32,
	    "field `esp_ekey_c2s`: `32` bytes, the algorithm needs 16");
	expect_body(false, 26, MUT_REPLACE, k, 16,
	    "field `esp_akey_s2c`: `16` bytes, the algorithm needs 20");
	k[0] = 9;
	expect_body(false, 18, MUT_REPLACE, k, 1,
	    "field `esp_enc`: unknown algorithm `9`");
	k[0] = 0;
	expect_body(false, 19, MUT_REPLACE, k, 1,
	    "field `esp_mac`: unknown algorithm `0`");
	memset(k, 0, sizeof(k));
	expect_body(false, 21, MUT_REPLACE, k, 4,
	    "field `esp_spi_c2s`: `0` is reserved");
	expect_body(false, 20, MUT_REPLACE, k, 2,
	    "field `esp_udp_port`: `0` is not a port");
	expect_body(false, 24, MUT_REPLACE, k, 16,
	    "field `esp_ekey_s2c`: all zero");
	expect_body(false, 27, MUT_DROP, NULL, 0,
	    "field `esp_magic4`: missing, and no `esp_magic6` either");
}

static void
expect_hdr(const uint8_t *p, size_t n, const char *err)
{
	struct frame_hdr h;
	struct gp_err e;
	struct buf in;

	buf_view(&in, p, n);
	memset(&h, 0x77, sizeof(h));
	T_EQ_INT(frame_decode_hdr(&in, &h, &e), -1);
	T_EQ_INT(in.off, 0);
	T_EQ_INT(h.type, 0);
	T_EQ_INT(h.length, 0);
	T_STREQ(e.msg, err);
}

static void
headers(void)
{
	uint8_t h[FRAME_HDR_BYTES] = { 'G', 'P', 'V', 'N', 1, 1, 0, 0,
	    0, 0, 0, 0 };
	struct frame_hdr fh;
	struct gp_err e;
	struct buf in;

	buf_view(&in, h, sizeof(h));
	T_EQ_INT(frame_decode_hdr(&in, &fh, &e), 0);
	T_EQ_INT(in.off, 12);
	T_EQ_INT(fh.type, FRAME_CONFIG);
	T_EQ_INT(fh.length, 0);
	expect_hdr(h, 11, "frame: header truncated at 11 of 12 bytes");
	h[0] = 'g';
	expect_hdr(h, 12, "frame: bad magic `0x6750564e`");
	h[0] = 'G';
	h[4] = 2;
	expect_hdr(h, 12, "frame: version `2`, expected 1");
	h[4] = 0;
	expect_hdr(h, 12, "frame: version `0`, expected 1");
	h[4] = 1;
	h[5] = 5;
	expect_hdr(h, 12, "frame: unknown type `5`");
	h[5] = 0;
	expect_hdr(h, 12, "frame: unknown type `0`");
	h[5] = 1;
	h[7] = 1;
	expect_hdr(h, 12, "frame: flags `0x0001` must be 0");
	h[7] = 0;
	h[9] = 1;	/* 65536: the maximum itself is fine */
	buf_view(&in, h, sizeof(h));
	T_EQ_INT(frame_decode_hdr(&in, &fh, &e), 0);
	h[11] = 1;
	expect_hdr(h, 12, "frame: length `65537` over 65536 bytes");
	h[8] = 0xff;
	expect_hdr(h, 12, "frame: length `4278255617` over 65536 bytes");
	h[8] = h[9] = 0;
	h[5] = FRAME_SHUTDOWN;
	expect_hdr(h, 12, "frame: SHUTDOWN with length `1`, must be 0");
	h[5] = FRAME_NEED_CONFIG;
	expect_hdr(h, 12, "frame: NEED_CONFIG with length `1`, must be 0");
}

static void
encode_limits(void)
{
	struct gp_config *c = config_new();
	struct buf body, out;
	struct gp_err e;

	T_EQ_INT(buf_init(&out, 16), 0);
	T_EQ_INT(frame_encode(FRAME_SHUTDOWN, NULL, &out, &e), 0);
	T_EQ_INT(out.len, 12);
	T_EQ_INT(out.mem[5], FRAME_SHUTDOWN);
	T_EQ_INT(frame_encode(FRAME_SHUTDOWN, NULL, &out, &e), -1);
	T_EQ_INT(out.len, 12);
	T_EQ_INT(frame_encode(9, NULL, &out, &e), -1);
	buf_free(&out);

	fill_config(c, false);
	c->n_dns = CFG_DNS_MAX + 1;
	T_EQ_INT(buf_init(&body, FRAME_MAX_BODY_BYTES), 0);
	T_EQ_INT(frame_encode_config(c, &body, &e), -1);
	T_STREQ(e.msg, "field `dns`: `4` entries, at most 3");
	T_EQ_INT(body.len, 0);
	buf_free(&body);
	/* A body buffer too small fails cleanly and is left empty. */
	c->n_dns = 1;
	T_EQ_INT(buf_init(&body, 100), 0);
	T_EQ_INT(frame_encode_config(c, &body, &e), -1);
	T_EQ_INT(body.len, 0);
	T_CHECK(all_zero(body.mem, body.max));
	T_CHECK(strstr(e.msg, "CONFIG body over 100 bytes") != NULL);
	buf_free(&body);
	/* Missing required fields are refused, or sent for the decoder. */
	T_EQ_INT(buf_init(&body, FRAME_MAX_BODY_BYTES), 0);
	c->user[0] = '\0';
	T_EQ_INT(frame_encode_config(c, &body, &e), -1);
	T_STREQ(e.msg, "field `user`: length `0`, expected 1..256");
	fill_config(c, false);
	memset(c->gw_pin, 0, sizeof(c->gw_pin));
	T_EQ_INT(frame_encode_config(c, &body, &e), 0);
	T_EQ_INT(frame_decode_config(&body, c, &e), -1);
	T_STREQ(e.msg, "field `gw_pin`: all zero (no pin)");
	buf_free(&body);
	config_free(c);
}

/* Every proper prefix of a valid frame is refused, and wipes c. */
static void
truncated_everywhere(void)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct gp_err e;
	struct buf f;
	size_t k;
	int bad = 0;

	fill_config(c, true);
	T_EQ_INT(encode_frame(c, &f), 0);
	for (k = 0; k < f.len; k++) {
		if (decode_frame(f.data, k, d, &e) != -1 ||
		    !all_zero(d, sizeof(*d)))
			bad++;
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(decode_frame(f.data, f.len, d, &e), 0);
	buf_free(&f);
	config_free(c);
	config_free(d);
}

/*
 * The body alone cut at every offset: a cut inside a field is an error;
 * a cut between fields may still be a valid config (optional fields
 * last), but then it must equal the prefix that was sent.
 */
static void
body_cut_everywhere(void)
{
	struct gp_config *c = config_new(), *d = config_new();
	struct buf body, cut;
	struct gp_err e;
	size_t k;
	int bad = 0;

	fill_config(c, true);
	T_EQ_INT(encode_body(c, &body), 0);
	for (k = 0; k < body.len; k++) {
		buf_view(&cut, body.data, k);
		if (frame_decode_config(&cut, d, &e) == -1) {
			if (!all_zero(d, sizeof(*d)))
				bad++;
		} else if (config_same(c, d))
			bad++;
	}
	T_EQ_INT(bad, 0);
	buf_free(&body);
	config_free(c);
	config_free(d);
}

/* Frame I/O over pipes; children only write and always exit. */
static volatile sig_atomic_t alarms;

static void
on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void
set_timer(int first_ms, int every_ms)
{
	struct itimerval it;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: we want EINTR */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = first_ms * 1000;
	it.it_interval.tv_usec = every_ms * 1000;
	(void)setitimer(ITIMER_REAL, &it, NULL);
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

static void
write_raw(int fd, const uint8_t *p, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, p, n);
		if (k == -1 && errno == EINTR)
			continue;
		if (k <= 0)
			_exit(2);
		p += k;
		n -= (size_t)k;
	}
}

/*
 * Fork a writer: the first `first` bytes at once, the rest in pieces of
 * `piece` bytes every `gap_ms` (after `pause_ms`); stop at `upto` bytes.
 */
static pid_t
writer(int fd, const struct buf *f, size_t first, size_t piece, int gap_ms,
    int pause_ms, size_t upto)
{
	pid_t pid = fork();
	size_t off, n;

	if (pid != 0)
		return pid;
	write_raw(fd, f->data, first);
	sleep_ms(pause_ms);
	for (off = first; off < upto; off += n) {
		n = upto - off < piece ? upto - off : piece;
		write_raw(fd, f->data + off, n);
		sleep_ms(gap_ms);
	}
	_exit(0);
}

static int
reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		continue;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Read one frame from fd and check that it holds the config c. */
static int
read_config(int fd, int timeout_ms, const struct gp_config *c,
    struct gp_err *e)
{
	struct gp_config *d = config_new();
	struct frame_hdr h;
	struct buf body;
	int rc;

	rc = frame_read_deadline(fd, &h, &body, timeout_ms, e);
	if (rc == 1) {
		T_EQ_INT(h.type, FRAME_CONFIG);
		T_EQ_INT(frame_decode_config(&body, d, e), 0);
		T_CHECK(config_same(c, d));
	} else {
		T_CHECK(body.mem == NULL);
		T_EQ_INT(body.len, 0);
	}
	buf_free(&body);
	config_free(d);
	return rc;
}

static void
eof_everywhere(bool max)
{
	struct gp_config *c = config_new();
	struct gp_err e;
	struct buf f;
	size_t k, step;
	int p[2], bad = 0;

	max ? fill_max(c) : fill_config(c, true);
	T_EQ_INT(encode_frame(c, &f), 0);
	step = max ? 97 : 1;
	for (k = 0; k < f.len; k += step) {
		T_EQ_INT(pipe(p), 0);
		write_raw(p[1], f.data, k);
		close(p[1]);
		errno = 0;
		if (read_config(p[0], 1000, c, &e) != (k == 0 ? 0 : -1) ||
		    (k > 0 && errno != EPROTO))
			bad++;
		close(p[0]);
	}
	T_EQ_INT(bad, 0);
	T_CHECK(strstr(e.msg, "frame: end of stream after") != NULL);
	buf_free(&f);
	config_free(c);
}

static void
eof_mid_frame(void)
{
	eof_everywhere(false);
	eof_everywhere(true);
}

static void
two_frames_then_eof(void)
{
	struct gp_config *c = config_new();
	struct gp_err e;
	struct buf f;
	int p[2];

	fill_config(c, false);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(pipe(p), 0);
	write_raw(p[1], f.data, f.len);
	write_raw(p[1], f.data, f.len);
	close(p[1]);
	T_EQ_INT(read_config(p[0], 1000, c, &e), 1);
	T_EQ_INT(read_config(p[0], 1000, c, &e), 1);
	T_EQ_INT(read_config(p[0], 1000, c, &e), 0);
	close(p[0]);
	buf_free(&f);
	config_free(c);
}

static void
slow_writer(void)
{
	struct gp_config *c = config_new();
	struct gp_err e;
	struct buf f;
	pid_t pid;
	int p[2];

	fill_config(c, true);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(pipe(p), 0);
	/* Nothing for 300 ms (no deadline yet), then 13 bytes every 2 ms. */
	pid = writer(p[1], &f, 0, 13, 2, 300, f.len);
	close(p[1]);
	T_EQ_INT(read_config(p[0], 5000, c, &e), 1);
	T_EQ_INT(reap(pid), 0);
	close(p[0]);
	/* The same on a non-blocking descriptor. */
	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	pid = writer(p[1], &f, 1, 29, 1, 50, f.len);
	close(p[1]);
	T_EQ_INT(read_config(p[0], 5000, c, &e), 1);
	T_EQ_INT(reap(pid), 0);
	close(p[0]);
	buf_free(&f);
	config_free(c);
}

static void
stalled_writer(void)
{
	struct gp_config *c = config_new();
	struct timespec t0, t1;
	struct gp_err e;
	struct buf f;
	long ms;
	pid_t pid;
	int p[2];

	fill_config(c, true);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(pipe(p), 0);
	/* Half a frame, then silence for 2 s with the pipe still open. */
	pid = writer(p[1], &f, f.len / 2, 1, 0, 2000, f.len / 2);
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	T_EQ_INT(read_config(p[0], 200, c, &e), -1);
	T_EQ_INT(errno, ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	T_CHECK(ms >= 150);
	T_CHECK(ms < 1500);
	T_CHECK(strstr(e.msg, "not complete within 200 ms") != NULL);
	kill(pid, SIGKILL);
	(void)reap(pid);
	close(p[0]);
	buf_free(&f);
	config_free(c);
}

static void
interrupted(void)
{
	struct gp_config *c = config_new();
	struct gp_err e;
	struct buf f, tail;
	pid_t pid;
	int p[2];

	fill_config(c, true);
	T_EQ_INT(encode_frame(c, &f), 0);
	T_EQ_INT(pipe(p), 0);
	/* Idle: a signal ends the wait with EINTR, nothing consumed. */
	set_timer(50, 0);
	errno = 0;
	T_EQ_INT(read_config(p[0], 1000, c, &e), -1);
	T_EQ_INT(errno, EINTR);
	write_raw(p[1], f.data, f.len);
	T_EQ_INT(read_config(p[0], 1000, c, &e), 1);
	/*
	 * Mid-frame (the first bytes are already there): signals every
	 * 10 ms are retried, not reported.
	 */
	alarms = 0;
	write_raw(p[1], f.data, 5);
	buf_view(&tail, f.data + 5, f.len - 5);
	pid = writer(p[1], &tail, 0, 50, 20, 100, tail.len);
	set_timer(10, 10);
	T_EQ_INT(read_config(p[0], 5000, c, &e), 1);
	set_timer(0, 0);
	T_CHECK(alarms > 0);
	T_EQ_INT(reap(pid), 0);
	close(p[0]);
	close(p[1]);
	buf_free(&f);
	config_free(c);
}

/* frame_write through a 4 KiB pipe to a child that reads and checks. */
static void
write_then_read(void)
{
	struct gp_config *c = config_new();
	struct buf body;
	struct gp_err e;
	pid_t pid;
	int p[2];

	fill_max(c);
	T_EQ_INT(encode_body(c, &body), 0);
	T_EQ_INT(pipe(p), 0);
	(void)fcntl(p[1], F_SETPIPE_SZ, 4096);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		t_failed_now = 0;
		if (read_config(p[0], 5000, c, &e) != 1 || t_failed_now)
			_exit(1);
		_exit(read_config(p[0], 5000, c, &e) == 0 ? 0 : 1);
	}
	close(p[0]);
	T_EQ_INT(frame_write(p[1], FRAME_CONFIG, &body, &e), 0);
	T_EQ_INT(frame_write(p[1], 9, &body, &e), -1);
	close(p[1]);
	T_EQ_INT(reap(pid), 0);
	buf_free(&body);
	config_free(c);
}

/* What the golden .ok files hold: the redacted print, or the error. */
static char *
golden_output(const uint8_t *p, size_t n, size_t *outlen)
{
	struct gp_config *c = config_new();
	struct gp_err e;
	char *out = NULL;
	FILE *fp;

	fp = open_memstream(&out, outlen);
	if (fp == NULL || c == NULL)
		abort();
	if (decode_frame(p, n, c, &e) == 0)
		config_print(fp, c, true);
	else
		fprintf(fp, "error: %s\n", e.msg);
	fclose(fp);
	config_free(c);
	return out;
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	static uint8_t data[FRAME_HDR_BYTES + FRAME_MAX_BODY_BYTES + 64];
	FILE *fp = fopen(path, "rb");

	*n = 0;
	if (fp == NULL)
		return NULL;
	*n = fread(data, 1, sizeof(data), fp);
	fclose(fp);
	return data;
}

static int
golden_one(const char *name)
{
	char path[512], *got;
	size_t n, glen;
	uint8_t *p;
	int rc;

	snprintf(path, sizeof(path), "%s/%s.bin", GOLDEN_DIR, name);
	if ((p = slurp(path, &n)) == NULL)
		return -1;
	got = golden_output(p, n, &glen);
	snprintf(path, sizeof(path), "%s/%s.ok", GOLDEN_DIR, name);
	rc = golden_check(path, got, glen);
	free(got);
	return rc;
}

static void
golden(void)
{
	struct dirent *de;
	char name[256];
	size_t len;
	int n = 0, valid = 0;
	DIR *d = opendir(GOLDEN_DIR);

	T_CHECK(d != NULL);
	while (d != NULL && (de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || len >= sizeof(name) ||
		    strcmp(de->d_name + len - 4, ".bin") != 0)
			continue;
		memcpy(name, de->d_name, len - 4);
		name[len - 4] = '\0';
		T_EQ_INT(golden_one(name), 0);
		n++;
		valid += strncmp(name, "ok_", 3) == 0;
	}
	if (d != NULL)
		closedir(d);
	T_CHECK(n >= 6);
	T_CHECK(valid >= 2);
}

/* `ipc_frame_test FILE.bin` prints what the golden test compares. */
static int
print_file(const char *path)
{
	size_t n, glen;
	uint8_t *p = slurp(path, &n);
	char *got;

	if (p == NULL)
		return 1;
	got = golden_output(p, n, &glen);
	fwrite(got, 1, glen, stdout);
	free(got);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 2)
		return print_file(argv[1]);
	T_RUN(roundtrip_small);
	T_RUN(roundtrip_max);
	T_RUN(strings_one_past_max);
	T_RUN(lists_one_past_max);
	T_RUN(fixed_lengths);
	T_RUN(address_fields);
	T_RUN(structure);
	T_RUN(order_enforced);
	T_RUN(trailing_and_short);
	T_RUN(esp_keys);
	T_RUN(proxy_roundtrip);
	T_RUN(proxy_fields);
	T_RUN(proxy_semantics);
	T_RUN(headers);
	T_RUN(encode_limits);
	T_RUN(truncated_everywhere);
	T_RUN(body_cut_everywhere);
	T_RUN(eof_mid_frame);
	T_RUN(two_frames_then_eof);
	T_RUN(slow_writer);
	T_RUN(stalled_writer);
	T_RUN(interrupted);
	T_RUN(write_then_read);
	T_RUN(golden);
	return T_DONE();
}
