/* SPDX-License-Identifier: ISC */
/*
 * The ESP side of the packet loop (tunnel/session*.c) against a fake ESP
 * gateway on loopback built from tunnel/esp.c with the directions
 * swapped: probes and the reply that brings ESP up, data both ways, bad
 * datagrams kept off tun, a rekey with its grace window, the fallback
 * after 5 s of silence and the socket reopened after ECONNREFUSED; a
 * UDP_GRO burst split back into datagrams, and the same with it off;
 * the receive AQM (CoDel) against a standing queue made by stopping the
 * session while the gateway sends, and the same with it forced off.
 */
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/ctl.h"
#include "tunnel/esp.h"
#include "tunnel/espgro.h"
#include "tunnel/espstart.h"
#include "tunnel/https.h"
#include "tunnel/ipecn.h"
#include "tunnel/needcfg.h"
#include "tunnel/rxaqm.h"
#include "tunnel/session.h"
#include "t.h"

#define TUN_ADDR	"198.18.128.10"
#define MAGIC_ADDR	"198.18.0.1"
#define LAN_ADDR	"198.18.64.2"
#define DGRAM_MAX	2048

static struct gp_config *
cfg_esp(uint16_t udp_port, uint32_t c2s, uint32_t s2c, uint8_t seed)
{
	struct gp_config *c = config_new();
	unsigned i;

	if (c == NULL)
		abort();
	snprintf(c->gw_host, sizeof(c->gw_host), "gw.example.test");
	c->gw_addr.family = CFG_AF_INET;
	inet_pton(AF_INET, "127.0.0.1", c->gw_addr.bytes);
	c->gw_port = 1;		/* nothing listens: HTTPS fails at once */
	memset(c->gw_pin, 0x5a, sizeof(c->gw_pin));
	snprintf(c->tunnel_path, sizeof(c->tunnel_path), "/t");
	snprintf(c->authcookie, sizeof(c->authcookie), "0123abcd");
	snprintf(c->user, sizeof(c->user), "alice");
	c->ip4.family = CFG_AF_INET;
	inet_pton(AF_INET, TUN_ADDR, c->ip4.bytes);
	c->ip4_prefixlen = 32;
	c->esp.present = true;
	c->esp.enc = CFG_ENC_AES128_CBC;
	c->esp.mac = CFG_MAC_SHA1_96;
	c->esp.udp_port = udp_port;
	c->esp.spi_c2s = c2s;
	c->esp.spi_s2c = s2c;
	for (i = 0; i < 16; i++) {
		c->esp.ekey_c2s[i] = (uint8_t)(seed + i);
		c->esp.ekey_s2c[i] = (uint8_t)(seed * 7 + i);
	}
	for (i = 0; i < 20; i++) {
		c->esp.akey_c2s[i] = (uint8_t)(seed * 3 + i);
		c->esp.akey_s2c[i] = (uint8_t)(seed * 5 + i);
	}
	c->esp.magic4.family = CFG_AF_INET;
	inet_pton(AF_INET, MAGIC_ADDR, c->esp.magic4.bytes);
	return c;
}

/* --- the fake gateway: SAs of the config with c2s and s2c swapped */

struct gw {
	int		 fd;
	uint16_t	 port;
	struct esp_sa	*out, *in, *out_old, *in_old;
	unsigned	 probes;
};

static void
gw_keys(struct gw *g, const struct gp_config *c)
{
	struct cfg_esp x = c->esp;
	struct gp_err e;

	x.spi_c2s = c->esp.spi_s2c;
	x.spi_s2c = c->esp.spi_c2s;
	memcpy(x.ekey_c2s, c->esp.ekey_s2c, CFG_KEY_MAX);
	memcpy(x.ekey_s2c, c->esp.ekey_c2s, CFG_KEY_MAX);
	memcpy(x.akey_c2s, c->esp.akey_s2c, CFG_KEY_MAX);
	memcpy(x.akey_s2c, c->esp.akey_c2s, CFG_KEY_MAX);
	esp_sa_free(g->out_old);
	esp_sa_free(g->in_old);
	g->out_old = g->out;
	g->in_old = g->in;
	g->out = esp_sa_new(&x, 1, &e);
	g->in = esp_sa_new(&x, 0, &e);
	if (g->out == NULL || g->in == NULL)
		abort();
}

static void
gw_open(struct gw *g)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);

	memset(g, 0, sizeof(*g));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (g->fd == -1 || bind(g->fd, (struct sockaddr *)&sa, len) == -1 ||
	    getsockname(g->fd, (struct sockaddr *)&sa, &len) == -1)
		abort();
	g->port = ntohs(sa.sin_port);
}

