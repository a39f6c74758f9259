/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel [net]'s code pages after set-up: the kernel maps library
 * code 64 KiB around every page [net] runs (fault-around), so OpenSSL's
 * and libc's set-up paths stay counted in [net]'s RSS for the whole
 * session. Runs in [net]; its input is the loader's own program headers.
 */
#ifndef GPVPN_TUNNEL_CODETRIM_H
#define GPVPN_TUNNEL_CODETRIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dl_phdr_info;	/* <link.h>, with _GNU_SOURCE */

/*
 * Unmap the pages of every loaded object's read-only segments (code and
 * constants) from this process (MADV_DONTNEED): clean copies of the file,
 * which the kernel maps again from the page cache when they run, so only
 * the code the packet loop uses comes back. The machine's memory does not
 * change: the page cache keeps them. Returns the bytes unmapped.
 */
size_t	codetrim_run(void);

/* Whether OBJ's read-only segments may be dropped: not the vDSO (at
 * VDSO), and not an object whose text the loader relocated in place
 * (DT_TEXTREL), whose private changes dropping would undo. */
bool	codetrim_object_ok(const struct dl_phdr_info *obj, uintptr_t vdso);

#endif
