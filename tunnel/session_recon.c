/* SPDX-License-Identifier: ISC */
/*
 * When the network moves, in gp-tunnel's packet loop: a pause of the
 * process or the system (SIGSTOP, suspend) makes the transport suspect,
 * and a lost transport is brought back with the same cookie and keys by
 * a reconnect run (bounded back-off; ESP probes first, then HTTPS). Runs
 * in [net]; it reaches the transports only through their ops, and what
 * the gateway answers is untrusted and handled there.
 */
#include <inttypes.h>
#include <time.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/session_int.h"

/* CLOCK_BOOTTIME in ms: it goes on while the system sleeps, which
 * CLOCK_MONOTONIC does not (a vDSO call; the filter allows the syscall
 * for kernels without it). */
static int64_t
session_recon_boot_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		return clock_now_ms();
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
session_recon_mark(struct session *s, int wait_ms)
{
	s->tick_mono = clock_now_ms();
	s->tick_boot = session_recon_boot_ms();
	s->tick_wait = wait_ms;
}

/* Ping at once and give the gateway a short while: ESP through the
 * transport machine, each transport through its ops. */
static void
session_recon_suspect(struct session *s, int64_t now)
{
	struct session_slot *x;
	int i;

	xport_suspect(&s->xp, now);
	for (i = 0; i < SESSION_SLOTS; i++) {
		x = &s->slot[i];
		(void)x->ops->ctl(x->t, TRANSPORT_CTL_SUSPECT, now);
	}
}

/*
 * How much later than its poll() allowed this turn began. SIGSTOP shows
 * as monotonic time past the poll's timeout; a suspended system as boot
 * time past monotonic time (which stands still in suspend). Either way
 * the gateway heard nothing from us meanwhile and the network may have
 * changed under us.
 */
void
session_recon_check(struct session *s, int64_t now)
{
	int64_t late, slept;

	if (s->tick_mono == 0)
		return;
	late = now - s->tick_mono - s->tick_wait;
	slept = session_recon_boot_ms() - s->tick_boot - (now - s->tick_mono);
	s->tick_mono = 0;
	if (late < 0)
		late = 0;
	if (slept < 0)
		slept = 0;
	if (late + slept < SESSION_PAUSE_MS)
		return;
	log_warnx("%s for %" PRId64 " s: checking the %s transport",
	    slept > late ? "the system was suspended" :
	    "gp-tunnel was stopped", (late + slept) / 1000,
	    xport_name(&s->xp));
	session_recon_suspect(s, now);
}

/* The run may not outlast BACKOFF_LIMIT_MS, nor the session's lifetime
 * (getconfig's <lifetime>, counted from when [net] started: the cookie
 * is dead by then anyway). */
static bool
session_recon_give_up(const struct session *s, int64_t now, int64_t wait)
{
	uint32_t life_s = s->io->cfg->lifetime_s;

	if (now + wait - s->bo.run_start > BACKOFF_LIMIT_MS) {
		log_err("reconnect: giving up after %" PRId64 " s and %u "
		    "attempts", (now - s->bo.run_start) / 1000, s->bo.n);
		return true;
	}
	if (life_s != 0 && now + wait > s->born + (int64_t)life_s * 1000) {
		log_err("reconnect: giving up: the session's lifetime (%"
		    PRIu32 " s) is over", life_s);
		return true;
	}
	return false;
}

/* Nothing carries the tunnel now. */
static void
session_recon_lost(struct session *s)
{
	session_close(s, SESSION_HTTPS, TRANSPORT_CLOSE_KEEP);
	session_close(s, SESSION_ESP, TRANSPORT_CLOSE_KEEP);
	xport_down(&s->xp);
	s->tick_mono = 0;
	session_sync_stats(s);
}

/*
 * One attempt, as at start: ESP probes with the keys held (at most
 * XPORT_PROBE_WINDOW_MS), then the HTTPS tunnel with the same cookie,
 * which kills those keys and so asks for new ones once up. GO when a
 * transport is up; RECONNECT when none is; else 0, 1 or 2.
 */
static int
session_recon_attempt(struct session *s)
{
	struct session_slot *x = &s->slot[SESSION_ESP];
	int64_t now = clock_now_ms();
	bool esp;
	int r;

	session_switch_rekey(s, now);	/* one came while waiting */
	esp = x->ops->open(x->t, TRANSPORT_OPEN_AGAIN, now) == SESSION_GO;
	xport_init(&s->xp, now, esp);
	s->probes_at = s->st->probes_tx;
	s->want_config = esp;
	while (!session_carried(s)) {
		if (session_stopped(s))
			return 0;
		if ((r = session_loop_step(s)) != SESSION_GO)
			return r;
	}
	s->want_config = false;
	return SESSION_GO;
}

/* Announce the attempt: [priv] runs attempt-reconnect first. */
static int
session_recon_announce(struct session *s)
{
	if (s->io->reconnecting != NULL)
		s->io->reconnecting(s->io->ctl_arg);
	return session_stopped(s) ? 0 : SESSION_GO;
}

/* Wait, announce, try; until a transport is up or the run gives up. */
static int
session_recon_attempts(struct session *s)
{
	int64_t wait;
	int r;

	for (;;) {
		wait = backoff_wait_ms(&s->bo);
		if (session_recon_give_up(s, clock_now_ms(), wait))
			return 1;
		if (wait > 0) {
			log_info("reconnect: next attempt in %d s",
			    (int)(wait / 1000));
			r = session_loop_sleep(s, (int)wait);
			if (r != SESSION_GO)
				return r;
		}
		if ((r = session_recon_announce(s)) != SESSION_GO)
			return r;
		backoff_attempt(&s->bo, clock_now_ms());
		log_info("reconnect: attempt %u", s->bo.n);
		if ((r = session_recon_attempt(s)) != SESSION_RECONNECT)
			return r;
		session_recon_lost(s);
	}
}

/*
 * The transport is lost (the HTTPS tunnel closed or went silent, ESP and
 * the HTTPS fallback both failed, or ESP did not answer after a pause).
 * The tunnel address and configuration do not change, so the host keeps
 * its routes and DNS; vpnc-script gets attempt-reconnect before each
 * attempt and reconnect after. A gateway that rejects the cookie has
 * ended the session: exit status 2.
 */
int
session_recon_run(struct session *s)
{
	int r;

	session_recon_lost(s);
	backoff_lost(&s->bo, clock_now_ms());
	log_info("reconnect: the transport is lost; reconnecting with the "
	    "same cookie");
	r = session_recon_attempts(s);
	if (r == 2)
		log_err("reconnect: the gateway rejected the session's cookie "
		    "(it ended the session or restarted): exiting with status "
		    "2");
	if (r != SESSION_GO)
		return r;
	backoff_up(&s->bo, clock_now_ms());
	s->st->reconnects++;
	session_sync_stats(s);
	log_info("reconnect: the tunnel is back over %s (attempt %u)",
	    xport_name(&s->xp), s->bo.n);
	if (s->io->reconnected != NULL)
		s->io->reconnected(s->io->ctl_arg);
	return SESSION_GO;
}