static void
gw_close(struct gw *g)
{
	close(g->fd);
	esp_sa_free(g->out);
	esp_sa_free(g->in);
	esp_sa_free(g->out_old);
	esp_sa_free(g->in_old);
}

static struct sockaddr_in gw_peer;
static uint32_t gw_seq;		/* the ESP sequence number gw_recv saw last */

/* One datagram within ms, decrypted with the current or old SA; its SPI
 * in *spi. Probes are counted and skipped when skip_probes. */
static int
gw_recv(struct gw *g, int ms, uint8_t *inner, size_t *ilen, uint32_t *spi,
    bool skip_probes)
{
	uint8_t d[DGRAM_MAX];
	struct pollfd p = { g->fd, POLLIN, 0 };
	socklen_t sl = sizeof(gw_peer);
	enum esp_drop why;
	size_t off;
	ssize_t n;

	while (poll(&p, 1, ms) == 1) {
		n = recvfrom(g->fd, d, sizeof(d), 0,
		    (struct sockaddr *)&gw_peer, &sl);
		if (n < 8)
			return -1;
		*spi = ntohl(*(uint32_t *)d);
		gw_seq = ntohl(*(uint32_t *)(d + 4));
		if (esp_decrypt(g->in, d, (size_t)n, &off, ilen, &why) == -1 &&
		    (g->in_old == NULL || esp_decrypt(g->in_old, d, (size_t)n,
		    &off, ilen, &why) == -1))
			return -1;
		memmove(inner, d + off, *ilen);
		if (*ilen == 44 && inner[9] == 1 && inner[20] == 8) {
			g->probes++;
			if (skip_probes)
				continue;
		}
		return 0;
	}
	return -1;
}

static size_t
gw_seal(struct esp_sa *sa, const uint8_t *inner, size_t len, uint8_t *d)
{
	size_t out = 0;

	memcpy(d + ESP_HEADROOM, inner, len);
	if (esp_encrypt(sa, d, DGRAM_MAX, len, &out) == -1)
		abort();
	return out;
}

static void
gw_sendraw(struct gw *g, const uint8_t *d, size_t n)
{
	if (sendto(g->fd, d, n, 0, (struct sockaddr *)&gw_peer,
	    sizeof(gw_peer)) != (ssize_t)n)
		abort();
}

static void
gw_send(struct gw *g, struct esp_sa *sa, const uint8_t *inner, size_t len)
{
	uint8_t d[DGRAM_MAX];

	gw_sendraw(g, d, gw_seal(sa, inner, len, d));
}

/* An IPv4 packet of len bytes from src to the tunnel address. */
static size_t
pkt4(uint8_t *p, size_t len, const char *src, uint8_t proto, uint8_t tag)
{
	memset(p, tag, len);
	p[0] = 0x45;
	p[1] = 0;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	p[6] = 0x40;
	p[7] = 0;
	p[8] = 64;
	p[9] = proto;
	inet_pton(AF_INET, src, p + 12);
	inet_pton(AF_INET, TUN_ADDR, p + 16);
	return len;
}

/* The gateway's echo reply to a magic ping. */
static size_t
magic_reply(uint8_t *p, uint16_t seq)
{
	static const uint8_t magic[16] = "monitor\0\0pan ha ";

	pkt4(p, 44, MAGIC_ADDR, 1, 0);
	memset(p + 20, 0, 8);
	p[24] = 0x47;
	p[25] = 0x47;
	p[26] = (uint8_t)(seq >> 8);
	p[27] = (uint8_t)seq;
	memcpy(p + 28, magic, sizeof(magic));
	return 44;
}

/* --- the session in a child -------------------------------------- */

/*
 * The control handler of a test session: a CONFIG frame is a rekey,
 * anything else or EOF stops. (gp-tunnel's own lives in net.c, fed by
 * [priv].) NEED_CONFIG goes through [priv]'s limiter (needcfg.c).
 */
struct test_ctl {
	struct needcfg		 reply;
	struct gp_config	**cfg;
	uint64_t		 generation;
};

static void
test_need_config(void *arg)
{
	struct test_ctl *x = arg;

	needcfg_request(&x->reply, clock_now_ms());
}

