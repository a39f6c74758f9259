/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-tunnel [priv] (tunnel/priv.c) between a fake gp-auth
 * (this process, on a stream socketpair) and a fake [net] (a child, on
 * the real SEQPACKET pair), with priv_main in a child of its own so that
 * a [priv] that blocks is a failure, not a hang. Rekeys: new keys pass
 * to [net], a change of routes or DNS ends the session with status 4,
 * and disconnect always gets what connect applied. NEED_CONFIG: a burst
 * from [net] reaches gp-auth once; a gp-auth that does not read, or
 * stops half-way through a frame, never stops [priv] from serving [net]
 * and its signals. No sandbox here (the enter hook is a no-op).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/config.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/policy.h"
#include "tunnel/priv.h"
#include "tunnel/privsep.h"
#include "tunnel/rekey.h"
#include "fixture_config.h"
#include "t.h"

#define BURST		1000	/* NEED_CONFIG messages from [net] */
#define RUN_LIMIT_MS	15000	/* priv_main must be done by then */

static char dir[] = "/tmp/gpvpn-privctl-XXXXXX";
static char script[256], record[256];
static volatile sig_atomic_t stop_flag, usr1_flag;
static struct tunnel_policy no_policy;

/* What the fake [net] does once it got GO. */
enum net_mode { NET_QUIET, NET_BURST };

struct run {
	enum net_mode	 mode;
	int		 ctl[2];	/* [0] is [priv]'s, [1] gp-auth's */
	int		 ps;		/* [priv]'s end of the pair */
	int		 report;	/* what [net] saw, one letter each */
	pid_t		 net, priv;
	int64_t		 start;
	char		 seen[64];	/* the letters so far */
	size_t		 n_seen;
	int		 status;	/* priv_main's; -1: killed */
	unsigned	 need;		/* NEED_CONFIG frames gp-auth got */
};

static void
no_sandbox(const struct privsep_priv *p)
{
	(void)p;
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		usr1_flag = 1;
	else
		stop_flag = 1;
}

/* A configuration that passes config_validate, as a frame needs. */
static struct gp_config *
test_config(void)
{
	struct gp_config *c = fx_config("c0ffee0123456789", "198.18.128.10");

	c->n_dns = 1;
	fx_addr(&c->dns[0], "198.18.64.53");
	c->n_routes = 1;
	fx_addr(&c->routes[0].addr, "198.18.64.0");
	c->routes[0].prefixlen = 24;
	c->timeout_s = 3600;
	c->idle_timeout_s = 10800;
	return c;
}

static void
say(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(3);
}

static void
net_send(int fd, uint8_t type, int v)
{
	struct privsep_msg m;
	struct gp_err e = { "" };

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.mtu = (unsigned)v;
	m.status = v;
	buf_view(&m.body, NULL, 0);
	if (privsep_send(fd, &m, &e) == -1)
		_exit(3);
}

/*
 * The fake [net]: TRANSPORT_UP, then it reports each message: G (GO),
 * C (CONFIG), T (STATS, answered with a NEED_CONFIG), S (STOP, answered
 * with EXIT 0); with NET_BURST, after GO it sends BURST NEED_CONFIG at
 * once and reports B.
 */
static void __attribute__((noreturn))
fake_net(int fd, int report, enum net_mode mode)
{
	static uint8_t rbuf[PRIVSEP_MAX_BYTES + 1];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct privsep_msg m;
	struct gp_err e = { "" };
	int i;

	net_send(fd, PS_TRANSPORT_UP, 1400);
	/* privsep_recv() does not wait. */
	while (poll(&pfd, 1, -1) >= 0 &&
	    privsep_recv(fd, rbuf, &m, &e) == 1) {
		if (m.type == PS_GO) {
			say(report, 'G');
			if (mode != NET_BURST)
				continue;
			for (i = 0; i < BURST; i++)
				net_send(fd, PS_NEED_CONFIG, 0);
			say(report, 'B');
		} else if (m.type == PS_CONFIG)
			say(report, 'C');
		else if (m.type == PS_STATS) {
			say(report, 'T');
			net_send(fd, PS_NEED_CONFIG, 0);
		}
		else if (m.type == PS_STOP) {
			say(report, 'S');
			net_send(fd, PS_EXIT, 0);
		}
	}
	_exit(0);
}

