/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-tunnel [priv]'s loop (tunnel/priv.c) against a fake
 * [net] child over the real socketpair: the connect script runs on
 * TRANSPORT_UP only; an EXIT before that removes nothing but runs no
 * script and keeps the status; a message out of place, or [net] going
 * away, stops with status 1 and runs disconnect if connect ran; pre-init
 * runs just before connect; RECONNECTING runs attempt-reconnect on the
 * back-off schedule only and is always answered with RETRY, RECONNECTED
 * runs reconnect after an attempt-reconnect that ran. With an
 * IPv6 tunnel address (as root, in a private network namespace with a
 * real tun device): no MTU below 1280, and a connect that leaves the
 * IPv6 address or route off tun fails closed. No sandbox here (the
 * enter hook is a no-op). Test code only.
 */
#define _GNU_SOURCE	/* unshare */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "tunnel/backoff.h"
#include "tunnel/policy.h"
#include "tunnel/priv.h"
#include "tunnel/privsep.h"
#include "tunnel/tun.h"
#include "t.h"

#define TUN6	"gptest0"
#define SKIPPED	77

static char dir[] = "/tmp/gpvpn-priv-XXXXXX";
static char script[256], script6[256], record[256], got[256], mode[256];
static volatile sig_atomic_t stop_flag, usr1_flag;
static struct tunnel_policy no_policy;
static int fake_vanish;	/* the fake [net] exits without EXIT */
static useconds_t fake_gap_us = 50000;	/* between its messages */
/* The IPv6 cases: the config, the script and the tun device. */
static struct {
	bool		 v6;		/* an IPv6 tunnel address */
	bool		 route;		/* a split-include route, not ::/0 */
	bool		 no_ipv6;	/* --disable-ipv6 */
	const char	*script;
	int		 tun_fd;
	int		 status_fd;	/* --status-fd; 0: none */
} opt;

static void
no_sandbox(const struct privsep_priv *p)
{
	(void)p;
}

static struct gp_config *
test_config(void)
{
	struct gp_config *c = config_new();

	snprintf(c->gw_host, sizeof(c->gw_host), "gw.example.com");
	(void)config_addr_parse("198.18.0.1", &c->gw_addr);
	c->gw_port = 443;
	(void)config_addr_parse("198.18.128.10", &c->ip4);
	c->ip4_prefixlen = 32;
	if (!opt.v6)
		return c;
	(void)config_addr_parse("2001:2:0:18::10", &c->ip6);
	c->ip6_prefixlen = 64;
	if (opt.route) {
		(void)config_addr_parse("2001:2:0:64::", &c->routes[0].addr);
		c->routes[0].prefixlen = 64;
		c->n_routes = 1;
	}
	return c;
}

/* The fake [net]: send the messages, then note the type of each message
 * [priv] sends until it closes. */
static void
fake_net(int fd, const struct privsep_msg *msgs, size_t n)
{
	struct gp_err e = { "" };
	uint8_t m[PRIVSEP_MAX_BYTES];
	FILE *f;
	ssize_t r;
	size_t i;

	for (i = 0; i < n; i++) {
		if (privsep_send(fd, &msgs[i], &e) == -1)
			_exit(3);
		usleep(fake_gap_us);	/* [priv] runs the script */
	}
	if (fake_vanish)
		_exit(0);
	while ((r = read(fd, m, sizeof(m))) > 0)
		if (r > 4 && (f = fopen(got, "a")) != NULL) {
			fprintf(f, "%s\n", privsep_type_name(m[4]));
			fclose(f);
		}
	_exit(0);
}