static enum ctl_action
test_on_ctl(void *arg)
{
	struct test_ctl *x = arg;
	struct frame_hdr h;
	struct buf body;
	struct gp_config *c;
	struct gp_err e;
	enum ctl_action act = CTL_STOP;

	if (frame_read(x->reply.fd, &h, &body, &e) != 1)
		return CTL_STOP;
	if (h.type == FRAME_CONFIG && (c = config_new()) != NULL) {
		if (frame_decode_config(&body, c, &e) == 0 &&
		    ctl_rekey_check(*x->cfg, c, &e) == 0) {
			config_free(*x->cfg);
			*x->cfg = c;
			x->generation++;
			act = CTL_CONTINUE;
		} else
			config_free(c);
	}
	buf_free(&body);
	return act;
}

struct child {
	pid_t	 pid;
	int	 tun, ctl, stat;
};

/* child_start: start ESP as [priv] does before the fork (espstart.c),
 * with a socket owned by early_uid. */
static bool early_start;
static uid_t early_uid;

static void __attribute__((noreturn))
child_main(struct gp_config *c, int tun, int ctlfd, int statfd)
{
	struct tunnel_stats st;
	struct session_io io;
	struct test_ctl x;
	struct gp_err e;
	int r;

	log_init("espsession-test", -1);
	memset(&io, 0, sizeof(io));
	memset(&st, 0, sizeof(st));
	memset(&x, 0, sizeof(x));
	fcntl(tun, F_SETFL, O_NONBLOCK);
	if ((io.https = https_ctx_new(c, &e)) == NULL)
		_exit(20);
	io.cfg = c;
	io.tun_fd = tun;
	io.ctl_fd = ctlfd;
	io.on_ctl = test_on_ctl;
	io.ctl_arg = &x;
	io.cfg_gen = &x.generation;
	io.need_config = test_need_config;
	needcfg_init(&x.reply, ctlfd, ctl_fd_can_reply(ctlfd));
	x.cfg = &io.cfg;
	if (early_start) {
		static struct espstart es;
		struct stat sb;
		int sig = 0;

		/* A service session's: it must survive the fsuid change. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1)
			_exit(24);
		espstart_send(&es, c, false, early_uid, getgid());
		if (es.udp_fd == -1 || es.probes != 1)
			_exit(22);
		if (prctl(PR_GET_PDEATHSIG, &sig) == -1 || sig != SIGTERM)
			_exit(25);
		if (fstat(es.udp_fd, &sb) == -1 || sb.st_uid != early_uid ||
		    getuid() != geteuid() || (uid_t)setfsuid((uid_t)-1) !=
		    geteuid())
			_exit(23);
		io.esp_start = &es;
	}
	r = session_run(&io, &st);
	if (write(statfd, &st, sizeof(st)) != (ssize_t)sizeof(st))
		_exit(21);
	_exit(r);
}

static int
child_start(struct child *ch, struct gp_config *c)
{
	int tun[2], ctl[2], st[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, tun) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, ctl) == -1 || pipe(st) == -1)
		return -1;
	if ((ch->pid = fork()) == -1)
		return -1;
	if (ch->pid == 0) {
		close(tun[0]);
		close(ctl[0]);
		close(st[0]);
		child_main(c, tun[1], ctl[1], st[1]);
	}
	close(tun[1]);
	close(ctl[1]);
	close(st[1]);
	ch->tun = tun[0];
	ch->ctl = ctl[0];
	ch->stat = st[0];
	return 0;
}

/* Exit status, and the stats the child wrote; -1 on a crash. */
static int
child_end(struct child *ch, struct tunnel_stats *st)
{
	int status;

	memset(st, 0, sizeof(*st));
	if (waitpid(ch->pid, &status, 0) == -1 || !WIFEXITED(status))
		return -1;
	if (read(ch->stat, st, sizeof(*st)) != (ssize_t)sizeof(*st))
		return -1;
	close(ch->tun);
	close(ch->ctl);
	close(ch->stat);
	return WEXITSTATUS(status);
}

/* What reached tun within ms: a packet into p, its length; 0: none. */
static size_t
tun_read(struct child *ch, uint8_t *p, size_t cap, int ms)
{
	struct pollfd pf = { ch->tun, POLLIN, 0 };
	ssize_t n;

	if (poll(&pf, 1, ms) != 1)
		return 0;
	n = recv(ch->tun, p, cap, 0);
	return n > 0 ? (size_t)n : 0;
}

static int
ctl_send_config(struct child *ch, const struct gp_config *c)
{
	struct buf body;
	struct gp_err e;
	int r;

	if (buf_init(&body, FRAME_MAX_BODY_BYTES) == -1)
		return -1;
	r = frame_encode_config(c, &body, &e);
	if (r == 0)
		r = frame_write(ch->ctl, FRAME_CONFIG, &body, &e);
	buf_free(&body);
	return r;
}

/* --- tests -------------------------------------------------------- */

/* Bring ESP up: probe 0 arrives, the reply is swallowed. */
static int
bring_up(struct gw *g, struct child *ch)
{
	uint8_t p[DGRAM_MAX];
	size_t n;
	uint32_t spi;

	if (gw_recv(g, 2000, p, &n, &spi, false) == -1 || n != 44 ||
	    g->probes != 1)
		return -1;
	gw_send(g, g->out, p, magic_reply(p, 0));
	return tun_read(ch, p, sizeof(p), 300) == 0 ? 0 : -1;
}

/*
 * ESP started before the session (as [priv] does, espstart.c): its probe
 * is ESP sequence 0 and ping 0; the session adopts socket and SAs, so
 * its own first probe is sequence 1 and ping 1 from the same port, and
 * the reply to the early probe brings ESP up; both probes are counted.
 * The parent-death signal is still set after the socket was made with
 * another file-system uid (which clears it).
 */
static void
esp_started_early(void)
{
	struct gp_config *c;
	struct tunnel_stats st;
	struct child ch;
	struct gw g;
	uint8_t p[DGRAM_MAX], got[DGRAM_MAX];
	uint32_t spi;
	size_t len, n = 0;
	struct gp_err e;
	uint16_t port0;

	gw_open(&g);
	c = cfg_esp(g.port, 0x1000c1c1, 0x1000d1d1, 4);
	gw_keys(&g, c);
	early_start = true;
	early_uid = geteuid() == 0 ? 65534 : geteuid();
	T_EQ_INT(child_start(&ch, c), 0);
	early_start = false;
	T_EQ_INT(gw_recv(&g, 2000, got, &n, &spi, false), 0);
	T_EQ_UINT(gw_seq, 0);	/* GP's first, PROTOCOL.md §7 */
	T_EQ_INT(n, 44);
	T_EQ_UINT(got[27], 0);
	port0 = gw_peer.sin_port;
	T_EQ_INT(gw_recv(&g, 2000, got, &n, &spi, false), 0);
	T_EQ_UINT(gw_seq, 1);
	T_EQ_UINT(got[27], 1);
	T_EQ_UINT(gw_peer.sin_port, port0);
	gw_send(&g, g.out, p, magic_reply(p, 0));
	len = pkt4(p, 100, TUN_ADDR, 17, 0x66);
	T_EQ_INT(send(ch.tun, p, len, 0), (ssize_t)len);
	T_EQ_INT(gw_recv(&g, 1000, got, &n, &spi, true), 0);
	T_EQ_INT(n, len);
	T_EQ_MEM(got, p, len);
	T_EQ_INT(frame_write(ch.ctl, FRAME_SHUTDOWN, NULL, &e), 0);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_STREQ(st.transport, "esp");
	T_EQ_INT(st.probe_replies, 1);
	T_CHECK(st.probes_tx >= 2);
	gw_close(&g);
	config_free(c);
}

/* espstart_send sends nothing, and keeps nothing, when [net] would not
 * use ESP either. */
static void
esp_start_refused(void)
{
	struct gp_config *c = cfg_esp(9, 1, 2, 5);
	struct espstart es;

	espstart_send(&es, c, true, getuid(), getgid());
	T_EQ_INT(es.udp_fd, -1);
	T_STREQ(espstart_unusable(c, true), "--no-esp");
	c->proxy.type = CFG_PROXY_HTTP;
	espstart_send(&es, c, false, getuid(), getgid());
	T_EQ_INT(es.udp_fd, -1);
	T_STREQ(espstart_unusable(c, false),
	    "the tunnel goes through a proxy");
	c->proxy.type = CFG_PROXY_NONE;
	c->esp.present = false;
	espstart_send(&es, c, false, getuid(), getgid());
	T_EQ_INT(es.udp_fd, -1);
	T_CHECK(es.sa_out == NULL && es.sa_in == NULL && es.probes == 0);
	config_free(c);
}

/* A socket that would not be owned by the user asked for: nothing kept,
 * [net] opens its own. As root, from a process that gave up root. */
static void
esp_start_wrong_owner(void)
{
	struct gp_config *c = cfg_esp(9, 1, 2, 6);
	struct espstart es;
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		uid_t want = geteuid() + 1;

		if (geteuid() == 0) {
			if (setuid(65534) == -1)
				_exit(30);
			want = 0;
		}
		espstart_send(&es, c, false, want, getgid());
		_exit(es.udp_fd == -1 && es.sa_out == NULL && es.probes == 0 ?
		    0 : 31);
	}
	T_EQ_INT(waitpid(pid, &st, 0), pid);
	T_CHECK(WIFEXITED(st));
	T_EQ_INT(WEXITSTATUS(st), 0);
	config_free(c);
}

/* Each kind of bad datagram, then a good one: only it reaches tun. */
static void
bad_datagrams(struct gw *g, struct child *ch)
{
	uint8_t p[DGRAM_MAX], d[DGRAM_MAX], got[DGRAM_MAX];
	size_t n, len;

	len = pkt4(p, 60, LAN_ADDR, 17, 0x11);
	n = gw_seal(g->out, p, len, d);
	gw_sendraw(g, d, n);			/* good */
	T_EQ_INT(tun_read(ch, got, sizeof(got), 1000), len);
	gw_sendraw(g, d, n);			/* replay */
	d[n - 1] ^= 1;
	gw_sendraw(g, d, n);			/* bad ICV */
	d[0] ^= 0xff;
	gw_sendraw(g, d, n);			/* wrong SPI */
	gw_sendraw(g, d, 10);			/* too short */
	p[3] = 200;				/* total length lies */
	gw_send(g, g->out, p, len);
	pkt4(p, 60, LAN_ADDR, 17, 0x22);
	gw_send(g, g->out, p, len);
	T_EQ_INT(tun_read(ch, got, sizeof(got), 1000), len);
	T_EQ_UINT(got[30], 0x22);
	T_EQ_INT(tun_read(ch, got, sizeof(got), 200), 0);
}

/* A new CONFIG: the client sends with the new SA at once, and takes the
 * old inbound SA during the grace window as well as the new one. */
static void
rekey(struct gw *g, struct child *ch)
{
	struct gp_config *c2 = cfg_esp(g->port, 0x2000c2c2, 0x2000d2d2, 9);
	uint8_t p[DGRAM_MAX], got[DGRAM_MAX];
	size_t len, n = 0;
	uint32_t spi = 0;
	int i;

	T_EQ_INT(ctl_send_config(ch, c2), 0);
	gw_keys(g, c2);
	for (i = 0; i < 20 && spi != 0x2000c2c2; i++) {
		len = pkt4(p, 40, TUN_ADDR, 17, (uint8_t)i);
		if (send(ch->tun, p, len, 0) != (ssize_t)len ||
		    gw_recv(g, 500, got, &n, &spi, true) == -1)
			spi = 0;
	}
	T_EQ_UINT(spi, 0x2000c2c2);
	T_EQ_INT(n, 40);
	len = pkt4(p, 80, LAN_ADDR, 6, 0x33);
	gw_send(g, g->out_old, p, len);
	T_EQ_INT(tun_read(ch, got, sizeof(got), 1000), len);
	T_EQ_UINT(got[50], 0x33);
	len = pkt4(p, 80, LAN_ADDR, 6, 0x44);
	gw_send(g, g->out, p, len);
	T_EQ_INT(tun_read(ch, got, sizeof(got), 1000), len);
	T_EQ_UINT(got[50], 0x44);
	config_free(c2);
}

static void
esp_session(void)
{
	struct gp_config *c;
	struct tunnel_stats st;
	struct child ch;
	struct gw g;
	uint8_t p[DGRAM_MAX], got[DGRAM_MAX];
	size_t len, n;
	uint32_t spi;
	struct gp_err e;

	gw_open(&g);
	c = cfg_esp(g.port, 0x1000c1c1, 0x1000d1d1, 1);
	T_EQ_INT(config_validate(c, &e), 0);
	gw_keys(&g, c);
	T_EQ_INT(child_start(&ch, c), 0);
	T_EQ_INT(bring_up(&g, &ch), 0);
	len = pkt4(p, 100, TUN_ADDR, 17, 0x55);
	T_EQ_INT(send(ch.tun, p, len, 0), (ssize_t)len);
	T_EQ_INT(gw_recv(&g, 1000, got, &n, &spi, true), 0);
	T_EQ_INT(n, len);
	T_EQ_UINT(spi, 0x1000c1c1);
	T_EQ_MEM(got, p, len);
	bad_datagrams(&g, &ch);
	rekey(&g, &ch);
	T_EQ_INT(frame_write(ch.ctl, FRAME_SHUTDOWN, NULL, &e), 0);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_STREQ(st.transport, "esp");
	T_EQ_INT(st.probe_replies, 1);
	T_EQ_INT(st.rekeys, 1);
	T_EQ_INT(st.esp_drop[ESP_DROP_REPLAY], 1);
	T_EQ_INT(st.esp_drop[ESP_DROP_ICV], 1);
	T_EQ_INT(st.esp_drop[ESP_DROP_SPI], 1);
	T_EQ_INT(st.esp_drop[ESP_DROP_SHORT], 1);
	T_EQ_INT(st.esp_drop_inner, 1);
	T_EQ_INT(st.esp_rx_pkts, 4);
	T_EQ_INT(st.rx_pkts, 4);
	T_CHECK(st.esp_tx_pkts >= 2);
	T_EQ_INT(st.tx_pkts, st.esp_tx_pkts);
	gw_close(&g);
	config_free(c);
}

/*
 * Both at once (5 s each): a silent gateway gets probes at 0..4 s, then
 * HTTPS is tried at 5 s (it fails here: nothing listens), so gp-tunnel
 * would exit 1 with nothing applied; and with nobody on the UDP port,
 * each ICMP unreachable reopens the socket.
 */
static void
fallbacks(void)
{
	struct gp_config *c, *c2;
	struct tunnel_stats st, st2;
	struct child ch, ch2;
	struct gw g, g2;
	uint8_t p[DGRAM_MAX];
	size_t n;
	uint32_t spi;
	int64_t t0 = clock_now_ms(), dt;

	gw_open(&g);
	c = cfg_esp(g.port, 0x1000c1c1, 0x1000d1d1, 2);
	gw_keys(&g, c);
	gw_open(&g2);
	c2 = cfg_esp(g2.port, 0x1000c1c1, 0x1000d1d1, 3);
	gw_close(&g2);
	T_EQ_INT(child_start(&ch, c), 0);
	T_EQ_INT(child_start(&ch2, c2), 0);
	T_EQ_INT(child_end(&ch, &st), 1);
	dt = clock_now_ms() - t0;
	while (gw_recv(&g, 0, p, &n, &spi, true) == 0)
		;		/* the probes wait in the socket buffer */
	T_CHECK(dt >= 5000);
	T_CHECK(dt < 7000);
	T_EQ_INT(g.probes, 5);
	T_EQ_INT(st.probes_tx, 5);
	T_EQ_INT(st.esp_fallbacks, 1);
	T_EQ_INT(st.probe_replies, 0);
	T_EQ_INT(st.udp_reopens, 0);
	T_EQ_INT(child_end(&ch2, &st2), 1);
	T_CHECK(st2.udp_reopens >= 3);
	T_EQ_INT(st2.probes_tx, 5);
	gw_close(&g);
	config_free(c);
	config_free(c2);
}

/* A new CONFIG while the first probes go unanswered: the probes switch
 * to the new keys, and a reply under them brings ESP up. */
static void
rekey_while_probing(void)
{
	struct gp_config *c, *c2;
	struct tunnel_stats st;
	struct child ch;
	struct gw g;
	uint8_t p[DGRAM_MAX];
	size_t n = 0;
	uint32_t spi = 0;
	struct gp_err e;
	int i;

	gw_open(&g);
	c = cfg_esp(g.port, 0x1000c1c1, 0x1000d1d1, 4);
	c2 = cfg_esp(g.port, 0x3000c3c3, 0x3000d3d3, 5);
	gw_keys(&g, c);
	T_EQ_INT(child_start(&ch, c), 0);
	T_EQ_INT(gw_recv(&g, 2000, p, &n, &spi, false), 0);
	T_EQ_UINT(spi, 0x1000c1c1);
	T_EQ_INT(ctl_send_config(&ch, c2), 0);
	gw_keys(&g, c2);
	for (i = 0; i < 4 && spi != 0x3000c3c3; i++)
		if (gw_recv(&g, 1500, p, &n, &spi, false) == -1)
			break;
	T_EQ_UINT(spi, 0x3000c3c3);
	T_EQ_INT(n, 44);
	gw_send(&g, g.out, p, magic_reply(p, 0));
	n = pkt4(p, 64, LAN_ADDR, 17, 0x66);
	for (i = 0; i < 10 && tun_read(&ch, p + 100, 200, 100) == 0; i++)
		gw_send(&g, g.out, p, n);	/* until ESP is up */
	T_EQ_INT(frame_write(ch.ctl, FRAME_SHUTDOWN, NULL, &e), 0);
	T_EQ_INT(child_end(&ch, &st), 0);
	T_STREQ(st.transport, "esp");
	T_EQ_INT(st.rekeys, 1);
	T_EQ_INT(st.probe_replies, 1);
	gw_close(&g);
	config_free(c);
	config_free(c2);
}

/* Five ESP datagrams in one UDP_SEGMENT write: four of the same size (the
 * third with a bad ICV), then a shorter one. */
static void
gro_send(struct gw *g)
{
	static uint8_t d[5 * DGRAM_MAX];
	uint8_t p[DGRAM_MAX];
	size_t off = 0, seg = 0, n;
	int v;
	unsigned i;

	for (i = 1; i <= 5; i++) {
		n = gw_seal(g->out, p, pkt4(p, i < 5 ? 300 : 100, LAN_ADDR,
		    17, (uint8_t)i), d + off);
		seg = seg == 0 ? n : seg;
		if (i == 3)
			d[off + n - 1] ^= 1;
		off += n;
	}
	v = (int)seg;
	if (setsockopt(g->fd, SOL_UDP, UDP_SEGMENT, &v, sizeof(v)) == -1)
		abort();
	gw_sendraw(g, d, off);
	v = 0;
	(void)setsockopt(g->fd, SOL_UDP, UDP_SEGMENT, &v, sizeof(v));
}

/* The burst reaches tun as four packets in order, with UDP_GRO (one
 * super-datagram, counted) or with the fallback forced (five reads). */
static void
gro_burst(bool forced)
{
	static const uint8_t tags[4] = { 1, 2, 4, 5 };
	uint8_t p[DGRAM_MAX], got[DGRAM_MAX];
	struct tunnel_stats st;
	struct gp_config *c;
	struct child ch;
	struct gp_err e;
	struct gw g;
	unsigned i;
	size_t n;

	gw_open(&g);
	c = cfg_esp(g.port, 0x2000c1c1, 0x2000d1d1, 3);
	T_CHECK(config_validate(c, &e) == 0);
	gw_keys(&g, c);
	if (forced)
		setenv(ESPGRO_OFF_ENV, "1", 1);
	T_CHECK(child_start(&ch, c) == 0);
	unsetenv(ESPGRO_OFF_ENV);
	T_CHECK(bring_up(&g, &ch) == 0);
	gro_send(&g);
	for (i = 0; i < 4; i++) {
		n = pkt4(p, i < 3 ? 300 : 100, LAN_ADDR, 17, tags[i]);
		T_CHECK(tun_read(&ch, got, sizeof(got), 1000) == n &&
		    memcmp(got, p, n) == 0);
	}
	T_CHECK(frame_write(ch.ctl, FRAME_SHUTDOWN, NULL, &e) == 0);
	T_CHECK(child_end(&ch, &st) == 0);
	T_CHECK(st.esp_rx_pkts == 4 && st.esp_drop[ESP_DROP_ICV] == 1);
	T_CHECK(st.esp_rx_gro == (forced ? 0 : 1));
	gw_close(&g);
	config_free(c);
}

static void
gro_on(void)
{
	gro_burst(false);
}

static void
gro_forced_off(void)
{
	gro_burst(true);
}

#define AQM_ROUNDS	16	/* x ~25 ms: 4 intervals of standing queue */
#define AQM_BURST	8	/* datagrams per round */
#define AQM_STOP_MS	25	/* each waits this long: 5x the target */
#define AQM_ECT_MARK	0xec	/* payload byte 21 of a packet sent ECT(0) */

/* What reached tun within ms of quiet: each packet's tag (payload byte
 * 20) seen; CE marks counted, and those on a packet sent Not-ECT in
 * *bad. */
static void
aqm_drain(struct child *ch, int ms, bool *seen, unsigned *ce,
    unsigned *bad)
{
	uint8_t got[DGRAM_MAX];

	while (tun_read(ch, got, sizeof(got), ms) == 100) {
		seen[got[20]] = true;
		if ((got[1] & IPECN_CE) != IPECN_CE)
			continue;
		(*ce)++;
		*bad += got[21] != AQM_ECT_MARK;
	}
}

/* One round: the session stopped, a burst sent, each datagram waits
 * AQM_STOP_MS in its socket, then the session runs and reads them. The
 * session meets CoDel's next drop time at the first datagram of a
 * round, so whole rounds alternate Not-ECT and ECT(0). */
static void
aqm_round(struct gw *g, struct child *ch, unsigned r)
{
	uint8_t p[DGRAM_MAX];
	unsigned i;
	int status;

	if (kill(ch->pid, SIGSTOP) == -1 ||
	    waitpid(ch->pid, &status, WUNTRACED) != ch->pid)
		abort();
	for (i = 0; i < AQM_BURST; i++) {
		pkt4(p, 100, LAN_ADDR, 17, (uint8_t)(r * AQM_BURST + i));
		if (r % 2 == 1) {
			p[1] = IPECN_ECT0;
			p[21] = AQM_ECT_MARK;
		}
		gw_send(g, g->out, p, 100);
	}
	usleep(AQM_STOP_MS * 1000);
	if (kill(ch->pid, SIGCONT) == -1)
		abort();
}

/* Datagrams sent that never reached tun; those sent ECT in *ect. */
static unsigned
aqm_missing(const bool *seen, unsigned *ect)
{
	unsigned t, n = 0;

	for (t = 0; t < AQM_ROUNDS * AQM_BURST; t++)
		if (!seen[t]) {
			n++;
			*ect += (t / AQM_BURST) % 2 == 1;
		}
	return n;
}

/*
 * A standing queue (every datagram waits 5x the target, for 4
 * intervals): CoDel acts a few times (RFC 8289: after one interval,
 * then interval/sqrt(n) apart), dropping Not-ECT packets and marking
 * ECT ones CE, only those; every other datagram reaches tun, unmarked.
 * Forced off: all arrive unmarked.
 */
static void
aqm_queue(bool forced)
{
	bool seen[AQM_ROUNDS * AQM_BURST] = { false };
	struct tunnel_stats st;
	struct gp_config *c;
	struct child ch;
	struct gp_err e;
	struct gw g;
	unsigned r, ce = 0, bad = 0, lost, lost_ect = 0;

	gw_open(&g);
	c = cfg_esp(g.port, 0x3000c1c1, 0x3000d1d1, 4);
	T_CHECK(config_validate(c, &e) == 0);
	gw_keys(&g, c);
	if (forced)
		setenv(RXAQM_OFF_ENV, "1", 1);
	T_CHECK(child_start(&ch, c) == 0);
	unsetenv(RXAQM_OFF_ENV);
	T_REQUIRE(bring_up(&g, &ch) == 0);
	for (r = 0; r < AQM_ROUNDS; r++) {
		aqm_round(&g, &ch, r);
		aqm_drain(&ch, 2, seen, &ce, &bad);
	}
	aqm_drain(&ch, 200, seen, &ce, &bad);
	T_CHECK(frame_write(ch.ctl, FRAME_SHUTDOWN, NULL, &e) == 0);
	T_CHECK(child_end(&ch, &st) == 0);
	lost = aqm_missing(seen, &lost_ect);
	T_EQ_UINT(lost, st.aqm_drop);
	T_EQ_UINT(lost_ect, 0);
	T_EQ_UINT(st.esp_rx_pkts, AQM_ROUNDS * AQM_BURST - lost);
	T_EQ_UINT(ce, st.aqm_mark);
	T_EQ_UINT(bad, 0);
	if (forced)
		T_CHECK(st.aqm_drop == 0 && st.aqm_mark == 0);
	else
		T_CHECK(st.aqm_drop + st.aqm_mark >= 2);
	gw_close(&g);
	config_free(c);
}

static void
aqm_on(void)
{
	aqm_queue(false);
}

static void
aqm_forced_off(void)
{
	aqm_queue(true);
}

/* NEED_CONFIG goes only to a writable socket, never into a pipe. */
static void
reply_only_on_sockets(void)
{
	int p[2], s[2], fd;

	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, s), 0);
	T_CHECK(!ctl_fd_can_reply(p[0]));
	T_CHECK(!ctl_fd_can_reply(p[1]));
	T_CHECK(ctl_fd_can_reply(s[0]));
	fd = open("/dev/null", O_RDONLY);
	T_CHECK(!ctl_fd_can_reply(fd));
	close(fd);
	close(p[0]);
	close(p[1]);
	close(s[0]);
	close(s[1]);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	T_RUN(reply_only_on_sockets);
	T_RUN(esp_session);
	T_RUN(esp_started_early);
	T_RUN(esp_start_refused);
	T_RUN(esp_start_wrong_owner);
	T_RUN(rekey_while_probing);
	T_RUN(fallbacks);
	T_RUN(gro_on);
	T_RUN(gro_forced_off);
	T_RUN(aqm_on);
	T_RUN(aqm_forced_off);
	return T_DONE();
}
