/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for [priv]'s first wait (tunnel/privwait.c): it ends as
 * soon as [net]'s socket has a message or closes, and otherwise after
 * its limit, and it leaves the message unread. Test code only.
 */
#include <sys/socket.h>

#include <unistd.h>

#include "ipc/clock.h"
#include "tunnel/privwait.h"
#include "t.h"

static int sp[2];

static int64_t
waited_ms(int ms)
{
	int64_t t0 = clock_now_ms();

	privwait_net(sp[0], ms);
	return clock_now_ms() - t0;
}

static void
limit(void)
{
	int64_t w;

	T_REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) == 0);
	w = waited_ms(150);
	T_CHECK(w >= 150 && w < 1500);
}

static void
message_ends_it_unread(void)
{
	char b[8];

	T_EQ_INT(write(sp[1], "up", 2), 2);
	T_CHECK(waited_ms(5000) < 1000);
	T_EQ_INT(read(sp[0], b, sizeof(b)), 2);
}

static void
close_ends_it(void)
{
	close(sp[1]);
	T_CHECK(waited_ms(5000) < 1000);
	close(sp[0]);
}

int
main(void)
{
	T_RUN(limit);
	T_RUN(message_ends_it_unread);
	T_RUN(close_ends_it);
	return T_DONE();
}
