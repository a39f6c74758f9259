/* SPDX-License-Identifier: ISC */
/*
 * Is IPv6 in the tunnel (ip6check.h)? gp-tunnel [priv] runs this after
 * the connect script. The parser is pure and treats the kernel's text as
 * untrusted: every line bounded, every field checked, a malformed line
 * fails the check (closed). ip6check_run is the thin reader.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ipc/textenc.h"
#include "tunnel/ip6check.h"

#define IP6CHECK_FIELDS_MAX	10
#define IP6CHECK_ADDR_HEX	32
#define IP6CHECK_READ_BYTES	4096
#define IP6CHECK_IFA_F_DADFAILED	0x08	/* linux/if_addr.h */
#define IP6CHECK_RTF_UP		0x0001	/* linux/route.h */
#define IP6CHECK_RTF_REJECT	0x0200
#define IP6CHECK_PATH_ADDRS	"/proc/self/net/if_inet6"
#define IP6CHECK_PATH_ROUTES	"/proc/self/net/ipv6_route"

struct ip6check_field {
	const char	*p;
	size_t		 n;
};

static const char *const ip6check_names[2] = {
	"/proc/net/if_inet6", "/proc/net/ipv6_route"
};

/* Fields split by spaces; max + 1 when there are more than max. */
static unsigned
ip6check_split(const char *s, size_t len, struct ip6check_field *f,
    unsigned max)
{
	size_t i = 0, start;
	unsigned n = 0;

	while (i < len) {
		while (i < len && s[i] == ' ')
			i++;
		if (i == len)
			break;
		if (n == max)
			return max + 1;
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		f[n].p = s + start;
		f[n].n = i - start;
		n++;
	}
	return n;
}

/* 1..8 hex digits, at most max. */
static bool
ip6check_hex(const struct ip6check_field *f, uint32_t max, uint32_t *v)
{
	size_t i;
	int d;

	*v = 0;
	if (f->n == 0 || f->n > 8)
		return false;
	for (i = 0; i < f->n; i++) {
		if ((d = hex_val((unsigned char)f->p[i])) == -1)
			return false;
		*v = *v << 4 | (uint32_t)d;
	}
	return *v <= max;
}

/* An address as the kernel prints it: 32 hex digits, no colons. */
static bool
ip6check_addr(const struct ip6check_field *f, uint8_t a[16])
{
	memset(a, 0, 16);
	return f->n == IP6CHECK_ADDR_HEX &&
	    hex_decode(f->p, IP6CHECK_ADDR_HEX, a, 16) == 16;
}

static bool
ip6check_dev_ok(const struct ip6check_field *f)
{
	return f->n > 0 && f->n < IP6CHECK_IFNAME_MAX;
}

static bool
ip6check_is_tun(const struct ip6check *k, const struct ip6check_field *f)
{
	return k->ifname_len > 0 && f->n == k->ifname_len &&
	    memcmp(f->p, k->ifname, f->n) == 0;
}

static int
ip6check_bad(const struct ip6check *k, enum ip6check_file file,
    unsigned field, const struct ip6check_field *f, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	return err_set(e, "%s line %u: field %u `%s` is not valid",
	    ip6check_names[file], k->lines[file], field + 1,
	    err_quote(q, f->p, f->n));
}

/* "ADDR IFINDEX PLEN SCOPE FLAGS DEV" (net/ipv6/addrconf.c). */
static int
ip6check_addr_line(struct ip6check *k, const char *s, size_t len,
    struct gp_err *e)
{
	struct ip6check_field f[IP6CHECK_FIELDS_MAX];
	uint8_t a[16];
	uint32_t v, flags;
	unsigned n = ip6check_split(s, len, f, 6);

