/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for UDP_SEGMENT on the ESP socket (tunnel/espgso.c): how
 * an encrypted batch is cut into runs, and on loopback that one run sent
 * with espgso_send arrives as the same datagrams, byte for byte.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/espgso.h"
#include "t.h"

static void
set_lens(struct iovec *iov, const size_t *len, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		iov[i].iov_len = len[i];
}

static void
runs(void)
{
	static const size_t a[] = { 100, 100, 100, 37, 100, 100 };
	static const size_t b[] = { 100, 200, 200, 100, 100 };
	static const size_t c[] = { 1400, 1400, 1400, 1400 };
	struct iovec iov[80];
	size_t i;

	set_lens(iov, a, 6);
	T_CHECK(espgso_run(iov, 6, 0) == 4);	/* the shorter one ends it */
	T_CHECK(espgso_run(iov, 6, 4) == 2);
	T_CHECK(espgso_run(iov, 6, 5) == 1);
	set_lens(iov, b, 5);
	T_CHECK(espgso_run(iov, 5, 0) == 1);	/* a larger one: no */
	T_CHECK(espgso_run(iov, 5, 1) == 3);
	T_CHECK(espgso_run(iov, 5, 3) == 2);
	set_lens(iov, c, 4);
	T_CHECK(espgso_run(iov, 4, 0) == 4);
	for (i = 0; i < 80; i++)
		iov[i].iov_len = 500;
	T_CHECK(espgso_run(iov, 80, 0) == ESPGSO_MAX_SEGS);
	for (i = 0; i < 80; i++)
		iov[i].iov_len = 1500;
	T_CHECK(espgso_run(iov, 80, 0) == ESPGSO_MAX_BYTES / 1500);
	iov[1].iov_len = 0;
	T_CHECK(espgso_run(iov, 80, 0) == 1);
}

/* Five datagrams (4 x 100, 37) as one run to a bound receiver: each
 * arrives on its own with its bytes. */
static void
loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	static uint8_t d[5][100];
	struct iovec iov[5];
	uint8_t got[2048];
	struct pollfd p;
	int rx, tx;
	ssize_t r;
	size_t i;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx == -1 || tx == -1 || bind(rx, (struct sockaddr *)&sa,
	    sl) == -1 || getsockname(rx, (struct sockaddr *)&sa, &sl) == -1 ||
	    connect(tx, (struct sockaddr *)&sa, sl) == -1)
		abort();
	for (i = 0; i < 5; i++) {
		memset(d[i], (int)(0x10 + i), sizeof(d[i]));
		iov[i].iov_base = d[i];
		iov[i].iov_len = i < 4 ? 100 : 37;
	}
	T_CHECK(espgso_run(iov, 5, 0) == 5);
	T_CHECK(espgso_send(tx, iov, 5) == 437);
	p = (struct pollfd){ rx, POLLIN, 0 };
	for (i = 0; i < 5; i++) {
		T_CHECK(poll(&p, 1, 500) == 1);
		r = recv(rx, got, sizeof(got), MSG_DONTWAIT);
		T_CHECK(r == (i < 4 ? 100 : 37));
		T_CHECK(r > 0 && memcmp(got, d[i], (size_t)r) == 0);
	}
	T_CHECK(recv(rx, got, sizeof(got), MSG_DONTWAIT) == -1);
	T_CHECK(espgso_send(tx, iov, 1) == 100);	/* a plain one */
	T_CHECK(poll(&p, 1, 500) == 1 && recv(rx, got, sizeof(got), 0) == 100);
	close(rx);
	close(tx);
}

static void
hook(void)
{
	unsetenv(ESPGSO_OFF_ENV);
	T_CHECK(espgso_wanted());
	setenv(ESPGSO_OFF_ENV, "1", 1);
	T_CHECK(!espgso_wanted());
	unsetenv(ESPGSO_OFF_ENV);
	T_CHECK(espgso_unsupported(EIO) && !espgso_unsupported(EAGAIN));
}

int
main(void)
{
	T_RUN(runs);
	T_RUN(loopback);
	T_RUN(hook);
	return T_DONE();
}
