/* SPDX-License-Identifier: ISC */
/*
 * NEED_CONFIG from gp-tunnel [priv] to gp-auth, rate-limited. [net]
 * (untrusted: it handles hostile packets) asks for fresh keys when ESP
 * dies; [priv] passes at most one request on at a time, never more often
 * than NEEDCFG_INTERVAL_MS, and never blocks on a gp-auth that does not
 * read.
 */
#ifndef GPVPN_TUNNEL_NEEDCFG_H
#define GPVPN_TUNNEL_NEEDCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/frame.h"

/*
 * Each NEED_CONFIG costs gp-auth a getconfig (and a HIP check) at the
 * gateway, and ESP needs a few seconds of probing to prove new keys: one
 * request per 10 s is plenty for a real ESP death, and a [net] flood
 * becomes at most six requests a minute.
 */
#define NEEDCFG_INTERVAL_MS	10000
/* A request is outstanding until a CONFIG comes or this passes: gp-auth
 * answers after a getconfig and a HIP check, each bounded by its
 * HTTP_TIMEOUT_MS (60 s). */
#define NEEDCFG_WAIT_MS		120000
/* Dropped requests are counted and logged at most this often. */
#define NEEDCFG_LOG_MS		10000

struct needcfg {
	int		fd;		/* the control stream */
	bool		can_reply;	/* a socket: ctl_fd_can_reply() */
	bool		outstanding;	/* sent, no CONFIG yet */
	bool		pending;	/* asked too soon: send when due */
	int64_t		sent_at_ms;	/* the last one; 0: none yet */
	uint8_t		out[FRAME_HDR_BYTES];	/* the frame being sent */
	size_t		out_off, out_len;
	unsigned	dropped;	/* since the last log line */
	int64_t		logged_at_ms;
};

/* fd: the control stream; replies only if it is a writable socket. */
void	needcfg_init(struct needcfg *n, int fd, bool can_reply);
/* [net] asked: send now, later (pending), or drop it. */
void	needcfg_request(struct needcfg *n, int64_t now_ms);
/* A CONFIG came from gp-auth: the request is answered. */
void	needcfg_answered(struct needcfg *n);
/* Each turn of the loop: a pending request that is due now goes out. */
void	needcfg_tick(struct needcfg *n, int64_t now_ms);
/* Part of a frame is still unsent: poll the stream for POLLOUT. */
bool	needcfg_want_write(const struct needcfg *n);
/* POLLOUT: send what is left, without blocking. */
void	needcfg_flush(struct needcfg *n);

#endif
