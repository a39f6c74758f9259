/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [priv]: root with CAP_NET_ADMIN only. It reads and checks the
 * frames from gp-auth (untrusted), runs vpnc-script (pre-init, connect,
 * attempt-reconnect, reconnect, disconnect) with a path from its own
 * command line, sets the tun MTU, relays [net]'s log lines (privlog.c),
 * and obeys a fixed table of typed messages from [net], which
 * it does not trust either: anything out of place stops the tunnel. Both
 * peers may stall: [priv] never blocks on either.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <net/if.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/config.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "tunnel/backoff.h"
#include "tunnel/cleanup.h"
#include "tunnel/ctl.h"
#include "tunnel/diskfull.h"
#include "tunnel/ip6check.h"
#include "tunnel/keylife.h"
#include "tunnel/mtu.h"
#include "tunnel/needcfg.h"
#include "tunnel/policy.h"
#include "tunnel/policy_check.h"
#include "tunnel/priv.h"
#include "tunnel/priv_int.h"
#include "tunnel/privlog.h"
#include "tunnel/privsep.h"
#include "tunnel/privwait.h"
#include "tunnel/recfile.h"
#include "tunnel/rekey.h"
#include "tunnel/script.h"
#include "tunnel/status.h"


static int
priv_env(struct priv *p, const char *reason, struct script_env *env)
{
	struct gp_err e = { "" };
	int r;

	if (p->a->no_ipv6)
		r = script_env_build_ipv4(env, reason, p->a->cfg,
		    p->a->ifname, p->mtu, &e);
	else
		r = script_env_build(env, reason, p->a->cfg, p->a->ifname,
		    p->mtu, &e);
	if (r == -1)
		log_err("vpnc-script %s: %s", reason, e.msg);
	return r;
}

static int
priv_script(struct priv *p, const char *reason)
{
	struct script_env env;
	struct gp_err e = { "" };
	int r;

	log_debug("running %s %s", p->a->script, reason);
	if (priv_env(p, reason, &env) == -1)
		return -1;
	r = script_run(p->a->script, &env, &e);
	script_env_free(&env);
	if (r == -1)
		log_err("vpnc-script %s: %s", reason, e.msg);
	return r;
}

/* A failure of our own: it decides the exit status, then stop. */
void
priv_fail(struct priv *p, int status)
{
	if (p->status == -1 || p->status == 0)
		p->status = status;
}

void
priv_stop(struct priv *p)
{
	struct gp_err e = { "" };

	if (p->state == PS_ST_STOPPING)
		return;
	p->state = PS_ST_STOPPING;
	status_state(&p->st, "disconnecting");
	p->stop_deadline = clock_now_ms() + PRIVSEP_STOP_WAIT_MS;
	if (privsep_send_type(p->a->ps_fd, PS_STOP, &e) == -1)
		log_debug("%s", e.msg);
}

/* A failure: exit status 1, and stop. */
void
priv_abort(struct priv *p)
{
	priv_fail(p, 1);
	priv_stop(p);
}

/* A message to [net] that must get there, or the session stops. */
static void
priv_send(struct priv *p, uint8_t type)
{
	struct gp_err e = { "" };

	if (privsep_send_type(p->a->ps_fd, type, &e) == -1) {
		log_err("%s", e.msg);
		priv_abort(p);
	}
}

/* [net]'s MTU (the codec checked 576..9000), raised to 1280 while the
 * tunnel carries IPv6: below that the kernel takes every IPv6 address
 * and route off tun, and IPv6 would go around the tunnel. */
static unsigned
priv_mtu(const struct priv *p, const char *what, unsigned mtu)
{
	unsigned m = mtu_floor(mtu, mtu_inner_v6(p->a->cfg, p->a->no_ipv6));

	if (m != mtu)
		log_warnx("%s: MTU %u is below IPv6's minimum: using %u",
		    what, mtu, m);
	return m;
}

/* SIOCSIFMTU on the tun device, the MTU checked by the codec. */
static void
priv_set_mtu(struct priv *p, unsigned mtu)
{
	struct ifreq ifr;
	int fd, r;

	mtu = priv_mtu(p, "SET_MTU", mtu);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, p->a->ifname, IFNAMSIZ);
	ifr.ifr_mtu = (int)mtu;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_warnx("SIOCSIFMTU: socket: %s", strerror(errno));
		return;
	}
	r = ioctl(fd, SIOCSIFMTU, &ifr);
	close(fd);
	if (r == -1)
		log_warnx("SIOCSIFMTU %s %u: %s", p->a->ifname, mtu,
		    strerror(errno));
	else
		p->mtu = p->st.mtu = mtu;
}

