/* SPDX-License-Identifier: ISC */
/*
 * The <ipsec> block of getconfig.esp for gp-auth (see getconfig_esp.h).
 * The block comes from an untrusted server: every value is checked, and
 * a key that fails a check is wiped at once.
 */
#include <string.h>

#include "auth/getconfig_esp.h"
#include "ipc/secret.h"
#include "ipc/textenc.h"

#define GETCONFIG_ESP_VAL_MAX	256	/* an SPI's text */

/* <ipsec> children; each may appear once. */
enum getconfig_esp_elem {
	GI_PORT, GI_ENC, GI_MAC, GI_SPI_C2S, GI_SPI_S2C, GI_EKEY_C2S,
	GI_EKEY_S2C, GI_AKEY_C2S, GI_AKEY_S2C, GI_N
};
static const char *const gi_names[GI_N] = {
	"udp-port", "enc-algo", "hmac-algo", "c2s-spi", "s2c-spi",
	"ekey-c2s", "ekey-s2c", "akey-c2s", "akey-s2c"
};

/* c2s-spi / s2c-spi: 1-8 hex digits, optional 0x, never 0. */
static int
getconfig_esp_spi(const xmlNode *n, uint32_t *spi, struct gp_err *e)
{
	char s[GETCONFIG_ESP_VAL_MAX], q[ERR_QUOTE_MAX], *p = s;
	uint32_t v = 0;
	size_t i;

	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (i = 0; p[i] != '\0' && i < 8 && hex_val(p[i]) != -1; i++)
		v = v << 4 | (uint32_t)hex_val(p[i]);
	if (i == 0 || p[i] != '\0' || v == 0)
		return err_set(e, "ipsec: %s `%s` is not a non-zero 32-bit "
		    "hex SPI", n->name, err_quote(q, s, strlen(s)));
	*spi = v;
	return 0;
}

static int
getconfig_esp_hex_key(const xmlNode *key, const char *hex,
    struct getconfig_esp_key *k, struct gp_err *e)
{
	size_t len = strlen(hex);

	if (len == 0 || len % 2 != 0)
		return err_set(e, "ipsec: %s <val> has an odd number (%zu) of "
		    "hex digits", key->name, len);
	if (len / 2 > CFG_KEY_MAX)
		return err_set(e, "ipsec: %s <val> is longer than %d bytes",
		    key->name, CFG_KEY_MAX);
	if (hex_decode(hex, len, k->b, sizeof(k->b)) == -1) {
		secret_wipe(k, sizeof(*k));
		return err_set(e, "ipsec: %s <val> is not hex", key->name);
	}
	k->len = len / 2;
	return 0;
}

/* <ekey-c2s><bits>N</bits><val>HEX</val></ekey-c2s>: N/8 == bytes. */
static int
getconfig_esp_key(const xmlNode *key, struct getconfig_esp_key *k,
    struct gp_err *e)
{
	char hex[CFG_KEY_MAX * 2 + 1];
	const xmlNode *n;
	uint32_t bits = 0;
	int have = 0, rc = -1;

	for (n = xml_child(key); n != NULL; n = xml_next(n)) {
		if (xml_is(n, "bits") && !(have & 1)) {
			have |= 1;
			if (xml_u32(n, "getconfig", CFG_KEY_MAX * 8, &bits,
			    e) == -1)
				goto out;
		} else if (xml_is(n, "val") && !(have & 2)) {
			have |= 2;
			if (xml_text(n, hex, sizeof(hex), e) == -1) {
				err_set(e, "ipsec: %s <val> is longer than %d "
				    "hex digits", key->name, CFG_KEY_MAX * 2);
				goto out;
			}
			if (getconfig_esp_hex_key(key, hex, k, e) == -1)
				goto out;
		} else if (xml_is(n, "bits") || xml_is(n, "val")) {
			err_set(e, "ipsec: %s has <%s> twice", key->name,
			    n->name);
			goto out;
		}
	}
	if (have != 3)
		err_set(e, "ipsec: %s needs <bits> and <val>", key->name);
	else if (bits == 0 || bits % 8 != 0 || bits / 8 != k->len)
		err_set(e, "ipsec: %s is %zu bytes but <bits> says %u",
		    key->name, k->len, bits);
	else
		rc = 0;
out:
	secret_wipe(hex, sizeof(hex));
	if (rc == -1)
		secret_wipe(k, sizeof(*k));
	return rc;
}

