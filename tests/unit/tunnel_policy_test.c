/* SPDX-License-Identifier: ISC */
/*
 * Unit and golden tests for gp-tunnel's policy (tunnel/policy*.c): each
 * tests/data/policy/NAME.conf parses to what NAME.ok says (the printed
 * policy, or the error); CONFIGs are allowed or refused with a reason,
 * by one policy or by the system one and --policy together; the loader
 * refuses a file root does not own alone; the sample policy in
 * examples/ parses. Test code only.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "tunnel/policy.h"
#include "tunnel/policy_allow.h"
#include "tunnel/policy_check.h"
#include "tunnel/policy_peer.h"
#include "tunnel/policy_print.h"
#include "fixture_config.h"
#include "golden.h"
#include "t.h"

#define DATA	"tests/data/policy"
#define PIN_AB	"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="

static char *
slurp(const char *path, size_t *len)
{
	static char text[POLICY_FILE_MAX_BYTES * 2];
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	*len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[*len] = '\0';
	return text;
}

/* NAME.conf -> the printed policy or "error: ...", as NAME.ok holds. */
static int
golden_one(const char *name)
{
	static struct tunnel_policy p;
	char path[512], got[8192], *text;
	struct gp_err e = { "" };
	size_t len;
	FILE *m;

	snprintf(path, sizeof(path), DATA "/%s.conf", name);
	if ((text = slurp(path, &len)) == NULL)
		return -1;
	m = fmemopen(got, sizeof(got), "w");
	if (policy_parse(text, len, &p, &e) == -1)
		fprintf(m, "error: %s\n", e.msg);
	else
		policy_print(m, &p);
	fclose(m);
	snprintf(path, sizeof(path), DATA "/%s.ok", name);
	return golden_check(path, got, strlen(got));
}

static void
test_golden(void)
{
	DIR *d = opendir(DATA);
	struct dirent *de;
	char name[256];
	int n = 0;

	T_CHECK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l < 6 || l >= sizeof(name) ||
		    strcmp(de->d_name + l - 5, ".conf") != 0)
			continue;
		memcpy(name, de->d_name, l - 5);
		name[l - 5] = '\0';
		T_EQ_INT(golden_one(name), 0);
		n++;
	}
	closedir(d);
	T_CHECK(n >= 15);
}

static struct gp_config *
test_config(void)
{
	struct gp_config *c = fx_config("", "198.18.128.10");

	fx_route(c, "198.18.64.0", 24, false);
	fx_route(c, "10.1.0.0", 16, false);
	fx_route(c, "10.1.2.0", 24, true);
	return c;
}

static int
check(const char *policy, const struct gp_config *c, char *why, size_t n)
{
	static struct tunnel_policy p;
	struct gp_err e = { "" };
	int r;

	if (policy_parse(policy, strlen(policy), &p, &e) == -1) {
		snprintf(why, n, "parse: %s", e.msg);
		return -2;
	}
	r = policy_check(&p, c, &e);
	snprintf(why, n, "%s", r == 0 ? "" : e.msg);
	return r;
}

#define ALLOW_ALL \
	"gateway 198.18.0.1 pin-sha256:" PIN_AB "\n" \
	"route 198.18.0.0/16\nroute 10.0.0.0/8\n"

static void
test_check_allowed(void)
{
	struct gp_config *c = test_config();
	static struct tunnel_policy none;
	struct gp_err e = { "" };
	char why[256];

	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), 0);
	T_EQ_INT(check("dns no\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("gateway 198.18.0.1\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("", c, why, sizeof(why)), 0);
	T_EQ_INT(policy_check(&none, c, &e), 0);	/* no file */
	config_free(c);
}

static void
test_check_gateway(void)
{
	struct gp_config *c = test_config();
	char why[256];

	T_EQ_INT(check("gateway 198.18.0.9\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses gateway 198.18.0.1: not an allowed "
	    "gateway");
	c->gw_pin[0] ^= 1;
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses gateway 198.18.0.1: its key "
	    "(pin-sha256) is not the one the policy allows");
	config_free(c);
}