/* Fail closed: a tunnel with an IPv6 address whose address or routes
 * did not make it onto tun (the script failed quietly, IPv6 is off on
 * the interface...) would send IPv6 outside the tunnel. */
static int
priv_check_ipv6(const struct priv *p)
{
	struct gp_err e = { "" };

	if (!mtu_inner_v6(p->a->cfg, p->a->no_ipv6))
		return 0;
	if (ip6check_run(p->a->cfg, p->a->ifname, &e) == 0) {
		log_debug("IPv6 address and routes are on %s", p->a->ifname);
		return 0;
	}
	log_err("%s after the connect script; refusing to run with IPv6 "
	    "outside the tunnel (use --disable-ipv6 to connect without "
	    "IPv6 in the tunnel)", e.msg);
	return -1;
}

/* The line an operator reads, and the status line. */
static void
priv_connected(struct priv *p)
{
	const struct gp_config *c = p->a->cfg;
	char v4[64] = "-", v6[64] = "-", gw[64] = "-";

	if (c->ip4.family != CFG_AF_NONE)
		(void)config_addr_str(&c->ip4, v4);
	if (c->ip6.family != CFG_AF_NONE && !p->a->no_ipv6)
		(void)config_addr_str(&c->ip6, v6);
	if (c->gw_addr.family != CFG_AF_NONE)
		(void)config_addr_str(&c->gw_addr, gw);
	log_info("connected: %s up, IPv4 %s, IPv6 %s, MTU %u, transport %s, "
	    "gateway %s (%s) port %u", p->a->ifname, v4, v6, p->mtu,
	    privsep_xport_name(p->st.rep.xport), c->gw_host, gw,
	    (unsigned)c->gw_port);
	p->st.mtu = p->mtu;
	status_state(&p->st, "connected");
}

/* What disconnect will need, on disk before connect runs, so that
 * gp-tunnel --cleanup can run it after a SIGKILL (cleanup.h). */
static void
priv_record(struct priv *p)
{
	struct script_env env;
	struct gp_err e = { "" };

	if (p->a->rec_fd == -1 || priv_env(p, "disconnect", &env) == -1)
		return;
	if (recfile_write(p->a->rec_fd, p->a->script, &env, &e) == -1)
		log_warnx("%s: --cleanup will have nothing to go by", e.msg);
	script_env_free(&env);
}

/* A full disk cuts resolv.conf or its backup short while the script
 * still exits 0: before connect, refuse; after, undo (disconnect). */
static int
priv_check_disk(const char *when)
{
	struct gp_err e = { "" };

	if (diskfull_check(&e) == 0)
		return 0;
	log_err("%s %s: what the vpnc-script writes (resolv.conf, its "
	    "backup) may be cut short; ending the session", e.msg, when);
	return -1;
}

static void
priv_transport_up(struct priv *p, unsigned mtu)
{
	p->mtu = priv_mtu(p, "TRANSPORT_UP", mtu);
	log_info("tun device %s, MTU %u", p->a->ifname, p->mtu);
	if (priv_check_disk("before the connect script") == -1) {
		priv_abort(p);
		return;
	}
	/* As OpenConnect: before the tun device is configured, and its
	 * failure does not stop the session. */
	if (priv_script(p, "pre-init") == -1)
		log_warnx("going on after the pre-init script failed");
	/* Even a failed connect may have applied part of its work. */
	p->connect_ran = true;
	priv_record(p);
	if (priv_script(p, "connect") == -1 || priv_check_ipv6(p) == -1 ||
	    priv_check_disk("after the connect script") == -1) {
		priv_abort(p);
		return;
	}
	priv_connected(p);
	p->state = PS_ST_RUNNING;
	priv_send(p, PS_GO);
}

/*
 * [net] lost the transport and is about to try again: run
 * attempt-reconnect (it puts back the host route to the gateway, which
 * a network change may have removed), then answer RETRY. [net] is not
 * trusted: the script runs only on the back-off schedule [net] keeps
 * itself (backoff.h), so a flood of requests stretches the schedule.
 */
