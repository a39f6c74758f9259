/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's rekey step (see flow_rekey.h). Runs in gp-auth; the new
 * configuration comes from a possibly hostile gateway and replaces the
 * old one only once parsed, validated and checked against it.
 */
#include <stdio.h>
#include <string.h>

#include "auth/flow_fail.h"
#include "auth/flow_getconfig.h"
#include "auth/flow_rekey.h"
#include "ipc/log.h"
#include "ipc/secret.h"

/*
 * §6.1 on a rekey: the current addresses go first as preferred-ip and
 * preferred-ipv6 (empty when there is none), and the appended cookie
 * loses its own copies of them.
 */
static int
flow_rekey_form(struct flow *f, struct form *fm)
{
	const struct gp_config *c = f->cfg;
	char a4[CFG_ADDR_STR_MAX] = "", a6[CFG_ADDR_STR_MAX] = "";
	struct gp_cookie *ck;
	char *text;
	int rc = -1;

	if (c->ip4.family == CFG_AF_INET)
		(void)config_addr_str(&c->ip4, a4);
	if (c->ip6.family == CFG_AF_INET6)
		(void)config_addr_str(&c->ip6, a6);
	form_add(fm, "preferred-ip", a4);
	form_add(fm, "preferred-ipv6", a6);
	if ((ck = cookie_new()) == NULL ||
	    (text = secret_alloc(COOKIE_STR_MAX)) == NULL)
		fatal("out of memory");
	*ck = *f->cookie;
	ck->preferred_ip[0] = ck->preferred_ipv6[0] = '\0';
	if (cookie_format(ck, text, COOKIE_STR_MAX) == 0) {
		form_add_raw(fm, text);
		rc = 0;
	}
	secret_free(text, COOKIE_STR_MAX);
	cookie_free(ck);
	return rc;
}

static bool
flow_rekey_same(const struct cfg_addr *a, const struct cfg_addr *b)
{
	size_t n = a->family == CFG_AF_INET ? 4 : 16;

	return a->family == b->family &&
	    (a->family == CFG_AF_NONE || memcmp(a->bytes, b->bytes, n) == 0);
}

/* "was -> now" for a changed tunnel address, into msg. */
static void
flow_rekey_change(const struct cfg_addr *a, uint8_t alen,
    const struct cfg_addr *b, uint8_t blen, char *msg, size_t msgsz)
{
	char was[CFG_ADDR_STR_MAX] = "none", now[CFG_ADDR_STR_MAX] = "none";

	if (a->family != CFG_AF_NONE)
		(void)config_addr_str(a, was);
	if (b->family != CFG_AF_NONE)
		(void)config_addr_str(b, now);
	snprintf(msg, msgsz, "%s/%u to %s/%u", was, alen, now, blen);
}

/*
 * OpenConnect aborts when a rekey brings another IPv4 address (§6.1).
 * gp-tunnel set up the interface and routes for the old addresses and
 * refuses a CONFIG that changes them (ctl_rekey_check), so any change of
 * address or prefix ends the session, with the reason in msg.
 */
int
flow_rekey_check(const struct gp_config *oc, const struct gp_config *nc,
    char *msg, size_t msgsz)
{
	char what[2 * CFG_ADDR_STR_MAX + 16];
	const char *fam = "IPv4";

	if (flow_rekey_same(&oc->ip4, &nc->ip4) &&
	    oc->ip4_prefixlen == nc->ip4_prefixlen) {
		if (flow_rekey_same(&oc->ip6, &nc->ip6) &&
		    oc->ip6_prefixlen == nc->ip6_prefixlen)
			return 0;
		fam = "IPv6";
		flow_rekey_change(&oc->ip6, oc->ip6_prefixlen, &nc->ip6,
		    nc->ip6_prefixlen, what, sizeof(what));
	} else
		flow_rekey_change(&oc->ip4, oc->ip4_prefixlen, &nc->ip4,
		    nc->ip4_prefixlen, what, sizeof(what));
	snprintf(msg, msgsz, "the gateway changed the tunnel %s address "
	    "from %s", fam, what);
	return -1;
}

static int
flow_rekey_addrs(struct flow *f, const struct gp_config *nc)
{
	char msg[2 * CFG_ADDR_STR_MAX + 64];

	if (flow_rekey_check(f->cfg, nc, msg, sizeof(msg)) == 0)
		return 0;
	return flow_fail(f, FLOW_EXIT_ERR, "rekey: %s; ending the session",
	    msg);
}

enum flow_rekey_res
flow_rekey_run(struct flow *f)
{
	struct gp_config *nc;
	struct form *fm;

	f->status = FLOW_EXIT_ERR;
	if ((nc = config_new()) == NULL)
		fatal("out of memory");
	fm = flow_getconfig_form(f);
	if (flow_rekey_form(f, fm) == -1) {
		form_free(fm);
		config_free(nc);
		(void)flow_fail(f, FLOW_EXIT_ERR, "rekey: cookie too long");
		return FLOW_REKEY_RETRY;
	}
	if (flow_getconfig_post(f, fm, nc) != FLOW_RES_OK) {
		config_free(nc);
		/* A rejected cookie will not get better with time (§2). */
		return f->status == FLOW_EXIT_COOKIE ? FLOW_REKEY_END :
		    FLOW_REKEY_RETRY;
	}
	if (flow_rekey_addrs(f, nc) == -1) {
		config_free(nc);
		return FLOW_REKEY_END;
	}
	config_free(f->cfg);
	f->cfg = nc;
	log_info("rekey: new configuration from the gateway");
	f->hip_due = true;
	return FLOW_REKEY_OK;
}
