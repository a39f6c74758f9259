/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's heap after set-up: both processes come from one fork, and
 * what the parent freed before it (policy parsing, the first CONFIG's
 * decoding, OpenSSL's set-up) would stay resident in each. Runs in [net]
 * and [priv]; no input.
 */
#ifndef GPVPN_TUNNEL_MEMLIMIT_H
#define GPVPN_TUNNEL_MEMLIMIT_H

/* Before the session allocates: no heap trimmed back only above the
 * default 128 KiB, one arena. */
void	memlimit_init(void);
/* The heap's free pages back to the system: once set-up is done. */
void	memlimit_trim(void);

#endif