/* Runs priv_main against the messages; returns its status. */
static int
run(const struct privsep_msg *msgs, size_t n)
{
	struct privsep_priv a;
	int sp[2], lp[2], ctl[2];
	pid_t pid;
	int st;

	unlink(record);
	unlink(got);
	memset(&a, 0, sizeof(a));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1
	    || pipe(lp) == -1 || pipe(ctl) == -1)
		exit(2);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		fake_net(sp[1], msgs, n);
	}
	close(sp[1]);
	a.script = opt.script != NULL ? opt.script : script;
	a.cfg = test_config();
	a.pol = &no_policy;
	a.no_ipv6 = opt.no_ipv6;
	snprintf(a.ifname, sizeof(a.ifname), TUN6);
	a.ctl_fd = ctl[0];	/* gp-auth: stays silent */
	a.ps_fd = sp[0];
	a.log_fd = lp[0];
	a.tun_fd = opt.tun_fd > 0 ? opt.tun_fd : open("/dev/null", O_RDWR);
	a.status_fd = opt.status_fd > 0 ? opt.status_fd : -1;
	a.rec_fd = -1;		/* no session record (recfile.h) */
	a.net_pid = pid;
	a.stop = &stop_flag;
	a.usr1 = &usr1_flag;
	a.enter = no_sandbox;
	st = priv_main(&a);
	close(ctl[1]);
	close(ctl[0]);
	close(lp[1]);
	close(lp[0]);
	(void)waitpid(pid, NULL, WNOHANG);
	return st;
}

/* In a child with its own network namespace and a real TUN6, with the
 * IPv6 script in mode m ("ok", "noaddr", "noroute"): priv_main's status,
 * or SKIPPED without root or /dev/net/tun. */
static int
run6(const struct privsep_msg *msgs, size_t n, const char *m)
{
	char name[IFNAMSIZ] = TUN6;
	struct gp_err e = { "" };
	FILE *f;
	pid_t pid;
	int st = 0;

	if ((f = fopen(mode, "w")) == NULL)
		return -1;
	fprintf(f, "%s\n", m);
	fclose(f);
	if ((pid = fork()) == 0) {
		if (unshare(CLONE_NEWNET) == -1 ||
		    (opt.tun_fd = tun_open(name, &e)) == -1)
			_exit(SKIPPED);
		opt.script = script6;
		_exit(run(msgs, n));
	}
	if (pid == -1 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	if (WEXITSTATUS(st) == SKIPPED)
		T_SKIP("needs root and /dev/net/tun");
	return WEXITSTATUS(st);
}

/* A file's lines joined by spaces. */
static const char *
lines_of(const char *path)
{
	static char out[1024];
	FILE *f = fopen(path, "r");
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
			out[n - 1] = ' ';
	return out;
}

/* What the script recorded, one line per call, joined by spaces. */
static const char *
ran(void)
{
	return lines_of(record);
}

static struct privsep_msg
msg(uint8_t type, unsigned v)
{
	struct privsep_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.mtu = v;
	m.status = (int)v;
	buf_view(&m.body, NULL, 0);
	return m;
}

static void
test_exit_before_transport(void)
{
	struct privsep_msg m[] = { msg(PS_EXIT, 2) };

	T_EQ_INT(run(m, 1), 2);
	T_STREQ(ran(), "");
}

static void
test_connect_then_exit(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_EXIT, 0) };

	T_EQ_INT(run(m, 2), 0);
	T_STREQ(ran(), "pre-init connect disconnect");
}

static void
test_set_mtu_too_early(void)
{
	struct privsep_msg m[] = { msg(PS_SET_MTU, 1400) };

	T_EQ_INT(run(m, 1), 1);
	T_STREQ(ran(), "");
}

static void
test_transport_up_twice(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_TRANSPORT_UP, 1400) };

	T_EQ_INT(run(m, 2), 1);
	T_STREQ(ran(), "pre-init connect disconnect");
}

static void
test_priv_only_message(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_STOP, 0) };

	T_EQ_INT(run(m, 2), 1);
	T_STREQ(ran(), "pre-init connect disconnect");
}

static void
test_net_vanishes(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400) };

	fake_vanish = 1;
	T_EQ_INT(run(m, 1), 1);
	T_STREQ(ran(), "pre-init connect disconnect");
	fake_vanish = 0;
}

/* RECONNECTING: attempt-reconnect, then RETRY; RECONNECTED: reconnect,
 * with the environment of connect. */
