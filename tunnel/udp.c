/* SPDX-License-Identifier: ISC */
/*
 * The ESP UDP socket of gp-tunnel (see udp.h). The peer address and port
 * come from a validated CONFIG; the socket is made before any datagram
 * is read, and reopened by the packet loop after an ICMP unreachable.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/peeraddr.h"
#include "tunnel/rxaqm.h"
#include "tunnel/udp.h"

/*
 * A receive buffer that holds a burst: [net] drains it 32 datagrams per
 * wakeup, and a download at line rate overflowed the default 208 KiB.
 * The kernel caps the request at net.core.rmem_max (and doubles it for
 * its bookkeeping); SO_RCVBUFFORCE would pass the cap but needs
 * CAP_NET_ADMIN, which [net] never holds (it makes and reopens this
 * socket inside the sandbox). A refusal only leaves the default.
 */
static void
udp_rcvbuf(int fd)
{
	int v = UDP_RCVBUF_BYTES;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1)
		log_debug("esp: SO_RCVBUF %d: %s", v, strerror(errno));
}

int
udp_open(const struct cfg_addr *gw, uint16_t port, struct gp_err *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	if (port == 0 || (len = peeraddr_make(gw, port, &ss)) == 0)
		return err_set(e, "esp: no usable gateway address or port");
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_UDP);
	if (fd == -1)
		return err_set(e, "esp: socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		err_set(e, "esp: connect to port %u: %s", (unsigned)port,
		    strerror(errno));
		close(fd);
		return -1;
	}
	udp_rcvbuf(fd);
	return fd;
}

/*
 * SO_TIMESTAMPNS rather than SO_TIMESTAMPING: one flag and one 16-byte
 * cmsg, the same software stamp (taken as the datagram enters the
 * stack), where SO_TIMESTAMPING's cmsg holds three timespecs and its
 * flags bring hardware and transmit stamps the AQM has no use for.
 */
bool
udp_rxstamp(int fd)
{
	const char *off = getenv(RXAQM_OFF_ENV);
	int one = 1;

	if (off != NULL && off[0] != '\0') {
		log_info("esp: receive AQM off (%s is set)", RXAQM_OFF_ENV);
		return false;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) == 0) {
		log_debug("esp: receive AQM on (CoDel, target %lld ms)",
		    RXAQM_TARGET_NS / 1000000);
		return true;
	}
	log_debug("esp: SO_TIMESTAMPNS refused (%s): receive AQM off",
	    strerror(errno));
	return false;
}

unsigned
udp_path_mtu(int fd, const struct cfg_addr *gw)
{
	socklen_t len;
	int v = 0;

	len = sizeof(v);
	if (gw->family == CFG_AF_INET6) {
		if (getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &v, &len) == -1)
			return 0;
	} else if (getsockopt(fd, IPPROTO_IP, IP_MTU, &v, &len) == -1)
		return 0;
	return v > 0 ? (unsigned)v : 0;
}
