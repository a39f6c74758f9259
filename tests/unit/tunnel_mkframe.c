/*
 * Test helper (not a unit test, not built by the Makefile): writes frames
 * for gp-tunnel to stdout, for manual and namespace checks. Test code
 * only; the cookie it sends is a fixed fake.
 *
 *   tunnel_mkframe config GW_ADDR PORT PIN_HEX IP4 [IP6]
 *   tunnel_mkframe config-nodns ...	(no DNS: safe for the real script)
 *   tunnel_mkframe shutdown
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "ipc/frame.h"

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "tunnel_mkframe: %s: %s\n", what, why);
	exit(1);
}

static void
pin_parse(const char *hex, uint8_t pin[CFG_PIN_BYTES])
{
	unsigned v, i;

	if (strlen(hex) != 2 * CFG_PIN_BYTES)
		die("pin", "need 64 hex digits");
	for (i = 0; i < CFG_PIN_BYTES; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("pin", "not hex");
		pin[i] = (uint8_t)v;
	}
}

static void
fill(struct gp_config *c, char **argv, int argc)
{
	snprintf(c->gw_host, sizeof(c->gw_host), "%s", argv[2]);
	if (config_addr_parse(argv[2], &c->gw_addr) == -1)
		die("gateway", argv[2]);
	c->gw_port = (uint16_t)strtoul(argv[3], NULL, 10);
	pin_parse(argv[4], c->gw_pin);
	snprintf(c->tunnel_path, sizeof(c->tunnel_path),
	    "/ssl-tunnel-connect.sslvpn");
	snprintf(c->authcookie, sizeof(c->authcookie),
	    "0123456789abcdef0123456789abcdef");
	snprintf(c->user, sizeof(c->user), "test");
	if (config_addr_parse(argv[5], &c->ip4) == -1)
		die("ip4", argv[5]);
	c->ip4_prefixlen = 24;
	if (argc > 6) {
		if (config_addr_parse(argv[6], &c->ip6) == -1)
			die("ip6", argv[6]);
		c->ip6_prefixlen = 64;
	}
	if (strcmp(argv[1], "config") == 0) {
		c->n_dns = 1;
		if (config_addr_parse("198.18.0.53", &c->dns[0]) == -1)
			die("dns", "198.18.0.53");
		c->n_suffix = 1;
		snprintf(c->suffix[0], sizeof(c->suffix[0]), "gpvpn.test");
	}
	c->n_routes = 1;
	if (config_addr_parse("198.18.100.0", &c->routes[0].addr) == -1)
		die("route", "198.18.100.0");
	c->routes[0].prefixlen = 24;
	c->timeout_s = 3600;
}

int
main(int argc, char **argv)
{
	struct gp_err e = { "" };
	struct gp_config *c;
	struct buf body;

	if (buf_init(&body, FRAME_MAX_BODY_BYTES) == -1)
		die("buf", "out of memory");
	if (argc == 2 && strcmp(argv[1], "shutdown") == 0) {
		if (frame_write(1, FRAME_SHUTDOWN, &body, &e) == -1)
			die("write", e.msg);
		return 0;
	}
	if (argc < 6 || (strcmp(argv[1], "config") != 0 &&
	    strcmp(argv[1], "config-nodns") != 0))
		die("usage", "config GW PORT PIN IP4 [IP6] | shutdown");
	if ((c = config_new()) == NULL)
		die("config", "out of memory");
	fill(c, argv, argc);
	if (frame_encode_config(c, &body, &e) == -1)
		die("encode", e.msg);
	if (frame_write(1, FRAME_CONFIG, &body, &e) == -1)
		die("write", e.msg);
	config_free(c);
	buf_free(&body);
	return 0;
}
