/* SPDX-License-Identifier: ISC */
/*
 * The command-line number and the clock of bench/blast and bench/sink
 * (see benchcli.h); run by the bench, never by gpvpn itself.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/benchcli.h"

long
benchcli_num(const char *prog, const char *what, const char *s, long lo,
    long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "%s: %s `%s' not in %ld..%ld\n", prog, what, s,
		    lo, hi);
		exit(64);
	}
	return v;
}

void
benchcli_addr(const char *prog, const char *addr, const char *port,
    struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1) {
		fprintf(stderr, "%s: `%s' is not IPv4\n", prog, addr);
		exit(64);
	}
	sin->sin_port = htons((uint16_t)benchcli_num(prog, "port", port, 1,
	    65535));
}

double
benchcli_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
