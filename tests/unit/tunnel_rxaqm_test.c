/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the receive AQM of gp-tunnel [net] (tunnel/rxaqm.c):
 * CoDel fed synthetic sojourn sequences on a synthetic clock (RFC 8289's
 * behaviour: no drop below target or for a burst shorter than the
 * interval, drops spaced interval/sqrt(count), leaving the dropping
 * state, clock steps ignored), the SCM_TIMESTAMPNS cmsg parse, and a
 * loopback socket with udp_rxstamp().
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/t.h"
#include "tunnel/espgro.h"
#include "tunnel/rxaqm.h"
#include "tunnel/udp.h"

#define MS	1000000LL
#define US	1000LL
#define T0	(1000 * MS)	/* the synthetic clock starts at 1 s */

/* Feed one datagram every step ns for dur ns, all with sojourn soj, from
 * *now on; record the drop times in drops[] (up to cap). The count. */
static size_t
feed(struct rxaqm *q, int64_t *now, int64_t dur, int64_t step,
    int64_t soj, int64_t *drops, size_t cap)
{
	int64_t end = *now + dur;
	size_t n = 0;

	for (; *now < end; *now += step)
		if (rxaqm_should_drop(q, soj, *now)) {
			if (n < cap)
				drops[n] = *now;
			n++;
		}
	return n;
}

static void
below_target(void)
{
	struct rxaqm q;
	int64_t now = T0;

	rxaqm_init(&q);
	T_EQ_UINT(feed(&q, &now, 2000 * MS, 100 * US, RXAQM_TARGET_NS - 1,
	    NULL, 0), 0);
	T_FALSE(q.dropping);
}

/* Above target for less than an interval, twice with a dip between:
 * each burst starts the interval again. */
static void
short_burst(void)
{
	struct rxaqm q;
	int64_t now = T0;

	rxaqm_init(&q);
	T_EQ_UINT(feed(&q, &now, 99 * MS, 1 * MS, 50 * MS, NULL, 0), 0);
	T_EQ_UINT(feed(&q, &now, 1 * MS, 1 * MS, 1 * MS, NULL, 0), 0);
	T_EQ_UINT(feed(&q, &now, 99 * MS, 1 * MS, 50 * MS, NULL, 0), 0);
	T_FALSE(q.dropping);
	T_EQ_INT(q.first_above_ns, now - 99 * MS + RXAQM_INTERVAL_NS);
}

/* A standing queue: the first drop one interval after the sojourn went
 * above target, not before. */
static void
standing_queue(void)
{
	struct rxaqm q;
	int64_t now = T0, d[4];

	rxaqm_init(&q);
	T_EQ_UINT(feed(&q, &now, RXAQM_INTERVAL_NS, 1 * MS, 20 * MS, d, 4),
	    0);
	T_EQ_UINT(feed(&q, &now, 1 * MS, 1 * MS, 20 * MS, d, 4), 1);
	T_EQ_INT(d[0], T0 + RXAQM_INTERVAL_NS);
	T_TRUE(q.dropping);
	T_EQ_UINT(q.count, 1);
}

/* In the dropping state drop k (k = 1, 2, ...) comes interval/sqrt(k)
 * after drop k-1 (RFC 8289 §5.5: count is k+1 after it, k before), to
 * within the 100 us step of the feed: the law runs from the scheduled
 * time, so the error does not add up. */
static void
spacing(void)
{
	struct rxaqm q;
	int64_t now = T0, d[64], got;
	double ival = (double)RXAQM_INTERVAL_NS, lo, hi;
	size_t n, k;

	rxaqm_init(&q);
	n = feed(&q, &now, 1200 * MS, 100 * US, 20 * MS, d, 64);
	T_REQUIRE(n >= 20 && n < 64);
	for (k = 1; k < n; k++) {
		/* got ~ ival / sqrt(k), compared squared (no libm). */
		got = d[k] - d[k - 1];
		hi = (double)(got + 100 * US) * (double)(got + 100 * US) *
		    (double)k;
		lo = (double)(got - 100 * US) * (double)(got - 100 * US) *
		    (double)k;
		if (hi < ival * ival || lo > ival * ival)
			T_EQ_INT(got * got * (int64_t)k / MS / MS,
			    RXAQM_INTERVAL_NS / MS * RXAQM_INTERVAL_NS / MS);
	}
	T_CHECK(d[n - 1] - d[n - 2] < d[1] - d[0]);
	T_EQ_UINT(q.count, n);
}

