/* SPDX-License-Identifier: ISC */
/*
 * The root-owned policy of gp-tunnel (/etc/gpvpn/gp-tunnel.conf, plus
 * --policy FILE on top): which gateways, ports, route prefixes and DNS
 * settings a CONFIG frame may ask for, and (the system file only) which
 * option values a user on whose behalf gp-tunnel runs may choose. The
 * file is trusted only once its owner and mode are checked; the frames
 * it is applied to are untrusted. What applies it: policy_check.h,
 * policy_peer.h, policy_allow.h; policy_print.h prints it.
 */
#ifndef GPVPN_TUNNEL_POLICY_H
#define GPVPN_TUNNEL_POLICY_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ipc/config.h"
#include "ipc/err.h"

#define POLICY_DEFAULT_PATH	"/etc/gpvpn/gp-tunnel.conf"
#define POLICY_FILE_MAX_BYTES	(64 * 1024)
#define POLICY_LINE_MAX_BYTES	512
#define POLICY_GATEWAYS_MAX	64
#define POLICY_ROUTES_MAX	256
#define POLICY_ALLOW_MAX	64	/* allow-user lines; allow-group too */
#define POLICY_NAME_MAX		32	/* a user or group name, in bytes */
#define POLICY_DNS_SERVERS_MAX	64
#define POLICY_SUFFIXES_MAX	64
#define POLICY_PORTS_MAX	16
#define POLICY_ALLOWS_MAX	64
#define POLICY_VALUE_MAX	255	/* an allow-* value */
#define POLICY_SOURCE_MAX	128	/* the file name, for messages */
#define POLICY_PROXIES_MAX	16	/* proxy ADDRESS[:PORT] lines */

struct policy_gateway {
	struct cfg_addr	addr;
	bool		has_pin;
	uint8_t		pin[CFG_PIN_BYTES];	/* SHA-256 of the SPKI */
};

struct policy_prefix {
	struct cfg_addr	addr;
	uint8_t		prefixlen;
};

/* What an allow-* line lets a user on whose behalf gp-tunnel runs
 * choose (caller.c); the value must be given exactly as written. */
enum policy_allow_kind {
	POLICY_ALLOW_SCRIPT = 1,	/* allow-script PATH: -s */
	POLICY_ALLOW_SETUID,		/* allow-setuid USER: --setuid */
	POLICY_ALLOW_INTERFACE,		/* allow-interface NAME: -i */
	POLICY_ALLOW_POLICY		/* allow-policy FILE: --policy */
};

struct policy_allow {
	uint8_t		kind;		/* enum policy_allow_kind */
	char		value[POLICY_VALUE_MAX + 1];
};

/*
 * allow-user NAME|UID, allow-group NAME|GID: who may connect to gp-tunnel
 * --listen. A name is kept as written; the listener looks it up when a
 * connection comes (peer_resolve) and sets id and resolved.
 */
struct policy_principal {
	char		name[POLICY_NAME_MAX + 1];	/* "": numeric */
	uint32_t	id;
	bool		resolved;	/* id holds the uid or gid */
};

/*
 * proxy no | yes | ADDRESS[:PORT]: whether a frame may send the tunnel
 * through a proxy (gp-auth --proxy). Without a proxy line, a proxy is
 * allowed unless the policy has gateway lines: those fix where the
 * tunnel's packets go, and a proxy would move them, so it must be named.
 */
enum policy_proxy_rule {
	POLICY_PROXY_DEFAULT = 0,
	POLICY_PROXY_NO,
	POLICY_PROXY_YES,
	POLICY_PROXY_LIST	/* only the proxies listed */
};

struct policy_proxy {
	struct cfg_addr	addr;
	uint16_t	port;		/* 0: any port */
};

/* Who connected to gp-tunnel --listen: SO_PEERCRED and SO_PEERGROUPS. */
struct policy_peer {
	pid_t		 pid;
	uid_t		 uid;
	gid_t		 gid;
	size_t		 n_groups;
	gid_t		*groups;	/* supplementary; peer.c owns it */
};

/*
 * A class without any line is not restricted: no "gateway" line allows
 * every gateway, no "route" line every route, no "dns-server" line every
 * DNS server, and so on. "dns" defaults to yes. The allow-* lines work
 * the other way round: none means a user may choose nothing.
 */
struct tunnel_policy {
	bool			present;	/* a file was read */
	unsigned		n_gateways;
	struct policy_gateway	gateways[POLICY_GATEWAYS_MAX];
	unsigned		n_gw_ports;
	uint16_t		gw_ports[POLICY_PORTS_MAX];
	unsigned		n_esp_ports;
	uint16_t		esp_ports[POLICY_PORTS_MAX];
	unsigned		n_routes;
	struct policy_prefix	routes[POLICY_ROUTES_MAX];
	bool			dns;
	/* No allow-user or allow-group line: only root may connect. */
	unsigned		n_allow_users;
	struct policy_principal	allow_users[POLICY_ALLOW_MAX];
	unsigned		n_allow_groups;
	struct policy_principal	allow_groups[POLICY_ALLOW_MAX];
	unsigned		n_dns_servers;
	struct policy_prefix	dns_servers[POLICY_DNS_SERVERS_MAX];
	unsigned		n_suffixes;
	/* "example.com": that name; ".example.com": names below it */
	char			suffixes[POLICY_SUFFIXES_MAX][CFG_HOST_MAX + 2];
	unsigned		n_allows;
	struct policy_allow	allows[POLICY_ALLOWS_MAX];
	/* Set by policy_load(): the file, named in refusals. */
	char			source[POLICY_SOURCE_MAX];
	/* --policy FILE: policy_check() requires it to allow the frame too. */
	const struct tunnel_policy *extra;
	uint8_t			proxy_rule;	/* enum policy_proxy_rule */
	unsigned		n_proxies;
	struct policy_proxy	proxies[POLICY_PROXIES_MAX];
};

/* Pure: the text of a policy file. 0, or -1 with e naming the line and
 * the value. p is reset first. */
int	policy_parse(const char *text, size_t len, struct tunnel_policy *p,
	    struct gp_err *e);
/*
 * Read and parse path. The file must be a regular file owned by root and
 * not writable by group or others, else it is refused. With optional, a
 * missing file is no policy (p->present false). 0 or -1.
 */
int	policy_load(const char *path, bool optional, struct tunnel_policy *p,
	    struct gp_err *e);

#endif
