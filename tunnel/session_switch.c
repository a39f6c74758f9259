/* SPDX-License-Identifier: ISC */
/*
 * Which transport carries gp-tunnel's tunnel: the actions of the pure
 * transport machine (transport.c) turned into calls on the transports'
 * ops, and the events the transports report (a probe reply, ESP up,
 * keys used up). Runs in [net]; it sees no network bytes itself.
 */
#include <inttypes.h>
#include <stdint.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/mtu.h"
#include "tunnel/session_int.h"

static struct session_slot *
session_switch_esp(struct session *s)
{
	return &s->slot[SESSION_ESP];
}

static struct session_slot *
session_switch_https_slot(struct session *s)
{
	return &s->slot[SESSION_HTTPS];
}

struct session_slot *
session_switch_carrier(struct session *s)
{
	if (s->xp.state == XPORT_ESP &&
	    session_state(s, SESSION_ESP) == TRANSPORT_READY)
		return session_switch_esp(s);
	return session_switch_https_slot(s);
}

/* The config's MTU wins; else the transport's; never below 1280 while
 * the tunnel carries IPv6. After start, tun follows through the caller's
 * callback (SET_MTU to [priv]). */
void
session_switch_set_mtu(struct session *s, unsigned mtu)
{
	const struct gp_config *c = s->io->cfg;
	unsigned want = c->mtu != 0 ? c->mtu : mtu;

	mtu = mtu_tunnel(c->mtu, mtu, mtu_inner_v6(c, s->io->no_ipv6));
	if (mtu == 0 || mtu == s->mtu)
		return;
	if (mtu != want)
		log_info("MTU %u (%s) raised to %u: the tunnel carries IPv6",
		    want, c->mtu != 0 ? "the gateway's" : "the transport's",
		    mtu);
	if (s->started)
		log_info("MTU %u -> %u for the %s transport", s->mtu, mtu,
		    xport_name(&s->xp));
	s->mtu = mtu;
	if (s->started && s->io->set_mtu != NULL &&
	    s->io->set_mtu(s->io->mtu_arg, mtu) == -1)
		log_warnx("could not set the tun MTU to %u", mtu);
}

/* The HTTPS tunnel now: at start (no ESP, or no probe reply) and when
 * ESP died. Before start succeeded a failure ends gp-tunnel. */
int
session_switch_https(struct session *s)
{
	struct session_slot *h = session_switch_https_slot(s);
	int r;

	r = h->ops->open(h->t, s->started ? TRANSPORT_OPEN_AGAIN :
	    TRANSPORT_OPEN_NEW, clock_now_ms());
	if (r != SESSION_GO)
		return r;
	xport_https_up(&s->xp);
	session_switch_set_mtu(s, h->ops->mtu(h->t));
	return SESSION_GO;
}

/*
 * Off ESP onto the HTTPS tunnel, then (need) NEED_CONFIG. Opening the
 * tunnel kills the session's ESP keys at the gateway (PROTOCOL.md §1): the
 * fresh keys must come from a getconfig made after it is up, or they are
 * dead on arrival. Until it is open the SAs are kept: if it does not
 * open, a reconnect probes ESP with them first.
 */
static int
session_switch_fallback(struct session *s, bool need)
{
	struct session_slot *x = session_switch_esp(s);
	int r;

	x->ops->close(x->t, TRANSPORT_CLOSE_KEEP);
	r = session_switch_https(s);
	if (r == SESSION_GO) {
		x->ops->close(x->t, TRANSPORT_CLOSE_ALL);
		if (need && s->io->need_config != NULL)
			s->io->need_config(s->io->ctl_arg);
	}
	return r;
}

static int
session_switch_open_https(struct session *s, enum xport_state was)
{
	bool need;

	if (was == XPORT_PROBING &&
	    session_state(s, SESSION_ESP) != TRANSPORT_CLOSED) {
		s->st->esp_fallbacks++;
		log_info("esp: no reply to %u probes in %d s; using "
		    "the HTTPS tunnel",
		    (unsigned)(uint16_t)(s->st->probes_tx - s->probes_at),
		    XPORT_PROBE_WINDOW_MS / 1000);
	} else if (was == XPORT_ESP)
		log_info("esp: leaving ESP for the HTTPS tunnel");
	need = s->want_config;
	s->want_config = false;
	return session_switch_fallback(s, need);
}

