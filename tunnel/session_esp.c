/* SPDX-License-Identifier: ISC */
/*
 * The ESP transport of gp-tunnel's loop (see session_esp.h): the UDP
 * socket, the SAs and their rekey grace window, and its ops table; the
 * datagrams themselves go through session_espio.c. Runs in [net]; its
 * keys come from a validated CONFIG, its datagrams are untrusted.
 */
#define _GNU_SOURCE	/* struct mmsghdr in session_esp_int.h */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/mtu.h"
#include "tunnel/espgro.h"
#include "tunnel/espgso.h"
#include "tunnel/session.h"
#include "tunnel/session_esp_int.h"
#include "tunnel/transport.h"
#include "tunnel/tun.h"
#include "tunnel/udp.h"

static const char *
session_esp_drop_name(unsigned why)
{
	switch (why) {
	case SESSION_ESP_DROP_INNER:
		return "not a sane IP packet inside";
	case SESSION_ESP_DROP_BIG:
		return "too large";
	case SESSION_ESP_DROP_EARLY:
		return "data before the tun device is up";
	default:
		return esp_drop_name((enum esp_drop)why);
	}
}

/* Counted always; logged on the 1st, 2nd, 4th, 8th... of each reason,
 * so a flood of bad datagrams cannot fill the disk. */
void
session_esp_drop(struct session_esp *x, unsigned why, uint64_t *counter)
{
	uint64_t n;

	(*counter)++;
	n = ++x->drop_logged[why];
	if ((n & (n - 1)) == 0)
		log_info("esp: dropped a datagram: %s (%" PRIu64 " so far)",
		    session_esp_drop_name(why), n);
}

/* Why ESP cannot be used with the live config; NULL: it can. */
static const char *
session_esp_unusable(const struct session_esp *x)
{
	return espstart_unusable(x->env->io->cfg, x->env->io->no_esp);
}

static void
session_esp_free_sas(struct session_esp *x)
{
	esp_sa_free(x->sa_out);
	esp_sa_free(x->sa_in);
	esp_sa_free(x->sa_in_old);
	x->sa_out = x->sa_in = x->sa_in_old = NULL;
}

static void
session_esp_close_udp(struct session_esp *x)
{
	if (x->udp_fd != -1)
		close(x->udp_fd);
	x->udp_fd = -1;
	x->rx_more = false;
	x->gro = x->gso = x->aqm = false;
}

/* KEEP: the socket only; else the SAs too. */
static void
session_esp_close(void *t, enum transport_close how)
{
	struct session_esp *x = t;

	session_esp_close_udp(x);
	if (how != TRANSPORT_CLOSE_KEEP)
		session_esp_free_sas(x);
}

/* The socket to the config's port, open: its receive options. */
static void
session_esp_udp_take(struct session_esp *x, int fd)
{
	x->rx_more = false;
	x->udp_fd = fd;
	x->udp_port = x->env->io->cfg->esp.udp_port;
	x->gro = espgro_enable(x->udp_fd);
	x->gso = espgso_wanted();
	x->aqm = udp_rxstamp(x->udp_fd);
	rxaqm_init(&x->codel);	/* a new socket, an empty queue */
}

/* (Re)open the socket to the config's port. */
bool
session_esp_udp_open(struct session_esp *x)
{
	const struct gp_config *c = x->env->io->cfg;
	struct gp_err e = { "" };
	int fd;

	if (x->udp_fd != -1)
		close(x->udp_fd);
	x->udp_fd = -1;
	if ((fd = udp_open(&c->gw_addr, c->esp.udp_port, &e)) == -1) {
		log_warnx("%s", e.msg);
		return false;
	}
	session_esp_udp_take(x, fd);
	return true;
}

/*
 * The socket, SAs and probes [priv] started ESP with (espstart.h), for
 * the first CONFIG, which is still the live one; false: none. The SAs
 * go on from the sequence number the first probe used.
 */
static bool
session_esp_adopt(struct session_esp *x)
{
	struct espstart *s = x->env->io->esp_start;

	if (s == NULL || s->udp_fd == -1)
		return false;
	x->sa_out = s->sa_out;
	x->sa_in = s->sa_in;
	x->probe_seq = s->probe_seq;
	x->env->st->probes_tx += s->probes;
	session_esp_udp_take(x, s->udp_fd);
	s->udp_fd = -1;
	s->sa_out = s->sa_in = NULL;
	log_debug("esp: %u probe(s) already sent by [priv]", s->probes);
	return true;
}

