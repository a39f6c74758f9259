/* SPDX-License-Identifier: ISC */
/*
 * The frame stream between gp-auth and gp-tunnel (DESIGN.md §2). Both
 * processes link this; gp-tunnel treats every byte as untrusted. A frame is
 * a 12-byte header in network order followed by a body of typed fields:
 *
 *   magic u32 "GPVN" | version u8 | type u8 | flags u16 (0) | length u32
 *
 * A CONFIG body is a sequence of fields { tag u16, length u16, value },
 * each with its own maximum; see frame.c for the table. Unknown versions,
 * types, tags, non-zero flags, duplicates and trailing bytes are fatal.
 */
#ifndef GPVPN_FRAME_H
#define GPVPN_FRAME_H

#include <stdint.h>

#include "buf.h"
#include "config.h"
#include "err.h"

#define FRAME_MAGIC		0x4750564eU	/* "GPVN" */
#define FRAME_VERSION		1
#define FRAME_HDR_BYTES		12
#define FRAME_READ_TIMEOUT_MS	10000	/* a started frame must end */

/*
 * The largest CONFIG body: every field at its maximum, each with its
 * 4-byte tag and length (see frame.c's table); addresses are IPv6
 * where IPv6 may go: 17 bytes, 18 with a prefix length, 19 as a route.
 * A config has an ESP SA or a proxy, never both (config.c), so the
 * larger of the two counts. frame.c asserts that it fits
 * FRAME_MAX_BODY_BYTES (ipc/limits.h), and so a PS_CONFIG message.
 */
#define FRAME_FIELD_HDR_BYTES	4
#define FRAME_F(n)		(FRAME_FIELD_HDR_BYTES + (n))
#define FRAME_ESP_MAX_BYTES	(2 * FRAME_F(1) + FRAME_F(2) + \
	2 * FRAME_F(4) + 4 * FRAME_F(CFG_KEY_MAX) + FRAME_F(5) + FRAME_F(17))
#define FRAME_PROXY_MAX_BYTES	(FRAME_F(1) + FRAME_F(17) + FRAME_F(2) + \
	FRAME_F(CFG_HOST_MAX))
#define FRAME_CONFIG_MAX_BYTES	(FRAME_F(CFG_HOST_MAX) + FRAME_F(17) + \
	FRAME_F(2) + FRAME_F(CFG_PIN_BYTES) + FRAME_F(CFG_PATH_MAX) + \
	FRAME_F(CFG_AUTHCOOKIE_MAX) + FRAME_F(CFG_USER_MAX) + \
	FRAME_F(6) + FRAME_F(18) + FRAME_F(2) + \
	(CFG_DNS_MAX + CFG_NBNS_MAX) * FRAME_F(17) + \
	CFG_SUFFIX_MAX * FRAME_F(CFG_HOST_MAX) + \
	CFG_ROUTES_MAX * FRAME_F(19) + 3 * FRAME_F(4) + \
	(FRAME_ESP_MAX_BYTES > FRAME_PROXY_MAX_BYTES ? \
	FRAME_ESP_MAX_BYTES : FRAME_PROXY_MAX_BYTES))

enum frame_type {
	FRAME_CONFIG = 1,	/* auth -> tunnel: bring up, or rekey */
	FRAME_SHUTDOWN = 2,	/* auth -> tunnel: empty body */
	FRAME_STATUS = 3,	/* tunnel -> auth, socketpair only */
	FRAME_NEED_CONFIG = 4	/* tunnel -> auth: empty body */
};

struct frame_hdr {
	uint8_t		type;
	uint16_t	flags;
	uint32_t	length;
};

/* "CONFIG", "SHUTDOWN"...; NULL for a type this version does not know. */
const char *frame_type_name(uint8_t type);

/* Pure codecs. */
int	frame_encode(uint8_t type, const struct buf *body, struct buf *out,
	    struct gp_err *e);
int	frame_decode_hdr(struct buf *in, struct frame_hdr *h,
	    struct gp_err *e);
int	frame_encode_config(const struct gp_config *c, struct buf *body,
	    struct gp_err *e);
/* Decodes and validates (config_validate); c is wiped on failure. */
int	frame_decode_config(struct buf *body, struct gp_config *c,
	    struct gp_err *e);

/*
 * Blocking I/O on a stream fd. frame_read() returns 1 with a whole frame
 * (body in *body, a buffer of FRAME_MAX_BODY_BYTES the caller frees), 0 on
 * EOF before any byte of a frame, -1 on error (including EOF mid-frame and
 * a frame not finished within FRAME_READ_TIMEOUT_MS of its first byte).
 */
int	frame_read(int fd, struct frame_hdr *h, struct buf *body,
	    struct gp_err *e);
int	frame_write(int fd, uint8_t type, const struct buf *body,
	    struct gp_err *e);

/*
 * frame_read() with timeout_ms in place of FRAME_READ_TIMEOUT_MS (tests,
 * or a caller with its own budget). For both: there is no deadline before
 * the first byte, and a signal that interrupts that wait returns -1 with
 * errno EINTR, so that the caller can check its stop flag and call again;
 * every other -1 sets errno to something else. frame_write() gives EPIPE
 * for a closed reader only if the caller ignores SIGPIPE.
 */
int	frame_read_deadline(int fd, struct frame_hdr *h, struct buf *body,
	    int timeout_ms, struct gp_err *e);

#endif
