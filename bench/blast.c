/* SPDX-License-Identifier: ISC */
/*
 * blast: the client-side load of make bench's packet-rate tests, run in
 * the client namespace on the client's CPU. It sends UDP datagrams that
 * make IP packets of SIZE bytes to ADDR:PORT as fast as the kernel takes
 * them, for SECONDS, in sendmmsg batches. No input but its options.
 */
#define _GNU_SOURCE	/* sendmmsg */

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/benchcli.h"

#define BLAST_BATCH		64
#define BLAST_IP_UDP_BYTES	28	/* IPv4 + UDP headers */
#define BLAST_MAX_BYTES		1500

/* A UDP socket connected to ADDR:PORT. */
static int
blast_socket(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int fd;

	benchcli_addr("blast", addr, port, &sin);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		perror("blast: socket");
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static uint8_t payload[BLAST_MAX_BYTES];
	struct mmsghdr msg[BLAST_BATCH];
	struct iovec iov;
	unsigned long long sent = 0, errors = 0;
	double end;
	int fd, i, n;

	if (argc != 5) {
		fputs("usage: blast ADDR PORT SIZE SECONDS\n", stderr);
		return 64;
	}
	fd = blast_socket(argv[1], argv[2]);
	iov.iov_base = payload;
	iov.iov_len = (size_t)benchcli_num("blast", "size", argv[3],
	    BLAST_IP_UDP_BYTES + 1, BLAST_MAX_BYTES) - BLAST_IP_UDP_BYTES;
	end = benchcli_now() + (double)benchcli_num("blast", "seconds",
	    argv[4], 1, 3600);
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < BLAST_BATCH; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	while (benchcli_now() < end) {
		n = sendmmsg(fd, msg, BLAST_BATCH, 0);
		if (n > 0)
			sent += (unsigned)n;
		else
			errors++;	/* ENOBUFS: the tun queue is full */
	}
	printf("sent %llu errors %llu\n", sent, errors);
	close(fd);
	return 0;
}