static void
test_reconnect(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_RECONNECTING, 0), msg(PS_RECONNECTED, 0),
	    msg(PS_EXIT, 0) };

	T_EQ_INT(run(m, 4), 0);
	T_STREQ(ran(), "pre-init connect attempt-reconnect reconnect "
	    "disconnect");
	T_STREQ(lines_of(got), "GO RETRY");
}

/* --status-fd: a line per state, [net]'s REPORT with its counters, no
 * line for the REPORT that comes before connect (connected carries it),
 * "stopped" with the exit status last. */
static void
test_status_lines(void)
{
	struct privsep_msg m[] = { msg(PS_REPORT, 0),
	    msg(PS_TRANSPORT_UP, 1400), msg(PS_RECONNECTING, 0),
	    msg(PS_RECONNECTED, 0), msg(PS_REPORT, 0), msg(PS_EXIT, 0) };
	char buf[8192], *p;
	ssize_t n;
	int sfd[2];

	m[0].rep.xport = PS_XPORT_ESP;
	m[0].rep.sa_age_s = 3;
	m[4].rep.xport = PS_XPORT_HTTPS;
	m[4].rep.sa_age_s = PRIVSEP_SA_NONE;
	m[4].rep.tx_pkts = 7;
	T_CHECK(pipe(sfd) == 0);
	opt.status_fd = sfd[1];
	T_CHECK(run(m, 6) == 0);
	opt.status_fd = 0;
	close(sfd[1]);
	n = read(sfd[0], buf, sizeof(buf) - 1);
	close(sfd[0]);
	buf[n > 0 ? n : 0] = '\0';
	p = strchr(buf, '\n');
	T_CHECK(strncmp(buf, "{\"version\":1,\"event\":\"state\",", 29) == 0);
	T_CHECK(p != NULL && strstr(buf, "\"state\":\"connecting\"") < p &&
	    strstr(buf, "\"state\":\"connecting\"") != NULL);
	T_CHECK((p = strstr(buf, "\"state\":\"connected\"")) != NULL &&
	    strstr(p, "\"transport\":\"esp\"") != NULL &&
	    strstr(p, "\"sa_age_s\":3,") != NULL);
	T_CHECK(p != NULL && (p = strstr(p, "\"state\":\"reconnecting\""))
	    != NULL);
	T_CHECK(p != NULL && (p = strstr(p, "\"state\":\"connected\"")) !=
	    NULL);
	T_CHECK(p != NULL && (p = strstr(p, "\"event\":\"transport\"")) !=
	    NULL && strstr(p, "\"transport\":\"https\"") != NULL &&
	    strstr(p, "\"sa_age_s\":null") != NULL &&
	    strstr(p, "\"tx_packets\":7,") != NULL);
	T_CHECK(p != NULL && (p = strstr(p, "\"state\":\"stopped\"")) !=
	    NULL && strstr(p, "\"exit_status\":0}\n") != NULL);
	T_CHECK(strstr(buf, "\"interface\":\"" TUN6 "\"") != NULL);
	T_CHECK(strstr(buf, "\"gateway\":{\"host\":\"gw.example.com\","
	    "\"address\":\"198.18.0.1\",\"port\":443}") != NULL);
	T_CHECK(strstr(buf, "\"ipv4\":\"198.18.128.10\"") != NULL);
}

/* A [net] that asks faster than the back-off allows: every request is
 * answered, the script runs for the first only; a reconnect right after
 * goes on with the same schedule, and reconnect follows only an
 * attempt-reconnect that ran. */
static void
test_reconnect_flood(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_RECONNECTING, 0), msg(PS_RECONNECTING, 0),
	    msg(PS_RECONNECTING, 0), msg(PS_RECONNECTING, 0),
	    msg(PS_RECONNECTED, 0), msg(PS_RECONNECTING, 0),
	    msg(PS_RECONNECTED, 0), msg(PS_EXIT, 0) };

	T_EQ_INT(run(m, 9), 0);
	T_STREQ(ran(), "pre-init connect attempt-reconnect reconnect "
	    "disconnect");
	T_STREQ(lines_of(got), "GO RETRY RETRY RETRY RETRY RETRY");
}

