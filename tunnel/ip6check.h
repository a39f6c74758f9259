/* SPDX-License-Identifier: ISC */
/*
 * After the connect script, gp-tunnel [priv] checks that IPv6 really is
 * in the tunnel: the config's IPv6 address on tun, and each IPv6 split
 * route (or the default route) pointing at tun. A pure parser of the
 * kernel's /proc/net/if_inet6 and /proc/net/ipv6_route text, which it
 * bounds and checks like any untrusted input, and a thin reader.
 */
#ifndef GPVPN_TUNNEL_IP6CHECK_H
#define GPVPN_TUNNEL_IP6CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define IP6CHECK_LINE_MAX	256	/* the kernel's lines are < 160 */
#define IP6CHECK_LINES_MAX	(1U << 22)	/* per file */
#define IP6CHECK_IFNAME_MAX	16	/* IFNAMSIZ */

enum ip6check_file {
	IP6CHECK_ADDRS = 0,	/* /proc/net/if_inet6 */
	IP6CHECK_ROUTES = 1	/* /proc/net/ipv6_route */
};

struct ip6check_route {
	uint8_t		net[16];
	uint8_t		plen;
	bool		found;
};

struct ip6check {
	char		ifname[IP6CHECK_IFNAME_MAX];
	size_t		ifname_len;
	uint8_t		addr[16];
	bool		addr_found;
	bool		addr_dadfailed;
	/* The split-include routes, or ::/0 when there are none. */
	unsigned	n_want;
	struct ip6check_route want[CFG_ROUTES_MAX];
	bool		def_default;	/* n_want is the default route */
	bool		def_lo, def_hi;	/* ::/1 and 8000::/1 on tun */
	unsigned	lines[2];	/* per enum ip6check_file */
};

/* What to look for: c's IPv6 address and IPv6 split-include routes on
 * ifname. Pure. */
void	ip6check_init(struct ip6check *k, const struct gp_config *c,
	    const char *ifname);
/*
 * Pure. Takes the complete lines at the start of p[0..len) of one file
 * and sets *used to the bytes taken; the rest is the start of a line to
 * come again with more bytes. With eof, the rest is the file's last line.
 * -1 with e naming the file, line and field on a malformed line, a line
 * of IP6CHECK_LINE_MAX bytes or more, or too many lines.
 */
int	ip6check_feed(struct ip6check *k, enum ip6check_file f,
	    const char *p, size_t len, bool eof, size_t *used,
	    struct gp_err *e);
/* Pure. 0 if the address and every route were seen, else -1 with e
 * naming the first one missing. */
int	ip6check_verdict(const struct ip6check *k, struct gp_err *e);

/* Reads both files of the calling process's network namespace
 * (/proc/self/net) and gives the verdict for c on ifname. */
int	ip6check_run(const struct gp_config *c, const char *ifname,
	    struct gp_err *e);

#endif