/* Below target again: out of the dropping state at once; back above
 * soon after, a new interval first, then the last drop rate resumes
 * (count = the drops of the last cycle, RFC 8289 §5.6). */
static void
leaves_dropping(void)
{
	struct rxaqm q;
	int64_t now = T0, d[64];
	size_t n;

	rxaqm_init(&q);
	n = feed(&q, &now, 500 * MS, 100 * US, 20 * MS, d, 64);
	T_REQUIRE(n >= 4 && q.dropping);
	T_FALSE(rxaqm_should_drop(&q, 1 * MS, now));
	T_FALSE(q.dropping);
	T_EQ_INT(q.first_above_ns, 0);
	now += 100 * US;
	T_EQ_UINT(feed(&q, &now, 20 * MS, 100 * US, 1 * MS, NULL, 0), 0);
	T_EQ_UINT(feed(&q, &now, RXAQM_INTERVAL_NS, 100 * US, 20 * MS,
	    NULL, 0), 0);
	T_EQ_UINT(feed(&q, &now, 100 * US, 100 * US, 20 * MS, NULL, 0), 1);
	T_EQ_UINT(q.count, n - 1);
	/* Long after (> 16 intervals), the count starts at 1 again. */
	T_FALSE(rxaqm_should_drop(&q, 1 * MS, now));
	now += 20 * RXAQM_INTERVAL_NS;
	(void)feed(&q, &now, RXAQM_INTERVAL_NS + 100 * US, 100 * US,
	    20 * MS, NULL, 0);
	T_EQ_UINT(q.count, 1);
}

/* A negative sojourn or one over 10 s (the wall clock stepped): never a
 * drop, and the state as it was, in either state. */
static void
clock_step(void)
{
	struct rxaqm q, was;
	int64_t now = T0;

	rxaqm_init(&q);
	(void)feed(&q, &now, 50 * MS, 1 * MS, 20 * MS, NULL, 0);
	was = q;
	T_FALSE(rxaqm_should_drop(&q, -1, now + 200 * MS));
	T_FALSE(rxaqm_should_drop(&q, -3600 * 1000 * MS, now + 200 * MS));
	T_FALSE(rxaqm_should_drop(&q, RXAQM_SOJOURN_MAX_NS + 1,
	    now + 200 * MS));
	T_EQ_MEM(&q, &was, sizeof(q));
	(void)feed(&q, &now, 200 * MS, 1 * MS, 20 * MS, NULL, 0);
	T_REQUIRE(q.dropping);
	was = q;
	T_FALSE(rxaqm_should_drop(&q, 3600 * 1000 * MS, now + 500 * MS));
	T_FALSE(rxaqm_should_drop(&q, -5 * MS, now + 500 * MS));
	T_EQ_MEM(&q, &was, sizeof(q));
	T_TRUE(rxaqm_should_drop(&q, RXAQM_SOJOURN_MAX_NS, now + 500 * MS));
}

union ctlbuf {
	uint8_t		b[RXAQM_CTL_BYTES + ESPGRO_CTL_BYTES];
	struct cmsghdr	align;
};

/* A msghdr holding one cmsg (level, type, len, the timespec), cut to
 * ctllen bytes of control data. */
static int64_t
stamp_of(int level, int type, size_t len, time_t s, long ns,
    size_t ctllen)
{
	union ctlbuf u;
	struct timespec ts = { s, ns };
	struct msghdr m;
	struct cmsghdr *c;

	memset(&u, 0, sizeof(u));
	memset(&m, 0, sizeof(m));
	m.msg_control = u.b;
	m.msg_controllen = sizeof(u.b);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = len;
	memcpy(CMSG_DATA(c), &ts, sizeof(ts));
	m.msg_controllen = ctllen;
	return rxaqm_stamp(&m);
}