/* On the schedule (a second after the first), the second one runs. */
static void
test_reconnect_paced(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_RECONNECTING, 0), msg(PS_RECONNECTING, 0),
	    msg(PS_EXIT, 0) };

	fake_gap_us = (BACKOFF_MIN_MS + 100) * 1000;
	T_EQ_INT(run(m, 4), 0);
	fake_gap_us = 50000;
	T_STREQ(ran(), "pre-init connect attempt-reconnect "
	    "attempt-reconnect disconnect");
	T_STREQ(lines_of(got), "GO RETRY RETRY");
}

/* RECONNECTED without RECONNECTING, or RECONNECTING before connect:
 * out of place, status 1. */
static void
test_reconnect_out_of_place(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_RECONNECTED, 0) };
	struct privsep_msg m2[] = { msg(PS_RECONNECTING, 0) };

	T_EQ_INT(run(m, 2), 1);
	T_STREQ(ran(), "pre-init connect disconnect");
	T_EQ_INT(run(m2, 1), 1);
	T_STREQ(ran(), "");
}

/*
 * The IPv6 cases. The script records "reason,INTERNAL_IP4_MTU,the link's
 * MTU,6 if it got INTERNAL_IP6_ADDRESS" and on connect configures tun
 * as vpnc-script does, ignoring ip's failures as vpnc-script does.
 */
static void
v6_connects(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_EXIT, 0) };
	int st;

	opt.v6 = opt.route = true;
	if ((st = run6(m, 2, "ok")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(ran(), "pre-init,1400,1500,6 connect,1400,1500,6 "
		    "disconnect,1400,1400,6");
		T_STREQ(lines_of(got), "GO");
	}
	opt.route = false;		/* the default route instead */
	if ((st = run6(m, 2, "ok")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(lines_of(got), "GO");
	}
	opt.v6 = false;
}

/* [net] asks for 1200 at first: the script is given 1280. */
static void
v6_transport_up_floor(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1200),
	    msg(PS_EXIT, 0) };
	int st;

	opt.v6 = true;
	if ((st = run6(m, 2, "ok")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(ran(), "pre-init,1280,1500,6 connect,1280,1500,6 "
		    "disconnect,1280,1280,6");
	}
	opt.v6 = false;
}

/* SET_MTU 1200 once running: tun gets 1280, and IPv6 stays on it. */
static void
v6_set_mtu_floor(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_SET_MTU, 1200), msg(PS_EXIT, 0) };
	int st;

	opt.v6 = true;
	if ((st = run6(m, 3, "ok")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(ran(), "pre-init,1400,1500,6 connect,1400,1500,6 "
		    "disconnect,1280,1280,6");
	}
	opt.v6 = false;
}

/* IPv4 only: 576 is still allowed, first and later. */
static void
v4_mtu_576(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 576),
	    msg(PS_SET_MTU, 600), msg(PS_SET_MTU, 576), msg(PS_EXIT, 0) };
	int st;

	if ((st = run6(m, 4, "ok")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(ran(), "pre-init,576,1500, connect,576,1500, "
		    "disconnect,576,576,");
	}
}

/* The script left the address (or the route) off tun: no GO, STOP,
 * disconnect, status 1. */
static void
v6_fails_closed(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_EXIT, 0) };
	const char *modes[] = { "noaddr", "noroute" };
	size_t i;
	int st;

	opt.v6 = true;
	for (i = 0; i < 2; i++) {
		opt.route = i == 1;
		if ((st = run6(m, 2, modes[i])) == SKIPPED)
			continue;
		T_EQ_INT(st, 1);
		T_STREQ(ran(), "pre-init,1400,1500,6 connect,1400,1500,6 "
		    "disconnect,1400,1400,6");
		T_STREQ(lines_of(got), "STOP");
	}
	opt.v6 = opt.route = false;
}

