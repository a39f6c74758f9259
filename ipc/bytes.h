/* SPDX-License-Identifier: ISC */
/*
 * Small byte predicates for every gpvpn process. They read the caller's
 * memory only and take the same time whatever it holds.
 */
#ifndef GPVPN_BYTES_H
#define GPVPN_BYTES_H

#include <stddef.h>

/* 1 if all n bytes at p are zero (n == 0 included), else 0. */
int	bytes_all_zero(const void *p, size_t n);

#endif
