/*
 * The ESP side of gp-tunnel's packet loop (PROTOCOL.md §7): the UDP
 * socket, the SAs and their rekey grace window, magic-ping probes and
 * DPD, and tun <-> ESP in vectors over a fixed buffer pool. Datagrams are
 * untrusted: only what passes esp_decrypt and an IP header check reaches
 * tun, and probe replies never do.
 */
#define _GNU_SOURCE	/* recvmmsg, sendmmsg */

#include <sys/socket.h>

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/mtu.h"
#include "tunnel/session_int.h"
#include "tunnel/udp.h"

static const char *
session_esp_drop_name(unsigned why)
{
	switch (why) {
	case SESSION_DROP_INNER:
		return "not a sane IP packet inside";
	case SESSION_DROP_BIG:
		return "too large";
	case SESSION_DROP_EARLY:
		return "data before the tun device is up";
	default:
		return esp_drop_name((enum esp_drop)why);
	}
}

/* Counted always; logged on the 1st, 2nd, 4th, 8th... of each reason,
 * so a flood of bad datagrams cannot fill the disk. */
static void
session_esp_drop(struct session *s, unsigned why, uint64_t *counter)
{
	uint64_t n;

	(*counter)++;
	n = ++s->drop_logged[why];
	if ((n & (n - 1)) == 0)
		log_info("esp: dropped a datagram: %s (%" PRIu64 " so far)",
		    session_esp_drop_name(why), n);
}

/* Why ESP cannot be used with the live config; NULL: it can. */
static const char *
session_esp_unusable(const struct session *s)
{
	const struct gp_config *c = s->io->cfg;

	if (s->io->no_esp)
		return "--no-esp";
	/* UDP cannot go through the proxy and must not go around it. */
	if (c->proxy.type != CFG_PROXY_NONE)
		return "the tunnel goes through a proxy";
	if (!c->esp.present)
		return "the configuration has no ESP keys";
	if (magic_family(c) == CFG_AF_NONE)
		return "no magic-ping address for our tunnel address family";
	return NULL;
}

bool
session_esp_wanted(const struct session *s)
{
	return session_esp_unusable(s) == NULL;
}

static void
session_esp_free_sas(struct session *s)
{
	esp_sa_free(s->sa_out);
	esp_sa_free(s->sa_in);
	esp_sa_free(s->sa_in_old);
	s->sa_out = s->sa_in = s->sa_in_old = NULL;
}

void
session_esp_close_udp(struct session *s)
{
	if (s->udp_fd != -1)
		close(s->udp_fd);
	s->udp_fd = -1;
	s->esp_rx_more = false;
}

void
session_esp_close(struct session *s)
{
	session_esp_close_udp(s);
	session_esp_free_sas(s);
}

/* (Re)open the socket to the config's port. */
static bool
session_udp_open(struct session *s)
{
	const struct gp_config *c = s->io->cfg;
	struct gp_err e = { "" };

	if (s->udp_fd != -1)
		close(s->udp_fd);
	s->esp_rx_more = false;
	s->udp_fd = udp_open(&c->gw_addr, c->esp.udp_port, &e);
	if (s->udp_fd == -1) {
		log_warn("%s", e.msg);
		return false;
	}
	s->udp_port = c->esp.udp_port;
	return true;
}

/* ICMP port unreachable came back (§7.8 item 5). */
static void
session_udp_refused(struct session *s)
{
	s->st->udp_reopens++;
	log_debug("esp: connection refused; reopening the UDP socket");
	(void)session_udp_open(s);
}

/* Both SAs of the live config, or false (and none). */
static bool
session_esp_new_sas(struct session *s, struct esp_sa **out,
    struct esp_sa **in)
{
	struct gp_err e = { "" };