/* --disable-ipv6: no IPv6 for the script, no floor, no check. */
static void
v6_disabled(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1200),
	    msg(PS_EXIT, 0) };
	int st;

	opt.v6 = opt.no_ipv6 = true;
	if ((st = run6(m, 2, "noaddr")) != SKIPPED) {
		T_EQ_INT(st, 0);
		T_STREQ(ran(), "pre-init,1200,1500, connect,1200,1500, "
		    "disconnect,1200,1200,");
		T_STREQ(lines_of(got), "GO");
	}
	opt.v6 = opt.no_ipv6 = false;
}

static int
write_script6(void)
{
	FILE *f = fopen(script6, "w");

	if (f == NULL)
		return -1;
	fprintf(f, "#!/bin/sh\n"
	    "mtu=$(ip -o link show dev \"$TUNDEV\" |"
	    " sed -n 's/.* mtu \\([0-9]*\\) .*/\\1/p')\n"
	    "echo \"$reason,$INTERNAL_IP4_MTU,$mtu,"
	    "${INTERNAL_IP6_ADDRESS:+6}\" >>%s\n"
	    "[ \"$reason\" = connect ] || exit 0\n"
	    "mode=$(cat %s)\n"
	    "ip link set dev \"$TUNDEV\" up mtu \"$INTERNAL_IP4_MTU\"\n"
	    "[ -n \"$INTERNAL_IP6_NETMASK\" ] || exit 0\n"
	    "[ \"$mode\" = noaddr ] ||\n"
	    "    ip -6 addr add \"$INTERNAL_IP6_NETMASK\" dev \"$TUNDEV\"\n"
	    "[ \"$mode\" = noroute ] && exit 0\n"
	    "if [ -n \"$CISCO_IPV6_SPLIT_INC\" ]; then\n"
	    "    ip -6 route add \"$CISCO_IPV6_SPLIT_INC_0_ADDR/"
	    "$CISCO_IPV6_SPLIT_INC_0_MASKLEN\" dev \"$TUNDEV\"\n"
	    "else\n"
	    "    ip -6 route add default dev \"$TUNDEV\" metric 1\n"
	    "fi\n"
	    "exit 0\n", record, mode);
	fclose(f);
	return chmod(script6, 0755);
}

int
main(void)
{
	FILE *f;

	log_init("tunnel_priv_test", -1);
	if (mkdtemp(dir) == NULL)
		return 2;
	snprintf(script, sizeof(script), "%s/script.sh", dir);
	snprintf(record, sizeof(record), "%s/record", dir);
	snprintf(script6, sizeof(script6), "%s/script6.sh", dir);
	snprintf(got, sizeof(got), "%s/got", dir);
	snprintf(mode, sizeof(mode), "%s/mode", dir);
	if ((f = fopen(script, "w")) == NULL || write_script6() == -1)
		return 2;
	fprintf(f, "#!/bin/sh\necho \"$reason\" >>%s\n", record);
	fclose(f);
	chmod(script, 0755);
	T_RUN(test_exit_before_transport);
	T_RUN(test_connect_then_exit);
	T_RUN(test_set_mtu_too_early);
	T_RUN(test_transport_up_twice);
	T_RUN(test_priv_only_message);
	T_RUN(test_net_vanishes);
	T_RUN(test_reconnect);
	T_RUN(test_status_lines);
	T_RUN(test_reconnect_flood);
	T_RUN(test_reconnect_paced);
	T_RUN(test_reconnect_out_of_place);
	T_RUN(v6_connects);
	T_RUN(v6_transport_up_floor);
	T_RUN(v6_set_mtu_floor);
	T_RUN(v4_mtu_576);
	T_RUN(v6_fails_closed);
	T_RUN(v6_disabled);
	unlink(script);
	unlink(script6);
	unlink(record);
	unlink(got);
	unlink(mode);
	rmdir(dir);
	return T_DONE();
}
