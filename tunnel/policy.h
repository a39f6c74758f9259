/*
 * The root-owned policy of gp-tunnel [priv] (/etc/gpvpn/gp-tunnel.conf or
 * --policy FILE): which gateways, route prefixes and DNS changes a CONFIG
 * frame may ask for. The file is trusted only once its owner and mode are
 * checked; the frames it is applied to are untrusted.
 */
#ifndef GPVPN_TUNNEL_POLICY_H
#define GPVPN_TUNNEL_POLICY_H

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

struct policy_gateway {
	struct cfg_addr	addr;
	bool		has_pin;
	uint8_t		pin[CFG_PIN_BYTES];	/* SHA-256 of the SPKI */
};

struct policy_prefix {
	struct cfg_addr	addr;
	uint8_t		prefixlen;
};

/*
 * A class without any line is not restricted: no "gateway" line allows
 * every gateway, no "route" line every route. "dns" defaults to yes.
 */
struct tunnel_policy {
	bool			present;	/* a file was read */
	unsigned		n_gateways;
	struct policy_gateway	gateways[POLICY_GATEWAYS_MAX];
	unsigned		n_routes;
	struct policy_prefix	routes[POLICY_ROUTES_MAX];
	bool			dns;
};

/* Pure: the text of a policy file. 0, or -1 with e naming the line and
 * the value. p is reset first. */
int	policy_parse(const char *text, size_t len, struct tunnel_policy *p,
	    struct gp_err *e);
/* One line per rule, in a fixed order (golden tests, -vv). */
void	policy_print(FILE *fp, const struct tunnel_policy *p);

/*
 * May the frame's config be applied? 0, or -1 with e saying what the
 * frame asked for and which rule refuses it. Pure.
 */
int	policy_check(const struct tunnel_policy *p, const struct gp_config *c,
	    struct gp_err *e);

/*
 * Read and parse path. The file must be a regular file owned by root and
 * not writable by group or others, else it is refused. With optional, a
 * missing file is no policy (p->present false). 0 or -1.
 */
int	policy_load(const char *path, bool optional, struct tunnel_policy *p,
	    struct gp_err *e);

#endif
