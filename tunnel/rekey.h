/* SPDX-License-Identifier: ISC */
/*
 * What a rekey may change, decided by gp-tunnel [priv] before a later
 * CONFIG reaches [net]. The configuration compared against is the one
 * the connect script applied; the new one is untrusted but validated.
 */
#ifndef GPVPN_TUNNEL_REKEY_H
#define GPVPN_TUNNEL_REKEY_H

#include "ipc/config.h"
#include "ipc/err.h"

/*
 * gp-tunnel's exit status when it refused a rekey and ended the session.
 * Not 3: gp-auth --tunnel passes a non-zero status of the tunnel through,
 * and gp-auth's own 3 means "SAML login wanted".
 */
#define REKEY_EXIT_REFUSED	4

/*
 * The fields of struct gp_config fall in three classes:
 *
 * - host state, applied by the connect script and undone by disconnect:
 *   ip4/ip4_prefixlen, ip6/ip6_prefixlen, mtu, dns, nbns (WINS), suffix
 *   (search domains), routes;
 * - the gateway, which the routes (VPNGATEWAY) and [net]'s pinned TLS
 *   context were set up for: gw_host, gw_addr, gw_port, gw_pin;
 * - session material that leaves no trace on the host: authcookie, user,
 *   tunnel_path, the whole ESP SA (esp.*: algorithms, SPIs, keys, UDP
 *   port, magic-ping addresses), and the timers timeout_s, lifetime_s,
 *   idle_timeout_s.
 *
 * A rekey may change only the third class. Compared semantically: routes
 * as sets of (family, network, prefix length, include/exclude) with the
 * host bits cleared, so another order or a duplicate is no change; DNS
 * and WINS servers as ordered lists (order is preference); search domains
 * as an ordered list, ignoring case. 0 if next may be taken; -1 with e
 * naming each class of change and the first difference found.
 */
int	rekey_check(const struct gp_config *applied,
	    const struct gp_config *next, struct gp_err *e);

#endif
