/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for UDP_GRO on the ESP socket (tunnel/espgro.c): the walk
 * over a super-datagram, the cmsg parse with bad cmsgs, and on loopback
 * a UDP_SEGMENT burst that arrives whole with UDP_GRO on and as single
 * datagrams with the fallback forced by GPVPN_TEST_NO_UDP_GRO.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/espgro.h"
#include "t.h"

/* Walk len bytes cut every seg; the lengths into got[], their count. */
static size_t
walk(uint8_t *p, size_t len, size_t seg, size_t *got, size_t cap)
{
	struct espgro_iter it;
	uint8_t *d, *want = p;
	size_t n = 0, l;

	espgro_begin(&it, p, len, seg);
	while (espgro_next(&it, &d, &l)) {
		T_CHECK(d == want && l > 0);
		want = d + l;
		if (n < cap)
			got[n] = l;
		n++;
	}
	T_CHECK(want == p + len);
	return n;
}

static void
split(void)
{
	uint8_t b[ESPGRO_MAX_BYTES];
	size_t got[70];

	T_CHECK(walk(b, 437, 100, got, 70) == 5);
	T_CHECK(got[0] == 100 && got[3] == 100 && got[4] == 37);
	T_CHECK(walk(b, 400, 100, got, 70) == 4 && got[3] == 100);
	T_CHECK(walk(b, 437, 0, got, 70) == 1 && got[0] == 437);
	T_CHECK(walk(b, 99, 100, got, 70) == 1 && got[0] == 99);
	T_CHECK(walk(b, 100, 100, got, 70) == 1 && got[0] == 100);
	T_CHECK(walk(b, 0, 100, got, 70) == 0);
	T_CHECK(walk(b, 0, 0, got, 70) == 0);
	T_CHECK(walk(b, 65535, 1, got, 70) == 65535);
	T_CHECK(walk(b, 65535, 1024, got, 70) == 64 && got[63] == 1023);
}

/* A msghdr with one cmsg of the given level, type, int value and len. */
static size_t
segsize_of(int level, int type, int v, size_t len)
{
	union { uint8_t b[CMSG_SPACE(sizeof(int)) * 2];
	    struct cmsghdr align; } u;
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
	memcpy(CMSG_DATA(c), &v, sizeof(v));
	m.msg_controllen = CMSG_SPACE(sizeof(int));
	return espgro_segsize(&m);
}

static void
segsize(void)
{
	struct msghdr m;

	memset(&m, 0, sizeof(m));
	T_CHECK(espgro_segsize(&m) == 0);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, 1400,
	    CMSG_LEN(sizeof(int))) == 1400);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, 65535,
	    CMSG_LEN(sizeof(int))) == 65535);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, 65536,
	    CMSG_LEN(sizeof(int))) == 0);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, 0, CMSG_LEN(sizeof(int))) == 0);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, -5, CMSG_LEN(sizeof(int))) == 0);
	T_CHECK(segsize_of(SOL_IP, UDP_GRO, 1400,
	    CMSG_LEN(sizeof(int))) == 0);
	T_CHECK(segsize_of(SOL_UDP, UDP_SEGMENT, 1400,
	    CMSG_LEN(sizeof(int))) == 0);
	T_CHECK(segsize_of(SOL_UDP, UDP_GRO, 1400, CMSG_LEN(2)) == 0);
}

/* Send 437 bytes as one UDP_SEGMENT write of 100-byte datagrams from a
 * socket to a receiver with espgro_enable(); the buffers it reads. */
static int
loopback(size_t *lens, size_t *segs, size_t cap)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	uint8_t b[ESPGRO_MAX_BYTES], ctl[ESPGRO_CTL_BYTES];
	struct iovec iov = { b, sizeof(b) };
	struct msghdr m;
	struct pollfd p;
	int rx, tx, seg = 100, gro, n = 0;
	ssize_t r;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx == -1 || tx == -1 || bind(rx, (struct sockaddr *)&sa,
	    sl) == -1 || getsockname(rx, (struct sockaddr *)&sa, &sl) == -1)
		abort();
	gro = espgro_enable(rx);
	memset(b, 0x5a, sizeof(b));
	if (setsockopt(tx, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg)) == -1 ||
	    sendto(tx, b, 437, 0, (struct sockaddr *)&sa, sl) != 437)
		abort();
	p = (struct pollfd){ rx, POLLIN, 0 };
	while ((size_t)n < cap && poll(&p, 1, 200) == 1) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl;
		m.msg_controllen = sizeof(ctl);
		if ((r = recvmsg(rx, &m, 0)) <= 0)
			break;
		lens[n] = (size_t)r;
		segs[n++] = espgro_segsize(&m);
	}
	close(rx);
	close(tx);
	return gro ? n : -n;
}

static void
gro_on(void)
{
	size_t lens[8], segs[8], got[8];
	uint8_t b[ESPGRO_MAX_BYTES];

	unsetenv(ESPGRO_OFF_ENV);
	T_CHECK(loopback(lens, segs, 8) == 1);
	T_CHECK(lens[0] == 437 && segs[0] == 100);
	T_CHECK(walk(b, lens[0], segs[0], got, 8) == 5 && got[4] == 37);
}

static void
gro_forced_off(void)
{
	size_t lens[8], segs[8];

	setenv(ESPGRO_OFF_ENV, "1", 1);
	T_CHECK(loopback(lens, segs, 8) == -5);
	T_CHECK(lens[0] == 100 && lens[4] == 37);
	T_CHECK(segs[0] == 0 && segs[4] == 0);
	unsetenv(ESPGRO_OFF_ENV);
}

int
main(void)
{
	T_RUN(split);
	T_RUN(segsize);
	T_RUN(gro_on);
	T_RUN(gro_forced_off);
	return T_DONE();
}
