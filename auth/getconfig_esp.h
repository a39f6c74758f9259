/* SPDX-License-Identifier: ISC */
/*
 * The <ipsec> block of getconfig.esp (PROTOCOL.md §6.2) for gp-auth: the
 * ESP port, algorithms, SPIs and keys, read strictly, then kept only if
 * everything ESP needs came. A pure parser; the block comes from an
 * untrusted server and the keys in it are secrets, wiped after use.
 */
#ifndef GPVPN_AUTH_GETCONFIG_ESP_H
#define GPVPN_AUTH_GETCONFIG_ESP_H

#include <stddef.h>
#include <stdint.h>

#include "auth/xml.h"
#include "ipc/config.h"
#include "ipc/err.h"

struct getconfig_esp_key {
	size_t	len;			/* bytes */
	uint8_t	b[CFG_KEY_MAX];
};

/* ESP parameters as read, before we know whether ESP is usable; zero it
 * before the block, wipe it after. */
struct getconfig_esp {
	unsigned	seen;		/* bit per <ipsec> child */
	uint16_t	port;
	uint8_t		enc;
	uint8_t		mac;
	uint32_t	spi_c2s;
	uint32_t	spi_s2c;
	struct getconfig_esp_key key[4];	/* ekey-c2s, ekey-s2c,
						 * akey-c2s, akey-s2c */
};

/* The children of <ipsec> into ip; each may appear once. -1 with e. */
int	getconfig_esp_read(const xmlNode *block, struct getconfig_esp *ip,
	    struct gp_err *e);
/*
 * ESP into c->esp only if everything it needs came (§6.2) and a magic
 * address of a family the tunnel has, else all ESP bytes zero and the
 * tunnel is HTTPS only. -1 with e when key lengths do not match the
 * algorithms.
 */
int	getconfig_esp_apply(struct gp_config *c, const struct getconfig_esp *ip,
	    struct gp_err *e);

#endif