static void __attribute__((noreturn))
priv_child(struct run *r, int ps_fd, pid_t net)
{
	struct privsep_priv a;
	struct sigaction sa;
	int lp[2];

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART, as gp-tunnel */
	if (sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGUSR1, &sa, NULL) == -1 || pipe(lp) == -1)
		_exit(100);
	memset(&a, 0, sizeof(a));
	a.script = script;
	a.cfg = test_config();
	a.pol = &no_policy;
	snprintf(a.ifname, sizeof(a.ifname), "gptest0");
	a.ctl_fd = r->ctl[0];
	a.ps_fd = ps_fd;
	a.log_fd = lp[0];
	a.tun_fd = open("/dev/null", O_RDWR);
	a.rec_fd = -1;		/* no session record (recfile.h) */
	a.net_pid = net;
	a.stop = &stop_flag;
	a.usr1 = &usr1_flag;
	a.enter = no_sandbox;
	_exit(priv_main(&a));
}

/* Fork the fake [net] and [priv]; this process stays gp-auth. */
static void
run_start(struct run *r, enum net_mode mode)
{
	int sp[2], rp[2];

	unlink(record);
	memset(r, 0, sizeof(*r));
	r->mode = mode;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, r->ctl) ==
	    -1 || pipe(rp) == -1)
		exit(2);
	if ((r->net = fork()) == 0) {
		close(sp[0]);
		close(rp[0]);
		close(r->ctl[0]);
		close(r->ctl[1]);
		fake_net(sp[1], rp[1], mode);
	}
	close(sp[1]);
	close(rp[1]);
	r->ps = sp[0];
	r->report = rp[0];
	r->start = clock_now_ms();
}

static void
run_priv(struct run *r)
{
	if ((r->priv = fork()) == 0) {
		close(r->ctl[1]);
		close(r->report);
		priv_child(r, r->ps, r->net);
	}
	close(r->ps);
	close(r->ctl[0]);
}

/* One turn: the reports of [net], the frames for gp-auth (if read). */
static void
run_poll(struct run *r, bool read_ctl, int ms)
{
	struct pollfd pfd[2];
	uint8_t b[4096];
	ssize_t n;

	pfd[0].fd = r->report;
	pfd[1].fd = read_ctl ? r->ctl[1] : -1;
	pfd[0].events = pfd[1].events = POLLIN;
	pfd[0].revents = pfd[1].revents = 0;
	if (poll(pfd, 2, ms) <= 0)
		return;
	if (pfd[0].revents != 0 && r->n_seen < sizeof(r->seen) - 1 &&
	    read(r->report, &r->seen[r->n_seen], 1) == 1)
		r->seen[++r->n_seen] = '\0';
	if (pfd[1].revents != 0 && (n = read(r->ctl[1], b, sizeof(b))) > 0)
		r->need += (unsigned)n;	/* bytes now; frames at the end */
}

/* Wait (reading) until [net] reported c; false after limit_ms. */
static bool
run_until(struct run *r, char c, bool read_ctl, int limit_ms)
{
	int64_t end = clock_now_ms() + limit_ms;

	while (strchr(r->seen, c) == NULL) {
		if (clock_now_ms() >= end)
			return false;
		run_poll(r, read_ctl, 50);
	}
	return true;
}

/* [net]'s last reports, until it exits (it does when [priv] has). */
static void
run_drain(struct run *r)
{
	struct pollfd pfd;
	int64_t end = clock_now_ms() + 2000;
	char c;

	pfd.fd = r->report;
	pfd.events = POLLIN;
	while (clock_now_ms() < end) {
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if (read(r->report, &c, 1) != 1)
			return;
		if (r->n_seen < sizeof(r->seen) - 1) {
			r->seen[r->n_seen++] = c;
			r->seen[r->n_seen] = '\0';
		}
	}
}

