/*
 * Unit tests for gp-tunnel [priv]'s loop (tunnel/priv.c) against a fake
 * [net] child over the real socketpair: the connect script runs on
 * TRANSPORT_UP only; an EXIT before that removes nothing but runs no
 * script and keeps the status; a message out of place, or [net] going
 * away, stops with status 1 and runs disconnect if connect ran. No
 * sandbox here (the enter hook is a no-op). Test code only.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "tunnel/policy.h"
#include "tunnel/privsep.h"
#include "t.h"

static char dir[] = "/tmp/gpvpn-priv-XXXXXX";
static char script[256], record[256];
static volatile sig_atomic_t stop_flag, usr1_flag;
static struct tunnel_policy no_policy;
static int fake_vanish;	/* the fake [net] exits without EXIT */

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
	return c;
}

/* The fake [net]: send the messages, then wait for [priv] to close. */
static void
fake_net(int fd, const struct privsep_msg *msgs, size_t n)
{
	struct gp_err e = { "" };
	char c;
	size_t i;

	for (i = 0; i < n; i++) {
		if (privsep_send(fd, &msgs[i], &e) == -1)
			_exit(3);
		usleep(50000);	/* [priv] runs the script in between */
	}
	if (fake_vanish)
		_exit(0);
	while (read(fd, &c, 1) > 0)
		;
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
	memset(&a, 0, sizeof(a));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1
	    || pipe(lp) == -1 || pipe(ctl) == -1)
		exit(2);
	if ((pid = fork()) == 0) {
		close(sp[0]);
		fake_net(sp[1], msgs, n);
	}
	close(sp[1]);
	a.script = script;
	a.cfg = test_config();
	a.pol = &no_policy;
	snprintf(a.ifname, sizeof(a.ifname), "gptest0");
	a.ctl_fd = ctl[0];	/* gp-auth: stays silent */
	a.ps_fd = sp[0];
	a.log_fd = lp[0];
	a.tun_fd = open("/dev/null", O_RDWR);
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

/* What the script recorded, one reason per line, joined by spaces. */
static const char *
ran(void)
{
	static char out[256];
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
			out[n - 1] = ' ';
	return out;
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

	T_CHECK(run(m, 1) == 2);
	T_STREQ(ran(), "");
}

static void
test_connect_then_exit(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_EXIT, 0) };

	T_CHECK(run(m, 2) == 0);
	T_STREQ(ran(), "connect disconnect");
}

static void
test_set_mtu_too_early(void)
{
	struct privsep_msg m[] = { msg(PS_SET_MTU, 1400) };

	T_CHECK(run(m, 1) == 1);
	T_STREQ(ran(), "");
}

static void
test_transport_up_twice(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_TRANSPORT_UP, 1400) };

	T_CHECK(run(m, 2) == 1);
	T_STREQ(ran(), "connect disconnect");
}

static void
test_priv_only_message(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400),
	    msg(PS_STOP, 0) };

	T_CHECK(run(m, 2) == 1);
	T_STREQ(ran(), "connect disconnect");
}

static void
test_net_vanishes(void)
{
	struct privsep_msg m[] = { msg(PS_TRANSPORT_UP, 1400) };

	fake_vanish = 1;
	T_CHECK(run(m, 1) == 1);
	T_STREQ(ran(), "connect disconnect");
	fake_vanish = 0;
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
	if ((f = fopen(script, "w")) == NULL)
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
	unlink(script);
	unlink(record);
	rmdir(dir);
	return T_DONE();
}
