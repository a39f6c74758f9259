/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's built-in HIP report (see hipgen.h): host facts read with
 * getifaddrs() and from /etc/os-release (allowed under gp-auth's seccomp
 * denylist), and the XML written with every value escaped, since cookie
 * fields come from the server and os-release is only a file.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "auth/hipgen.h"

#define HIPGEN_LINE_MAX		512

struct hipgen_out {
	char	*p;
	size_t	 sz, len;
	bool	 overflow;
};

static void
hipgen_raw(struct hipgen_out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->overflow || n >= o->sz - o->len) {
		o->overflow = true;
		return;
	}
	memcpy(o->p + o->len, s, n + 1);
	o->len += n;
}

/* Text or attribute value: the five XML specials, and C0/DEL as '?'. */
static void
hipgen_esc(struct hipgen_out *o, const char *s)
{
	char c[2] = { 0, 0 };

	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': hipgen_raw(o, "&amp;"); break;
		case '<': hipgen_raw(o, "&lt;"); break;
		case '>': hipgen_raw(o, "&gt;"); break;
		case '"': hipgen_raw(o, "&quot;"); break;
		case '\'': hipgen_raw(o, "&apos;"); break;
		default:
			c[0] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' :
			    *s;
			hipgen_raw(o, c);
		}
	}
}

/* <tag>value</tag> */
static void
hipgen_el(struct hipgen_out *o, const char *tag, const char *value)
{
	hipgen_raw(o, "<");
	hipgen_raw(o, tag);
	hipgen_raw(o, ">");
	hipgen_esc(o, value);
	hipgen_raw(o, "</");
	hipgen_raw(o, tag);
	hipgen_raw(o, ">\n");
}

static void
hipgen_entry_open(struct hipgen_out *o, const char *name)
{
	hipgen_raw(o, "<entry name=\"");
	hipgen_esc(o, name);
	hipgen_raw(o, "\">");
}

static void
hipgen_iface(struct hipgen_out *o, const struct hipgen_iface *i)
{
	int k;

	hipgen_entry_open(o, i->name);
	hipgen_el(o, "description", i->name);
	hipgen_el(o, "mac-address", i->mac);
	hipgen_raw(o, "<ip-address>");
	for (k = 0; k < i->n4; k++) {
		hipgen_entry_open(o, i->ip4[k]);
		hipgen_raw(o, "</entry>");
	}
	hipgen_raw(o, "</ip-address>\n<ipv6-address>");
	for (k = 0; k < i->n6; k++) {
		hipgen_entry_open(o, i->ip6[k]);
		hipgen_raw(o, "</entry>");
	}
	hipgen_raw(o, "</ipv6-address>\n</entry>\n");
}

static void
hipgen_host_info(struct hipgen_out *o, const struct hipgen_in *in)
{
	int k;

	hipgen_raw(o, "<entry name=\"host-info\">\n");
	hipgen_el(o, "client-version", in->client_version);
	hipgen_el(o, "os", in->os);
	hipgen_el(o, "os-vendor", in->os_vendor);
	hipgen_el(o, "domain", in->domain);
	hipgen_el(o, "host-name", in->computer);
	hipgen_el(o, "host-id", in->computer);
	hipgen_raw(o, "<network-interface>\n");
	for (k = 0; k < in->nifs; k++)
		hipgen_iface(o, &in->ifs[k]);
	hipgen_raw(o, "</network-interface>\n</entry>\n");
}

/* The product categories GP expects, empty: nothing is claimed. */
static const char *const hipgen_categories[] = {
	"anti-malware", "disk-backup", "disk-encryption", "firewall",
	"patch-management", "data-loss-prevention",
};

int
hipgen_report(const struct hipgen_in *in, char *out, size_t outsz,
    struct gp_err *e)
{
	struct hipgen_out o = { out, outsz, 0, outsz == 0 };
	char when[32];
	struct tm tm;
	size_t k;

