/* SPDX-License-Identifier: ISC */
/*
 * The tun device, in gp-tunnel: created (IFF_TUN | IFF_NO_PI, with
 * IFF_VNET_HDR when the kernel takes the offloads) while the process
 * still holds CAP_NET_ADMIN; then [net] reads and writes it and turns
 * the offloads on while ESP carries the tunnel, off otherwise.
 */
#ifndef GPVPN_TUNNEL_TUN_H
#define GPVPN_TUNNEL_TUN_H

#include <sys/types.h>

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "ipc/err.h"

/* name: requested name or "" for the kernel's choice (tunN); on success it
 * holds the real name. Returns the fd (O_NONBLOCK, O_CLOEXEC) or -1. */
int	tun_open(char name[IFNAMSIZ], struct gp_err *e);
/* The test hook that opens the plain tun (logged when honoured). */
#define TUN_OFF_ENV	"GPVPN_TEST_NO_TUN_OFFLOAD"

/* The test hook that keeps USO off (the fallback of a kernel before
 * 6.2, which has no USO: inner UDP is not coalesced). */
#define TUN_USO_OFF_ENV	"GPVPN_TEST_NO_TUN_USO"

/* Whether this process's tun speaks the virtio-net header; whether its
 * kernel took USO, and so takes a GSO_UDP_L4 packet written to it. */
bool	tun_vnet(void);
bool	tun_uso(void);
/* Offloads (checksum, TSO4/6, USO) on or off; whether they are on. Off
 * stays off if the kernel refuses; no-op on a plain tun. */
bool	tun_offload(int fd, bool on);
/* One packet without the header (offloads turned off first; a stale
 * super-packet is skipped, a partial checksum finished), or with a
 * zeroed header: read(2)/write(2) results. */
ssize_t	tun_read_plain(int fd, uint8_t *p, size_t cap);
ssize_t	tun_write_plain(int fd, const uint8_t *p, size_t len);
/* A tun read(2)'s result sorted, errno read at once: the length (> 0),
 * TUN_READ_AGAIN (nothing now), or TUN_READ_DEAD (logged). */
#define TUN_READ_AGAIN	(-1)
#define TUN_READ_DEAD	(-2)
ssize_t	tun_read_result(ssize_t n);
/* name is "" or at most IFNAMSIZ-1 of [A-Za-z0-9_.-], not "."/".." */
bool	tun_name_ok(const char *name);

#endif