/* Wait for priv_main's status, killing it at RUN_LIMIT_MS. */
static void
run_end(struct run *r, bool read_ctl)
{
	int st;

	r->status = -1;
	for (;;) {
		if (waitpid(r->priv, &st, WNOHANG) == r->priv) {
			if (WIFEXITED(st))
				r->status = WEXITSTATUS(st);
			break;
		}
		if (clock_now_ms() - r->start >= RUN_LIMIT_MS) {
			kill(r->priv, SIGKILL);
			(void)waitpid(r->priv, NULL, 0);
			break;
		}
		run_poll(r, read_ctl, 20);
	}
	while (read_ctl) {
		uint8_t b[4096];
		ssize_t n = recv(r->ctl[1], b, sizeof(b), MSG_DONTWAIT);

		if (n <= 0)
			break;
		r->need += (unsigned)n;
	}
	r->need /= FRAME_HDR_BYTES;
	run_drain(r);
	kill(r->net, SIGKILL);
	(void)waitpid(r->net, NULL, 0);
	close(r->report);
	close(r->ctl[1]);
}

static void
put_config(int fd, const struct gp_config *c)
{
	struct gp_err e = { "" };
	struct buf body;

	if (buf_init(&body, FRAME_MAX_BODY_BYTES) == -1 ||
	    frame_encode_config(c, &body, &e) == -1 ||
	    frame_write(fd, FRAME_CONFIG, &body, &e) == -1) {
		fprintf(stderr, "CONFIG frame: %s\n", e.msg);
		exit(2);
	}
	buf_free(&body);
}

static void
put_shutdown(int fd)
{
	struct gp_err e = { "" };

	if (frame_write(fd, FRAME_SHUTDOWN, NULL, &e) == -1)
		exit(2);
}

/* The script's record: "reason idle=… dns=… exc=…" lines, joined. */
static const char *
ran(void)
{
	static char out[1024];
	FILE *f = fopen(record, "r");
	size_t n;

	out[0] = '\0';
	if (f == NULL)
		return out;
	n = fread(out, 1, sizeof(out) - 1, f);
	fclose(f);
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '\n')
		out[--n] = '\0';
	for (; n > 0; n--)
		if (out[n - 1] == '\n')
			out[n - 1] = '|';
	return out;
}

#define APPLIED	"idle=10800 dns=198.18.64.53 exc=0"

/* New keys and timers: [net] gets them; disconnect gets the old. */
static void
rekey_keys_only(void)
{
	struct gp_config *c = test_config();
	struct run r;

	run_start(&r, NET_QUIET);
	run_priv(&r);
	T_CHECK(run_until(&r, 'G', true, 5000));
	snprintf(c->authcookie, sizeof(c->authcookie), "beef0123456789");
	c->timeout_s = 7200;
	c->idle_timeout_s = 600;
	c->n_routes = 2;		/* the same route, twice */
	c->routes[1] = c->routes[0];
	put_config(r.ctl[1], c);
	T_CHECK(run_until(&r, 'C', true, 5000));
	put_shutdown(r.ctl[1]);
	run_end(&r, true);
	T_EQ_INT(r.status, 0);
	T_STREQ(r.seen, "GCS");
	T_STREQ(ran(), "pre-init " APPLIED "|connect " APPLIED
	    "|disconnect " APPLIED);
	config_free(c);
}

/* A host route the user had, and no DNS: refused, status 4, and the
 * disconnect script undoes only what connect did. */
static void
rekey_host_change_refused(void)
{
	struct gp_config *c = test_config();
	struct run r;

	run_start(&r, NET_QUIET);
	run_priv(&r);
	T_CHECK(run_until(&r, 'G', true, 5000));
	c->n_dns = 0;
	c->n_routes = 2;
	fx_addr(&c->routes[1].addr, "198.18.77.7");
	c->routes[1].prefixlen = 32;
	c->routes[1].exclude = true;
	put_config(r.ctl[1], c);
	run_end(&r, true);
	T_EQ_INT(r.status, REKEY_EXIT_REFUSED);
	T_STREQ(r.seen, "GS");		/* no CONFIG reached [net] */
	T_STREQ(ran(), "pre-init " APPLIED "|connect " APPLIED
	    "|disconnect " APPLIED);
	config_free(c);
}