	if (gmtime_r(&in->now, &tm) == NULL ||
	    strftime(when, sizeof(when), "%m/%d/%Y %H:%M:%S", &tm) == 0)
		return err_set(e, "hip: cannot format the time");
	hipgen_raw(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<hip-report name=\"hip-report\">\n");
	hipgen_el(&o, "md5-sum", in->md5);
	hipgen_el(&o, "user-name", in->user);
	hipgen_el(&o, "domain", in->domain);
	hipgen_el(&o, "host-name", in->computer);
	hipgen_el(&o, "host-id", in->computer);
	hipgen_el(&o, "ip-address", in->ip4);
	hipgen_el(&o, "ipv6-address", in->ip6);
	hipgen_el(&o, "generate-time", when);
	hipgen_raw(&o, "<hip-report-version>4</hip-report-version>\n"
	    "<categories>\n");
	hipgen_host_info(&o, in);
	for (k = 0; k < sizeof(hipgen_categories) /
	    sizeof(hipgen_categories[0]); k++) {
		hipgen_entry_open(&o, hipgen_categories[k]);
		hipgen_raw(&o, "<list/></entry>\n");
	}
	hipgen_raw(&o, "</categories>\n</hip-report>\n");
	if (o.overflow) {
		if (outsz > 0)
			out[0] = '\0';
		return err_set(e, "hip: report larger than %zu bytes", outsz);
	}
	return 0;
}

/* KEY="value" or KEY=value from os-release into out. */
static bool
hipgen_osr_value(const char *line, const char *key, char *out, size_t outsz)
{
	size_t n = strlen(key), len;
	const char *v;

	if (strncmp(line, key, n) != 0 || line[n] != '=')
		return false;
	v = line + n + 1;
	len = strcspn(v, "\n");
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v++;
		len -= 2;
	}
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

/* "Linux NAME VERSION_ID", as yuezk reports it (PROTOCOL.md §12). */
static void
hipgen_os(const char *path, char *os, size_t ossz)
{
	char line[HIPGEN_LINE_MAX], name[128] = "", ver[64] = "";
	FILE *fp;

	if ((fp = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (!hipgen_osr_value(line, "NAME", name,
			    sizeof(name)))
				(void)hipgen_osr_value(line, "VERSION_ID",
				    ver, sizeof(ver));
		}
		fclose(fp);
	}
	snprintf(os, ossz, "Linux%s%s%s%s", name[0] != '\0' ? " " : "",
	    name, ver[0] != '\0' ? " " : "", ver);
}

static struct hipgen_iface *
hipgen_find(struct hipgen_in *in, const char *name)
{
	int k;

	for (k = 0; k < in->nifs; k++) {
		if (strcmp(in->ifs[k].name, name) == 0)
			return &in->ifs[k];
	}
	if (in->nifs == HIPGEN_IFACES_MAX ||
	    strlen(name) >= HIPGEN_NAME_MAX)
		return NULL;
	memset(&in->ifs[in->nifs], 0, sizeof(in->ifs[0]));
	snprintf(in->ifs[in->nifs].name, HIPGEN_NAME_MAX, "%s", name);
	return &in->ifs[in->nifs++];
}

static void
hipgen_addr(struct hipgen_iface *i, const struct sockaddr *sa)
{
	const struct sockaddr_ll *ll;
	const unsigned char *m;

	if (sa->sa_family == AF_INET && i->n4 < HIPGEN_ADDRS_MAX)
		(void)inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, i->ip4[i->n4++],
		    CFG_ADDR_STR_MAX);
	else if (sa->sa_family == AF_INET6 && i->n6 < HIPGEN_ADDRS_MAX)
		(void)inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, i->ip6[i->n6++],
		    CFG_ADDR_STR_MAX);
	else if (sa->sa_family == AF_PACKET) {
		ll = (const struct sockaddr_ll *)(const void *)sa;
		if (ll->sll_halen != 6)
			return;
		m = ll->sll_addr;
		snprintf(i->mac, sizeof(i->mac),
		    "%02x-%02x-%02x-%02x-%02x-%02x", m[0], m[1], m[2], m[3],
		    m[4], m[5]);
	}
}

void
hipgen_host(struct hipgen_in *in, const char *os_release_path, char *os,
    size_t ossz)
{
	struct ifaddrs *ifa, *p;
	struct hipgen_iface *i;

	hipgen_os(os_release_path, os, ossz);
	in->os = os;
	in->os_vendor = "Linux";
	in->nifs = 0;
	if (getifaddrs(&ifa) == -1)
		return;
	for (p = ifa; p != NULL; p = p->ifa_next) {
		if (p->ifa_addr == NULL || (p->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		if ((i = hipgen_find(in, p->ifa_name)) != NULL)
			hipgen_addr(i, p->ifa_addr);
	}
	freeifaddrs(ifa);
}
