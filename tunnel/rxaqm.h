/* SPDX-License-Identifier: ISC */
/*
 * An AQM on the ESP receive socket, in gp-tunnel [net]: CoDel (RFC 8289)
 * decides from how long each datagram waited in the socket (the kernel's
 * receive timestamp against the time it was read) whether it is dropped
 * or CE-marked, so a download cannot keep a standing queue in the large
 * receive buffer. Pure: time is passed in. The cmsg is the kernel's.
 */
#ifndef GPVPN_TUNNEL_RXAQM_H
#define GPVPN_TUNNEL_RXAQM_H

#include <sys/socket.h>

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* RFC 8289 §4.2-4.3 defaults. A queue that stays above the target for a
 * whole interval is a standing queue, not a burst: 100 ms is about the
 * round trip of the Internet paths a VPN carries, and 5 ms is 5 % of it,
 * which keeps a TCP flow at full rate (§4.4). */
#define RXAQM_TARGET_NS		(5 * 1000000LL)
#define RXAQM_INTERVAL_NS	(100 * 1000000LL)
/* A sojourn out of [0, 10 s] means the wall clock was stepped between
 * the kernel's stamp and our read: no evidence, so no decision. (The
 * receive buffer drains in well under a second.) */
#define RXAQM_SOJOURN_MAX_NS	(10 * 1000000000LL)
/* After a pause this much longer than an interval, the last drop rate
 * is stale and the count starts again at 1 (RFC 8289 §5.6, as Linux). */
#define RXAQM_MEMORY_NS		(16 * RXAQM_INTERVAL_NS)
/* The control buffer for one SCM_TIMESTAMPNS cmsg. */
#define RXAQM_CTL_BYTES		CMSG_SPACE(sizeof(struct timespec))
/* The test hook that leaves the AQM off (logged when honoured). */
#define RXAQM_OFF_ENV		"GPVPN_TEST_NO_RX_AQM"

struct rxaqm {
	int64_t		first_above_ns;	/* 0: below target */
	int64_t		drop_next_ns;	/* next drop while dropping */
	uint32_t	count;		/* drops in this dropping state */
	uint32_t	lastcount;	/* count when it last started */
	bool		dropping;
};

void	rxaqm_init(struct rxaqm *q);
/* One datagram that waited sojourn_ns in the socket, read at now_ns (a
 * monotonic time > 0): true if CoDel drops (or marks) it. A sojourn out
 * of [0, RXAQM_SOJOURN_MAX_NS] changes nothing and is never a drop. */
bool	rxaqm_should_drop(struct rxaqm *q, int64_t sojourn_ns, int64_t now_ns);
/* The kernel's receive time (SCM_TIMESTAMPNS, CLOCK_REALTIME ns) from a
 * received message's control data; -1 if there is none or it is not a
 * sane one. */
int64_t	rxaqm_stamp(struct msghdr *m);
/* The time a datagram stamped stamp_ns waited, read at real_ns; -1 (no
 * decision) without a stamp. */
int64_t	rxaqm_sojourn(int64_t stamp_ns, int64_t real_ns);

#endif
