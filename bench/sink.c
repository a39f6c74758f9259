/* SPDX-License-Identifier: ISC */
/*
 * sink: the application that make bench's pps*-rx floods reach, run in
 * the client namespace on the peer's CPU. It reads UDP datagrams on
 * ADDR:PORT as an ordinary program does (recvmmsg, no UDP_GRO) and, on
 * SIGUSR1, prints "rx=N drops=M": datagrams read and dropped for a full
 * buffer. It exits on SIGTERM, when its parent dies or after SECONDS.
 */
#define _GNU_SOURCE	/* recvmmsg */

#include <errno.h>
#include <linux/sock_diag.h>	/* SK_MEMINFO_DROPS */
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench/benchcli.h"

#define SINK_BATCH		256
#define SINK_DGRAM_BYTES	2048	/* the floods' are 36 or 1372 */
#define SINK_RCVBUF_BYTES	(64 << 20)
#define SINK_DRAIN_BATCHES	4096	/* bounds the drain before a print */
/*
 * When its socket is empty the sink naps rather than block in recvmmsg:
 * the client's CPU delivers the datagrams, and would otherwise also pay
 * for waking the sink on the peer's CPU each time it had caught up
 * (measured: 1.5-2 us more client CPU per datagram).
 */
#define SINK_NAP_NS		500000	/* 50 datagrams at 100 kpps */
/*
 * An empty socket (no flood: the TCP tests, between tests) is waited
 * for in poll(): napping there would wake the sink 2000 times a second
 * on the peer's CPU, which the TCP download tests saturate, and add to
 * its queues what the ping under load measures. A signal cuts it short.
 */
#define SINK_IDLE_MS		100

struct sink {
	int			fd;
	unsigned long long	rx;
	uint32_t		drops;	/* sk_drops: cumulative */
	struct mmsghdr		msg[SINK_BATCH];
	struct iovec		iov[SINK_BATCH];
	uint8_t			cmsg[SINK_BATCH][CMSG_SPACE(sizeof(uint32_t))];
	uint8_t			buf[SINK_BATCH][SINK_DGRAM_BYTES];
};

static volatile sig_atomic_t sink_print, sink_stop;

static void
sink_signal(int sig)
{
	if (sig == SIGUSR1)
		sink_print = 1;
	else
		sink_stop = 1;
}

/* A large buffer (FORCE past rmem_max as root); drops in each cmsg. */
static void
sink_options(int fd)
{
	int one = 1, size = SINK_RCVBUF_BYTES;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF,
	    &size, sizeof(size)) == -1)
		perror("sink: SO_RCVBUF");
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one,
	    sizeof(one)) == -1) {
		perror("sink: SO_RXQ_OVFL");
		exit(1);
	}
}

static int
sink_socket(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int fd;

	benchcli_addr("sink", addr, port, &sin);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		perror("sink: socket");
		exit(1);
	}
	sink_options(fd);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		fprintf(stderr, "sink: bind %s:%s: %s\n", addr, port,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

static void
sink_batches_init(struct sink *s)
{
	unsigned i;

	memset(s->msg, 0, sizeof(s->msg));
	for (i = 0; i < SINK_BATCH; i++) {
		s->iov[i].iov_base = s->buf[i];
		s->iov[i].iov_len = sizeof(s->buf[i]);
		s->msg[i].msg_hdr.msg_iov = &s->iov[i];
		s->msg[i].msg_hdr.msg_iovlen = 1;
	}
}

/* The latest SO_RXQ_OVFL count among a batch's datagrams. */
static void
sink_drops_of(struct sink *s, int n)
{
	struct cmsghdr *c;
	uint32_t v;
	int i;

	for (i = 0; i < n; i++) {
		for (c = CMSG_FIRSTHDR(&s->msg[i].msg_hdr); c != NULL;
		    c = CMSG_NXTHDR(&s->msg[i].msg_hdr, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SO_RXQ_OVFL)
				continue;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if ((int32_t)(v - s->drops) > 0)
				s->drops = v;
		}
	}
}

/* One batch, without waiting: the datagrams read, 0 if none. */
static int
sink_batch(struct sink *s)
{
	int i, n;

	for (i = 0; i < SINK_BATCH; i++) {
		s->msg[i].msg_hdr.msg_control = s->cmsg[i];
		s->msg[i].msg_hdr.msg_controllen = sizeof(s->cmsg[i]);
	}
	n = recvmmsg(s->fd, s->msg, SINK_BATCH, MSG_DONTWAIT, NULL);
	if (n == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		perror("sink: recvmmsg");
		exit(1);
	}
	s->rx += (unsigned)n;
	sink_drops_of(s, n);
	return n;
}

/*
 * What is queued now counts too: read it, bounded, then print. The
 * socket's own drop counter (SO_MEMINFO) also has the drops that came
 * after the last datagram read.
 */
static void
sink_report(struct sink *s)
{
	uint32_t mi[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mi);
	int i;

	for (i = 0; i < SINK_DRAIN_BATCHES; i++)
		if (sink_batch(s) == 0)
			break;
	if (getsockopt(s->fd, SOL_SOCKET, SO_MEMINFO, mi, &len) == 0 &&
	    len > SK_MEMINFO_DROPS * sizeof(mi[0]) &&
	    (int32_t)(mi[SK_MEMINFO_DROPS] - s->drops) > 0)
		s->drops = mi[SK_MEMINFO_DROPS];
	printf("rx=%llu drops=%lu\n", s->rx, (unsigned long)s->drops);
	fflush(stdout);
}

/* TERM, INT and HUP stop; USR1 prints; each cuts a nap short. */
static void
sink_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sink_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1 ||
	    prctl(PR_SET_PDEATHSIG, SIGTERM) == -1) {
		perror("sink: signals");
		exit(1);
	}
}

int
main(int argc, char **argv)
{
	static struct sink s;
	const struct timespec nap = { 0, SINK_NAP_NS };
	struct pollfd pfd;
	double end;
	int n;

	if (argc != 4) {
		fputs("usage: sink ADDR PORT SECONDS\n", stderr);
		return 64;
	}
	sink_signals();
	if (getppid() == 1)	/* the parent died before PDEATHSIG */
		return 1;
	end = benchcli_now() + (double)benchcli_num("sink", "seconds",
	    argv[3], 1, 86400);
	s.fd = sink_socket(argv[1], argv[2]);
	sink_batches_init(&s);
	pfd.fd = s.fd;
	pfd.events = POLLIN;
	puts("ready");
	fflush(stdout);
	while (!sink_stop && benchcli_now() < end) {
		if (sink_print) {
			sink_print = 0;
			sink_report(&s);
		}
		n = sink_batch(&s);
		if (n == 0)
			(void)poll(&pfd, 1, SINK_IDLE_MS);
		else if (n < SINK_BATCH)
			(void)nanosleep(&nap, NULL);
	}
	sink_report(&s);
	close(s.fd);
	return 0;
}
