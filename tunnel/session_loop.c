/* SPDX-License-Identifier: ISC */
/*
 * One turn of gp-tunnel's packet loop: the timers of the transport
 * machine and of each transport, one poll() over tun, the control
 * stream and the transports' sockets, then rx, tun -> the carrier, and
 * what is queued. Runs in [net]; the loop touches no network bytes: the
 * transports read them, through their ops.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/session_int.h"

#define SESSION_TICK_MS		500	/* bounds a missed stop signal */
#define SESSION_PFD_TUN		0
#define SESSION_PFD_CTL		1
#define SESSION_PFD_SLOTS	2	/* then each transport's */
#define SESSION_POLL_FDS	\
	(SESSION_PFD_SLOTS + SESSION_SLOTS * TRANSPORT_POLL_FDS)

static struct pollfd *
session_loop_pfd(struct pollfd *pfd, enum session_slot_id id)
{
	return pfd + SESSION_PFD_SLOTS + (size_t)id * TRANSPORT_POLL_FDS;
}

/* The control stream is readable: one frame, one action. */
static int
session_loop_ctl(struct session *s, short revents)
{
	if ((revents & POLLNVAL) != 0 || s->io->on_ctl == NULL) {
		log_warnx("session: control stream unusable; ignoring it");
		s->ctl_fd = -1;
		return SESSION_GO;
	}
	if (s->io->on_ctl(s->io->ctl_arg) == CTL_STOP) {
		log_info("session: stop requested on the control stream");
		return 0;
	}
	return SESSION_GO;
}

/* The machine's actions, then each transport's timers; *next is when
 * anything is due again. */
static int
session_loop_timers(struct session *s, int64_t now, int64_t *next)
{
	struct session_slot *x;
	int64_t at;
	int i, r;

	if ((r = session_switch_timers(s, now)) != SESSION_GO)
		return r;
	*next = session_min(now + SESSION_TICK_MS, xport_next(&s->xp));
	for (i = 0; i < SESSION_SLOTS; i++) {
		x = &s->slot[i];
		if ((r = x->ops->timers(x->t, now, &at)) != SESSION_GO)
			return r;
		*next = session_min(*next, at);
	}
	return SESSION_GO;
}

static int
session_loop_after_poll(struct session *s, struct pollfd *pfd)
{
	int64_t now = clock_now_ms();
	struct session_slot *x, *carrier;
	bool tun;
	int i, r;

	if (pfd[SESSION_PFD_CTL].revents != 0) {
		if ((r = session_loop_ctl(s, pfd[SESSION_PFD_CTL].revents)) !=
		    SESSION_GO)
			return r;
		session_switch_rekey(s, now);
	}
	for (i = 0; i < SESSION_SLOTS; i++) {
		x = &s->slot[i];
		r = x->ops->rx(x->t, session_loop_pfd(pfd, i), now);
		if (r != SESSION_GO)
			return r;
	}
	tun = pfd[SESSION_PFD_TUN].revents != 0;
	carrier = session_switch_carrier(s);
	for (i = 0; i < SESSION_SLOTS; i++) {
		x = &s->slot[i];
		r = x->ops->tx(x->t, now, tun && x == carrier);
		if (r != SESSION_GO)
			return r;
	}
	return SESSION_GO;
}

static void
session_loop_poll_set(struct session *s, struct pollfd *pfd)
{
	struct session_slot *x;
	int i;

	/* Read tun only when the carrier can take it: ESP up, or the
	 * HTTPS queue empty (the back-pressure when TLS cannot take more;
	 * the kernel queue holds the rest). */
	x = session_switch_carrier(s);
	pfd[SESSION_PFD_TUN].fd = -1;
	if (x->ops->state(x->t) == TRANSPORT_READY)
		pfd[SESSION_PFD_TUN].fd = s->io->tun_fd;
	pfd[SESSION_PFD_TUN].events = POLLIN;
	pfd[SESSION_PFD_CTL].fd = s->ctl_fd;
	pfd[SESSION_PFD_CTL].events = POLLIN;
	pfd[SESSION_PFD_TUN].revents = pfd[SESSION_PFD_CTL].revents = 0;
	for (i = 0; i < SESSION_SLOTS; i++) {
		x = &s->slot[i];
		(void)x->ops->pollfds(x->t, session_loop_pfd(pfd, i),
		    TRANSPORT_POLL_FDS);
	}
}

/* One turn of the loop. A pause (SIGSTOP, suspend) shows as a turn that
 * starts much later than its poll() allowed: checked first, before the
 * timers take the silence it caused for a dead gateway. */
int
session_loop_step(struct session *s)
{
	struct pollfd pfd[SESSION_POLL_FDS];
	int64_t now = clock_now_ms(), next;
	int r, ms;

	session_recon_check(s, now);
	session_switch_rekey(s, now);
	if ((r = session_loop_timers(s, now, &next)) != SESSION_GO)
		return r;
	session_loop_poll_set(s, pfd);
	ms = next <= now ? 0 : (int)(next - now);
	session_recon_mark(s, ms);
	if (poll(pfd, SESSION_POLL_FDS, ms) == -1 && errno != EINTR) {
		log_err("session: poll: %s", strerror(errno));
		return 1;
	}
	return session_loop_after_poll(s, pfd);
}

/* Sleep before a reconnect attempt, still obeying signals and ctl. */
int
session_loop_sleep(struct session *s, int ms)
{
	int64_t end = clock_now_ms() + ms, left;
	struct pollfd pfd;
	int n;

	while ((left = end - clock_now_ms()) > 0) {
		if (session_stopped(s))
			return 0;
		session_dump(s);
		pfd.fd = s->ctl_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)session_min(left, SESSION_TICK_MS));
		if (n == -1 && errno != EINTR) {
			log_err("session: poll: %s", strerror(errno));
			return 1;
		}
		if (n > 0 && (n = session_loop_ctl(s, pfd.revents)) !=
		    SESSION_GO)
			return n;
	}
	return SESSION_GO;
}
