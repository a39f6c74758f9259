/* SPDX-License-Identifier: ISC */
/*
 * The messages between gp-tunnel [priv] and [net] over their
 * SOCK_SEQPACKET socketpair: a fixed set of typed messages, a codec on
 * the checked buffer, and the permission table of which message may
 * arrive in which state. [priv] treats every message from [net] as
 * untrusted (it may be owned by an attacker).
 */
#ifndef GPVPN_TUNNEL_PRIVSEP_H
#define GPVPN_TUNNEL_PRIVSEP_H

#include <sys/types.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/buf.h"
#include "ipc/err.h"
#include "ipc/frame.h"

#define PRIVSEP_MAGIC		0x47505053U	/* "GPPS" */
#define PRIVSEP_HDR_BYTES	12	/* magic u32, type u8, 0 u8, 0 u16,
					 * body length u32 */
#define PRIVSEP_MAX_BODY_BYTES	FRAME_MAX_BODY_BYTES
#define PRIVSEP_MAX_BYTES	(PRIVSEP_HDR_BYTES + PRIVSEP_MAX_BODY_BYTES)
/* [net] answers STOP within this; it may be inside an HTTPS connect
 * (HTTPS_CONNECT_TIMEOUT_MS, 15 s), where it reads no message. */
#define PRIVSEP_STOP_WAIT_MS	20000
/* [net] waits this long for RETRY: [priv] runs attempt-reconnect, which
 * may take SCRIPT_TIMEOUT_MS (30 s) and as long again to be killed. */
#define PRIVSEP_RETRY_WAIT_MS	65000

enum privsep_type {
	/* [net] -> [priv] */
	PS_TRANSPORT_UP = 1,	/* u32 mtu: run the connect script */
	PS_SET_MTU = 2,		/* u32 mtu: the transport changed */
	PS_NEED_CONFIG = 3,	/* empty: ESP died, ask gp-auth */
	PS_EXIT = 4,		/* u8 status 0..2: [net] is done */
	/* [priv] -> [net] */
	PS_GO = 5,		/* empty: connected, start moving packets */
	PS_CONFIG = 6,		/* a CONFIG frame body: rekey */
	PS_STATS = 7,		/* empty: log the counters (SIGUSR1) */
	PS_STOP = 8,		/* empty: stop, answer with EXIT */
	/* [net] -> [priv]: the network moved (issue 9) */
	PS_RECONNECTING = 9,	/* empty: transport lost, an attempt is
				 * next: run attempt-reconnect */
	PS_RECONNECTED = 10,	/* empty: it is back: run reconnect */
	/* [priv] -> [net] */
	PS_RETRY = 11,		/* empty: attempt-reconnect done, try */
	/* [net] -> [priv]: for --status-fd (issue 12) */
	PS_REPORT = 12,		/* struct privsep_report, fixed size */
	PS_TYPES = 13
};

/* REPORT: what only [net] knows, for [priv]'s status lines. No secret:
 * a transport, an age and counters. */
enum privsep_xport { PS_XPORT_NONE = 0, PS_XPORT_ESP, PS_XPORT_HTTPS,
	PS_XPORTS };
enum privsep_why {
	PS_WHY_TRANSPORT = 0,	/* the transport changed */
	PS_WHY_ASKED,		/* the answer to STATS (SIGUSR1) */
	PS_WHY_REKEY,		/* a rekey was installed */
	PS_WHY_FINAL,		/* the loop ended; EXIT is next */
	PS_WHYS
};
#define PRIVSEP_REPORT_BYTES	88	/* u8 u8 u16 u32, 10 x u64 */
#define PRIVSEP_SA_NONE		UINT32_MAX
struct privsep_report {
	uint8_t		xport;		/* enum privsep_xport */
	uint8_t		why;		/* enum privsep_why */
	uint32_t	sa_age_s;	/* PRIVSEP_SA_NONE: no ESP SA */
	uint64_t	tx_pkts, tx_bytes, rx_pkts, rx_bytes;
	uint64_t	drops;		/* every drop counter, summed */
	uint64_t	reconnects, rekeys, esp_fallbacks;
	uint64_t	aqm_drops, aqm_marks;	/* the receive AQM's */
};

