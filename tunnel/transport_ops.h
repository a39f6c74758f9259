/* SPDX-License-Identifier: ISC */
/*
 * The one interface between gp-tunnel's packet loop (session*.c) and a
 * transport that carries the tunnel (ESP in session_esp*.c, the HTTPS
 * tunnel in session_https.c): an ops table the loop drives, and the
 * environment a transport may use of the loop. Runs in [net]; what a
 * transport reads from the network is untrusted and stays inside it.
 */
#ifndef GPVPN_TUNNEL_TRANSPORT_OPS_H
#define GPVPN_TUNNEL_TRANSPORT_OPS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session_io;
struct tunnel_stats;

/* Step results besides the exit statuses 0, 1 and 2. */
#define SESSION_GO		(-1)
#define SESSION_RECONNECT	(-2)
/* From open: this transport cannot be used now (it said why). */
#define SESSION_UNUSABLE	(-3)

enum transport_open {
	TRANSPORT_OPEN_NEW = 0,	/* at start: fresh keys; failure is fatal */
	TRANSPORT_OPEN_AGAIN	/* a reconnect or a fallback: keys held */
};

enum transport_close {
	TRANSPORT_CLOSE_KEEP = 0,	/* sockets only; keys kept to retry */
	TRANSPORT_CLOSE_HANDOVER,	/* another transport carries now */
	TRANSPORT_CLOSE_ALL		/* everything but the object */
};

enum transport_state {
	TRANSPORT_CLOSED = 0,	/* no socket */
	TRANSPORT_OPEN,		/* a socket, but no room for tun packets */
	TRANSPORT_READY		/* can take a batch from tun now */
};

/* What the loop tells a transport besides I/O. Each returns SESSION_GO
 * unless said otherwise. */
enum transport_ctl {
	TRANSPORT_CTL_PROBE = 0,	/* a probe or DPD ping now */
	TRANSPORT_CTL_GRACE_OVER,	/* retire the old inbound keys */
	TRANSPORT_CTL_SUSPECT,		/* a pause: check the peer at once */
	/* Take a new CONFIG if one came: -1 none came, 0 it has no usable
	 * keys for this transport, 1 new keys. _LIVE: this transport
	 * carries the tunnel now. */
	TRANSPORT_CTL_REKEY,
	TRANSPORT_CTL_REKEY_LIVE
};

/* What a transport reports to the loop (transport_env.event). */
enum transport_event {
	/* A datagram passed the checks: 1 when this brought the transport
	 * up just now (a probe reply while probing), else 0. */
	TRANSPORT_EV_RX = 0,
	TRANSPORT_EV_RX_REPLY,
	TRANSPORT_EV_UP,	/* now carrying: close the others, set MTU */
	TRANSPORT_EV_EXHAUSTED	/* cannot send any more: new keys wanted */
};

/*
 * The loop as a transport sees it: read-only resources, the counters,
 * and three calls back. Nothing else of the loop is reachable.
 */
struct transport_env {
	const struct session_io	*io;	/* cfg, tun_fd, flags */
	struct tunnel_stats	*st;
	/* A packet from the gateway to tun: SESSION_GO, or 1 (tun died). */
	int	(*tun_write)(struct transport_env *env, const uint8_t *p,
		    size_t len);
	/* A bad frame: counted, logged rate-limited. */
	void	(*drop)(struct transport_env *env, const char *why);
	int	(*event)(struct transport_env *env, enum transport_event ev,
		    int64_t now);
};

/*
 * A transport. The loop calls, each turn: ctl (rekey), timers, pollfds,
 * poll(), rx, tx. Packets from tun are pulled by tx (so a transport can
 * read them straight into its own buffers, or in GSO batches).
 */
struct transport_ops {
	const char	*name;
	/* SESSION_GO (up, or probing), SESSION_UNUSABLE, SESSION_RECONNECT
	 * or an exit status (0 stopped, 1 error, 2 cookie rejected). */
	int	(*open)(void *t, enum transport_open how, int64_t now);
	/* Fill n entries (fd -1 when nothing to wait for); returns n. */
	size_t	(*pollfds)(void *t, struct pollfd *pfd, size_t n);
	/* After poll(), with the entries pollfds filled. */
	int	(*rx)(void *t, const struct pollfd *pfd, int64_t now);
	/* tun: tun is readable and this transport carries the tunnel, so
	 * take a batch; either way send what is queued. */
	int	(*tx)(void *t, int64_t now, bool tun);
	/* Keepalives and dead-peer limits; *next: when to be called again
	 * (now: at once; INT64_MAX: never). */
	int	(*timers)(void *t, int64_t now, int64_t *next);
	int	(*ctl)(void *t, enum transport_ctl c, int64_t now);
	enum transport_state (*state)(const void *t);
	/* The tunnel MTU this transport allows (PROTOCOL.md §10). */
	unsigned (*mtu)(const void *t);
	void	(*close)(void *t, enum transport_close how);
	void	(*free)(void *t);
};

/* How many pollfd entries a transport may use. */
#define TRANSPORT_POLL_FDS	1

#endif