static void
priv_reconnecting(struct priv *p)
{
	int64_t now = clock_now_ms();

	if (p->state == PS_ST_STOPPING)
		return;
	if (p->state == PS_ST_RUNNING) {
		log_info("[net] lost the transport: reconnecting");
		backoff_lost(&p->bo, now);
		p->state = PS_ST_RECONNECTING;
		p->attempt_ran = false;
		status_state(&p->st, "reconnecting");
	}
	if (backoff_allow(&p->bo, now)) {
		(void)priv_script(p, "attempt-reconnect");
		p->attempt_ran = true;
	} else
		log_warnx("[net] asks to reconnect again too soon: "
		    "attempt-reconnect not run");
	priv_send(p, PS_RETRY);
}

/* The transport is back: reconnect, after an attempt-reconnect. */
static void
priv_reconnected(struct priv *p)
{
	if (p->state != PS_ST_RECONNECTING)
		return;		/* stopping */
	p->state = PS_ST_RUNNING;
	status_state(&p->st, "connected");
	backoff_up(&p->bo, clock_now_ms());
	log_info("[net] reconnected: the same address, routes and DNS");
	if (p->attempt_ran)
		(void)priv_script(p, "reconnect");
}

/* One message from [net]: the table first, then the handler. */
static int
priv_dispatch(struct priv *p, const struct privsep_msg *m)
{
	if (!privsep_allowed(true, p->state, m->type)) {
		log_err("[net] sent %s, which is not allowed in this state: "
		    "stopping", privsep_type_name(m->type));
		return -1;
	}
	switch (m->type) {
	case PS_TRANSPORT_UP:
		priv_transport_up(p, m->mtu);
		break;
	case PS_SET_MTU:
		priv_set_mtu(p, m->mtu);
		break;
	case PS_NEED_CONFIG:
		if (p->state != PS_ST_STOPPING)
			needcfg_request(&p->need, clock_now_ms());
		break;
	case PS_RECONNECTING:
		priv_reconnecting(p);
		break;
	case PS_RECONNECTED:
		priv_reconnected(p);
		break;
	case PS_EXIT:
		p->net_exited = true;
		p->net_status = m->status;
		break;
	case PS_REPORT:
		status_report(&p->st, &m->rep);
		break;
	default:
		return -1;
	}
	return 0;
}

/* [net] is readable: -1 ends the loop on a violation or a lost [net]. */
static int
priv_on_net(struct priv *p)
{
	struct privsep_msg m;
	struct gp_err e = { "" };
	int r;

	r = privsep_recv(p->a->ps_fd, p->rbuf, &m, &e);
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (r == 0) {
		log_err("[net] went away without an exit status");
		return -1;
	}
	if (r == -1) {
		log_err("[net]: %s: stopping", e.msg);
		return -1;
	}
	r = priv_dispatch(p, &m);
	explicit_bzero(p->rbuf, PRIVSEP_MAX_BYTES + 1);
	return r;
}

static void
priv_signals(struct priv *p)
{
	struct gp_err e = { "" };

	if (*p->a->stop) {
		*p->a->stop = 0;
		if (p->state != PS_ST_STOPPING)
			log_info("signal: stopping");
		priv_stop(p);
	}
	if (*p->a->usr1) {
		*p->a->usr1 = 0;
		/* [net] answers with REPORT once a transport is up. */
		if (p->state == PS_ST_STARTING || p->state == PS_ST_STOPPING)
			status_event(&p->st, "request");
		if (p->state != PS_ST_STOPPING &&
		    privsep_send_type(p->a->ps_fd, PS_STATS, &e) == -1)
			log_warnx("%s", e.msg);
	}
}

/* Until [net] sends EXIT, goes away, breaks a rule or misses the stop
 * deadline. */
static void
priv_loop(struct priv *p)
{
	struct pollfd pfd[3];
	bool log_open = true;

	while (!p->net_exited) {
		priv_signals(p);
		status_flush(&p->st);
		priv_ctl_deadline(p);
		priv_ctl_keys_expired(p);
		needcfg_tick(&p->need, clock_now_ms());
		if (p->state == PS_ST_STOPPING &&
		    clock_now_ms() >= p->stop_deadline) {
			log_err("[net] did not stop within %d ms",
			    PRIVSEP_STOP_WAIT_MS);
			priv_fail(p, 1);
			return;
		}
		pfd[0].fd = p->a->ps_fd;
		pfd[1].fd = log_open ? p->log.fd : -1;
		pfd[0].events = pfd[1].events = POLLIN;
		pfd[2].events = priv_ctl_events(p);
		pfd[2].fd = pfd[2].events != 0 ? p->a->ctl_fd : -1;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (poll(pfd, 3, PRIV_TICK_MS) == -1) {
			if (errno == EINTR)
				continue;
			fatal("[priv]: poll");
		}
		if (pfd[1].revents != 0 && privlog_read(&p->log) == -1)
			log_open = false;
		if (pfd[0].revents != 0 && priv_on_net(p) == -1) {
			priv_fail(p, 1);
			return;
		}
		if ((pfd[2].revents & POLLOUT) != 0)
			needcfg_flush(&p->need);
		if ((pfd[2].revents & ~POLLOUT) != 0)
			priv_ctl_read(p);
	}
}