	if (n != 6)
		return err_set(e, "%s line %u: %u fields, not 6",
		    ip6check_names[IP6CHECK_ADDRS], k->lines[IP6CHECK_ADDRS],
		    n);
	if (!ip6check_addr(&f[0], a))
		return ip6check_bad(k, IP6CHECK_ADDRS, 0, &f[0], e);
	if (!ip6check_hex(&f[1], UINT32_MAX, &v))
		return ip6check_bad(k, IP6CHECK_ADDRS, 1, &f[1], e);
	if (!ip6check_hex(&f[2], 128, &v))
		return ip6check_bad(k, IP6CHECK_ADDRS, 2, &f[2], e);
	if (!ip6check_hex(&f[3], 0xff, &v))
		return ip6check_bad(k, IP6CHECK_ADDRS, 3, &f[3], e);
	if (!ip6check_hex(&f[4], 0xff, &flags))
		return ip6check_bad(k, IP6CHECK_ADDRS, 4, &f[4], e);
	if (!ip6check_dev_ok(&f[5]))
		return ip6check_bad(k, IP6CHECK_ADDRS, 5, &f[5], e);
	if (!ip6check_is_tun(k, &f[5]) || memcmp(a, k->addr, 16) != 0)
		return 0;
	if (flags & IP6CHECK_IFA_F_DADFAILED)
		k->addr_dadfailed = true;
	else
		k->addr_found = true;
	return 0;
}

/* A usable route to tun: mark what it satisfies. */
static void
ip6check_route_match(struct ip6check *k, const uint8_t dst[16],
    uint32_t plen)
{
	static const uint8_t zero[16];
	unsigned i;

	for (i = 0; i < k->n_want; i++)
		if (k->want[i].plen == plen &&
		    memcmp(k->want[i].net, dst, 16) == 0)
			k->want[i].found = true;
	if (plen == 1 && memcmp(dst, zero, 16) == 0)
		k->def_lo = true;
	if (plen == 1 && dst[0] == 0x80 && memcmp(dst + 1, zero, 15) == 0)
		k->def_hi = true;
}

/* "DST DPLEN SRC SPLEN NEXTHOP METRIC REFCNT USE FLAGS [DEV]"
 * (net/ipv6/route.c; DEV is blank for a route without a device). */
static int
ip6check_route_line(struct ip6check *k, const char *s, size_t len,
    struct gp_err *e)
{
	struct ip6check_field f[IP6CHECK_FIELDS_MAX];
	uint8_t dst[16], a[16];
	uint32_t dplen = 0, splen = 0, v, flags = 0;
	unsigned i, n = ip6check_split(s, len, f, 10);
	bool ok;

	if (n != 9 && n != 10)
		return err_set(e, "%s line %u: %u fields, not 9 or 10",
		    ip6check_names[IP6CHECK_ROUTES],
		    k->lines[IP6CHECK_ROUTES], n);
	for (i = 0; i < n; i++) {
		if (i == 0 || i == 2 || i == 4)
			ok = ip6check_addr(&f[i], i == 0 ? dst : a);
		else if (i == 1 || i == 3)
			ok = ip6check_hex(&f[i], 128, i == 1 ? &dplen : &splen);
		else if (i < 9)
			ok = ip6check_hex(&f[i], UINT32_MAX, i == 8 ? &flags :
			    &v);
		else
			ok = ip6check_dev_ok(&f[i]);
		if (!ok)
			return ip6check_bad(k, IP6CHECK_ROUTES, i, &f[i], e);
	}
	if (n == 10 && ip6check_is_tun(k, &f[9]) && splen == 0 &&
	    (flags & IP6CHECK_RTF_UP) && !(flags & IP6CHECK_RTF_REJECT))
		ip6check_route_match(k, dst, dplen);
	return 0;
}

/* The network of a/plen, as the kernel keeps a route. */
static void
ip6check_mask(uint8_t out[16], const uint8_t a[16], unsigned plen)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			out[i] = a[i];
		else if (plen <= 8 * i)
			out[i] = 0;
		else
			out[i] = a[i] & (uint8_t)(0xff << (8 * (i + 1) - plen));
	}
}

