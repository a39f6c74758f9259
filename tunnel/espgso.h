/* SPDX-License-Identifier: ISC */
/*
 * UDP_SEGMENT on the ESP socket, in gp-tunnel [net]: a run of same-size
 * ESP datagrams (the last may be shorter) goes to the kernel in one
 * sendmsg, which cuts it at the segment size. Inputs are our own
 * encrypted datagrams; nothing here parses network bytes.
 */
#ifndef GPVPN_TUNNEL_ESPGSO_H
#define GPVPN_TUNNEL_ESPGSO_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stdbool.h>
#include <stddef.h>

#define ESPGSO_MAX_SEGS		64	/* the kernel's UDP_MAX_SEGMENTS */
#define ESPGSO_MAX_BYTES	65000	/* below 64 KiB with headers */
/* The test hook that forces the sendmmsg fallback (logged). */
#define ESPGSO_OFF_ENV		"GPVPN_TEST_NO_UDP_SEGMENT"

/* Whether to try UDP_SEGMENT at all: false if the hook says so. */
bool	espgso_wanted(void);
/* How many datagrams from iov[i] on (of n) go in one send: a run of
 * iov[i]'s size, then at most one shorter, within the limits; >= 1. */
size_t	espgso_run(const struct iovec *iov, size_t n, size_t i);
/* Send k datagrams as one UDP_SEGMENT message on the connected fd (k 1:
 * a plain one); sendmsg's result. */
ssize_t	espgso_send(int fd, struct iovec *iov, size_t k);
/* After espgso_send failed with errno e: true if the kernel cannot do
 * UDP_SEGMENT at all (stop trying), false for a passing error. */
bool	espgso_unsupported(int e);

#endif
