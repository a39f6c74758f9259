/* SPDX-License-Identifier: ISC */
/*
 * ESP for GP (PROTOCOL.md §7), in gp-tunnel's packet process: one SA per
 * direction, pre-keyed OpenSSL contexts reused for every packet, in-place
 * encryption into buffers with headroom and tailroom, and inbound checks
 * in the order length, SPI, ICV (constant time), replay, decrypt, padding.
 * Inbound datagrams are untrusted.
 */
#ifndef GPVPN_TUNNEL_ESP_H
#define GPVPN_TUNNEL_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define ESP_SPI_SEQ_BYTES	8
#define ESP_IV_BYTES		16
#define ESP_ICV_MAX_BYTES	16
/* Room before the inner packet for SPI, sequence number and IV. */
#define ESP_HEADROOM		(ESP_SPI_SEQ_BYTES + ESP_IV_BYTES)
/* Room after it for padding, pad length, next header and the ICV. */
#define ESP_TAILROOM		(15 + 2 + ESP_ICV_MAX_BYTES)
#define ESP_REPLAY_WINDOW	64

enum esp_drop {
	ESP_DROP_SHORT = 0,	/* shorter than header + IV + block + ICV */
	ESP_DROP_SPI,		/* not our inbound SPI */
	ESP_DROP_ICV,		/* authentication failed */
	ESP_DROP_REPLAY,	/* duplicate or left of the window */
	ESP_DROP_PAD,		/* padding not 1, 2, 3... or too long */
	ESP_DROP_NEXTHDR,	/* not 4 or 41, or disagrees with the packet */
	ESP_DROP_REASONS
};

struct esp_sa;

/* outbound: c2s SPI and keys; inbound: s2c. Keys are copied into the
 * OpenSSL contexts; the caller still owns (and wipes) the config. */
struct esp_sa *esp_sa_new(const struct cfg_esp *c, int outbound,
	    struct gp_err *e);
void	esp_sa_free(struct esp_sa *sa);
/* Pay OpenSSL's first-use costs of esp_sa_new() now (see esp.c). */
void	esp_warm(void);
uint32_t esp_sa_spi(const struct esp_sa *sa);

/*
 * Encrypt in place. buf holds the inner IP packet at buf + ESP_HEADROOM,
 * inner_len bytes, and cap >= ESP_HEADROOM + inner_len + ESP_TAILROOM.
 * On success *out_len is the datagram length, starting at buf.
 */
int	esp_encrypt(struct esp_sa *sa, uint8_t *buf, size_t cap,
	    size_t inner_len, size_t *out_len);

/*
 * Check and decrypt a datagram in place. On success *inner_off and
 * *inner_len locate the inner IP packet inside dgram. On failure *why
 * says why it was dropped; nothing of it may reach the tun device.
 */
int	esp_decrypt(struct esp_sa *sa, uint8_t *dgram, size_t len,
	    size_t *inner_off, size_t *inner_len, enum esp_drop *why);

const char *esp_drop_name(enum esp_drop why);

/*
 * Outbound sequence numbers run from 0 to 2^32 - 1 and never wrap: once
 * the last one is used, esp_encrypt returns -1 and esp_sa_exhausted is
 * true; the caller must rekey or fall back to HTTPS. esp_encrypt also
 * returns -1 (nothing consumed) for an inner packet whose version nibble
 * is not 4 or 6, an empty or over-long one, or too small a buffer.
 */
bool	esp_sa_exhausted(const struct esp_sa *sa);

/* Tests only: use this IV for the next packet / set the next sequence /
 * forget every sequence an inbound SA has seen, as if it were new (so a
 * fuzzer keeps its SAs and their key schedules across inputs). */
void	esp_sa_set_next_iv(struct esp_sa *sa, const uint8_t *iv);
void	esp_sa_set_next_seq(struct esp_sa *sa, uint64_t seq);
void	esp_sa_forget_seen(struct esp_sa *sa);

#endif
