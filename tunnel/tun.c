/* SPDX-License-Identifier: ISC */
/*
 * The tun device (see tun.h), in gp-tunnel: opened while the process still
 * holds CAP_NET_ADMIN. The requested name comes from our own command line,
 * but it is still checked before it reaches the kernel.
 */
#include <sys/ioctl.h>

#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tunnel/tun.h"

#define TUN_DEV_PATH	"/dev/net/tun"

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

int
tun_open(char name[IFNAMSIZ], struct gp_err *e)
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
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
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
