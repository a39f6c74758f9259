/* SPDX-License-Identifier: ISC */
/*
 * Tests for the HTTPS tunnel (tunnel/https.c) and the packet loop
 * (tunnel/session.c) against tests/unit/tunnel_https_server.py, a small
 * TLS gateway on 127.0.0.1. Test code only; every wait is bounded.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/gpst.h"
#include "tunnel/https.h"
#include "tunnel/session.h"
#include "t.h"

#define SERVER_SCRIPT	"tests/unit/tunnel_https_server.py"
#define PYTHON		"/usr/bin/python3"
#define READY_MS	30000
#define WAIT_MS		8000

static char workdir[] = "/tmp/gpvpn-https-test-XXXXXX";
static pid_t server_pid = -1;
static int server_in = -1;
static unsigned port, old_port, tls12_port, v6_port;
static int child_ka_ms, child_dead_ms;
static int64_t child_cpu_ms;	/* of the last child: no busy loops */
static uint8_t pin[CFG_PIN_BYTES];
static struct https_ctx *ctx;

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int
parse_pin(const char *hex)
{
	unsigned i, b;

	if (strlen(hex) < 2 * CFG_PIN_BYTES)
		return -1;
	for (i = 0; i < CFG_PIN_BYTES; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		pin[i] = (uint8_t)b;
	}
	return 0;
}

