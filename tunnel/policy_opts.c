/* SPDX-License-Identifier: ISC */
/*
 * The option lines of the gp-tunnel policy file (policy_opts.h): dns,
 * dns-suffix, gateway-port, esp-port and proxy, each checked before it
 * is kept. Runs in [priv]; every line is untrusted text, parsed strictly
 * and with bounds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/policy_opts.h"

int
policy_opts_dns(struct tunnel_policy *p, const struct policy_line *l,
    bool *seen, struct gp_err *e)
{
	if (l->n != 2)
		return policy_line_bad(e, l, "expected \"dns yes\" or "
		    "\"dns no\"", l->tok[0]);
	if (*seen)
		return policy_line_bad(e, l, "a second dns line", l->tok[1]);
	if (strcmp(l->tok[1], "yes") == 0)
		p->dns = true;
	else if (strcmp(l->tok[1], "no") == 0)
		p->dns = false;
	else
		return policy_line_bad(e, l, "expected yes or no", l->tok[1]);
	*seen = true;
	return 0;
}

/* "name" or ".name": a host name as a frame's search domain must be. */
int
policy_opts_suffix(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	const char *name;
	struct cfg_addr a;

	if (l->n != 2)
		return policy_line_bad(e, l, "expected \"dns-suffix DOMAIN\"",
		    l->tok[0]);
	if (p->n_suffixes == POLICY_SUFFIXES_MAX)
		return policy_line_bad(e, l, "too many dns-suffix lines",
		    l->tok[1]);
	name = l->tok[1] + (l->tok[1][0] == '.');
	if (!config_hostname_ok(name) || config_addr_parse(name, &a) == 0)
		return policy_line_bad(e, l, "not a domain name", l->tok[1]);
	memcpy(p->suffixes[p->n_suffixes], l->tok[1],
	    strlen(l->tok[1]) + 1);
	p->n_suffixes++;
	return 0;
}

/* "1".."65535", decimal, no sign or leading zero. */
static int
policy_opts_port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (s[0] < '1' || s[0] > '9' || strlen(s) > 5)
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
policy_opts_port(const struct policy_line *l, unsigned *n, uint16_t *ports,
    struct gp_err *e)
{
	if (l->n != 2)
		return policy_line_bad(e, l, "expected one port number",
		    l->tok[0]);
	if (*n == POLICY_PORTS_MAX)
		return policy_line_bad(e, l, "too many port lines", l->tok[1]);
	if (policy_opts_port_parse(l->tok[1], &ports[*n]) == -1)
		return policy_line_bad(e, l, "not a port 1..65535", l->tok[1]);
	(*n)++;
	return 0;
}

/* "ADDR", "V4:PORT", "[V6]" or "[V6]:PORT". */
static int
policy_opts_hostport(const char *s, struct policy_proxy *x)
{
	char a[CFG_ADDR_STR_MAX + 1];
	const char *end, *port = NULL;
	bool v6 = s[0] == '[';
	size_t alen;

	memset(x, 0, sizeof(*x));
	if (v6) {
		if ((end = strchr(++s, ']')) == NULL ||
		    (end[1] != '\0' && end[1] != ':'))
			return -1;
		port = end[1] == ':' ? end + 2 : NULL;
	} else if ((end = strchr(s, ':')) != NULL &&
	    strchr(end + 1, ':') == NULL)
		port = end + 1;
	else
		end = s + strlen(s);
	alen = (size_t)(end - s);
	if (alen == 0 || alen > CFG_ADDR_STR_MAX)
		return -1;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (config_addr_parse(a, &x->addr) == -1 ||
	    (v6 && x->addr.family != CFG_AF_INET6))
		return -1;
	return port != NULL ? policy_opts_port_parse(port, &x->port) : 0;
}

int
policy_opts_proxy(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	bool no, yes;

	if (l->n != 2)
		return policy_line_bad(e, l, "expected \"proxy no\", \"proxy "
		    "yes\" or \"proxy ADDRESS[:PORT]\"", l->tok[0]);
	no = strcmp(l->tok[1], "no") == 0;
	yes = strcmp(l->tok[1], "yes") == 0;
	if (p->proxy_rule != POLICY_PROXY_DEFAULT &&
	    (no || yes || p->proxy_rule != POLICY_PROXY_LIST))
		return policy_line_bad(e, l, "proxy no and proxy yes go alone",
		    l->tok[1]);
	if (no || yes) {
		p->proxy_rule = no ? POLICY_PROXY_NO : POLICY_PROXY_YES;
		return 0;
	}
	if (p->n_proxies == POLICY_PROXIES_MAX)
		return policy_line_bad(e, l, "too many proxy lines", l->tok[1]);
	if (policy_opts_hostport(l->tok[1], &p->proxies[p->n_proxies]) == -1)
		return policy_line_bad(e, l, "not no, yes or an IP address "
		    "with an optional :PORT", l->tok[1]);
	p->n_proxies++;
	p->proxy_rule = POLICY_PROXY_LIST;
	return 0;
}