/* BURST NEED_CONFIG in a row: gp-auth gets one. */
static void
need_config_burst(void)
{
	struct run r;

	run_start(&r, NET_BURST);
	run_priv(&r);
	T_CHECK(run_until(&r, 'B', true, 10000));
	run_poll(&r, true, 500);
	kill(r.priv, SIGTERM);
	run_end(&r, true);
	T_EQ_INT(r.status, 0);
	T_EQ_INT(r.need, 1);
	if (r.need != 1)
		fprintf(stderr, "  %u NEED_CONFIG frames\n", r.need);
}

/* gp-auth never reads, its socket is full: [priv] still takes SIGTERM
 * and stops [net] within a second or two. */
static void
need_config_peer_stuck(void)
{
	uint8_t junk[4096];
	struct run r;
	int64_t t;

	run_start(&r, NET_BURST);
	memset(junk, 0, sizeof(junk));
	while (send(r.ctl[0], junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	while (send(r.ctl[0], junk, 1, MSG_DONTWAIT) > 0)
		;
	run_priv(&r);
	T_CHECK(run_until(&r, 'G', false, 5000));
	run_poll(&r, false, 500);
	t = clock_now_ms();
	kill(r.priv, SIGTERM);
	T_CHECK(run_until(&r, 'S', false, 3000));
	T_CHECK(clock_now_ms() - t < 3000);
	run_end(&r, false);
	T_EQ_INT(r.status, 0);
	T_STREQ(ran(), "pre-init " APPLIED "|connect " APPLIED
	    "|disconnect " APPLIED);
}

/* Once up, five bytes of a header, then nothing: [priv] still serves
 * its signals and [net] (SIGUSR1 -> STATS -> a NEED_CONFIG that reaches
 * gp-auth within 3 s, where the previous code sat 10 s in one read), and
 * ends the session at the frame deadline, with status 1. */
static void
half_frame(void)
{
	static const uint8_t part[5] = { 0x47, 0x50, 0x56, 0x4e, 0x01 };
	struct run r;
	int64_t t;

	run_start(&r, NET_QUIET);
	run_priv(&r);
	T_CHECK(run_until(&r, 'G', true, 5000));
	if (write(r.ctl[1], part, sizeof(part)) != (ssize_t)sizeof(part))
		exit(2);
	t = clock_now_ms();
	run_poll(&r, true, 300);
	kill(r.priv, SIGUSR1);
	T_CHECK(run_until(&r, 'T', true, 2000));
	while (r.need < FRAME_HDR_BYTES && clock_now_ms() - t < 3000)
		run_poll(&r, true, 50);
	T_EQ_INT(r.need, FRAME_HDR_BYTES);
	T_CHECK(run_until(&r, 'S', true, FRAME_READ_TIMEOUT_MS + 3000));
	T_CHECK(clock_now_ms() - t >= FRAME_READ_TIMEOUT_MS - 100);
	run_end(&r, true);
	T_EQ_INT(r.status, 1);
	T_STREQ(ran(), "pre-init " APPLIED "|connect " APPLIED
	    "|disconnect " APPLIED);
}

int
main(void)
{
	FILE *f;

	log_init("tunnel_privctl_test", -1);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR || mkdtemp(dir) == NULL)
		return 2;
	snprintf(script, sizeof(script), "%s/script.sh", dir);
	snprintf(record, sizeof(record), "%s/record", dir);
	if ((f = fopen(script, "w")) == NULL)
		return 2;
	fprintf(f, "#!/bin/sh\necho \"$reason idle=$IDLE_TIMEOUT "
	    "dns=$INTERNAL_IP4_DNS exc=${CISCO_SPLIT_EXC:-0}\" >>%s\n",
	    record);
	fclose(f);
	chmod(script, 0755);
	T_RUN(rekey_keys_only);
	T_RUN(rekey_host_change_refused);
	T_RUN(need_config_burst);
	T_RUN(need_config_peer_stuck);
	T_RUN(half_frame);
	unlink(script);
	unlink(record);
	rmdir(dir);
	return T_DONE();
}
