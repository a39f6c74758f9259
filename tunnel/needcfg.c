/* SPDX-License-Identifier: ISC */
/*
 * NEED_CONFIG to gp-auth, rate-limited (see needcfg.h), in gp-tunnel
 * [priv]. The requests come from [net], which is untrusted: however many
 * it sends, gp-auth sees at most one per NEEDCFG_INTERVAL_MS, and a
 * gp-auth that stops reading costs [priv] nothing but a dropped request.
 */
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "ipc/log.h"
#include "tunnel/needcfg.h"

void
needcfg_init(struct needcfg *n, int fd, bool can_reply)
{
	memset(n, 0, sizeof(*n));
	n->fd = fd;
	n->can_reply = can_reply;
}

/* One line per NEEDCFG_LOG_MS however many are dropped. */
static void
needcfg_drop(struct needcfg *n, int64_t now, const char *why)
{
	n->dropped++;
	if (n->logged_at_ms != 0 && now - n->logged_at_ms < NEEDCFG_LOG_MS)
		return;
	log_info("NEED_CONFIG from [net] not passed on (%s); %u dropped in "
	    "the last %d s", why, n->dropped, NEEDCFG_LOG_MS / 1000);
	n->dropped = 0;
	n->logged_at_ms = now;
}

/* 1: all sent; 0: some left (POLLOUT); -1: nothing sent, or an error. */
static int
needcfg_write(struct needcfg *n)
{
	ssize_t k;

	while (n->out_off < n->out_len) {
		/* Per call, so the shared file description stays as it is. */
		k = send(n->fd, n->out + n->out_off, n->out_len - n->out_off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (k > 0) {
			n->out_off += (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return n->out_off > 0 ? 0 : -1;
		log_warnx("control stream: NEED_CONFIG: %s; no more requests",
		    k == 0 ? "nothing written" : strerror(errno));
		n->can_reply = false;
		return -1;
	}
	n->out_off = n->out_len = 0;
	return 1;
}

static void
needcfg_send(struct needcfg *n, int64_t now)
{
	/* A writer over our own array: NEED_CONFIG carries no secret, and
	 * this buffer is never passed to buf_free(). */
	struct buf b = { .mem = n->out, .data = n->out,
	    .max = sizeof(n->out) };
	struct gp_err e = { "" };

	n->pending = false;
	n->sent_at_ms = now;
	if (frame_encode(FRAME_NEED_CONFIG, NULL, &b, &e) == -1) {
		log_warnx("control stream: NEED_CONFIG: %s", e.msg);
		return;
	}
	n->out_off = 0;
	n->out_len = b.len;
	if (needcfg_write(n) == -1) {
		n->out_off = n->out_len = 0;
		if (n->can_reply)
			needcfg_drop(n, now, "gp-auth is not reading");
		return;
	}
	n->outstanding = true;
	log_info("asked gp-auth for a new configuration (NEED_CONFIG)");
}

void
needcfg_request(struct needcfg *n, int64_t now)
{
	if (!n->can_reply)
		return;
	needcfg_tick(n, now);
	if (n->outstanding || n->out_len > 0) {
		needcfg_drop(n, now, "one is outstanding");
		return;
	}
	if (n->sent_at_ms != 0 && now - n->sent_at_ms < NEEDCFG_INTERVAL_MS) {
		if (!n->pending)
			log_info("NEED_CONFIG from [net]: the last went %lld "
			    "ms ago; sending it %d s after that",
			    (long long)(now - n->sent_at_ms),
			    NEEDCFG_INTERVAL_MS / 1000);
		else
			needcfg_drop(n, now, "one is already waiting");
		n->pending = true;
		return;
	}
	needcfg_send(n, now);
}

void
needcfg_answered(struct needcfg *n)
{
	n->outstanding = false;
}

void
needcfg_tick(struct needcfg *n, int64_t now)
{
	if (n->outstanding && n->out_len == 0 &&
	    now - n->sent_at_ms >= NEEDCFG_WAIT_MS) {
		log_info("NEED_CONFIG: no CONFIG from gp-auth within %d s",
		    NEEDCFG_WAIT_MS / 1000);
		n->outstanding = false;
	}
	if (n->pending && n->can_reply && !n->outstanding &&
	    n->out_len == 0 && now - n->sent_at_ms >= NEEDCFG_INTERVAL_MS)
		needcfg_send(n, now);
}

bool
needcfg_want_write(const struct needcfg *n)
{
	return n->can_reply && n->out_off < n->out_len;
}

void
needcfg_flush(struct needcfg *n)
{
	if (needcfg_want_write(n))
		(void)needcfg_write(n);
}
