/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the ESP UDP socket (tunnel/udp.c): it is connected to
 * the gateway's port, and its receive buffer is the one asked for, as far
 * as net.core.rmem_max lets it (the kernel doubles what it grants).
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tunnel/udp.h"
#include "t.h"

static long
rmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/core/rmem_max", "r");
	long v = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void
rcvbuf_as_asked(void)
{
	struct cfg_addr gw = { .family = CFG_AF_INET };
	struct gp_err e = { "" };
	socklen_t len = sizeof(int);
	long max = rmem_max(), want;
	int fd, v = 0;

	inet_pton(AF_INET, "127.0.0.1", gw.bytes);
	fd = udp_open(&gw, 9, &e);
	T_CHECK(fd != -1);
	T_CHECK(max > 0);
	if (fd == -1 || max <= 0)
		return;
	T_CHECK(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len) == 0);
	want = max < UDP_RCVBUF_BYTES ? max : UDP_RCVBUF_BYTES;
	printf("# rmem_max %ld, SO_RCVBUF %d\n", max, v);
	T_CHECK(v == 2 * want);
	close(fd);
}

static void
no_port(void)
{
	struct cfg_addr gw = { .family = CFG_AF_INET };
	struct gp_err e = { "" };

	inet_pton(AF_INET, "127.0.0.1", gw.bytes);
	T_CHECK(udp_open(&gw, 0, &e) == -1);
	T_CHECK(e.msg[0] != '\0');
}

int
main(void)
{
	T_RUN(rcvbuf_as_asked);
	T_RUN(no_port);
	return T_DONE();
}
