/* SPDX-License-Identifier: ISC */
/*
 * CoDel on the ESP receive socket (see rxaqm.h): RFC 8289's state
 * machine, one call per datagram, and the kernel's receive timestamp
 * from a cmsg. Runs in [net]; the cmsg comes from the kernel, and is
 * still checked as strictly as espgro_segsize checks its own.
 */
#include <sys/socket.h>

#include <string.h>
#include <time.h>

#include "tunnel/rxaqm.h"

#define RXAQM_NS_PER_S	1000000000LL

void
rxaqm_init(struct rxaqm *q)
{
	memset(q, 0, sizeof(*q));
}

/* floor(sqrt(n)), bit by bit: only on a drop, so speed does not matter,
 * and no libm nor floating point in [net]. */
static uint64_t
rxaqm_isqrt(uint64_t n)
{
	uint64_t r = 0, bit = (uint64_t)1 << 62;

	while (bit > n)
		bit >>= 2;
	while (bit != 0) {
		if (n >= r + bit) {
			n -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
		bit >>= 2;
	}
	return r;
}

/* RFC 8289 §5.5: t + interval / sqrt(count), in fixed point: count <<
 * 30 has the root sqrt(count) << 15, and fits 62 bits for any count. */
static int64_t
rxaqm_control_law(int64_t t, uint32_t count)
{
	uint64_t root = rxaqm_isqrt((uint64_t)(count == 0 ? 1 : count) << 30);

	return t + (int64_t)(((uint64_t)RXAQM_INTERVAL_NS << 15) / root);
}

/* RFC 8289's dodequeue: has the sojourn stayed above the target for an
 * interval? (Without its "more than one MTU queued" test: the socket's
 * backlog is not known here, and a datagram that waited past the target
 * was behind others, since [net] reads in batches.) */
static bool
rxaqm_ok_to_drop(struct rxaqm *q, int64_t sojourn_ns, int64_t now_ns)
{
	if (sojourn_ns < RXAQM_TARGET_NS) {
		q->first_above_ns = 0;
		return false;
	}
	if (q->first_above_ns == 0) {
		q->first_above_ns = now_ns + RXAQM_INTERVAL_NS;
		return false;
	}
	return now_ns >= q->first_above_ns;
}

/* Enter the dropping state with this drop. A standing queue back soon
 * after the last one left resumes near the drop rate that controlled
 * it (RFC 8289 §5.6, the Linux variant). */
static void
rxaqm_start(struct rxaqm *q, int64_t now_ns)
{
	uint32_t delta = q->count - q->lastcount;

	q->dropping = true;
	q->count = 1;
	if (delta > 1 && now_ns - q->drop_next_ns < RXAQM_MEMORY_NS)
		q->count = delta;
	q->drop_next_ns = rxaqm_control_law(now_ns, q->count);
	q->lastcount = q->count;
}

bool
rxaqm_should_drop(struct rxaqm *q, int64_t sojourn_ns, int64_t now_ns)
{
	bool ok;

	if (sojourn_ns < 0 || sojourn_ns > RXAQM_SOJOURN_MAX_NS)
		return false;
	ok = rxaqm_ok_to_drop(q, sojourn_ns, now_ns);
	if (q->dropping) {
		if (!ok) {
			q->dropping = false;
			return false;
		}
		if (now_ns < q->drop_next_ns)
			return false;
		q->count++;
		q->drop_next_ns = rxaqm_control_law(q->drop_next_ns, q->count);
		return true;
	}
	if (!ok)
		return false;
	rxaqm_start(q, now_ns);
	return true;
}

int64_t
rxaqm_stamp(struct msghdr *m)
{
	struct cmsghdr *c;
	struct timespec ts;

	if (m->msg_control == NULL)
		return -1;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_TIMESTAMPNS ||
		    c->cmsg_len != CMSG_LEN(sizeof(ts)) ||
		    (size_t)(CMSG_DATA(c) - (uint8_t *)m->msg_control) +
		    sizeof(ts) > m->msg_controllen)
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		if (ts.tv_sec < 0 ||
		    ts.tv_sec > INT64_MAX / RXAQM_NS_PER_S - 1 ||
		    ts.tv_nsec < 0 || ts.tv_nsec >= RXAQM_NS_PER_S)
			return -1;
		return (int64_t)ts.tv_sec * RXAQM_NS_PER_S + ts.tv_nsec;
	}
	return -1;
}

int64_t
rxaqm_sojourn(int64_t stamp_ns, int64_t real_ns)
{
	if (stamp_ns < 0 || real_ns < 0)
		return -1;
	return real_ns - stamp_ns;
}