void
ip6check_init(struct ip6check *k, const struct gp_config *c,
    const char *ifname)
{
	const struct cfg_route *r;
	size_t n = strnlen(ifname, IP6CHECK_IFNAME_MAX);
	unsigned i;

	memset(k, 0, sizeof(*k));
	if (n < IP6CHECK_IFNAME_MAX) {
		memcpy(k->ifname, ifname, n);
		k->ifname_len = n;
	}
	memcpy(k->addr, c->ip6.bytes, 16);
	for (i = 0; i < c->n_routes && i < CFG_ROUTES_MAX; i++) {
		r = &c->routes[i];
		if (r->addr.family != CFG_AF_INET6 || r->exclude ||
		    r->prefixlen > 128)
			continue;
		ip6check_mask(k->want[k->n_want].net, r->addr.bytes,
		    r->prefixlen);
		k->want[k->n_want++].plen = r->prefixlen;
	}
	if (k->n_want == 0) {
		k->n_want = 1;		/* ::/0, zeroed above */
		k->def_default = true;
	}
}

int
ip6check_feed(struct ip6check *k, enum ip6check_file f, const char *p,
    size_t len, bool eof, size_t *used, struct gp_err *e)
{
	const char *nl;
	size_t off = 0, end;
	int r;

	*used = 0;
	while (off < len) {
		nl = memchr(p + off, '\n', len - off);
		end = nl != NULL ? (size_t)(nl - p) : len;
		if (end - off >= IP6CHECK_LINE_MAX)
			return err_set(e, "%s line %u: longer than %d bytes",
			    ip6check_names[f], k->lines[f] + 1,
			    IP6CHECK_LINE_MAX - 1);
		if (nl == NULL && !eof)
			break;
		if (++k->lines[f] > IP6CHECK_LINES_MAX)
			return err_set(e, "%s: more than %u lines",
			    ip6check_names[f], IP6CHECK_LINES_MAX);
		r = f == IP6CHECK_ADDRS ?
		    ip6check_addr_line(k, p + off, end - off, e) :
		    ip6check_route_line(k, p + off, end - off, e);
		if (r == -1)
			return -1;
		off = nl != NULL ? end + 1 : len;
		*used = off;
	}
	return 0;
}

int
ip6check_verdict(const struct ip6check *k, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	struct cfg_addr x = { .family = CFG_AF_INET6 };
	unsigned i;

	memcpy(x.bytes, k->addr, 16);
	if (!k->addr_found)
		return err_set(e, "IPv6 address %s is not on %s%s",
		    config_addr_str(&x, a), k->ifname, k->addr_dadfailed ?
		    " (duplicate address detection failed)" : "");
	for (i = 0; i < k->n_want; i++) {
		if (k->want[i].found ||
		    (k->def_default && k->def_lo && k->def_hi))
			continue;
		memcpy(x.bytes, k->want[i].net, 16);
		return err_set(e, "the IPv6 %s %s/%u does not point at %s",
		    k->def_default ? "default route" : "route",
		    config_addr_str(&x, a), (unsigned)k->want[i].plen,
		    k->ifname);
	}
	return 0;
}

/* One file through the parser, IP6CHECK_READ_BYTES at a time. */
static int
ip6check_read(struct ip6check *k, enum ip6check_file f, const char *path,
    struct gp_err *e)
{
	char buf[IP6CHECK_READ_BYTES];
	size_t have = 0, used;
	ssize_t n;
	int fd, r = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(e, "%s: %s", path, strerror(errno));
			break;
		}
		have += (size_t)n;
		if (ip6check_feed(k, f, buf, have, n == 0, &used, e) == -1)
			break;
		if (n == 0) {
			r = 0;
			break;
		}
		memmove(buf, buf + used, have - used);	/* < LINE_MAX */
		have -= used;
	}
	close(fd);
	return r;
}

int
ip6check_run(const struct gp_config *c, const char *ifname,
    struct gp_err *e)
{
	static struct ip6check k;	/* 18 KiB; [priv] is one thread */

	ip6check_init(&k, c, ifname);
	if (ip6check_read(&k, IP6CHECK_ADDRS, IP6CHECK_PATH_ADDRS, e) == -1 ||
	    ip6check_read(&k, IP6CHECK_ROUTES, IP6CHECK_PATH_ROUTES, e) ==
	    -1)
		return -1;
	return ip6check_verdict(&k, e);
}
