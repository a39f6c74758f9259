/* SPDX-License-Identifier: ISC */
/*
 * A CONFIG address as a sockaddr (see peeraddr.h), for gp-tunnel [net]'s
 * sockets to the gateway and the proxy. The address comes from a
 * validated config; nothing here reads network bytes.
 */
#include <netinet/in.h>

#include <string.h>

#include "tunnel/peeraddr.h"

socklen_t
peeraddr_make(const struct cfg_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == CFG_AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->bytes, 4);
		return sizeof(*s4);
	}
	if (a->family == CFG_AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->bytes, 16);
		return sizeof(*s6);
	}
	return 0;
}
