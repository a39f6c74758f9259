/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's built-in HIP report generator (PROTOCOL.md §11.4): the host
 * facts (hostname, OS from /etc/os-release, interfaces with MAC and
 * addresses) and the report XML written from them. The facts are the
 * local host's; cookie fields may come from the server and are escaped.
 */
#ifndef GPVPN_AUTH_HIPGEN_H
#define GPVPN_AUTH_HIPGEN_H

#include <stddef.h>
#include <time.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define HIPGEN_REPORT_MAX	(32 * 1024)	/* the XML, with its NUL */
#define HIPGEN_IFACES_MAX	16
#define HIPGEN_ADDRS_MAX	8		/* per family and interface */
#define HIPGEN_NAME_MAX		128

struct hipgen_iface {
	char	name[HIPGEN_NAME_MAX];
	char	mac[18];			/* aa-bb-cc-dd-ee-ff */
	char	ip4[HIPGEN_ADDRS_MAX][CFG_ADDR_STR_MAX];
	char	ip6[HIPGEN_ADDRS_MAX][CFG_ADDR_STR_MAX];
	int	n4, n6;
};

/* What goes into a report: the session's and the host's facts. */
struct hipgen_in {
	const char	*md5;		/* 32 hex (§11.2) */
	const char	*user;
	const char	*domain;
	const char	*computer;
	const char	*ip4;		/* tunnel addresses, "" if none */
	const char	*ip6;
	const char	*client_version;
	const char	*os;		/* "Linux Debian GNU/Linux 12" */
	const char	*os_vendor;	/* "Linux" */
	time_t		 now;
	struct hipgen_iface	ifs[HIPGEN_IFACES_MAX];
	int		 nifs;
};

/* Host facts: OS from os_release_path, interfaces from getifaddrs(). */
void	hipgen_host(struct hipgen_in *in, const char *os_release_path,
	    char *os, size_t ossz);
/* The report XML into out (pure); -1 if it does not fit. */
int	hipgen_report(const struct hipgen_in *in, char *out, size_t outsz,
	    struct gp_err *e);

#endif