	*in = NULL;
	*out = esp_sa_new(&s->io->cfg->esp, 1, &e);
	if (*out != NULL)
		*in = esp_sa_new(&s->io->cfg->esp, 0, &e);
	if (*in == NULL) {
		log_warn("esp: %s", e.msg);
		esp_sa_free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* SAs and socket for probing; false: ESP is not possible. */
bool
session_esp_setup(struct session *s)
{
	const char *why;

	session_esp_close(s);
	if ((why = session_esp_unusable(s)) != NULL) {
		log_info("esp: not used: %s", why);
		return false;
	}
	if (!session_esp_new_sas(s, &s->sa_out, &s->sa_in) ||
	    !session_udp_open(s)) {
		session_esp_close(s);
		return false;
	}
	s->st->sa_since_ms = clock_now_ms();
	return true;
}

/*
 * The SAs keep their sequence numbers and replay window: the gateway's
 * keys die only when an HTTPS tunnel opens, so they are still good. The
 * socket is new, since the old one may be bound to an address the host
 * lost when the network moved.
 */
bool
session_esp_retry(struct session *s)
{
	const char *why = session_esp_unusable(s);

	if (why == NULL && (s->sa_out == NULL || s->sa_in == NULL))
		why = "no keys left (an HTTPS tunnel has killed them)";
	else if (why == NULL && esp_sa_exhausted(s->sa_out))
		why = "outbound sequence numbers used up";
	if (why != NULL) {
		log_debug("esp: not probed: %s", why);
		session_esp_close(s);
		return false;
	}
	return session_udp_open(s);
}

unsigned
session_esp_mtu(const struct session *s)
{
	const struct gp_config *c = s->io->cfg;
	unsigned base = 0;

	if (s->udp_fd != -1)
		base = udp_path_mtu(s->udp_fd, &c->gw_addr);
	return mtu_esp(base, c->gw_addr.family == CFG_AF_INET6, c->esp.mac);
}

/* One datagram, no retry: UDP may lose it anyway. */
static void
session_udp_send(struct session *s, const uint8_t *p, size_t len)
{
	if (send(s->udp_fd, p, len, MSG_DONTWAIT) == (ssize_t)len)
		return;
	s->st->udp_tx_drop++;
	if (errno == ECONNREFUSED)
		session_udp_refused(s);
}

static void
session_esp_probe(struct session *s)
{
	size_t n, out;

	if (s->sa_out == NULL || s->udp_fd == -1)
		return;
	n = magic_build(s->io->cfg, s->probe_seq, s->probe + ESP_HEADROOM,
	    sizeof(s->probe) - ESP_HEADROOM);
	if (n == 0 || esp_encrypt(s->sa_out, s->probe, sizeof(s->probe), n,
	    &out) == -1) {
		log_warn("esp: cannot build probe %u", (unsigned)s->probe_seq);
		return;
	}
	log_trace("esp: probe %u", (unsigned)s->probe_seq);
	s->probe_seq++;
	s->st->probes_tx++;
	session_udp_send(s, s->probe, out);
}

/* A probe reply: ESP works. Leave HTTPS if it was running. */
static void
session_esp_up(struct session *s)
{
	log_info("esp: tunnel up (SPI out 0x%08" PRIx32 ", in 0x%08"
	    PRIx32 ")", esp_sa_spi(s->sa_out), esp_sa_spi(s->sa_in));
	if (s->t != NULL) {
		log_info("https: closing the tunnel, ESP carries the traffic");
		https_close(s->t);
		s->t = NULL;
		s->tx_head = s->tx_tail = 0;
		s->tx_pkts = 0;
	}
	session_set_mtu(s, session_esp_mtu(s));
}

/* The SA for this datagram's SPI: the new one, or the old one inside the
 * grace window. */
static struct esp_sa *
session_esp_pick(struct session *s, const uint8_t *d, size_t len)
{
	struct buf b;
	uint32_t spi;

	buf_view(&b, d, len);
	if (s->sa_in_old != NULL && buf_get_u32(&b, &spi) == 0 &&
	    spi != esp_sa_spi(s->sa_in) && spi == esp_sa_spi(s->sa_in_old))
		return s->sa_in_old;
	return s->sa_in;
}

static int
session_esp_decrypt(struct session *s, uint8_t *d, size_t len,
    size_t *off, size_t *ilen)
{
	struct esp_sa *sa = session_esp_pick(s, d, len), *old = s->sa_in_old;
	enum esp_drop why, why_old;

	if (esp_decrypt(sa, d, len, off, ilen, &why) == 0)
		return 0;
	/* Both configs with the same inbound SPI: the ICV tells them
	 * apart, and a failed ICV check leaves the datagram as it was. */
	if (why == ESP_DROP_ICV && sa == s->sa_in && old != NULL &&
	    esp_sa_spi(old) == esp_sa_spi(sa) &&
	    esp_decrypt(old, d, len, off, ilen, &why_old) == 0)
		return 0;
	session_esp_drop(s, why, &s->st->esp_drop[why]);
	return -1;
}

/* One datagram from the gateway. */
static int
session_esp_in(struct session *s, uint8_t *d, size_t len, int flags,
    int64_t now)
{
	const uint8_t *p;
	size_t off, ilen;
	bool reply;

	if ((flags & MSG_TRUNC) != 0) {
		session_esp_drop(s, SESSION_DROP_BIG, &s->st->esp_drop_big);
		return SESSION_GO;
	}
	if (s->sa_in == NULL || session_esp_decrypt(s, d, len, &off,
	    &ilen) == -1)
		return SESSION_GO;
	p = d + off;
	if (!xport_inner_ok(p, ilen)) {
		session_esp_drop(s, SESSION_DROP_INNER,
		    &s->st->esp_drop_inner);
		return SESSION_GO;
	}
	reply = magic_is_reply(s->io->cfg, p, ilen);
	if (s->xp.suspect)
		log_info("esp: the gateway answered after the pause");
	if (xport_esp_rx(&s->xp, now, reply))
		session_esp_up(s);
	if (reply) {
		s->st->probe_replies++;
		return SESSION_GO;
	}
	if (s->io->tun_fd == -1) {
		session_esp_drop(s, SESSION_DROP_EARLY,
		    &s->st->esp_drop_early);
		return SESSION_GO;
	}
	s->st->esp_rx_pkts++;
	s->st->esp_rx_bytes += ilen;
	return session_tun_write(s, p, ilen);
}

static void
session_vec_point(struct session_vec *v, unsigned i, size_t len)
{
	v->iov[i].iov_base = v->slot[i];
	v->iov[i].iov_len = len;
	memset(&v->msg[i].msg_hdr, 0, sizeof(v->msg[i].msg_hdr));
	v->msg[i].msg_hdr.msg_iov = &v->iov[i];
	v->msg[i].msg_hdr.msg_iovlen = 1;
	v->msg[i].msg_len = 0;
}

/* Up to a batch of datagrams; a full batch means come back at once. */
int
session_esp_rx(struct session *s, int64_t now)
{
	struct session_vec *v = &s->vrx;
	unsigned i;
	int n, r;

	s->esp_rx_more = false;
	for (i = 0; i < SESSION_BATCH_PKTS; i++)
		session_vec_point(v, i, SESSION_ESP_SLOT_BYTES);
	n = recvmmsg(s->udp_fd, v->msg, SESSION_BATCH_PKTS, MSG_DONTWAIT,
	    NULL);
	if (n == -1) {
		if (errno == ECONNREFUSED)
			session_udp_refused(s);
		else if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR)	/* ICMP errors: DPD decides */
			log_debug("esp: recvmmsg: %s", strerror(errno));
		return SESSION_GO;
	}
	for (i = 0; i < (unsigned)n; i++) {
		r = session_esp_in(s, v->slot[i], v->msg[i].msg_len,
		    v->msg[i].msg_hdr.msg_flags, now);
		if (r != SESSION_GO || s->udp_fd == -1)
			return r;
	}
	s->esp_rx_more = n == SESSION_BATCH_PKTS;
	return SESSION_GO;
}

/* Send the encrypted vector; what the socket cannot take is lost. */
static void
session_esp_send(struct session *s, unsigned k)
{
	struct session_vec *v = &s->vtx;
	unsigned sent = 0, i;
	int n;

	while (sent < k) {
		n = sendmmsg(s->udp_fd, v->msg + sent, k - sent, MSG_DONTWAIT);
		if (n > 0) {
			for (i = sent; i < sent + (unsigned)n; i++) {
				s->st->esp_tx_pkts++;
				s->st->esp_tx_bytes += v->inner[i];
			}
			sent += (unsigned)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		s->st->udp_tx_drop += k - sent;
		if (n == -1 && errno == ECONNREFUSED)
			session_udp_refused(s);
		return;
	}
}

static void
session_esp_need_config(struct session *s)
{
	if (s->io->need_config != NULL)
		s->io->need_config(s->io->ctl_arg);
}

/* Read one packet from tun into slot k and encrypt it in place.
 * 1: ready, 0: dropped, -1: tun empty, -2: tun failed (exit 1). */
static int
session_esp_fill(struct session *s, unsigned k)
{
	struct session_vec *v = &s->vtx;
	size_t out;
	ssize_t n;

	n = read(s->io->tun_fd, v->slot[k] + ESP_HEADROOM,
	    SESSION_ESP_INNER_MAX + 1);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return -1;
	if (n <= 0) {
		log_err("tun read: %s", n == 0 ? "device closed" :
		    strerror(errno));
		return -2;
	}
	if ((size_t)n > SESSION_ESP_INNER_MAX) {
		session_esp_drop(s, SESSION_DROP_BIG, &s->st->esp_drop_big);
		return 0;
	}
	if (esp_encrypt(s->sa_out, v->slot[k], SESSION_ESP_SLOT_BYTES,
	    (size_t)n, &out) == -1) {
		session_count_drop(s, "esp: cannot encrypt a tun packet");
		if (esp_sa_exhausted(s->sa_out) && !s->xp.drop_esp) {
			log_warn("esp: outbound sequence numbers used up");
			s->xp.drop_esp = true;	/* HTTPS until new keys */
			s->esp_want_config = true;
		}
		return 0;
	}
	session_vec_point(v, k, out);
	v->inner[k] = (size_t)n;
	s->st->tx_pkts++;
	s->st->tx_bytes += (uint64_t)n;
	return 1;
}

/* Up to a batch of packets from tun, encrypted in place, one sendmmsg. */
int
session_esp_tx(struct session *s)
{
	unsigned i, k = 0;
	int r = 0;

	for (i = 0; i < SESSION_BATCH_PKTS; i++) {
		r = session_esp_fill(s, k);
		if (r < 0)
			break;
		k += (unsigned)r;
	}
	if (k > 0 && s->udp_fd != -1)
		session_esp_send(s, k);
	else if (k > 0)
		s->st->udp_tx_drop += k;	/* the reopen failed */
	return r == -2 ? 1 : SESSION_GO;
}

/*
 * Off ESP onto the HTTPS tunnel, then (need) NEED_CONFIG. Opening the
 * tunnel kills the session's ESP keys at the gateway (PROTOCOL.md §1): the
 * fresh keys must come from a getconfig made after it is up, or they are
 * dead on arrival. Until it is open the SAs are kept: if it does not
 * open, a reconnect probes ESP with them first.
 */
static int
session_esp_https(struct session *s, bool need)
{
	int r;

	session_esp_close_udp(s);
	r = session_https_now(s);
	if (r == SESSION_GO) {
		session_esp_free_sas(s);
		if (need)
			session_esp_need_config(s);
	}
	return r;
}

/* One action of the transport machine. */
static int
session_esp_act(struct session *s, enum xport_action a,
    enum xport_state was)
{
	bool need;

	switch (a) {
	case XPORT_SEND_PROBE:
		session_esp_probe(s);
		return SESSION_GO;
	case XPORT_OPEN_HTTPS:
		if (was == XPORT_PROBING && s->udp_fd != -1) {
			s->st->esp_fallbacks++;
			log_info("esp: no reply to %u probes in %d s; using "
			    "the HTTPS tunnel",
			    (unsigned)(uint16_t)(s->probe_seq - s->probe_first),
			    XPORT_PROBE_WINDOW_MS / 1000);
		} else if (was == XPORT_ESP)
			log_info("esp: leaving ESP for the HTTPS tunnel");
		need = s->esp_want_config;
		s->esp_want_config = false;
		return session_esp_https(s, need);
	case XPORT_STOP_PROBING:
		log_info("esp: no reply to the new keys' probes; staying on "
		    "the HTTPS tunnel");
		session_esp_close(s);
		return SESSION_GO;
	case XPORT_ESP_DEAD:
		s->st->esp_deaths++;
		log_warn("esp: nothing received for %d s; falling back to "
		    "the HTTPS tunnel", XPORT_DEAD_MS / 1000);
		return session_esp_https(s, true);
	case XPORT_GRACE_OVER:
		log_debug("esp: old inbound SA retired");
		esp_sa_free(s->sa_in_old);
		s->sa_in_old = NULL;
		return SESSION_GO;
	case XPORT_RECONNECT:
		log_warn("esp: no answer within %d s after the pause; "
		    "reconnecting", XPORT_SUSPECT_WAIT_MS / 1000);
		return SESSION_RECONNECT;
	default:
		return SESSION_GO;
	}
}

int
session_esp_timers(struct session *s, int64_t now)
{
	enum xport_action a;
	enum xport_state was;
	int r;

	for (;;) {
		was = s->xp.state;
		if ((a = xport_tick(&s->xp, now)) == XPORT_NONE)
			return SESSION_GO;
		if ((r = session_esp_act(s, a, was)) != SESSION_GO)
			return r;
	}
}

/* New SAs with ESP up: send with the new outbound SA at once, keep the
 * current inbound one for the grace window. */
static void
session_esp_swap(struct session *s, struct esp_sa *out, struct esp_sa *in)
{
	esp_sa_free(s->sa_out);
	esp_sa_free(s->sa_in_old);
	s->sa_out = out;
	s->sa_in_old = s->sa_in;
	s->sa_in = in;
	if (s->udp_port != s->io->cfg->esp.udp_port)
		(void)session_udp_open(s);
}

static void
session_esp_log_rekey(const struct session *s, bool esp)
{
	if (esp && s->xp.state == XPORT_ESP)
		log_info("esp: new SAs (SPI out 0x%08" PRIx32 ", in 0x%08"
		    PRIx32 "); the old inbound one stays for %d s",
		    esp_sa_spi(s->sa_out), esp_sa_spi(s->sa_in),
		    XPORT_GRACE_MS / 1000);
	else if (esp)
		log_info("esp: new keys; probing the gateway");
	else
		log_info("rekey: no usable ESP in the new configuration");
}

/* ctl.c installed a new CONFIG: new SAs, and probing if ESP was off.
 * Without usable ESP in it, a running ESP hands over to HTTPS (through
 * the transport machine). */
void
session_esp_check_rekey(struct session *s, int64_t now)
{
	struct esp_sa *out = NULL, *in = NULL;
	bool esp;

	if (s->io->cfg_gen == NULL || *s->io->cfg_gen == s->gen)
		return;
	s->gen = *s->io->cfg_gen;
	s->st->rekeys++;
	esp = session_esp_wanted(s) && session_esp_new_sas(s, &out, &in);
	if (esp && s->xp.state == XPORT_ESP)
		session_esp_swap(s, out, in);
	else if (esp) {
		session_esp_free_sas(s);
		s->sa_out = out;
		s->sa_in = in;
		if (s->udp_fd == -1 || s->udp_port != s->io->cfg->esp.udp_port)
			esp = session_udp_open(s);
	}
	if (!esp && s->xp.state != XPORT_ESP)
		session_esp_close(s);
	if (esp)
		s->st->sa_since_ms = now;
	session_esp_log_rekey(s, esp);
	xport_rekey(&s->xp, now, esp);
}