/* One action of the transport machine. */
static int
session_switch_act(struct session *s, enum xport_action a,
    enum xport_state was, int64_t now)
{
	struct session_slot *x = session_switch_esp(s);

	switch (a) {
	case XPORT_SEND_PROBE:
		return x->ops->ctl(x->t, TRANSPORT_CTL_PROBE, now);
	case XPORT_OPEN_HTTPS:
		return session_switch_open_https(s, was);
	case XPORT_STOP_PROBING:
		log_info("esp: no reply to the new keys' probes; staying on "
		    "the HTTPS tunnel");
		x->ops->close(x->t, TRANSPORT_CLOSE_ALL);
		return SESSION_GO;
	case XPORT_ESP_DEAD:
		s->st->esp_deaths++;
		log_warnx("esp: nothing received for %d s; falling back to "
		    "the HTTPS tunnel", XPORT_DEAD_MS / 1000);
		return session_switch_fallback(s, true);
	case XPORT_GRACE_OVER:
		return x->ops->ctl(x->t, TRANSPORT_CTL_GRACE_OVER, now);
	case XPORT_RECONNECT:
		log_warnx("esp: no answer within %d s after the pause; "
		    "reconnecting", XPORT_SUSPECT_WAIT_MS / 1000);
		return SESSION_RECONNECT;
	default:
		return SESSION_GO;
	}
}

/* Every action the machine has for now. */
int
session_switch_timers(struct session *s, int64_t now)
{
	enum xport_action a;
	enum xport_state was;
	int r;

	for (;;) {
		was = s->xp.state;
		if ((a = xport_tick(&s->xp, now)) == XPORT_NONE)
			return SESSION_GO;
		if ((r = session_switch_act(s, a, was, now)) != SESSION_GO)
			return r;
	}
}

/* A new CONFIG may have come: the transports take their keys, the
 * machine probes them (or hands over to HTTPS without). */
void
session_switch_rekey(struct session *s, int64_t now)
{
	struct session_slot *x = session_switch_esp(s);
	int r;

	r = x->ops->ctl(x->t, s->xp.state == XPORT_ESP ?
	    TRANSPORT_CTL_REKEY_LIVE : TRANSPORT_CTL_REKEY, now);
	if (r >= 0)
		xport_rekey(&s->xp, now, r == 1);
}

/* Sequence numbers used up: HTTPS until new keys. */
static void
session_switch_exhausted(struct session *s)
{
	if (s->xp.drop_esp)
		return;
	log_warnx("esp: outbound sequence numbers used up");
	s->xp.drop_esp = true;
	s->want_config = true;
}

/* ESP is up: leave HTTPS if it was running. */
static void
session_switch_esp_up(struct session *s)
{
	struct session_slot *x = session_switch_esp(s);

	session_close(s, SESSION_HTTPS, TRANSPORT_CLOSE_HANDOVER);
	session_switch_set_mtu(s, x->ops->mtu(x->t));
}

int
session_switch_event(struct transport_env *env, enum transport_event ev,
    int64_t now)
{
	struct session *s = ((struct session_slot *)(void *)env)->s;

	switch (ev) {
	case TRANSPORT_EV_RX:
	case TRANSPORT_EV_RX_REPLY:
		if (s->xp.suspect)
			log_info("esp: the gateway answered after the pause");
		return xport_esp_rx(&s->xp, now, ev == TRANSPORT_EV_RX_REPLY) ?
		    1 : 0;
	case TRANSPORT_EV_UP:
		session_switch_esp_up(s);
		return 0;
	case TRANSPORT_EV_EXHAUSTED:
		session_switch_exhausted(s);
		return 0;
	default:
		return 0;
	}
}