static void
stamp_parse(void)
{
	const size_t full = CMSG_LEN(sizeof(struct timespec));
	const size_t sp = RXAQM_CTL_BYTES;
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	T_EQ_INT(rxaqm_stamp(&m), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 1700000000,
	    123456789, sp), 1700000000123456789LL);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 0, 0, sp), 0);
	/* Truncated: the control data ends inside the timespec. */
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 1, 0,
	    full - 1), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 1, 0,
	    CMSG_LEN(0)), -1);
	/* Wrong lengths: a struct timeval's, one byte more. */
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS,
	    CMSG_LEN(sizeof(struct timespec) - 8), 1, 0, sp), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full + 1, 1, 0, sp),
	    -1);
	/* Not ours: another level or type. */
	T_EQ_INT(stamp_of(SOL_IP, SCM_TIMESTAMPNS, full, 1, 0, sp), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SO_TIMESTAMP, full, 1, 0, sp), -1);
	/* Out of range fields. */
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 1, 1000000000,
	    sp), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, 1, -1, sp), -1);
	T_EQ_INT(stamp_of(SOL_SOCKET, SCM_TIMESTAMPNS, full, -1, 0, sp), -1);
	T_EQ_INT(rxaqm_sojourn(-1, 5), -1);
	T_EQ_INT(rxaqm_sojourn(5, -1), -1);
	T_EQ_INT(rxaqm_sojourn(5, 12), 7);
}

/* Both cmsgs in one buffer, UDP_GRO first (as the kernel puts them in
 * the room session_espio gives): each parser finds its own. */
static void
stamp_with_gro(void)
{
	union ctlbuf u;
	struct timespec ts = { 42, 7 };
	struct msghdr m;
	struct cmsghdr *c;
	int seg = 1400;

	memset(&u, 0, sizeof(u));
	memset(&m, 0, sizeof(m));
	m.msg_control = u.b;
	m.msg_controllen = sizeof(u.b);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_GRO;
	c->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	c = CMSG_NXTHDR(&m, c);
	T_REQUIRE(c != NULL);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_TIMESTAMPNS;
	c->cmsg_len = CMSG_LEN(sizeof(ts));
	memcpy(CMSG_DATA(c), &ts, sizeof(ts));
	T_EQ_UINT(espgro_segsize(&m), 1400);
	T_EQ_INT(rxaqm_stamp(&m), 42000000007LL);
}

/* One datagram over loopback to a socket with udp_rxstamp(): the stamp
 * read back, or none when forced off. */
static int64_t
loopback_stamp(bool *on)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	union ctlbuf u;
	uint8_t b[64];
	struct iovec iov = { b, sizeof(b) };
	struct msghdr m;
	struct pollfd p;
	int rx, tx;
	int64_t st = -2;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx == -1 || tx == -1 || bind(rx, (struct sockaddr *)&sa,
	    sl) == -1 || getsockname(rx, (struct sockaddr *)&sa, &sl) == -1)
		abort();
	*on = udp_rxstamp(rx);
	if (sendto(tx, "x", 1, 0, (struct sockaddr *)&sa, sl) != 1)
		abort();
	p = (struct pollfd){ rx, POLLIN, 0 };
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.b;
	m.msg_controllen = sizeof(u.b);
	if (poll(&p, 1, 2000) == 1 && recvmsg(rx, &m, 0) == 1)
		st = rxaqm_stamp(&m);
	close(rx);
	close(tx);
	return st;
}

static void
stamp_socket(void)
{
	struct timespec ts;
	int64_t st, now;
	bool on;

	unsetenv(RXAQM_OFF_ENV);
	st = loopback_stamp(&on);
	T_TRUE(on);
	T_REQUIRE(clock_gettime(CLOCK_REALTIME, &ts) == 0);
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	T_CHECK(st > 0 && now - st >= 0 && now - st < 2000 * MS);
	setenv(RXAQM_OFF_ENV, "1", 1);
	T_EQ_INT(loopback_stamp(&on), -1);
	T_FALSE(on);
	unsetenv(RXAQM_OFF_ENV);
}

int
main(void)
{
	T_RUN(below_target);
	T_RUN(short_burst);
	T_RUN(standing_queue);
	T_RUN(spacing);
	T_RUN(leaves_dropping);
	T_RUN(clock_step);
	T_RUN(stamp_parse);
	T_RUN(stamp_with_gro);
	T_RUN(stamp_socket);
	return T_DONE();
}
