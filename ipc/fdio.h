/* SPDX-License-Identifier: ISC */
/*
 * Descriptor chores shared by every gpvpn process: closing all but a
 * keep-list (before exec or a sandbox), reading to EOF under a cap and
 * writing in full. What is read is untrusted and only counted here.
 */
#ifndef GPVPN_FDIO_H
#define GPVPN_FDIO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ipc/dynbuf.h"
#include "ipc/err.h"

/* A write that cannot progress for this long fails (EAGAIN fds). */
#define FDIO_WRITE_STALL_MS	10000

/*
 * Close every descriptor >= lowfd but those in keep: close_range(2),
 * else /proc/self/fd, else one by one to a bounded maximum. 0, or -1
 * with errno (EINVAL for a negative fd); only EBADF is ignored.
 * Async-signal-safe: usable between fork and exec.
 */
int	fdio_close_from(int lowfd, const int *keep, size_t nkeep);
/*
 * Read to EOF into buf, retrying EINTR. The byte count, or -1 with e set
 * (and errno; EMSGSIZE when more than cap bytes arrive).
 */
ssize_t	fdio_read_all(int fd, void *buf, size_t cap, struct gp_err *e);
/* Read to EOF, appending to d, bounded by d's ceiling. 0 or -1, e set. */
int	fdio_read_dyn(int fd, struct dynbuf *d, struct gp_err *e);
/*
 * Write n bytes, retrying EINTR and short writes; a non-blocking fd is
 * polled for FDIO_WRITE_STALL_MS at most. 0, or -1 with e and errno.
 */
int	fdio_write_all(int fd, const void *p, size_t n, struct gp_err *e);
/* a then b, in one writev where it takes both (see fdio.c). */
int	fdio_write2(int fd, const void *a, size_t alen, const void *b,
	    size_t blen, struct gp_err *e);

/*
 * Wait for events on fd until the absolute deadline (clock_now_ms), or
 * until *cancel (may be NULL) turns non-zero; EINTR is retried. 0 when
 * fd is ready, else -1 with e set to "<who>: interrupted while <what>",
 * "<who>: timed out while <what>" or the poll error.
 */
int	fdio_wait(int fd, short events, int64_t deadline,
	    volatile sig_atomic_t *cancel, const char *who, const char *what,
	    struct gp_err *e);

#endif
