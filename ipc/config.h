/* SPDX-License-Identifier: ISC */
/*
 * The tunnel configuration that gp-auth sends to gp-tunnel in a CONFIG
 * frame. gp-auth fills it from getconfig.esp; gp-tunnel decodes it from an
 * untrusted stream. Both run config_validate() on it. It holds secrets (the
 * auth cookie and ESP keys): allocate it with config_new(), which uses
 * secret memory, and release it with config_free(), which wipes it.
 */
#ifndef GPVPN_CONFIG_H
#define GPVPN_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "limits.h"

/* Address families as stored here; on the wire they are 4 and 6. */
#define CFG_AF_NONE	0
#define CFG_AF_INET	4
#define CFG_AF_INET6	6

struct cfg_addr {
	uint8_t		family;		/* CFG_AF_* */
	uint8_t		bytes[16];	/* 4 used for IPv4 */
};

struct cfg_route {
	struct cfg_addr	addr;
	uint8_t		prefixlen;
	bool		exclude;	/* split-exclude instead of include */
};

enum cfg_enc {
	CFG_ENC_NONE = 0,
	CFG_ENC_AES128_CBC = 1,
	CFG_ENC_AES256_CBC = 2
};

enum cfg_mac {
	CFG_MAC_NONE = 0,
	CFG_MAC_MD5_96 = 1,
	CFG_MAC_SHA1_96 = 2,
	CFG_MAC_SHA256_128 = 3
};

struct cfg_esp {
	bool		present;	/* false: HTTPS tunnel only */
	uint8_t		enc;		/* enum cfg_enc */
	uint8_t		mac;		/* enum cfg_mac */
	uint16_t	udp_port;
	uint32_t	spi_c2s;	/* outbound */
	uint32_t	spi_s2c;	/* inbound */
	uint8_t		ekey_c2s[CFG_KEY_MAX];
	uint8_t		ekey_s2c[CFG_KEY_MAX];
	uint8_t		akey_c2s[CFG_KEY_MAX];
	uint8_t		akey_s2c[CFG_KEY_MAX];
	struct cfg_addr	magic4;		/* gw-address, magic ping target */
	struct cfg_addr	magic6;		/* gw-address-v6 */
};

/*
 * A proxy between gp-tunnel and the gateway (gp-auth --proxy): [net]
 * connects to addr:port, asks the proxy for target and gw_port, then
 * runs TLS through it, pinned as ever. target is gw_host when the proxy
 * resolves the name (HTTP CONNECT, socks5h), or gw_addr as text (socks5,
 * where gp-auth resolved it). ESP is off behind a proxy.
 */
enum cfg_proxy_type {
	CFG_PROXY_NONE = 0,
	CFG_PROXY_HTTP = 1,	/* HTTP/1.1 CONNECT */
	CFG_PROXY_SOCKS5 = 2	/* SOCKS5 CONNECT, no authentication */
};

struct cfg_proxy {
	uint8_t		type;		/* enum cfg_proxy_type */
	struct cfg_addr	addr;		/* resolved by gp-auth */
	uint16_t	port;
	char		target[CFG_HOST_MAX + 1];
};

struct gp_config {
	/* The gateway, as gp-auth resolved and verified it. */
	char		gw_host[CFG_HOST_MAX + 1];	/* SNI, logs */
	struct cfg_addr	gw_addr;	/* none only behind a proxy that
					 * resolves gw_host itself */
	uint16_t	gw_port;
	uint8_t		gw_pin[CFG_PIN_BYTES];
	char		tunnel_path[CFG_PATH_MAX + 1];

	/* Secret: the HTTPS tunnel URL needs these two cookie fields. */
	char		authcookie[CFG_AUTHCOOKIE_MAX + 1];
	char		user[CFG_USER_MAX + 1];

	/* Inside the tunnel. */
	struct cfg_addr	ip4;
	uint8_t		ip4_prefixlen;	/* from <netmask>; 32 if none */
	struct cfg_addr	ip6;
	uint8_t		ip6_prefixlen;
	uint16_t	mtu;		/* 0: gp-tunnel computes it */
	unsigned	n_dns;
	struct cfg_addr	dns[CFG_DNS_MAX];
	unsigned	n_nbns;
	struct cfg_addr	nbns[CFG_NBNS_MAX];
	unsigned	n_suffix;
	char		suffix[CFG_SUFFIX_MAX][CFG_HOST_MAX + 1];
	unsigned	n_routes;
	struct cfg_route routes[CFG_ROUTES_MAX];

	/* Timers, seconds; 0 = not given. */
	uint32_t	timeout_s;	/* rekey at timeout - 60 */
	uint32_t	lifetime_s;
	uint32_t	idle_timeout_s;

	struct cfg_esp	esp;
	struct cfg_proxy proxy;		/* type none: direct */
};

struct gp_config *config_new(void);	/* zeroed secret memory, or NULL */
void	config_free(struct gp_config *c);

/*
 * Semantic checks shared by gp-auth (after parsing getconfig) and
 * gp-tunnel (after decoding a frame): addresses usable, prefixes in range,
 * at least one tunnel address, names made of safe characters, ESP keys
 * consistent. Returns 0, or -1 with the field and value in e.
 */
int	config_validate(const struct gp_config *c, struct gp_err *e);

/* Field checks, also used by parsers. */
bool	config_hostname_ok(const char *s);
bool	config_cookie_ok(const char *s);	/* authcookie charset */
bool	config_user_ok(const char *s);
bool	config_path_ok(const char *s);
size_t	config_enc_key_len(uint8_t enc);	/* 0 if unknown */
size_t	config_mac_key_len(uint8_t mac);
size_t	config_mac_icv_len(uint8_t mac);

/* "http-connect", "socks5", or "unknown". */
const char *config_proxy_name(uint8_t type);
/*
 * Where the tunnel's TCP connection goes, the address that must stay
 * routed outside the tunnel (VPNGATEWAY): the proxy's, else the gateway's.
 */
const struct cfg_addr *config_tunnel_peer(const struct gp_config *c);
/* Same proxy (or none) in both: a rekey may not change it. */
bool	config_proxy_same(const struct gp_config *a,
	    const struct gp_config *b);

/* Text form of an address ("198.18.0.1", "fd00::1"); out >= 46 bytes. */
#define CFG_ADDR_STR_MAX	46
const char *config_addr_str(const struct cfg_addr *a, char *out);
/* The address bytes a family uses: 4, 16, or 0 if unknown. */
size_t	config_addr_len(uint8_t family);
/* Parse a literal IPv4/IPv6 address; 0 or -1. */
int	config_addr_parse(const char *s, struct cfg_addr *a);

/*
 * Print every field, one "name: value" line each, in a fixed order, for
 * `gp-tunnel --dump` and golden tests. With redact, secrets print as
 * "(redacted, N bytes)".
 */
void	config_print(FILE *fp, const struct gp_config *c, bool redact);

#endif
