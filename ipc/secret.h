/* SPDX-License-Identifier: ISC */
/*
 * Secret storage for every gpvpn process: passwords, the auth cookie and
 * ESP keys live only in memory from secret_alloc(), which is kept out of
 * core dumps and swap where the kernel allows, and is wiped on free.
 */
#ifndef GPVPN_SECRET_H
#define GPVPN_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroed, MADV_DONTDUMP, mlock'ed when permitted. NULL on failure. */
void	*secret_alloc(size_t n);
/* Wipes then releases; NULL is fine. n must be the size given to alloc. */
void	 secret_free(void *p, size_t n);
void	 secret_wipe(void *p, size_t n);
/* Constant-time comparison for MACs, pins and keys. */
bool	 secret_equal(const void *a, const void *b, size_t n);
/* PR_SET_DUMPABLE 0 and RLIMIT_CORE 0; fatal on failure. */
void	 secret_harden_process(void);

#endif
