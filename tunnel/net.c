/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [net]: enters its sandbox (uid nobody, no capabilities,
 * NO_NEW_PRIVS, the seccomp allowlist) before it reads a single network
 * byte, then brings up ESP or the HTTPS tunnel and moves packets. Every
 * byte from the network is untrusted; [priv] is trusted.
 */
#include <sys/prctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "tunnel/codetrim.h"
#include "tunnel/espstart.h"
#include "tunnel/ctl.h"
#include "tunnel/memlimit.h"
#include "tunnel/netreport.h"
#include "tunnel/privsep.h"
#include "tunnel/session.h"

#define NET_WAIT_TICK_MS	500

struct net {
	struct privsep_net	*a;
	struct session_io	 io;
	struct tunnel_stats	 st;
	enum privsep_state	 state;
	uint64_t		 gen;	/* +1 per rekey installed */
	unsigned		 retry_wait;	/* RECONNECTING not answered */
	uint8_t			 why;	/* of the next unasked REPORT */
	bool			 failed;	/* a bad message from [priv] */
	volatile sig_atomic_t	 stop, dump;
};

static void
net_signals(void)
{
	static const int ign[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1,
	    SIGPIPE };
	size_t i;

	/* [priv] decides when to stop and asks for counters, by message:
	 * it may not signal another uid. */
	for (i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		if (signal(ign[i], SIG_IGN) == SIG_ERR)
			fatal("[net]: signal(%d)", ign[i]);
}

static void	net_report(void *, const struct tunnel_stats *, bool);

/* A rekey from [priv], already validated and checked against the policy
 * there; decoded and checked again here all the same. */
static int
net_rekey(struct net *n, struct buf *body, struct gp_err *e)
{
	struct gp_config *c;

	if ((c = config_new()) == NULL)
		return err_set(e, "rekey: out of memory");
	if (frame_decode_config(body, c, e) == -1 ||
	    ctl_rekey_check(n->io.cfg, c, e) == -1) {
		config_free(c);
		return -1;
	}
	config_free(n->io.cfg);
	n->io.cfg = c;
	n->a->cfg = c;
	n->gen++;
	log_debug("[net]: rekey installed");
	n->why = PS_WHY_REKEY;
	net_report(n, &n->st, false);
	return 0;
}

static int
net_dispatch(struct net *n, struct privsep_msg *m, struct gp_err *e)
{
	if (!privsep_allowed(false, n->state, m->type))
		return err_set(e, "[net]: %s not allowed now",
		    privsep_type_name(m->type));
	switch (m->type) {
	case PS_GO:
		n->state = PS_ST_RUNNING;
		return 0;
	case PS_CONFIG:
		return net_rekey(n, &m->body, e);
	case PS_STATS:
		n->dump = 1;
		return 0;
	case PS_RETRY:
		if (n->retry_wait > 0)
			n->retry_wait--;
		return 0;
	case PS_STOP:
		n->state = PS_ST_STOPPING;
		n->stop = 1;
		return 0;
	default:
		return err_set(e, "[net]: unexpected %s",
		    privsep_type_name(m->type));
	}
}

/*
 * session_io.on_ctl: the socketpair to [priv] is readable. The buffer
 * (secret: rekeyed CONFIGs carry keys) is taken per message, which come
 * seldom, rather than kept: 68 KiB of locked memory less in [net].
 */
static enum ctl_action
net_on_msg(void *arg)
{
	struct net *n = arg;
	struct privsep_msg m;
	struct gp_err e = { "" };
	uint8_t *rbuf;
	int r;

	if ((rbuf = secret_alloc(PRIVSEP_MAX_BYTES + 1)) == NULL) {
		r = -1;
		err_set(&e, "[net]: out of memory for a message of [priv]");
		goto out;
	}
	r = privsep_recv(n->a->ps_fd, rbuf, &m, &e);
	if (r == -1 && (errno == EAGAIN || errno == EINTR)) {
		secret_free(rbuf, PRIVSEP_MAX_BYTES + 1);
		return CTL_CONTINUE;
	}
	if (r == 0) {
		secret_free(rbuf, PRIVSEP_MAX_BYTES + 1);
		log_info("[net]: [priv] closed the channel: stopping");
		n->stop = 1;
		return CTL_STOP;
	}
	if (r == 1)
		r = net_dispatch(n, &m, &e) == 0 ? 1 : -1;
	secret_free(rbuf, PRIVSEP_MAX_BYTES + 1);	/* wiped */
out:
	if (r == -1) {
		log_err("%s", e.msg);
		n->failed = true;
		n->stop = 1;
		return CTL_STOP;
	}
	return n->stop ? CTL_STOP : CTL_CONTINUE;
}

static void
net_need_config(void *arg)
{
	struct net *n = arg;
	struct gp_err e = { "" };

	if (privsep_send_type(n->a->ps_fd, PS_NEED_CONFIG, &e) == -1)
		log_warnx("%s", e.msg);
}

/* session_io.report, and at the edges of the session: REPORT. */
static void
net_report(void *arg, const struct tunnel_stats *st, bool asked)
{
	struct net *n = arg;
	struct privsep_msg m;
	struct gp_err e = { "" };

	memset(&m, 0, sizeof(m));
	m.type = PS_REPORT;
	netreport_fill(st, clock_now_ms(), &m.rep);
	m.rep.why = asked ? PS_WHY_ASKED : n->why;
	n->why = PS_WHY_TRANSPORT;
	if (privsep_send(n->a->ps_fd, &m, &e) == -1)
		log_debug("%s", e.msg);
}

/* SIOCSIFMTU needs CAP_NET_ADMIN: [priv] validates and applies it. */
static int
net_set_mtu(void *arg, unsigned mtu)
{
	struct net *n = arg;
	struct privsep_msg m;
	struct gp_err e = { "" };

	memset(&m, 0, sizeof(m));
	m.type = PS_SET_MTU;
	m.mtu = mtu;
	if (privsep_send(n->a->ps_fd, &m, &e) == -1) {
		log_warnx("%s", e.msg);
		return -1;
	}
	return 0;
}

/* While the loop waits for [priv]: STATS on SIGUSR1, one message. */
static void
net_wait_tick(struct net *n, int ms)
{
	struct pollfd pfd;

	if (n->dump) {
		n->dump = 0;
		session_stats_log(&n->st);
		net_report(n, &n->st, true);
	}
	pfd.fd = n->a->ps_fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
		fatal("[net]: poll");
	if (pfd.revents != 0)
		(void)net_on_msg(n);
}

/*
 * session_io.reconnecting: the transport is lost and an attempt is next.
 * [priv] runs attempt-reconnect (which puts back the route to the
 * gateway a network change may have removed) and answers RETRY. The
 * wait is bounded, and STOP, rekeys and STATS are served meanwhile; an
 * answer that comes too late is counted off the next wait.
 */
static void
net_reconnecting(void *arg)
{
	struct net *n = arg;
	struct gp_err e = { "" };
	int64_t end = clock_now_ms() + PRIVSEP_RETRY_WAIT_MS, left;

	if (n->state == PS_ST_RUNNING)
		n->state = PS_ST_RECONNECTING;
	if (privsep_send_type(n->a->ps_fd, PS_RECONNECTING, &e) == -1) {
		log_warnx("%s", e.msg);
		return;
	}
	n->retry_wait++;
	while (n->retry_wait > 0 && !n->stop &&
	    (left = end - clock_now_ms()) > 0)
		net_wait_tick(n, left < NET_WAIT_TICK_MS ? (int)left :
		    NET_WAIT_TICK_MS);
	if (n->retry_wait > 0 && !n->stop)
		log_warnx("[priv] did not answer RECONNECTING in %d s; trying "
		    "all the same", PRIVSEP_RETRY_WAIT_MS / 1000);
}

/* session_io.reconnected: [priv] runs the reconnect script. */
static void
net_reconnected(void *arg)
{
	struct net *n = arg;
	struct gp_err e = { "" };

	if (n->state == PS_ST_RECONNECTING)
		n->state = PS_ST_RUNNING;
	if (privsep_send_type(n->a->ps_fd, PS_RECONNECTED, &e) == -1)
		log_warnx("%s", e.msg);
}

/* The connect script runs in [priv]: no packets move until GO. */
static void
net_wait_go(struct net *n)
{
	while (n->state == PS_ST_STARTING && !n->stop)
		net_wait_tick(n, NET_WAIT_TICK_MS);
}

static void
net_io_init(struct net *n)
{
	struct session_io *io = &n->io;

	io->cfg = n->a->cfg;
	io->https = n->a->https;
	io->tun_fd = -1;
	io->ctl_fd = n->a->ps_fd;
	io->on_ctl = net_on_msg;
	io->ctl_arg = n;
	io->stop = &n->stop;
	io->dump_stats = &n->dump;
	io->no_esp = n->a->no_esp;
	io->cfg_gen = &n->gen;
	io->need_config = net_need_config;
	io->set_mtu = net_set_mtu;
	io->reconnecting = net_reconnecting;
	io->reconnected = net_reconnected;
	io->mtu_arg = n;
	io->no_ipv6 = n->a->no_ipv6;
	io->report = net_report;
	io->esp_start = n->a->esp_start;
}

static void __attribute__((noreturn))
net_exit(struct net *n, int status)
{
	struct privsep_msg m;
	struct gp_err e = { "" };

	if (n->failed)
		status = 1;
	memset(&m, 0, sizeof(m));
	m.type = PS_EXIT;
	m.status = status;
	if (privsep_send(n->a->ps_fd, &m, &e) == -1)
		log_debug("%s", e.msg);
	exit(status);
}

/* Returns the session's exit status. */
static int
net_run(struct net *n)
{
	struct privsep_msg m;
	struct session *s;
	struct gp_err e = { "" };
	int r;

	if ((s = session_new(&n->io, &n->st)) == NULL)
		return 1;
	r = session_start(s);
	if (n->io.esp_start != NULL)
		espstart_drop(n->io.esp_start);	/* if ESP did not take it */
	memlimit_trim();	/* set-up's garbage, the parent's too */
	log_debug("[net]: %zu KiB of set-up code out of the resident set",
	    codetrim_run() / 1024);
	if (r == SESSION_UP) {
		net_report(n, &n->st, false);
		memset(&m, 0, sizeof(m));
		m.type = PS_TRANSPORT_UP;
		m.mtu = session_mtu(s);
		if (privsep_send(n->a->ps_fd, &m, &e) == -1) {
			log_err("%s", e.msg);
			r = 1;
		} else {
			net_wait_go(n);
			r = 0;
			n->io.tun_fd = n->a->tun_fd;
			if (n->state == PS_ST_RUNNING && !n->stop)
				r = session_loop(s);
		}
	} else if (r == 1 || r == 2)
		log_debug("[net]: no transport (status %d)", r);
	session_stats_log(&n->st);
	n->why = PS_WHY_FINAL;
	net_report(n, &n->st, false);
	session_free(s);
	return r;
}

void
net_main(struct privsep_net *a)
{
	struct net n;

	privsep_set_title("gp-tunnel [net]");
	memset(&n, 0, sizeof(n));
	n.a = a;
	n.state = PS_ST_STARTING;
	if (dup2(a->log_fd, STDERR_FILENO) == -1)
		fatal("[net]: dup2");
	log_set_relayed();	/* [priv] relays, to syslog if need be */
	if (a->log_fd != STDERR_FILENO)
		close(a->log_fd);
	net_signals();
	memlimit_init();
	a->enter(a);	/* sandbox_enter(): before any network byte */
	net_io_init(&n);
	net_exit(&n, net_run(&n));
}