/* The states of the receiving side. */
enum privsep_state {
	PS_ST_STARTING = 0,	/* [priv]: before TRANSPORT_UP;
				 * [net]: before GO */
	PS_ST_RUNNING = 1,	/* connect ran; packets move */
	PS_ST_STOPPING = 2,	/* STOP sent, waiting for EXIT */
	PS_ST_RECONNECTING = 3,	/* after RECONNECTING, until RECONNECTED */
	PS_STATES = 4
};

struct privsep_msg {
	uint8_t		type;		/* enum privsep_type */
	unsigned	mtu;		/* TRANSPORT_UP, SET_MTU */
	int		status;		/* EXIT */
	struct privsep_report rep;	/* REPORT */
	struct buf	body;		/* CONFIG: a view into the input */
};

/* Pure. Encode one message (body: CONFIG only) into out, which holds
 * at least PRIVSEP_MAX_BYTES (buf_init). 0 or -1. */
int	privsep_encode(const struct privsep_msg *m, struct buf *out,
	    struct gp_err *e);
/* Pure. Decode one whole message of len bytes; every field checked
 * (MTU range, status range, body lengths). m->body views p. */
int	privsep_decode(const uint8_t *p, size_t len, struct privsep_msg *m,
	    struct gp_err *e);
/* The permission table: may [priv] (to_priv) or [net] receive type in
 * state? */
bool	privsep_allowed(bool to_priv, enum privsep_state st, uint8_t type);
const char *privsep_type_name(uint8_t type);
/* privsep_report.c: REPORT's body. get checks every field. 0 or -1. */
int	privsep_report_put(struct buf *out, const struct privsep_report *r);
int	privsep_report_get(struct buf *in, struct privsep_report *r,
	    struct gp_err *e);
const char *privsep_xport_name(uint8_t xport);

/* I/O on the socketpair. send: 0 or -1. recv: 1 with a message (its body
 * views buf, which holds PRIVSEP_MAX_BYTES + 1), 0 on EOF, -1 on error
 * (errno EAGAIN: nothing yet, EINTR: a signal). */
int	privsep_send(int fd, const struct privsep_msg *m, struct gp_err *e);
int	privsep_send_type(int fd, uint8_t type, struct gp_err *e);
int	privsep_recv(int fd, uint8_t *buf, struct privsep_msg *m,
	    struct gp_err *e);

/*
 * The two roles (DESIGN.md §1, SECURITY.md). main() acquires everything
 * while it is root, forks, and each side takes its half. Both own what
 * they are given.
 */
struct gp_config;
struct https_ctx;
struct tunnel_policy;

struct privsep_net {
	struct gp_config	*cfg;
	struct https_ctx	*https;	/* TLS context with the pin */
	const char		*user;	/* --setuid */
	bool			 no_esp;
	bool			 no_ipv6;	/* --disable-ipv6 */
	int			 tun_fd, ps_fd, log_fd;
	/* ESP as [priv] started it (espstart.h): [net] keeps its socket. */
	struct espstart		*esp_start;
	/* sandbox_enter() with [net]'s policy (gp_tunnel.c). */
	void			(*enter)(const struct privsep_net *n);
};

struct privsep_priv {
	const char		*script;	/* trusted: the command line */
	struct gp_config	*cfg;		/* the validated first CONFIG */
	const struct tunnel_policy *pol;
	/* --disable-ipv6: no IPv6 for the script, no floor, no check. */
	bool			 no_ipv6;
	char			 ifname[16];	/* IFNAMSIZ */
	int			 ctl_fd, ps_fd, log_fd, tun_fd;
	int			 status_fd;	/* --status-fd, or -1 */
	int			 rec_fd;	/* recfile.h, locked; -1 */
	bool			 on_behalf;	/* caller.c: not root */
	pid_t			 net_pid;
	volatile sig_atomic_t	*stop;		/* SIGINT, SIGTERM, SIGHUP */
	volatile sig_atomic_t	*usr1;		/* SIGUSR1: counters */
	/* sandbox_enter() with [priv]'s policy (gp_tunnel.c). */
	void			(*enter)(const struct privsep_priv *p);
};

/* tunnel/net.c: sandbox, transport, packets; never returns. */
void	net_main(struct privsep_net *n) __attribute__((noreturn));
/* "gp-tunnel [net]": the thread name and, when main() gave it, the
 * argv area that ps shows. */
void	privsep_title_init(int argc, char **argv);
void	privsep_set_title(const char *title);

#endif