/* [priv] keeps the first configuration for its scripts and the rekey
 * comparison, neither of which reads a secret: [net] has its own copy. */
static void
priv_forget_secrets(struct gp_config *c)
{
	explicit_bzero(c->authcookie, sizeof(c->authcookie));
	explicit_bzero(c->user, sizeof(c->user));
	explicit_bzero(c->esp.ekey_c2s, sizeof(c->esp.ekey_c2s));
	explicit_bzero(c->esp.ekey_s2c, sizeof(c->esp.ekey_s2c));
	explicit_bzero(c->esp.akey_c2s, sizeof(c->esp.akey_c2s));
	explicit_bzero(c->esp.akey_s2c, sizeof(c->esp.akey_s2c));
}

/* Disconnect ran (or connect never did): nothing left to clean up. */
static void
priv_record_done(const struct privsep_priv *a)
{
	struct gp_err e = { "" };

	if (a->rec_fd != -1 && recfile_clear(a->rec_fd, &e) == -1)
		log_warnx("%s", e.msg);
}

/* Reap [net] (bounded); it dies with us anyway (PR_SET_PDEATHSIG). */
static void
priv_reap(struct priv *p)
{
	const struct timespec tick = { 0, 50 * 1000000L };
	int64_t end = clock_now_ms() + 2000;
	int st;

	while (clock_now_ms() < end) {
		pid_t r = waitpid(p->a->net_pid, &st, WNOHANG);

		if (r == p->a->net_pid && WIFSIGNALED(st))
			log_err("[net] was killed by signal %d%s", WTERMSIG(st),
			    WTERMSIG(st) == SIGSYS ? " (a system call its "
			    "seccomp filter forbids)" : "");
		if (r == p->a->net_pid || (r == -1 && errno != EINTR))
			return;
		(void)nanosleep(&tick, NULL);
	}
	log_warnx("[net] (pid %ld) has not exited", (long)p->a->net_pid);
}

int
priv_main(struct privsep_priv *a)
{
	struct priv p;
	int status;

	privsep_set_title("gp-tunnel [priv]");
	privwait_net(a->ps_fd, PRIVWAIT_MS);	/* [net] probes first */
	a->enter(a);
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.log.fd = a->log_fd;
	keylife_set(&p.keys, a->cfg, clock_now_ms());
	priv_forget_secrets(a->cfg);
	p.status = -1;
	p.state = PS_ST_STARTING;
	needcfg_init(&p.need, a->ctl_fd, ctl_fd_can_reply(a->ctl_fd));
	p.ctl_open = true;
	status_init(&p.st, a->status_fd, a->cfg, a->ifname);
	p.st.no_ipv6 = a->no_ipv6;
	status_state(&p.st, "connecting");
	if ((p.rbuf = secret_alloc(PRIVSEP_MAX_BYTES + 1)) == NULL)
		fatalx("[priv]: out of memory");
	if (a->rec_fd != -1)
		(void)cleanup_record(a->rec_fd, a->ifname, a->on_behalf);
	priv_loop(&p);
	if (p.net_exited)
		privlog_drain(&p.log);
	close(a->ps_fd);
	priv_reap(&p);
	status = p.status > 0 ? p.status : p.net_exited ? p.net_status : 1;
	if (p.connect_ran && priv_script(&p, "disconnect") == -1 &&
	    status == 0)
		status = 1;
	p.st.exit_status = status;
	status_state(&p.st, "stopped");
	priv_record_done(a);
	close(a->tun_fd);
	ctl_reader_free(&p.rd);
	secret_free(p.rbuf, PRIVSEP_MAX_BYTES + 1);
	config_free(a->cfg);
	return status;
}
