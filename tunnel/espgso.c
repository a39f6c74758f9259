/* SPDX-License-Identifier: ISC */
/*
 * UDP_SEGMENT on the ESP socket (see espgso.h): grouping the encrypted
 * batch into runs the kernel can segment, and the sendmsg that carries
 * one run. Runs in [net]; it only sends what session_espio.c sealed.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/log.h"
#include "tunnel/espgso.h"

bool
espgso_wanted(void)
{
	const char *off = getenv(ESPGSO_OFF_ENV);

	if (off == NULL || off[0] == '\0')
		return true;
	log_info("esp: UDP_SEGMENT off (%s is set): sendmmsg", ESPGSO_OFF_ENV);
	return false;
}

size_t
espgso_run(const struct iovec *iov, size_t n, size_t i)
{
	size_t seg = iov[i].iov_len, total = seg, j = i + 1;

	while (j < n && j - i < ESPGSO_MAX_SEGS &&
	    total + iov[j].iov_len <= ESPGSO_MAX_BYTES &&
	    iov[j].iov_len <= seg && iov[j].iov_len > 0) {
		total += iov[j].iov_len;
		if (iov[j++].iov_len < seg)
			break;
	}
	return j - i;
}

ssize_t
espgso_send(int fd, struct iovec *iov, size_t k)
{
	union { uint8_t b[CMSG_SPACE(sizeof(uint16_t))];
	    struct cmsghdr align; } u;
	struct msghdr m;
	struct cmsghdr *c;
	uint16_t seg = (uint16_t)iov[0].iov_len;

	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = k;
	if (k > 1) {
		memset(&u, 0, sizeof(u));
		m.msg_control = u.b;
		m.msg_controllen = sizeof(u.b);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
	return sendmsg(fd, &m, MSG_DONTWAIT);
}

bool
espgso_unsupported(int e)
{
	return e == EIO || e == EOPNOTSUPP || e == ENOPROTOOPT;
}
