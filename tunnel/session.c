/* SPDX-License-Identifier: ISC */
/*
 * The packet loop of gp-tunnel (see session.h), its life cycle: the
 * transports made and given their environment (tun writes, drops,
 * events), start (ESP probes, else the HTTPS tunnel), the loop with its
 * reconnects, and the counters. Runs in [net]; bytes from the gateway
 * are untrusted and never reach this file: the transports read them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/session_esp.h"
#include "tunnel/session_https.h"
#include "tunnel/session_int.h"
#include "tunnel/tun.h"

bool
session_stopped(const struct session *s)
{
	return s->io->stop != NULL && *s->io->stop != 0;
}

int64_t
session_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

enum transport_state
session_state(const struct session *s, enum session_slot_id id)
{
	const struct session_slot *x = &s->slot[id];

	return x->ops->state(x->t);
}

void
session_close(struct session *s, enum session_slot_id id,
    enum transport_close how)
{
	struct session_slot *x = &s->slot[id];

	x->ops->close(x->t, how);
}

void
session_sync_stats(struct session *s)
{
	const char *name = xport_name(&s->xp);
	bool udp = session_state(s, SESSION_ESP) != TRANSPORT_CLOSED;

	if (!s->started && s->xp.state != XPORT_ESP &&
	    session_state(s, SESSION_HTTPS) == TRANSPORT_CLOSED)
		name = udp ? "probing" : "none";
	snprintf(s->st->transport, sizeof(s->st->transport), "%s", name);
	if (!udp && s->xp.state != XPORT_ESP)
		s->st->sa_since_ms = 0;
}

void
session_dump(struct session *s)
{
	bool asked = s->io->dump_stats != NULL && *s->io->dump_stats != 0;
	bool moved = s->started && ((int)s->xp.state != s->reported ||
	    s->st->sa_since_ms != s->reported_sa);

	if (!asked && (!moved || s->io->report == NULL))
		return;
	session_sync_stats(s);
	if (asked) {
		*s->io->dump_stats = 0;
		session_stats_log(s->st);
	}
	s->reported = (int)s->xp.state;
	s->reported_sa = s->st->sa_since_ms;
	if (s->io->report != NULL && s->started)
		s->io->report(s->io->ctl_arg, s->st, asked);
}

/* Rate-limited: the 1st, 2nd, 4th, 8th... drop is logged. */
static void
session_drop(struct transport_env *env, const char *why)
{
	uint64_t n = ++env->st->drop_bad_frame;

	if ((n & (n - 1)) == 0)
		log_debug("dropped a frame (%" PRIu64 " so far): %s", n, why);
}

/* A packet from the gateway goes to tun; a full tun queue drops it. */
static int
session_tun_write(struct transport_env *env, const uint8_t *p, size_t len)
{
	ssize_t n;

	n = tun_write_plain(env->io->tun_fd, p, len);
	if (n >= 0 && (size_t)n == len) {
		env->st->rx_pkts++;
		env->st->rx_bytes += len;
		return SESSION_GO;
	}
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == ENOBUFS || errno == EINTR)) {
		env->st->drop_tun_full++;
		return SESSION_GO;
	}
	if (n >= 0 || errno == EINVAL || errno == EIO || errno == EMSGSIZE) {
		session_drop(env, "tun refused the packet");
		return SESSION_GO;
	}
	log_err("tun write: %s", strerror(errno));
	return 1;
}

static bool
session_slot_init(struct session *s, enum session_slot_id id,
    const struct transport_ops *ops,
    void *(*make)(struct transport_env *))
{
	struct session_slot *x = &s->slot[id];

	x->s = s;
	x->ops = ops;
	x->env.io = s->io;
	x->env.st = s->st;
	x->env.tun_write = session_tun_write;
	x->env.drop = session_drop;
	x->env.event = session_switch_event;
	x->t = make(&x->env);
	return x->t != NULL;
}

struct session *
session_new(struct session_io *io, struct tunnel_stats *st)
{
	struct session *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto fail;
	s->io = io;
	s->st = st;
	s->ctl_fd = io->ctl_fd;
	s->born = clock_now_ms();
	s->probes_at = st->probes_tx;
	if (!session_slot_init(s, SESSION_ESP, &session_esp_ops,
	    session_esp_new) ||
	    !session_slot_init(s, SESSION_HTTPS, &session_https_ops,
	    session_https_new))
		goto fail;
	xport_init(&s->xp, clock_now_ms(), false);
	return s;
fail:
	log_err("session: out of memory");
	session_free(s);
	return NULL;
}

/* A transport carries the tunnel. */
bool
session_carried(struct session *s)
{
	return s->xp.state == XPORT_ESP ||
	    session_state(s, SESSION_HTTPS) != TRANSPORT_CLOSED;
}

/* ESP probes for up to 5 s, else (or without ESP) the HTTPS tunnel. */
int
session_start(struct session *s)
{
	struct session_slot *x = &s->slot[SESSION_ESP];
	int64_t now = clock_now_ms();
	int r = SESSION_GO;

	xport_init(&s->xp, now, x->ops->open(x->t, TRANSPORT_OPEN_NEW,
	    now) == SESSION_GO);
	while (!session_carried(s)) {
		session_dump(s);
		if (session_stopped(s))
			return 0;
		r = session_loop_step(s);
		if (r == SESSION_RECONNECT)
			return 1;
		if (r != SESSION_GO)
			return r;
	}
	s->started = true;
	session_sync_stats(s);
	s->reported = (int)s->xp.state;	/* the caller reports it */
	s->reported_sa = s->st->sa_since_ms;
	return SESSION_UP;
}

unsigned
session_mtu(const struct session *s)
{
	return s->mtu;
}

int
session_loop(struct session *s)
{
	int r = SESSION_GO;

	s->tick_mono = 0;	/* the connect script's time is no pause */
	while (r == SESSION_GO || r == SESSION_RECONNECT) {
		session_dump(s);
		if (session_stopped(s))
			r = 0;
		else if (r == SESSION_RECONNECT)
			r = session_recon_run(s);
		else
			r = session_loop_step(s);
	}
	session_sync_stats(s);
	return r;
}

void
session_free(struct session *s)
{
	struct session_slot *x;
	int i;

	if (s == NULL)
		return;
	for (i = SESSION_SLOTS - 1; i >= 0; i--) {	/* HTTPS first */
		x = &s->slot[i];
		if (x->t != NULL)
			x->ops->free(x->t);
	}
	explicit_bzero(s, sizeof(*s));
	free(s);
}

int
session_run(struct session_io *io, struct tunnel_stats *st)
{
	struct session *s;
	int r;

	if ((s = session_new(io, st)) == NULL) {
		https_close(io->first);
		io->first = NULL;
		return 1;
	}
	if (io->first != NULL) {
		session_https_adopt(s->slot[SESSION_HTTPS].t, io->first,
		    clock_now_ms());
		io->first = NULL;
		xport_https_up(&s->xp);
		s->started = true;
		r = session_loop(s);
	} else if ((r = session_start(s)) == SESSION_UP)
		r = session_loop(s);
	session_free(s);
	return r;
}

void
session_set_timers(int keepalive_ms, int dead_ms)
{
	session_https_set_timers(keepalive_ms, dead_ms);
}
