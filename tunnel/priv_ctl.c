/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [priv]'s side of the control stream (priv_int.h): the frames
 * from gp-auth, which it does not trust (a rekey's CONFIG is checked
 * against the policy and against what connect applied), and what
 * follows when gp-auth goes away without a SHUTDOWN.
 */
#include <poll.h>
#include <string.h>

#include "ipc/clock.h"
#include "ipc/config.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/ctl.h"
#include "tunnel/keylife.h"
#include "tunnel/needcfg.h"
#include "tunnel/policy_check.h"
#include "tunnel/priv_int.h"
#include "tunnel/privsep.h"
#include "tunnel/rekey.h"
#include "tunnel/status.h"

/*
 * A rekey: validated, allowed by the policy, and the same as what the
 * connect script applied in everything that touched the host (rekey.h);
 * else the session ends. [net] gets the body. [priv] keeps only the
 * applied configuration, for disconnect and for the next comparison, so
 * the new one (cookie, ESP keys) is wiped at once. 0, or an exit status.
 */
static int
priv_ctl_rekey(struct priv *p, struct buf *body, struct gp_err *e)
{
	struct privsep_msg m;
	struct gp_config *c;
	struct buf whole;	/* the frame's body, for [net] */
	int status = 1;

	needcfg_answered(&p->need);
	if (buf_view_rest(body, &whole) == -1) {
		err_set(e, "rekey: inconsistent frame body");
		return 1;
	}
	if ((c = config_new()) == NULL) {
		err_set(e, "rekey: out of memory");
		return 1;
	}
	if (frame_decode_config(body, c, e) == -1 ||
	    policy_check(p->a->pol, c, e) == -1)
		goto out_free;
	if (rekey_check(p->a->cfg, c, e) == -1) {
		status = REKEY_EXIT_REFUSED;
		goto out_free;
	}
	memset(&m, 0, sizeof(m));
	m.type = PS_CONFIG;
	m.body = whole;
	if (privsep_send(p->a->ps_fd, &m, e) == -1)
		goto out_free;
	log_info("rekey: new configuration (keys and timers) passed to [net]");
	status_rekeying(&p->st);
	keylife_set(&p->keys, c, clock_now_ms());
	status = 0;
out_free:
	config_free(c);
	return status;
}

/* 0, or the exit status the session ends with. */
static int
priv_ctl_frame(struct priv *p, const struct frame_hdr *h, struct buf *body)
{
	struct gp_err e = { "" };
	int status = 1;

	switch (h->type) {
	case FRAME_CONFIG:
		if ((status = priv_ctl_rekey(p, body, &e)) == 0)
			return 0;
		break;
	case FRAME_SHUTDOWN:
		if (h->length == 0) {
			log_info("shutdown requested");
			priv_stop(p);
			return 0;
		}
		err_set(&e, "SHUTDOWN: body of %u bytes",
		    (unsigned)h->length);
		break;
	default:
		err_set(&e, "unexpected frame type %u", (unsigned)h->type);
		break;
	}
	if (status == REKEY_EXIT_REFUSED)
		log_err("%s; ending the session with the configuration "
		    "connect applied", e.msg);
	else
		log_err("control stream: %s", e.msg);
	return status;
}

/*
 * End of input: gp-auth has gone (killed, or SIGHUP) without SHUTDOWN.
 * Nobody can rekey or log out now; a running tunnel runs on until its
 * keys expire (priv_ctl_keys_expired), anything else stops at once.
 */
static void
priv_ctl_orphaned(struct priv *p)
{
	int64_t now = clock_now_ms();

	if ((p->state != PS_ST_RUNNING && p->state != PS_ST_RECONNECTING) ||
	    !keylife_known(&p->keys)) {
		log_info("control stream closed: stopping");
		priv_stop(p);
		return;
	}
	p->orphaned = true;
	log_warnx("gp-auth has gone (end of input): nobody can rekey or log "
	    "out; the tunnel runs on until its keys expire in %lld s",
	    (long long)(keylife_left_ms(&p->keys, now) / 1000));
}

/* After priv_ctl_orphaned(): the keys are dead, stop. */
void
priv_ctl_keys_expired(struct priv *p)
{
	if (!p->orphaned || p->state == PS_ST_STOPPING ||
	    keylife_left_ms(&p->keys, clock_now_ms()) > 0)
		return;
	log_err("the keys have expired and gp-auth has gone: logout is "
	    "impossible (the gateway ends the session when its lifetime "
	    "is over); stopping, exit status %d", PRIV_EXIT_ORPHANED);
	priv_fail(p, PRIV_EXIT_ORPHANED);
	priv_stop(p);
}

/* The frame stream from gp-auth is readable: one read, never a wait. */
void
priv_ctl_read(struct priv *p)
{
	struct frame_hdr h;
	struct buf body;
	struct gp_err e = { "" };
	int status = 1;

	switch (ctl_reader_step(&p->rd, p->a->ctl_fd, clock_now_ms(), &h,
	    &body, &e)) {
	case CTL_RD_MORE:
		return;
	case CTL_RD_EOF:
		p->ctl_open = false;
		priv_ctl_orphaned(p);
		return;
	case CTL_RD_FRAME:
		status = priv_ctl_frame(p, &h, &body);
		buf_free(&body);
		if (status == 0)
			return;
		break;
	case CTL_RD_ERROR:
		log_err("control stream: %s", e.msg);
		p->ctl_open = false;
		break;
	}
	priv_fail(p, status);
	priv_stop(p);
}

/* A frame gp-auth began must end in time, or the session does. */
void
priv_ctl_deadline(struct priv *p)
{
	struct gp_err e = { "" };

	if (!p->ctl_open || p->state == PS_ST_STOPPING ||
	    !ctl_reader_expired(&p->rd, clock_now_ms(), FRAME_READ_TIMEOUT_MS,
	    &e))
		return;
	log_err("control stream: %s: stopping", e.msg);
	p->ctl_open = false;
	priv_abort(p);
}

/* What to wait for on the control stream: frames until the stop, and
 * room for the rest of a NEED_CONFIG. */
short
priv_ctl_events(const struct priv *p)
{
	if (!p->ctl_open || p->state == PS_ST_STOPPING)
		return 0;
	return needcfg_want_write(&p->need) ? POLLIN | POLLOUT : POLLIN;
}

