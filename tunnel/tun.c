/* SPDX-License-Identifier: ISC */
/*
 * The tun device (see tun.h), in gp-tunnel: opened while the process still
 * holds CAP_NET_ADMIN, with the virtio-net header and offloads when the
 * kernel takes them; [net] switches the offloads and reads plain packets.
 * The requested name comes from our own command line, but it is still
 * checked before it reaches the kernel.
 */
#include <sys/ioctl.h>
#include <sys/uio.h>

#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/tun.h"
#include "tunnel/tunvnet.h"

#define TUN_DEV_PATH	"/dev/net/tun"
/* Not in Debian 12's linux/if_tun.h; this kernel takes both or none. */
#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#define TUN_F_USO6	0x40
#endif
#define TUN_OFF_BASE	(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
#define TUN_OFF_USO	(TUN_F_USO4 | TUN_F_USO6)
/* Stale super-packets a plain read skips before it says "empty". */
#define TUN_PLAIN_SKIP_MAX	64

/* This process's tun (one per process; [net] inherits them from [priv]
 * across fork): whether it has the virtio-net header, the offloads the
 * kernel took at open, and those set now. */
static bool	tun_vnet_on;
static unsigned	tun_off_all, tun_off_now;

bool
tun_name_ok(const char *name)
{
	size_t i, n = strnlen(name, IFNAMSIZ);
	char ch;

	/* "" asks the kernel to choose; "." and ".." are not names. */
	if (n >= IFNAMSIZ)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (i = 0; i < n; i++) {
		ch = name[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-'))
			return false;
	}
	return true;
}

/* The offloads, with USO if the kernel takes it; -1: none at all. */
static int
tun_offload_probe(int fd)
{
	unsigned want[2] = { TUN_OFF_BASE | TUN_OFF_USO, TUN_OFF_BASE };
	const char *uso = getenv(TUN_USO_OFF_ENV);
	int hdr = TUNVNET_HDR_BYTES, i = 0;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) == -1) {
		log_info("tun: TUNSETVNETHDRSZ refused (%s): no offloads",
		    strerror(errno));
		return -1;
	}
	if (uso != NULL && uso[0] != '\0') {
		log_info("tun: USO off (%s is set)", TUN_USO_OFF_ENV);
		i = 1;
	}
	for (; i < 2; i++) {
		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)want[i]) == 0) {
			tun_off_all = want[i];
			/* Off until ESP carries (tun_offload). */
			if (ioctl(fd, TUNSETOFFLOAD, 0UL) == -1)
				return -1;
			tun_off_now = 0;
			log_info("tun: virtio-net header, offloads TSO4 TSO6%s",
			    i == 0 ? " USO" : "");
			return 0;
		}
	}
	log_info("tun: TUNSETOFFLOAD refused (%s): no offloads",
	    strerror(errno));
	return -1;
}

static int
tun_open_flags(char name[IFNAMSIZ], int flags, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct ifreq ifr;
	int fd;

	if (!tun_name_ok(name))
		return err_set(e, "interface: bad name `%s'",
		    err_quote(q, name, strnlen(name, IFNAMSIZ)));
	fd = open(TUN_DEV_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return err_set(e, "open %s: %s", TUN_DEV_PATH,
		    strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)(IFF_TUN | IFF_NO_PI | flags);
	memcpy(ifr.ifr_name, name, strnlen(name, IFNAMSIZ - 1));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		err_set(e, "TUNSETIFF `%s': %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fd;
}

int
tun_open(char name[IFNAMSIZ], struct gp_err *e)
{
	const char *off = getenv(TUN_OFF_ENV);
	char want[IFNAMSIZ];
	int fd;

	tun_vnet_on = false;
	if (off != NULL && off[0] != '\0')
		log_info("tun: offloads off (%s is set)", TUN_OFF_ENV);
	else {
		memcpy(want, name, IFNAMSIZ);
		fd = tun_open_flags(name, IFF_VNET_HDR, e);
		if (fd != -1 && tun_offload_probe(fd) == 0) {
			tun_vnet_on = true;
			return fd;
		}
		if (fd != -1)
			close(fd);
		memcpy(name, want, IFNAMSIZ);
	}
	return tun_open_flags(name, 0, e);
}

bool
tun_vnet(void)
{
	return tun_vnet_on;
}

bool
tun_uso(void)
{
	return tun_vnet_on && (tun_off_all & TUN_OFF_USO) == TUN_OFF_USO;
}

bool
tun_offload(int fd, bool on)
{
	unsigned want = on ? tun_off_all : 0;

	if (!tun_vnet_on || want == tun_off_now)
		return tun_off_now != 0;
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)want) == -1) {
		/* Once: on never again; a failed off stays as it is (the
		 * plain reads skip super-packets). */
		log_warnx("tun: TUNSETOFFLOAD %#x: %s", want, strerror(errno));
		tun_off_all = 0;
		tun_off_now = 0;
		return false;
	}
	log_debug("tun: offloads %s", on ? "on" : "off");
	tun_off_now = want;
	return tun_off_now != 0;
}

/* One read past the header: the packet's length, -1 (errno), -2: a
 * super-packet left from before the offloads went off (skip it). */
static ssize_t
tun_read_vnet1(int fd, uint8_t *p, size_t cap)
{
	uint8_t b[TUNVNET_HDR_BYTES];
	struct iovec iov[2] = { { b, sizeof(b) }, { p, cap } };
	struct tunvnet_hdr h;
	struct tunvnet_plan g;
	struct gp_err e;
	ssize_t n;

	n = readv(fd, iov, 2);
	if (n <= 0)
		return n;
	if ((size_t)n < sizeof(b)) {
		errno = EIO;
		return -1;
	}
	n -= (ssize_t)sizeof(b);
	tunvnet_hdr_get(&h, b);
	if (h.gso_type != TUNVNET_GSO_NONE ||
	    tunvnet_plan(&g, &h, p, (size_t)n, cap, &e) == -1) {
		log_debug("tun: plain read skips a packet: %s",
		    h.gso_type != TUNVNET_GSO_NONE ? "super-packet" : e.msg);
		return -2;
	}
	return n;
}

ssize_t
tun_read_plain(int fd, uint8_t *p, size_t cap)
{
	ssize_t n;
	int i;

	if (!tun_vnet_on)
		return read(fd, p, cap);
	(void)tun_offload(fd, false);
	for (i = 0; i < TUN_PLAIN_SKIP_MAX; i++)
		if ((n = tun_read_vnet1(fd, p, cap)) != -2)
			return n;
	errno = EAGAIN;
	return -1;
}

ssize_t
tun_write_plain(int fd, const uint8_t *p, size_t len)
{
	static const uint8_t zero[TUNVNET_HDR_BYTES];
	struct iovec iov[2] = { { (void *)zero, sizeof(zero) },
	    { (void *)p, len } };
	ssize_t n;

	if (!tun_vnet_on)
		return write(fd, p, len);
	n = writev(fd, iov, 2);
	if (n >= (ssize_t)sizeof(zero))
		n -= (ssize_t)sizeof(zero);
	return n;
}

ssize_t
tun_read_result(ssize_t n)
{
	if (n > 0)
		return n;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR))
		return TUN_READ_AGAIN;
	log_err("tun read: %s", n == 0 ? "device closed" : strerror(errno));
	return TUN_READ_DEAD;
}
