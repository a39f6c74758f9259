/* SPDX-License-Identifier: ISC */
/*
 * What the small bench tools (bench/blast, bench/sink) share: a bounded
 * number and an IPv4 address from their command line, and a monotonic
 * clock in seconds. The
 * arguments come from bench.sh, but are checked all the same.
 */
#ifndef GPVPN_BENCH_BENCHCLI_H
#define GPVPN_BENCH_BENCHCLI_H

/* s as a decimal in lo..hi; otherwise "PROG: WHAT `s' not in lo..hi"
 * on stderr and exit 64 (EX_USAGE). */
long	benchcli_num(const char *prog, const char *what, const char *s,
	    long lo, long hi);
/* ADDR (IPv4) and PORT into *sin; a bad one exits 64 as above. */
struct sockaddr_in;
void	benchcli_addr(const char *prog, const char *addr, const char *port,
	    struct sockaddr_in *sin);
/* CLOCK_MONOTONIC, in seconds. */
double	benchcli_now(void);

#endif