/* ICMP port unreachable came back (§7.8 item 5). */
void
session_esp_refused(struct session_esp *x)
{
	x->env->st->udp_reopens++;
	log_debug("esp: connection refused; reopening the UDP socket");
	(void)session_esp_udp_open(x);
}

/* Both SAs of the live config, or false (and none). */
static bool
session_esp_new_sas(struct session_esp *x, struct esp_sa **out,
    struct esp_sa **in)
{
	struct gp_err e = { "" };

	*in = NULL;
	*out = esp_sa_new(&x->env->io->cfg->esp, 1, &e);
	if (*out != NULL)
		*in = esp_sa_new(&x->env->io->cfg->esp, 0, &e);
	if (*in == NULL) {
		log_warnx("esp: %s", e.msg);
		esp_sa_free(*out);
		*out = NULL;
		return false;
	}
	return true;
}

/* SAs and socket for probing; false: ESP is not possible. */
static bool
session_esp_setup(struct session_esp *x)
{
	const char *why;

	session_esp_close(x, TRANSPORT_CLOSE_ALL);
	if ((why = session_esp_unusable(x)) != NULL) {
		log_info("esp: not used: %s", why);
		return false;
	}
	if (!session_esp_adopt(x) &&
	    (!session_esp_new_sas(x, &x->sa_out, &x->sa_in) ||
	    !session_esp_udp_open(x))) {
		session_esp_close(x, TRANSPORT_CLOSE_ALL);
		return false;
	}
	x->env->st->sa_since_ms = clock_now_ms();
	log_info("esp: probing the gateway on UDP port %u",
	    (unsigned)x->udp_port);
	return true;
}

/*
 * The SAs keep their sequence numbers and replay window: the gateway's
 * keys die only when an HTTPS tunnel opens, so they are still good. The
 * socket is new, since the old one may be bound to an address the host
 * lost when the network moved.
 */
static bool
session_esp_retry(struct session_esp *x)
{
	const char *why = session_esp_unusable(x);

	if (why == NULL && (x->sa_out == NULL || x->sa_in == NULL))
		why = "no keys left (an HTTPS tunnel has killed them)";
	else if (why == NULL && esp_sa_exhausted(x->sa_out))
		why = "outbound sequence numbers used up";
	if (why != NULL) {
		log_debug("esp: not probed: %s", why);
		session_esp_close(x, TRANSPORT_CLOSE_ALL);
		return false;
	}
	if (!session_esp_udp_open(x))
		return false;
	log_info("reconnect: probing ESP on UDP port %u",
	    (unsigned)x->udp_port);
	return true;
}

static int
session_esp_open(void *t, enum transport_open how, int64_t now)
{
	struct session_esp *x = t;
	bool ok;

	(void)now;
	ok = how == TRANSPORT_OPEN_NEW ? session_esp_setup(x) :
	    session_esp_retry(x);
	return ok ? SESSION_GO : SESSION_UNUSABLE;
}

static unsigned
session_esp_mtu(const void *t)
{
	const struct session_esp *x = t;
	const struct gp_config *c = x->env->io->cfg;
	unsigned base = 0;

	if (x->udp_fd != -1)
		base = udp_path_mtu(x->udp_fd, &c->gw_addr);
	return mtu_esp(base, c->gw_addr.family == CFG_AF_INET6, c->esp.mac);
}

/* New SAs with ESP up: send with the new outbound SA at once, keep the
 * current inbound one for the grace window. */
static void
session_esp_swap(struct session_esp *x, struct esp_sa *out,
    struct esp_sa *in)
{
	esp_sa_free(x->sa_out);
	esp_sa_free(x->sa_in_old);
	x->sa_out = out;
	x->sa_in_old = x->sa_in;
	x->sa_in = in;
	if (x->udp_port != x->env->io->cfg->esp.udp_port)
		(void)session_esp_udp_open(x);
}