/* test_config behind an HTTP proxy that resolves the gateway's name. */
static struct gp_config *
proxy_config(void)
{
	struct gp_config *c = test_config();

	memset(&c->gw_addr, 0, sizeof(c->gw_addr));
	c->proxy.type = CFG_PROXY_HTTP;
	fx_addr(&c->proxy.addr, "198.18.10.1");
	c->proxy.port = 8888;
	snprintf(c->proxy.target, sizeof(c->proxy.target), "%s", c->gw_host);
	return c;
}

static void
test_check_proxy(void)
{
	struct gp_config *c = proxy_config(), *d = test_config();
	char why[256];

	T_EQ_INT(check("", c, why, sizeof(why)), 0);
	T_EQ_INT(check("proxy yes\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("proxy 198.18.10.1:8888\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("proxy 198.18.10.9\nproxy 198.18.10.1\n", c, why,
	    sizeof(why)), 0);
	T_EQ_INT(check("proxy no\n", d, why, sizeof(why)), 0);
	T_EQ_INT(check("proxy no\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the http-connect proxy 198.18.10.1 port "
	    "8888: the policy says proxy no");
	T_EQ_INT(check("proxy 198.18.10.1:3128\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the http-connect proxy 198.18.10.1 port "
	    "8888: not an allowed proxy");
	T_EQ_INT(check("proxy [fd00::1]:8888\n", c, why, sizeof(why)), -1);
	/* Gateway lines without a proxy line: a proxy must be named. */
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the http-connect proxy 198.18.10.1 port "
	    "8888: the policy names its gateways and no proxy");
	T_EQ_INT(check(ALLOW_ALL "proxy yes\n", c, why, sizeof(why)), 0);
	config_free(c);
	config_free(d);
}

/* Behind a proxy only the pin names the gateway. */
static void
test_check_proxy_gateway(void)
{
	struct gp_config *c = proxy_config();
	char why[256];

	T_EQ_INT(check("gateway 198.18.0.1\nproxy yes\n", c, why,
	    sizeof(why)), -1);
	T_STREQ(why, "policy refuses gateway gw.example.com through a proxy: "
	    "no gateway line has its pin-sha256 (behind a proxy only the pin "
	    "names the gateway)");
	T_EQ_INT(check("gateway 198.18.0.77 pin-sha256:" PIN_AB "\nproxy yes\n",
	    c, why, sizeof(why)), 0);
	c->gw_pin[0] ^= 1;
	T_EQ_INT(check(ALLOW_ALL "proxy yes\n", c, why, sizeof(why)), -1);
	T_CHECK(strstr(why, "no gateway line has its pin-sha256") != NULL);
	config_free(c);
}

static void
test_check_routes(void)
{
	struct gp_config *c = test_config();
	char why[256];

	fx_route(c, "203.0.113.0", 24, false);
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the split-include route "
	    "203.0.113.0/24: outside every allowed route prefix");
	c->routes[c->n_routes - 1].exclude = true;
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the split-exclude route "
	    "203.0.113.0/24: outside every allowed route prefix");
	c->n_routes--;
	/* Wider than the allowed prefix, though it starts inside. */
	fx_route(c, "10.0.0.0", 7, false);
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	c->n_routes--;
	fx_addr(&c->ip4, "192.0.2.10");
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the tunnel address 192.0.2.10/32: "
	    "outside every allowed route prefix");
	config_free(c);
}

