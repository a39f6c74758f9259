/* SPDX-License-Identifier: ISC */
/*
 * The control stream of gp-tunnel (stdin): frames from gp-auth. The first
 * must be CONFIG; later ones are a rekey (CONFIG) or SHUTDOWN, which
 * [priv] reads (priv.c). Every byte is untrusted.
 */
#ifndef GPVPN_TUNNEL_CTL_H
#define GPVPN_TUNNEL_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/buf.h"
#include "ipc/config.h"
#include "ipc/err.h"
#include "ipc/frame.h"
#include "tunnel/session.h"

/*
 * [priv]'s reader of the control stream: it takes what one read() gives
 * when poll() says the stream is readable, so a frame that arrives in
 * pieces, or stops half-way, never blocks [priv]'s loop. A started frame
 * must end within FRAME_READ_TIMEOUT_MS (ctl_reader_expired).
 */
struct ctl_reader {
	uint8_t		hdr[FRAME_HDR_BYTES];
	size_t		got;		/* bytes of this frame so far */
	struct frame_hdr h;		/* valid once got >= the header */
	struct buf	body;		/* h.length bytes, secret memory */
	int64_t		start_ms;	/* when its first byte came */
};

enum ctl_rd {
	CTL_RD_MORE = 0,	/* nothing whole yet */
	CTL_RD_FRAME,		/* *h and *body hold a frame */
	CTL_RD_EOF,		/* a clean end, between frames */
	CTL_RD_ERROR		/* e says what */
};

/*
 * One read() on fd (readable). On CTL_RD_FRAME the caller owns *body
 * (buf_free; a view of nothing when the length is 0). now_ms stamps the
 * first byte of a frame.
 */
enum ctl_rd ctl_reader_step(struct ctl_reader *r, int fd, int64_t now_ms,
	    struct frame_hdr *h, struct buf *body, struct gp_err *e);
/*
 * The same without the read(), for bytes that came another way: where
 * the next bytes go and how many the reader takes at most (*n > 0), then
 * ctl_reader_took with how many were put there (0: the end of the
 * stream), which is what ctl_reader_step does after its read().
 */
uint8_t	*ctl_reader_dest(struct ctl_reader *r, size_t *n);
enum ctl_rd ctl_reader_took(struct ctl_reader *r, size_t k, int64_t now_ms,
	    struct frame_hdr *h, struct buf *body, struct gp_err *e);
/* True, with e set, when a frame started timeout_ms ago or more and is
 * not whole yet. */
bool	ctl_reader_expired(const struct ctl_reader *r, int64_t now_ms,
	    int timeout_ms, struct gp_err *e);
/* Wipes and frees a partial frame. */
void	ctl_reader_free(struct ctl_reader *r);

/*
 * Block (no deadline: the user may still be typing a password upstream)
 * until the first frame. 1: *cfg is a new validated config the caller
 * frees with config_free(); 0: EOF before any byte; -1: error (any other
 * frame type, a malformed or invalid frame).
 */
int	ctl_read_first(int fd, struct gp_config **cfg, struct gp_err *e);

/* True when fd is a socket we may write to (gp-auth --tunnel's
 * socketpair), false for a pipe: NEED_CONFIG goes back only then. */
bool	ctl_fd_can_reply(int fd);

/* Refuse a rekey that moves the tunnel addresses or the gateway. */
int	ctl_rekey_check(const struct gp_config *old,
	    const struct gp_config *new, struct gp_err *e);

/* --dump: print every frame, secrets redacted, until EOF or a SHUTDOWN
 * frame (the stream's last). 0 or -1. */
int	ctl_dump(int fd, FILE *out, struct gp_err *e);

#endif