static void
session_esp_log_rekey(const struct session_esp *x, bool esp, bool live)
{
	if (esp && live)
		log_info("esp: new SAs (SPI out 0x%08" PRIx32 ", in 0x%08"
		    PRIx32 "); the old inbound one stays for %d s",
		    esp_sa_spi(x->sa_out), esp_sa_spi(x->sa_in),
		    XPORT_GRACE_MS / 1000);
	else if (esp)
		log_info("esp: new keys; probing the gateway");
	else
		log_info("rekey: no usable ESP in the new configuration");
}

/* ctl.c installed a new CONFIG: new SAs, a new socket if ESP was off.
 * live: ESP carries the tunnel. -1: no new CONFIG; 0: no usable ESP in
 * it; 1: new keys. */
static int
session_esp_rekey(struct session_esp *x, bool live, int64_t now)
{
	const struct session_io *io = x->env->io;
	struct esp_sa *out = NULL, *in = NULL;
	bool esp;

	if (io->cfg_gen == NULL || *io->cfg_gen == x->gen)
		return -1;
	x->gen = *io->cfg_gen;
	x->env->st->rekeys++;
	esp = session_esp_unusable(x) == NULL &&
	    session_esp_new_sas(x, &out, &in);
	if (esp && live)
		session_esp_swap(x, out, in);
	else if (esp) {
		session_esp_free_sas(x);
		x->sa_out = out;
		x->sa_in = in;
		if (x->udp_fd == -1 || x->udp_port != io->cfg->esp.udp_port)
			esp = session_esp_udp_open(x);
	}
	if (!esp && !live)
		session_esp_close(x, TRANSPORT_CLOSE_ALL);
	if (esp)
		x->env->st->sa_since_ms = now;
	session_esp_log_rekey(x, esp, live);
	return esp ? 1 : 0;
}

static int
session_esp_ctl(void *t, enum transport_ctl c, int64_t now)
{
	struct session_esp *x = t;

	switch (c) {
	case TRANSPORT_CTL_PROBE:
		session_espio_probe(x);
		return SESSION_GO;
	case TRANSPORT_CTL_GRACE_OVER:
		log_debug("esp: old inbound SA retired");
		esp_sa_free(x->sa_in_old);
		x->sa_in_old = NULL;
		return SESSION_GO;
	case TRANSPORT_CTL_REKEY:
		return session_esp_rekey(x, false, now);
	case TRANSPORT_CTL_REKEY_LIVE:
		return session_esp_rekey(x, true, now);
	default:
		return SESSION_GO;	/* a pause: the machine pings */
	}
}

static size_t
session_esp_pollfds(void *t, struct pollfd *pfd, size_t n)
{
	struct session_esp *x = t;

	pfd[0].fd = x->udp_fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	return n;
}

/* Probes and DPD are the transport machine's; only a full batch of
 * datagrams asks to come back at once. */
static int
session_esp_timers(void *t, int64_t now, int64_t *next)
{
	const struct session_esp *x = t;

	*next = x->rx_more ? now : INT64_MAX;
	return SESSION_GO;
}

static enum transport_state
session_esp_state(const void *t)
{
	const struct session_esp *x = t;

	if (x->udp_fd == -1)
		return TRANSPORT_CLOSED;
	return x->sa_out != NULL ? TRANSPORT_READY : TRANSPORT_OPEN;
}

void *
session_esp_new(struct transport_env *env)
{
	struct session_esp *x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->env = env;
	x->udp_fd = -1;
	x->gen = env->io->cfg_gen != NULL ? *env->io->cfg_gen : 0;
	coal_init(&x->coal, tun_uso());
	return x;
}

static void
session_esp_free(void *t)
{
	struct session_esp *x = t;

	if (x == NULL)
		return;
	session_esp_close(x, TRANSPORT_CLOSE_ALL);
	explicit_bzero(x, sizeof(*x));
	free(x);
}

const struct transport_ops session_esp_ops = {
	.name = "esp",
	.open = session_esp_open,
	.pollfds = session_esp_pollfds,
	.rx = session_espio_rx,
	.tx = session_espio_tx,
	.timers = session_esp_timers,
	.ctl = session_esp_ctl,
	.state = session_esp_state,
	.mtu = session_esp_mtu,
	.close = session_esp_close,
	.free = session_esp_free,
};