static void
test_check_default_route(void)
{
	struct gp_config *c = test_config();
	char why[256];

	c->n_routes = 0;
	T_EQ_INT(check(ALLOW_ALL, c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the default route (no split-include "
	    "routes) 0.0.0.0/0: outside every allowed route prefix");
	T_EQ_INT(check("route 0.0.0.0/0\n", c, why, sizeof(why)), 0);
	config_free(c);
}

static void
test_check_dns(void)
{
	struct gp_config *c = test_config();
	char why[256];

	c->n_dns = 1;
	fx_addr(&c->dns[0], "198.18.64.53");
	T_EQ_INT(check("dns yes\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("dns no\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the DNS settings (1 servers, 0 search "
	    "domains, 0 WINS servers): the policy says dns no");
	c->n_dns = 0;
	c->n_suffix = 1;
	T_EQ_INT(check("dns no\n", c, why, sizeof(why)), -1);
	config_free(c);
}

static void
test_check_default_by_include(void)
{
	struct gp_config *c = test_config();
	char why[256];

	/* vpnc-script makes any 0.0.0.0/N split-include the default. */
	fx_route(c, "0.0.0.0", 8, false);
	T_EQ_INT(check("route 0.0.0.0/8\n" ALLOW_ALL, c, why,
	    sizeof(why)), -1);
	T_STREQ(why, "policy refuses the default route (split-include "
	    "0.0.0.0/8) 0.0.0.0/0: outside every allowed route prefix");
	T_EQ_INT(check("route 0.0.0.0/0\n", c, why, sizeof(why)), 0);
	c->routes[c->n_routes - 1].exclude = true;	/* script ignores */
	T_EQ_INT(check("route 0.0.0.0/8\n" ALLOW_ALL, c, why,
	    sizeof(why)), 0);
	c->n_routes--;
	fx_addr(&c->ip6, "fd00::10");
	c->ip6_prefixlen = 128;
	fx_route(c, "fd00::", 8, false);
	fx_route(c, "::", 1, false);
	T_EQ_INT(check("route ::/1\nroute fd00::/8\n" ALLOW_ALL, c, why,
	    sizeof(why)), -1);
	T_STREQ(why, "policy refuses the default route (split-include "
	    "::/1) ::/0: outside every allowed route prefix");
	T_EQ_INT(check("route ::/0\n" ALLOW_ALL, c, why, sizeof(why)), 0);
	config_free(c);
}

static void
test_check_ports(void)
{
	struct gp_config *c = test_config();
	char why[256];

	T_EQ_INT(check("gateway-port 443\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("gateway-port 8443\ngateway-port 443\n", c, why,
	    sizeof(why)), 0);
	T_EQ_INT(check("gateway-port 8443\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses gateway port 443: not a gateway-port "
	    "of the policy");
	/* esp-port: only when the frame has ESP. */
	T_EQ_INT(check("esp-port 4501\n", c, why, sizeof(why)), 0);
	c->esp.present = true;
	c->esp.udp_port = 4501;
	T_EQ_INT(check("esp-port 4501\n", c, why, sizeof(why)), 0);
	c->esp.udp_port = 53;
	T_EQ_INT(check("esp-port 4501\n", c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses ESP port 53: not an esp-port of the "
	    "policy");
	T_EQ_INT(check("gateway-port 443\n", c, why, sizeof(why)), 0);
	config_free(c);
}

static void
test_check_dns_servers(void)
{
	struct gp_config *c = test_config();
	char why[256];

	c->n_dns = 2;
	fx_addr(&c->dns[0], "198.18.64.53");
	fx_addr(&c->dns[1], "fd00::53");
	T_EQ_INT(check("dns-server 198.18.64.0/24\ndns-server fd00::/64\n",
	    c, why, sizeof(why)), 0);
	T_EQ_INT(check("dns-server 198.18.64.53/32\n"
	    "dns-server fd00::53/128\n", c, why, sizeof(why)), 0);
	T_EQ_INT(check("dns-server 198.18.64.0/24\n", c, why,
	    sizeof(why)), -1);
	T_STREQ(why, "policy refuses the DNS server fd00::53: outside every "
	    "dns-server prefix");
	fx_addr(&c->dns[0], "8.8.8.8");
	T_EQ_INT(check("dns-server 198.18.64.0/24\ndns-server fd00::/64\n",
	    c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the DNS server 8.8.8.8: outside every "
	    "dns-server prefix");
	T_EQ_INT(check("dns yes\n", c, why, sizeof(why)), 0);
	c->n_dns = 0;
	c->n_nbns = 1;
	fx_addr(&c->nbns[0], "203.0.113.1");
	T_EQ_INT(check("dns-server 198.18.64.0/24\n", c, why,
	    sizeof(why)), -1);
	T_STREQ(why, "policy refuses the WINS server 203.0.113.1: outside "
	    "every dns-server prefix");
	/* dns no still refuses everything. */
	c->n_nbns = 0;
	c->n_dns = 1;
	fx_addr(&c->dns[0], "198.18.64.53");
	T_EQ_INT(check("dns no\ndns-server 198.18.64.0/24\n", c, why,
	    sizeof(why)), -1);
	config_free(c);
}

static void
suffix(struct gp_config *c, const char *s)
{
	snprintf(c->suffix[c->n_suffix++], sizeof(c->suffix[0]), "%s", s);
}

static void
test_check_dns_suffixes(void)
{
	struct gp_config *c = test_config();
	char why[256];

	suffix(c, "corp.example");
	T_EQ_INT(check("dns-suffix corp.example\n", c, why, sizeof(why)),
	    0);
	T_EQ_INT(check("dns-suffix CORP.Example\n", c, why, sizeof(why)),
	    0);
	/* ".corp.example" is what lies below, not corp.example itself. */
	T_EQ_INT(check("dns-suffix .corp.example\n", c, why, sizeof(why)),
	    -1);
	T_STREQ(why, "policy refuses the search domain corp.example: not a "
	    "dns-suffix of the policy");
	suffix(c, "eu.corp.example");
	T_EQ_INT(check("dns-suffix corp.example\n", c, why, sizeof(why)),
	    -1);
	T_STREQ(why, "policy refuses the search domain eu.corp.example: not "
	    "a dns-suffix of the policy");
	T_EQ_INT(check("dns-suffix corp.example\ndns-suffix .corp.example\n",
	    c, why, sizeof(why)), 0);
	suffix(c, "evilcorp.example");
	T_EQ_INT(check("dns-suffix corp.example\ndns-suffix .corp.example\n",
	    c, why, sizeof(why)), -1);
	T_STREQ(why, "policy refuses the search domain evilcorp.example: "
	    "not a dns-suffix of the policy");
	T_EQ_INT(check("dns-server 0.0.0.0/0\n", c, why, sizeof(why)), 0);
	config_free(c);
}

static void
parse(const char *text, struct tunnel_policy *p)
{
	struct gp_err e = { "" };

	if (policy_parse(text, strlen(text), p, &e) == -1) {
		fprintf(stderr, "  parse: %s\n", e.msg);
		exit(2);
	}
}

/* The system policy and --policy FILE: each must allow the frame. */
static void
test_check_extra(void)
{
	static struct tunnel_policy sys, extra, none;
	struct gp_config *c = test_config();
	struct gp_err e = { "" };

	parse(ALLOW_ALL, &sys);
	parse("route 10.0.0.0/8\n", &extra);
	snprintf(extra.source, sizeof(extra.source), "/etc/gpvpn/x.conf");
	sys.extra = &extra;
	T_EQ_INT(policy_check(&sys, c, &e), -1);
	T_STREQ(e.msg, "policy refuses the tunnel address 198.18.128.10/32:"
	    " outside every allowed route prefix (/etc/gpvpn/x.conf)");
	/* A wider --policy does not widen the system one. */
	parse("route 0.0.0.0/0\n", &extra);
	fx_route(c, "203.0.113.0", 24, false);
	T_EQ_INT(policy_check(&sys, c, &e), -1);
	T_CHECK(strstr(e.msg, "203.0.113.0/24") != NULL);
	c->n_routes--;
	T_EQ_INT(policy_check(&sys, c, &e), 0);
	/* No system file: --policy alone still applies. */
	none.extra = &extra;
	parse("dns no\n", &extra);
	c->n_dns = 1;
	fx_addr(&c->dns[0], "198.18.64.53");
	T_EQ_INT(policy_check(&none, c, &e), -1);
	T_CHECK(strstr(e.msg, "dns no") != NULL);
	config_free(c);
}

static void
test_allows(void)
{
	static struct tunnel_policy p;

	parse("allow-script /etc/gpvpn/vpnc-script\n"
	    "allow-setuid gpvpn\nallow-interface gp0\n"
	    "allow-policy /etc/gpvpn/alice.conf\n", &p);
	T_CHECK(policy_allows(&p, POLICY_ALLOW_SCRIPT,
	    "/etc/gpvpn/vpnc-script"));
	T_CHECK(!policy_allows(&p, POLICY_ALLOW_SCRIPT,
	    "/etc/gpvpn//vpnc-script"));
	T_CHECK(!policy_allows(&p, POLICY_ALLOW_POLICY,
	    "/etc/gpvpn/vpnc-script"));
	T_CHECK(policy_allows(&p, POLICY_ALLOW_SETUID, "gpvpn"));
	T_CHECK(!policy_allows(&p, POLICY_ALLOW_SETUID, "gpvpn2"));
	T_CHECK(policy_allows(&p, POLICY_ALLOW_INTERFACE, "gp0"));
	T_CHECK(!policy_allows(&p, POLICY_ALLOW_INTERFACE, "gp1"));
	T_CHECK(policy_allows(&p, POLICY_ALLOW_POLICY,
	    "/etc/gpvpn/alice.conf"));
	T_STREQ(policy_allow_keyword(POLICY_ALLOW_INTERFACE),
	    "allow-interface");
	parse("", &p);
	T_CHECK(!policy_allows(&p, POLICY_ALLOW_SCRIPT,
	    "/etc/gpvpn/vpnc-script"));
}

/* The sample that `make install` would ship parses, and is strict. */
static void
test_example(void)
{
	static struct tunnel_policy p;
	struct gp_err e = { "" };
	size_t len;
	char *text = slurp("examples/gp-tunnel.conf", &len);

	T_CHECK(text != NULL);
	if (text == NULL)
		return;
	T_EQ_INT(policy_parse(text, len, &p, &e), 0);
	T_CHECK(p.n_gateways > 0);
	T_CHECK(p.n_routes > 0);
	T_CHECK(p.n_dns_servers > 0);
	T_CHECK(p.n_suffixes > 0);
	T_CHECK(p.n_gw_ports > 0);
	T_EQ_INT(p.n_allows, 0);
}

static void
test_load_owner_mode(void)
{
	static struct tunnel_policy p;
	char path[] = "/tmp/gpvpn-policy-XXXXXX";
	struct gp_err e = { "" };
	int fd = mkstemp(path);

	T_CHECK(fd != -1);
	if (fd == -1)
		return;
	T_EQ_INT(write(fd, "dns no\n", 7), 7);
	T_EQ_INT(fchmod(fd, 0644), 0);
	if (geteuid() == 0) {
		T_EQ_INT(policy_load(path, false, &p, &e), 0);
		T_CHECK(p.present);
		T_CHECK(!p.dns);
		T_STREQ(p.source, path);
		T_EQ_INT(fchown(fd, 65534, 0), 0);
		T_EQ_INT(policy_load(path, false, &p, &e), -1);
		T_CHECK(strstr(e.msg, "must be owned by root") != NULL);
		T_EQ_INT(fchown(fd, 0, 0), 0);
	} else
		T_EQ_INT(policy_load(path, false, &p, &e), -1);
	T_EQ_INT(fchmod(fd, 0664), 0);
	T_EQ_INT(policy_load(path, false, &p, &e), -1);
	T_CHECK(strstr(e.msg, "not writable by group or others") != NULL);
	close(fd);
	unlink(path);
	T_EQ_INT(policy_load(path, true, &p, &e), 0);
	T_CHECK(!p.present);
	T_EQ_INT(policy_load(path, false, &p, &e), -1);
}

static void
test_parse_limits(void)
{
	static struct tunnel_policy p;
	static char big[POLICY_FILE_MAX_BYTES + 2];
	struct gp_err e = { "" };

	memset(big, '#', sizeof(big));
	T_EQ_INT(policy_parse(big, sizeof(big), &p, &e), -1);
	T_EQ_INT(policy_parse("dns no\0", 7, &p, &e), -1);
	T_CHECK(strstr(e.msg, "NUL") != NULL);
}

/* allow-user/allow-group against a peer; ids only, names unresolved. */
static int
peer_check(const char *policy, uid_t uid, gid_t gid, const gid_t *groups,
    size_t n, char *why, size_t whylen)
{
	static struct tunnel_policy p;
	struct policy_peer peer = { 0 };
	struct gp_err e = { "" };
	int r;

	if (policy_parse(policy, strlen(policy), &p, &e) == -1) {
		snprintf(why, whylen, "parse: %s", e.msg);
		return -2;
	}
	peer.uid = uid;
	peer.gid = gid;
	peer.groups = (gid_t *)groups;
	peer.n_groups = n;
	r = policy_peer_check(&p, &peer, &e);
	snprintf(why, whylen, "%s", r == 0 ? "" : e.msg);
	return r;
}

static void
test_peer_check(void)
{
	static const gid_t sup[] = { 20, 64010, 27 };
	char why[256];

	/* No allow line, or no policy: root only. */
	T_EQ_INT(peer_check("", 0, 0, NULL, 0, why, sizeof(why)), 0);
	T_EQ_INT(peer_check("", 1000, 1000, NULL, 0, why, sizeof(why)), -1);
	T_STREQ(why, "uid 1000 is not root, and the policy has no "
	    "allow-user or allow-group line");
	T_EQ_INT(peer_check("dns no\n", 1000, 1000, sup, 3, why,
	    sizeof(why)), -1);
	/* Root needs no line. */
	T_EQ_INT(peer_check("allow-user 1000\n", 0, 0, NULL, 0, why,
	    sizeof(why)), 0);
	T_EQ_INT(peer_check("allow-user 1000\n", 1000, 5, NULL, 0, why,
	    sizeof(why)), 0);
	T_EQ_INT(peer_check("allow-user 1000\n", 1001, 1000, NULL, 0, why,
	    sizeof(why)), -1);
	T_STREQ(why, "uid 1001 (gid 1000, 0 supplementary groups) matches "
	    "no allow-user or allow-group line of the policy");
	/* A group by the primary gid or a supplementary one. */
	T_EQ_INT(peer_check("allow-group 64010\n", 1001, 64010, NULL, 0, why,
	    sizeof(why)), 0);
	T_EQ_INT(peer_check("allow-group 64010\n", 1001, 1001, sup, 3, why,
	    sizeof(why)), 0);
	T_EQ_INT(peer_check("allow-group 64010\n", 1001, 1001, sup, 1, why,
	    sizeof(why)), -1);
	/* A uid is not a gid, nor the other way round. */
	T_EQ_INT(peer_check("allow-group 1001\n", 1001, 5, NULL, 0, why,
	    sizeof(why)), -1);
	T_EQ_INT(peer_check("allow-user 64010\n", 1001, 64010, sup, 3, why,
	    sizeof(why)), -1);
	/* A name nobody resolved matches nothing. */
	T_EQ_INT(peer_check("allow-user root\nallow-group root\n", 1001, 0,
	    NULL, 0, why, sizeof(why)), -1);
}

static void
test_allow_limits(void)
{
	static struct tunnel_policy p;
	static char text[POLICY_FILE_MAX_BYTES];
	struct gp_err e = { "" };
	size_t n = 0;
	unsigned i;

	for (i = 0; i <= POLICY_ALLOW_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "allow-group g%u\n", i);
	T_EQ_INT(policy_parse(text, n, &p, &e), -1);
	T_STREQ(e.msg, "policy line 65: too many lines of this kind: "
	    "\"g64\"");
	n -= strlen("allow-group g64\n");
	T_EQ_INT(policy_parse(text, n, &p, &e), 0);
	T_EQ_INT(p.n_allow_groups, POLICY_ALLOW_MAX);
	T_EQ_INT(p.n_allow_users, 0);
	T_STREQ(p.allow_groups[63].name, "g63");
	T_CHECK(!p.allow_groups[63].resolved);
}

int
main(void)
{
	T_RUN(test_golden);
	T_RUN(test_check_allowed);
	T_RUN(test_check_gateway);
	T_RUN(test_check_proxy);
	T_RUN(test_check_proxy_gateway);
	T_RUN(test_check_routes);
	T_RUN(test_check_default_route);
	T_RUN(test_check_dns);
	T_RUN(test_check_default_by_include);
	T_RUN(test_check_ports);
	T_RUN(test_check_dns_servers);
	T_RUN(test_check_dns_suffixes);
	T_RUN(test_check_extra);
	T_RUN(test_allows);
	T_RUN(test_example);
	T_RUN(test_load_owner_mode);
	T_RUN(test_parse_limits);
	T_RUN(test_peer_check);
	T_RUN(test_allow_limits);
	return T_DONE();
}
