/* SPDX-License-Identifier: ISC */
/*
 * OpenSSL's one-time set-up in gp-tunnel, done early (tlswarm.c). Runs
 * in gp-tunnel before the first frame; no input.
 */
#ifndef GPVPN_TLSWARM_H
#define GPVPN_TLSWARM_H

/* Load OpenSSL's configuration and fill its algorithm cache now, while
 * gp-auth is still logging in, so that the TLS context made after the
 * first CONFIG and [net]'s ESP contexts cost little. No failure: what is
 * not done here is done later, as before. */
void	tlswarm_run(void);

#endif