static int
getconfig_esp_algo(const xmlNode *n, enum getconfig_esp_elem which,
    struct getconfig_esp *ip, struct gp_err *e)
{
	char s[32], q[ERR_QUOTE_MAX];

	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (which == GI_ENC && (strcmp(s, "aes-128-cbc") == 0 ||
	    strcmp(s, "aes128") == 0))
		ip->enc = CFG_ENC_AES128_CBC;
	else if (which == GI_ENC && strcmp(s, "aes-256-cbc") == 0)
		ip->enc = CFG_ENC_AES256_CBC;
	else if (which == GI_MAC && strcmp(s, "md5") == 0)
		ip->mac = CFG_MAC_MD5_96;
	else if (which == GI_MAC && strcmp(s, "sha1") == 0)
		ip->mac = CFG_MAC_SHA1_96;
	else if (which == GI_MAC && strcmp(s, "sha256") == 0)
		ip->mac = CFG_MAC_SHA256_128;
	else
		return err_set(e, "ipsec: %s `%s` is not one we offered",
		    n->name, err_quote(q, s, strlen(s)));
	return 0;
}

static int
getconfig_esp_child(const xmlNode *n, enum getconfig_esp_elem which,
    struct getconfig_esp *ip, struct gp_err *e)
{
	uint32_t port;

	switch (which) {
	case GI_PORT:
		if (xml_u32(n, "getconfig", 65535, &port, e) == -1)
			return -1;
		if (port == 0)
			return err_set(e, "ipsec: udp-port 0 is not a port");
		ip->port = (uint16_t)port;
		return 0;
	case GI_ENC:
	case GI_MAC:
		return getconfig_esp_algo(n, which, ip, e);
	case GI_SPI_C2S:
		return getconfig_esp_spi(n, &ip->spi_c2s, e);
	case GI_SPI_S2C:
		return getconfig_esp_spi(n, &ip->spi_s2c, e);
	default:
		return getconfig_esp_key(n, &ip->key[which - GI_EKEY_C2S], e);
	}
}

int
getconfig_esp_read(const xmlNode *block, struct getconfig_esp *ip,
    struct gp_err *e)
{
	const xmlNode *n;
	int which;

	for (n = xml_child(block); n != NULL; n = xml_next(n)) {
		if ((which = xml_find(n, gi_names, GI_N)) == -1)
			continue;	/* ipsec-mode and newer extras */
		if (ip->seen & (1U << which))
			return err_set(e, "ipsec: %s given twice", n->name);
		ip->seen |= 1U << which;
		if (getconfig_esp_child(n, which, ip, e) == -1)
			return -1;
	}
	return 0;
}

/* Key lengths must match the algorithms the server chose. */
static int
getconfig_esp_keylen(const struct getconfig_esp *ip, struct gp_err *e)
{
	size_t want;
	int k;

	for (k = 0; k < 4; k++) {
		want = k < 2 ? config_enc_key_len(ip->enc) :
		    config_mac_key_len(ip->mac);
		if (ip->key[k].len != want)
			return err_set(e, "ipsec: %s is %zu bytes, its "
			    "algorithm needs %zu", gi_names[GI_EKEY_C2S + k],
			    ip->key[k].len, want);
	}
	return 0;
}

/* Present but malformed values were already rejected; key lengths are
 * checked once the algorithms are known. */
int
getconfig_esp_apply(struct gp_config *c, const struct getconfig_esp *ip,
    struct gp_err *e)
{
	const unsigned all = (1U << GI_N) - 1;
	struct cfg_esp *esp = &c->esp;
	int k;

	if ((ip->seen & all) == all && getconfig_esp_keylen(ip, e) == -1)
		return -1;
	if ((ip->seen & all) != all ||
	    !((esp->magic6.family == CFG_AF_INET6 &&
	    c->ip6.family == CFG_AF_INET6) ||
	    (esp->magic4.family == CFG_AF_INET &&
	    c->ip4.family == CFG_AF_INET))) {
		secret_wipe(esp, sizeof(*esp));
		return 0;
	}
	esp->present = true;
	esp->enc = ip->enc;
	esp->mac = ip->mac;
	esp->udp_port = ip->port;
	esp->spi_c2s = ip->spi_c2s;
	esp->spi_s2c = ip->spi_s2c;
	for (k = 0; k < 4; k++)
		memcpy(k == 0 ? esp->ekey_c2s : k == 1 ? esp->ekey_s2c :
		    k == 2 ? esp->akey_c2s : esp->akey_s2c, ip->key[k].b,
		    ip->key[k].len);
	return 0;
}