/* Read the READY line from the server, bounded in time. */
static int
read_ready(int fd)
{
	char line[256], hex[80];
	size_t have = 0;
	int64_t end = clock_now_ms() + READY_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (memchr(line, '\n', have) == NULL && have < sizeof(line) - 1) {
		if (clock_now_ms() >= end ||
		    poll(&pfd, 1, (int)(end - clock_now_ms())) <= 0)
			return -1;
		n = read(fd, line + have, sizeof(line) - 1 - have);
		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	line[have] = '\0';
	if (sscanf(line, "READY %u %u %u %u %79s", &port, &old_port,
	    &tls12_port, &v6_port, hex) != 5)
		return -1;
	return parse_pin(hex);
}

static int
server_start(void)
{
	int in[2], out[2], r;

	if (mkdtemp(workdir) == NULL || pipe(in) == -1 || pipe(out) == -1)
		return -1;
	server_pid = fork();
	if (server_pid == -1)
		return -1;
	if (server_pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execl(PYTHON, "python3", SERVER_SCRIPT, workdir, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	server_in = in[1];
	r = read_ready(out[0]);
	close(out[0]);
	return r;
}

/* Copy a log to stderr, for whoever reads the test's output. */
static void
dump_file(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd == -1)
		return;
	fprintf(stderr, "--- %s\n", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	close(fd);
}

static void
server_stop(void)
{
	static const char *files[] = { "key.pem", "cert.pem", "log",
	    "child.err" };
	char p[128];
	int64_t end = clock_now_ms() + 5000;
	size_t i;

	if (server_in != -1)
		close(server_in);	/* the server exits on stdin EOF */
	while (server_pid > 0 && waitpid(server_pid, NULL, WNOHANG) == 0) {
		if (clock_now_ms() >= end) {
			kill(server_pid, SIGKILL);
			waitpid(server_pid, NULL, 0);
			break;
		}
		sleep_ms(20);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", workdir, files[i]);
		if (i >= 2)
			dump_file(p);
		unlink(p);
	}
	rmdir(workdir);
}

/* The whole server log, or "" (static buffer). */
static const char *
server_log(void)
{
	static char buf[65536];
	char p[128];
	ssize_t n = 0;
	int fd;

	snprintf(p, sizeof(p), "%s/log", workdir);
	buf[0] = '\0';
	fd = open(p, O_RDONLY);
	if (fd == -1)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static unsigned
log_count(const char *needle)
{
	const char *p = server_log();
	unsigned n = 0;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Wait until needle appears at least n times in the server log. */
static int
log_wait(const char *needle, unsigned n)
{
	int64_t end = clock_now_ms() + WAIT_MS;

	while (log_count(needle) < n) {
		if (clock_now_ms() >= end)
			return -1;
		sleep_ms(20);
	}
	return 0;
}

static struct gp_config *
cfg_make(const char *path, const char *host, unsigned p)
{
	struct gp_config *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	snprintf(c->gw_host, sizeof(c->gw_host), "%s", host);
	c->gw_addr.family = CFG_AF_INET;
	inet_pton(AF_INET, "127.0.0.1", c->gw_addr.bytes);
	c->gw_port = (uint16_t)p;
	memcpy(c->gw_pin, pin, sizeof(pin));
	snprintf(c->tunnel_path, sizeof(c->tunnel_path), "%s", path);
	snprintf(c->authcookie, sizeof(c->authcookie), "0123abcd+/=&x y");
	snprintf(c->user, sizeof(c->user), "us er@example");
	return c;
}

/* Open with path on the main port; the result, error in *e. */
static int
try_open(const char *path, struct gp_err *e)
{
	struct gp_config *c = cfg_make(path, "gw.example.test", port);
	struct https_tunnel *t = NULL;
	int r;

	memset(e, 0, sizeof(*e));
	r = https_open(ctx, c, &t, e);
	if (r == HTTPS_OPEN_OK && t == NULL)
		r = 99;
	https_close(t);
	free(c);
	return r;
}

/* ipc/limits.h: the longest path, cookie and user, each byte %-encoded,
 * fit HTTPS_REQUEST_MAX (a longer one is refused by config_validate). */
static void
max_request(void)
{
	static char out[HTTPS_REQUEST_MAX], path[CFG_PATH_MAX + 1];
	static char cookie[CFG_AUTHCOOKIE_MAX + 1], user[CFG_USER_MAX + 2];
	struct gp_err e;
	int n;

	memset(path, 'p', CFG_PATH_MAX);
	path[0] = '/';
	memset(cookie, '+', CFG_AUTHCOOKIE_MAX);
	memset(user, '@', CFG_USER_MAX);
	n = https_request_build(out, sizeof(out), path, cookie, user, &e);
	T_EQ_INT(n, (int)(4 + CFG_PATH_MAX + 12 + 6 + 13 +
	    LIM_PCT_ENCODED(CFG_AUTHCOOKIE_MAX + CFG_USER_MAX)));
	T_CHECK(n > 0);
	T_CHECK((size_t)n < sizeof(out));
	T_CHECK(strncmp(out + 4 + CFG_PATH_MAX, "?authcookie=%2b%2b", 18) ==
	    0);
}

static void
pure_helpers(void)
{
	char out[HTTPS_REQUEST_MAX], tiny[8];
	struct gp_err e;
	int st;

	T_EQ_INT(https_request_build(out, sizeof(out), "/t",
	    "aZ09-_.~ ,:/+%\xff", "u", &e), 4 + 2 + 12 + 8 + 7 * 3 + 6 +
	    1 + 13);
	T_STREQ(out, "GET /t?authcookie=aZ09-_.~%20%2c%3a%2f%2b%25%ff&user=u "
	    "HTTP/1.1\r\n\r\n");
	T_EQ_INT(https_request_build(out, sizeof(out), "/t", "c&1", "u",
	    &e), 43);
	T_STREQ(out, "GET /t?authcookie=c%261&user=u HTTP/1.1\r\n\r\n");
	T_EQ_INT(https_request_build(out, sizeof(out), "/a b", "c", "u",
	    &e), -1);
	T_EQ_INT(https_request_build(out, sizeof(out), "/a\r\nX: y", "c",
	    "u", &e), -1);
	T_EQ_INT(https_request_build(out, sizeof(out), "t", "c", "u",
	    &e), -1);
	T_EQ_INT(https_request_build(tiny, sizeof(tiny), "/t", "c", "u",
	    &e), -1);
	T_EQ_INT(tiny[0], '\0');
	T_EQ_INT(https_reply_status("HTTP/1.1 502 Bad Gateway", 24, &st,
	    &e), 0);
	T_EQ_INT(st, 502);
	max_request();
	T_EQ_INT(https_reply_status("HTTP/1.0 404", 12, &st, &e), 0);
	T_EQ_INT(st, 404);
	T_EQ_INT(https_reply_status("HTTP/1.1 5020", 13, &st, &e), -1);
	T_EQ_INT(https_reply_status("HTTP/2 502", 10, &st, &e), -1);
	T_EQ_INT(https_reply_status("HTTP/1.1 50", 11, &st, &e), -1);
	T_EQ_INT(https_reply_status("HTTP/1.1 -02", 12, &st, &e), -1);
	T_EQ_INT(https_reply_status("", 0, &st, &e), -1);
	T_EQ_INT(st, 0);
}

/* Read from the tunnel until a whole frame is out, bounded. */
static int
read_frame(struct https_tunnel *t, struct gpst_rx *rx, uint8_t *out,
    size_t *len)
{
	static uint8_t rbuf[GPST_HDR_BYTES + GPST_MAX_PAYLOAD];
	static struct buf in;
	static size_t in_len;
	struct pollfd pfd = { .fd = https_fd(t), .events = POLLIN };
	int64_t end = clock_now_ms() + WAIT_MS;
	struct gpst_pkt p;
	struct gp_err e;
	long n;
	int r;

	for (;;) {
		if (in_len != 0 && buf_avail(&in) > 0 &&
		    (r = gpst_rx_next(rx, &in, &p, &e)) != GPST_RX_MORE) {
			if (p.data != NULL)
				memcpy(out, p.data, p.len);
			*len = p.len;
			return r;
		}
		n = https_read(t, rbuf, sizeof(rbuf), &e);
		if (n > 0) {
			buf_view(&in, rbuf, (size_t)n);
			in_len = (size_t)n;
			continue;
		}
		if (n != HTTPS_IO_WANT_READ || clock_now_ms() >= end ||
		    poll(&pfd, 1, (int)(end - clock_now_ms())) <= 0)
			return -9;
	}
}

static void
make_packet(uint8_t *p, size_t len, uint8_t tag)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(tag + i);
	p[0] = 0x45;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
}

static void
open_ok_and_echo(void)
{
	struct gp_config *c = cfg_make("/ok", "gw.example.test", port);
	struct https_tunnel *t = NULL;
	uint8_t frame[GPST_HDR_BYTES + 100], back[GPST_MAX_PAYLOAD];
	static struct gpst_rx rx;
	struct gp_err e;
	size_t len = 0;

	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_OK);
	if (t == NULL) {
		fprintf(stderr, "  %s\n", e.msg);
		t_failed_now = 1;
		free(c);
		return;
	}
	T_EQ_INT(log_wait("GET /ok?authcookie=0123abcd%2b%2f%3d%26x%20y"
	    "&user=us%20er%40example\n", 1), 0);
	T_CHECK(log_count("SNI gw.example.test\n") >= 1);
	/* The keepalive sent with START_TUNNEL waits inside TLS. */
	T_CHECK(https_pending(t));
	gpst_rx_init(&rx);
	T_EQ_INT(read_frame(t, &rx, back, &len), GPST_RX_KEEPALIVE);
	make_packet(frame + GPST_HDR_BYTES, 100, 7);
	T_EQ_INT(gpst_encode(frame, frame + GPST_HDR_BYTES, 100, &e), 0);
	T_EQ_INT(https_write(t, frame, sizeof(frame), &e),
	    (long)sizeof(frame));
	T_EQ_INT(read_frame(t, &rx, back, &len), GPST_RX_PACKET);
	T_EQ_INT(len, 100);
	T_EQ_MEM(back, frame + GPST_HDR_BYTES, 100);
	https_close(t);
	free(c);
}

static void
wrong_pin_sends_nothing(void)
{
	struct gp_config *c = cfg_make("/wrongpin", "gw.example.test", port);
	struct https_tunnel *t = NULL;
	unsigned fails = log_count("HANDSHAKE-FAIL");
	struct gp_err e;

	c->gw_pin[31] ^= 1;
	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	T_CHECK(t == NULL);
	T_CHECK(strstr(e.msg, "does not match the pin") != NULL);
	T_EQ_INT(log_wait("HANDSHAKE-FAIL", fails + 1), 0);
	T_EQ_INT(log_count("wrongpin"), 0);
	free(c);
}

static void
cookie_rejected(void)
{
	struct gp_err e;

	T_EQ_INT(try_open("/502", &e), HTTPS_OPEN_COOKIE_REJECTED);
	T_CHECK(strstr(e.msg, "502") != NULL);
}

static void
other_answers(void)
{
	struct gp_err e;

	T_EQ_INT(try_open("/404", &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "`HTTP/1.1 404 Not Found`") != NULL);
	T_EQ_INT(try_open("/garbage", &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "not an HTTP status line") != NULL);
	T_CHECK(strstr(e.msg, "\\x00\\x01junk\\xff") != NULL);
	T_EQ_INT(try_open("/long", &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "not an HTTP status line") != NULL);
	T_EQ_INT(try_open("/eof", &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "disconnected immediately") != NULL);
	T_EQ_INT(try_open("/split", &e), HTTPS_OPEN_OK);
}

static void
sni_only_for_names(void)
{
	struct gp_config *c = cfg_make("/sni-ip", "127.0.0.1", port);
	struct https_tunnel *t = NULL;
	struct gp_err e;

	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	T_EQ_INT(log_wait("GET /sni-ip", 1), 0);
	T_CHECK(strstr(server_log(), "SNI None\nGET /sni-ip") != NULL);
	free(c);
}

static void
old_tls_refused(void)
{
	struct gp_config *c = cfg_make("/old", "gw.example.test", old_port);
	struct https_tunnel *t = NULL;
	unsigned fails = log_count("HANDSHAKE-FAIL");
	struct gp_err e;

	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	T_CHECK(t == NULL);
	T_EQ_INT(log_wait("HANDSHAKE-FAIL", fails + 1), 0);
	T_EQ_INT(log_count("GET /old"), 0);
	free(c);
}

static void
tls12_pinned(void)
{
	struct gp_config *c = cfg_make("/ok", "gw.example.test", tls12_port);
	struct https_tunnel *t = NULL;
	struct gp_err e;

	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_OK);
	T_CHECK(t != NULL);
	https_close(t);
	t = NULL;
	c->gw_pin[0] ^= 0x80;
	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	T_CHECK(t == NULL);
	T_CHECK(strstr(e.msg, "does not match the pin") != NULL);
	free(c);
}

static volatile sig_atomic_t cancel_flag;

static void
on_alarm(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

/* A gateway that never answers: a signal ends the wait at once. */
static void
silent_gateway_cancelled(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { 0, 300000 } };
	struct gp_err e;
	int64_t t0 = clock_now_ms();

	sigaction(SIGALRM, &sa, NULL);
	cancel_flag = 0;
	https_ctx_set_cancel(ctx, &cancel_flag);
	setitimer(ITIMER_REAL, &it, NULL);
	T_EQ_INT(try_open("/silent", &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "interrupted while waiting for START_TUNNEL")
	    != NULL);
	T_CHECK(clock_now_ms() - t0 < 3000);
	https_ctx_set_cancel(ctx, NULL);
}

static void
ipv6_gateway(void)
{
	struct gp_config *c = cfg_make("/ok", "gw.example.test", v6_port);
	struct https_tunnel *t = NULL;
	struct gp_err e;

	if (v6_port == 0) {
		T_SKIP("no ::1 here");
		free(c);
		return;
	}
	c->gw_addr.family = CFG_AF_INET6;
	inet_pton(AF_INET6, "::1", c->gw_addr.bytes);
	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_OK);
	T_CHECK(t != NULL);
	https_close(t);
	free(c);
}

static void
connect_refused(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	struct gp_config *c;
	struct https_tunnel *t = NULL;
	struct gp_err e;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	T_EQ_INT(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	T_EQ_INT(getsockname(s, (struct sockaddr *)&sin, &sl), 0);
	close(s);	/* nothing listens there now */
	c = cfg_make("/x", "gw.example.test", ntohs(sin.sin_port));
	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	T_CHECK(strstr(e.msg, "connect") != NULL);
	c->gw_addr.family = CFG_AF_NONE;
	T_EQ_INT(https_open(ctx, c, &t, &e), HTTPS_OPEN_ERROR);
	free(c);
}

/* --- session_run in a child, with a SEQPACKET pair standing in for tun */

static volatile sig_atomic_t child_stop, child_dump;

static void
on_term(int sig)
{
	(void)sig;
	child_stop = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	child_dump = 1;
}

static enum ctl_action
child_on_ctl(void *arg)
{
	char ch = 0;

	if (read(*(int *)arg, &ch, 1) != 1 || ch == 's')
		return CTL_STOP;
	return CTL_CONTINUE;
}

static void
child_main(const char *path, int tunfd, int ctlfd, int statfd)
{
	struct tunnel_stats st;
	struct session_io io;
	struct gp_config *c = cfg_make(path, "gw.example.test", port);
	struct https_ctx *x;
	struct gp_err e;
	char p[128];
	int fd, r;

	snprintf(p, sizeof(p), "%s/child.err", workdir);
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0600);
	dup2(fd, 2);
	signal(SIGTERM, on_term);
	signal(SIGUSR1, on_usr1);
	log_init("session-test", 1);
	if (child_ka_ms != 0)
		session_set_timers(child_ka_ms, child_dead_ms);
	memset(&io, 0, sizeof(io));
	memset(&st, 0, sizeof(st));
	fcntl(tunfd, F_SETFL, O_NONBLOCK);
	x = https_ctx_new(c, &e);
	if (x == NULL || https_open(x, c, &io.first, &e) != HTTPS_OPEN_OK)
		_exit(20);
	io.cfg = c;
	io.https = x;
	io.tun_fd = tunfd;
	io.ctl_fd = ctlfd;
	io.on_ctl = child_on_ctl;
	io.ctl_arg = &ctlfd;
	io.stop = &child_stop;
	io.dump_stats = &child_dump;
	r = session_run(&io, &st);
	if (write(statfd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		_exit(21);
	_exit(r);
}

struct child {
	pid_t	pid;
	int	tun, ctl, stat;
};

static int
child_start(struct child *ch, const char *path)
{
	int tun[2], ctl[2], stat[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, tun) == -1 ||
	    pipe(ctl) == -1 || pipe(stat) == -1)
		return -1;
	ch->pid = fork();
	if (ch->pid == 0) {
		close(tun[0]);
		close(ctl[1]);
		close(stat[0]);
		close(server_in);
		child_main(path, tun[1], ctl[0], stat[1]);
	}
	close(tun[1]);
	close(ctl[0]);
	close(stat[1]);
	ch->tun = tun[0];
	ch->ctl = ctl[1];
	ch->stat = stat[0];
	return ch->pid == -1 ? -1 : 0;
}

/* Bounded wait for the child; its exit status and stats, or -1. */
static int
child_end(struct child *ch, struct tunnel_stats *st)
{
	int64_t end = clock_now_ms() + WAIT_MS;
	int status = 0;
	pid_t r;

	struct rusage ru;

	memset(st, 0, sizeof(*st));
	memset(&ru, 0, sizeof(ru));
	while ((r = wait4(ch->pid, &status, WNOHANG, &ru)) == 0) {
		if (clock_now_ms() >= end) {
			kill(ch->pid, SIGKILL);
			waitpid(ch->pid, &status, 0);
			r = -1;
			break;
		}
		sleep_ms(20);
	}
	child_cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
	if (read(ch->stat, st, sizeof(*st)) != (ssize_t)sizeof(*st))
		memset(st, 0xff, sizeof(*st));
	close(ch->tun);
	close(ch->ctl);
	close(ch->stat);
	if (r == -1 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Send n packets into "tun" and expect them echoed back, in order. */
static int
echo_packets(struct child *ch, unsigned n)
{
	uint8_t pkt[300], back[400];
	struct pollfd pfd = { .fd = ch->tun, .events = POLLIN };
	unsigned i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		make_packet(pkt, 100 + i, (uint8_t)i);
		if (write(ch->tun, pkt, 100 + i) != (ssize_t)(100 + i))
			return -1;
	}
	for (i = 0; i < n; i++) {
		make_packet(pkt, 100 + i, (uint8_t)i);
		if (poll(&pfd, 1, WAIT_MS) != 1)
			return -1;
		r = read(ch->tun, back, sizeof(back));
		if (r != (ssize_t)(100 + i) || memcmp(back, pkt, 100 + i))
			return -1;
	}
	return 0;
}

static int
child_err_wait(const char *needle)
{
	char p[128], buf[8192];
	int64_t end = clock_now_ms() + WAIT_MS;
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/child.err", workdir);
	while (clock_now_ms() < end) {
		fd = open(p, O_RDONLY);
		n = fd == -1 ? 0 : read(fd, buf, sizeof(buf) - 1);
		if (fd != -1)
			close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, needle) != NULL)
			return 0;
		sleep_ms(20);
	}
	return -1;
}

static void
session_echo_and_stop(void)
{
	struct tunnel_stats st;
	struct child ch;

	T_EQ_INT(child_start(&ch, "/ok"), 0);
	T_EQ_INT(echo_packets(&ch, 32), 0);
	T_EQ_INT(echo_packets(&ch, 3), 0);
	kill(ch.pid, SIGUSR1);
	T_EQ_INT(child_err_wait("stats: tx 35 packets"), 0);
	kill(ch.pid, SIGTERM);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_EQ_INT(st.tx_pkts, 35);
	T_EQ_INT(st.rx_pkts, 35);
	T_EQ_INT(st.keepalive_rx, 1);
	T_EQ_INT(st.reconnects, 0);
	T_EQ_INT(st.drop_bad_frame, 0);
	T_EQ_INT(st.drop_tun_full, 0);
}

static void
session_bad_magic_reconnects(void)
{
	struct tunnel_stats st;
	struct child ch;

	T_EQ_INT(child_start(&ch, "/badmagic"), 0);
	T_EQ_INT(log_wait("GET /badmagic", 2), 0);
	T_EQ_INT(echo_packets(&ch, 2), 0);
	T_EQ_INT(write(ch.ctl, "s", 1), 1);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_EQ_INT(st.reconnects, 1);
	T_EQ_INT(st.rx_pkts, 2);
	T_EQ_INT(child_err_wait("bad magic `deadbeef`"), 0);
}

/*
 * A packet in the record right behind START_TUNNEL, in the same TCP
 * segment: read-ahead has it in OpenSSL's buffer once the tunnel is open,
 * where poll() cannot see it. It reaches tun at once, not at the next
 * keepalive's echo (10 s).
 */
static void
session_reads_behind_start(void)
{
	struct tunnel_stats st;
	struct pollfd pfd;
	struct child ch;
	uint8_t pkt[100], back[200];

	T_EQ_INT(child_start(&ch, "/behind"), 0);
	pfd.fd = ch.tun;
	pfd.events = POLLIN;
	T_EQ_INT(poll(&pfd, 1, 2000), 1);
	make_packet(pkt, sizeof(pkt), 7);
	T_EQ_INT(read(ch.tun, back, sizeof(back)), (long)sizeof(pkt));
	T_EQ_MEM(back, pkt, sizeof(pkt));
	kill(ch.pid, SIGTERM);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_EQ_INT(st.rx_pkts, 1);
	T_EQ_INT(st.reconnects, 0);
}

/* Short timers: keepalives go out and come back; nothing reconnects. */
static void
session_keepalive_echoed(void)
{
	struct tunnel_stats st;
	struct child ch;
	unsigned n0 = log_count("KEEPALIVE-ECHO");

	child_ka_ms = 150;
	child_dead_ms = 600;
	T_EQ_INT(child_start(&ch, "/ok"), 0);
	/* Three keepalives echoed; the packet after them, once echoed,
	 * means the client has read those echoes (one TLS stream). */
	T_EQ_INT(log_wait("KEEPALIVE-ECHO", n0 + 3), 0);
	T_EQ_INT(echo_packets(&ch, 1), 0);
	kill(ch.pid, SIGTERM);
	T_EQ_INT(child_end(&ch, &st), 0);
	child_ka_ms = child_dead_ms = 0;
	T_CHECK(st.keepalive_tx >= 3);
	T_CHECK(st.keepalive_rx >= 4);
	T_EQ_INT(st.reconnects, 0);
	T_CHECK(child_cpu_ms < 400);	/* idle means asleep in poll */
	fprintf(stderr, "child cpu %lld ms\n", (long long)child_cpu_ms);
}

/* A gateway that swallows everything: dead peer, reconnect, 502. */
static void
session_dead_peer_reconnects(void)
{
	struct tunnel_stats st;
	struct child ch;

	child_ka_ms = 150;
	child_dead_ms = 600;
	T_EQ_INT(child_start(&ch, "/mute"), 0);
	T_EQ_INT(child_end(&ch, &st), 2);
	child_ka_ms = child_dead_ms = 0;
	T_CHECK(st.keepalive_tx >= 1);
	T_EQ_INT(st.keepalive_rx, 0);
	T_CHECK(log_count("KEEPALIVE-IN") >= 1);
	T_EQ_INT(log_count("GET /mute"), 2);
	T_EQ_INT(child_err_wait("nothing from the gateway for 600 ms"), 0);
}

static void
session_502_on_reconnect_exits_2(void)
{
	struct tunnel_stats st;
	struct child ch;

	T_EQ_INT(child_start(&ch, "/flap"), 0);
	T_EQ_INT(child_end(&ch, &st), 2);
	T_EQ_INT(st.reconnects, 0);
	T_EQ_INT(log_count("GET /flap"), 2);
}

int
main(void)
{
	struct gp_err e;
	int ok;

	log_init("tunnel_https_test", -1);
	T_RUN(pure_helpers);
	ok = server_start() == 0;
	ctx = ok ? https_ctx_new(NULL, &e) : NULL;
	if (!ok || ctx == NULL) {
		printf("not ok - test gateway or TLS context set-up\n");
		server_stop();
		return 1;
	}
	T_RUN(open_ok_and_echo);
	T_RUN(wrong_pin_sends_nothing);
	T_RUN(cookie_rejected);
	T_RUN(other_answers);
	T_RUN(sni_only_for_names);
	T_RUN(old_tls_refused);
	T_RUN(tls12_pinned);
	T_RUN(silent_gateway_cancelled);
	T_RUN(ipv6_gateway);
	T_RUN(connect_refused);
	T_RUN(session_echo_and_stop);
	T_RUN(session_bad_magic_reconnects);
	T_RUN(session_502_on_reconnect_exits_2);
	T_RUN(session_reads_behind_start);
	T_RUN(session_keepalive_echoed);
	T_RUN(session_dead_peer_reconnects);
	https_ctx_free(ctx);
	server_stop();
	return T_DONE();
}
