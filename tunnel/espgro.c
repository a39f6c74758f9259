/* SPDX-License-Identifier: ISC */
/*
 * UDP_GRO on the ESP socket (see espgro.h): turning it on, the segment
 * size from the kernel's cmsg, and the walk over a super-datagram. Runs
 * in [net]; the bytes are untrusted, so each datagram handed out lies
 * inside the received length and esp_decrypt checks it as any other.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/log.h"
#include "tunnel/espgro.h"

bool
espgro_enable(int fd)
{
	const char *off = getenv(ESPGRO_OFF_ENV);
	int one = 1;

	if (off != NULL && off[0] != '\0') {
		log_info("esp: UDP_GRO off (%s is set)", ESPGRO_OFF_ENV);
		return false;
	}
	if (setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0)
		return true;
	log_info("esp: UDP_GRO refused (%s): one datagram per read",
	    strerror(errno));
	return false;
}

size_t
espgro_segsize(struct msghdr *m)
{
	struct cmsghdr *c;
	int v;

	if (m->msg_control == NULL)
		return 0;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)) ||
		    (size_t)(CMSG_DATA(c) - (uint8_t *)m->msg_control) +
		    sizeof(int) > m->msg_controllen)
			continue;
		memcpy(&v, CMSG_DATA(c), sizeof(v));
		return v > 0 && v < ESPGRO_MAX_BYTES ? (size_t)v : 0;
	}
	return 0;
}

void
espgro_begin(struct espgro_iter *it, uint8_t *p, size_t len, size_t seg)
{
	it->p = p;
	it->len = len;
	it->seg = seg == 0 || seg > len ? len : seg;
	it->off = 0;
}

bool
espgro_next(struct espgro_iter *it, uint8_t **d, size_t *len)
{
	size_t left = it->len - it->off;

	if (left == 0 || it->seg == 0)
		return false;
	*d = it->p + it->off;
	*len = left < it->seg ? left : it->seg;
	it->off += *len;
	return true;
}
