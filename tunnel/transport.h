/* SPDX-License-Identifier: ISC */
/*
 * Which transport carries the tunnel (PROTOCOL.md §7.8, §9): ESP probing,
 * ESP up with DPD, or the HTTPS tunnel, as a pure state machine driven by
 * the caller's clock, plus the sanity check of decrypted inner packets.
 * Used by gp-tunnel's packet loop; the packets it checks are untrusted.
 */
#ifndef GPVPN_TUNNEL_TRANSPORT_H
#define GPVPN_TUNNEL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XPORT_PROBE_INTERVAL_MS	1000	/* a probe per second */
#define XPORT_PROBE_WINDOW_MS	5000	/* no reply by then: HTTPS */
#define XPORT_DPD_MS		10000	/* silence before a DPD ping */
#define XPORT_DPD_RETRY_MS	5000	/* DPD pings while outstanding */
#define XPORT_DEAD_MS		20000	/* silence that kills ESP */
#define XPORT_GRACE_MS		10000	/* old inbound SA after a rekey */
/* After a pause (suspend, SIGSTOP) ESP is suspect: a ping at once and
 * every second; no answer within this and the caller reconnects. */
#define XPORT_SUSPECT_WAIT_MS	5000
#define XPORT_SUSPECT_PING_MS	1000

enum xport_state {
	XPORT_PROBING = 0,	/* ESP probes out, no transport yet */
	XPORT_ESP,		/* ESP carries the tunnel */
	XPORT_HTTPS,		/* HTTPS carries it (maybe probing ESP too) */
	XPORT_DOWN		/* nothing does: the caller reconnects */
};

enum xport_action {
	XPORT_NONE = 0,
	XPORT_SEND_PROBE,	/* send a magic ping now */
	XPORT_OPEN_HTTPS,	/* probing failed at start: open HTTPS */
	XPORT_STOP_PROBING,	/* on HTTPS, the new keys got no reply */
	XPORT_ESP_DEAD,		/* DPD timed out: HTTPS at once */
	XPORT_GRACE_OVER,	/* free the old inbound SA */
	XPORT_RECONNECT,	/* suspect ESP did not answer: reconnect */
	XPORT_ACTIONS
};

struct xport {
	enum xport_state state;
	bool		 probing;	/* probes going out */
	bool		 dpd_out;	/* a DPD ping is unanswered */
	bool		 grace;		/* an old inbound SA is kept */
	bool		 drop_esp;	/* ESP up but the new config has none */
	bool		 suspect;	/* a pause: pinged, no answer yet */
	int64_t		 probe_end;	/* end of the probe window */
	int64_t		 next_probe;	/* probe or DPD ping */
	int64_t		 last_rx;	/* last good ESP packet */
	int64_t		 grace_end;
	int64_t		 suspect_end;
};

/* esp: the config has usable ESP and --no-esp is not given. */
void	xport_init(struct xport *x, int64_t now, bool esp);
/* Call until XPORT_NONE; each action is returned once. */
enum xport_action xport_tick(struct xport *x, int64_t now);
/* The next time xport_tick has something to do (INT64_MAX: never). */
int64_t	xport_next(const struct xport *x);
/* A datagram passed esp_decrypt. True when a probe reply brought ESP up
 * just now (the caller closes HTTPS and switches the MTU). */
bool	xport_esp_rx(struct xport *x, int64_t now, bool probe_reply);
/* The HTTPS tunnel is open and carries the traffic. */
void	xport_https_up(struct xport *x);
/* The process or the system was paused: if ESP carries the tunnel, ping
 * the gateway now; XPORT_RECONNECT if nothing valid comes back within
 * XPORT_SUSPECT_WAIT_MS. */
void	xport_suspect(struct xport *x, int64_t now);
/* The transport is lost; nothing happens until xport_init. */
void	xport_down(struct xport *x);
/* A new CONFIG: new SAs are installed (esp) or ESP is gone (!esp). */
void	xport_rekey(struct xport *x, int64_t now, bool esp);
const char *xport_name(const struct xport *x);

/* A decrypted inner packet is a whole IPv4 or IPv6 packet: version nibble,
 * header and length fields consistent with len. */
bool	xport_inner_ok(const uint8_t *pkt, size_t len);

#endif
