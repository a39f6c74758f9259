/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [net]'s heap limits (see memlimit.h). Runs in [net] inside
 * its sandbox (madvise and brk are allowed there). malloc_trim
 * gives back whole free pages only: nothing in use moves, and a page
 * given back is a fresh zero page if malloc takes it again.
 */
#include <malloc.h>

#include "tunnel/memlimit.h"

#define MEMLIMIT_TRIM_BYTES	(64 * 1024)

void
memlimit_init(void)
{
	(void)mallopt(M_ARENA_MAX, 1);
	(void)mallopt(M_TRIM_THRESHOLD, MEMLIMIT_TRIM_BYTES);
}

void
memlimit_trim(void)
{
	(void)malloc_trim(0);
}
