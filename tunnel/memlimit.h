/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [net]'s heap after set-up: [net] comes from a fork, and what
 * the parent freed before it (policy parsing, the first CONFIG's
 * decoding, OpenSSL's set-up) or [net] freed after its own set-up would
 * stay resident. Runs in [net]; no input.
 */
#ifndef GPVPN_TUNNEL_MEMLIMIT_H
#define GPVPN_TUNNEL_MEMLIMIT_H

/* Before the session allocates: one arena, and free memory at the top
 * of the heap given back from 64 KiB on (glibc's default: 128 KiB). */
void	memlimit_init(void);
/* The heap's free pages back to the system: once set-up is done. */
void	memlimit_trim(void);

#endif
