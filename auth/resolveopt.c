/* SPDX-License-Identifier: ISC */
/*
 * --resolve HOST:IP (see resolveopt.h). Runs in gp-auth's option
 * parsing; the text is the user's, quoted printable in every message.
 * The address is everything after the first colon, so an IPv6 address
 * goes bare, as OpenConnect takes it (flow_conn.c splits it the same way).
 */
#include <stdbool.h>
#include <string.h>

#include "auth/resolveopt.h"
#include "ipc/config.h"

#define RESOLVEOPT_LABEL_MAX	63

static bool
resolveopt_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* A DNS name: dot-separated labels of letters, digits and inner '-',
 * 1-63 bytes each, at most CFG_HOST_MAX in all; one final dot allowed. */
static bool
resolveopt_host_ok(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > CFG_HOST_MAX)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (!resolveopt_ldh(s[i]) ||
		    (label == 0 && s[i] == '-') ||
		    ++label > RESOLVEOPT_LABEL_MAX)
			return false;
	}
	return s[n - 1] != '-';
}

/* What a refused address probably meant: curl's HOST:PORT:ADDR, or a
 * bracketed IPv6 address. */
static const char *
resolveopt_hint(const char *ip)
{
	struct cfg_addr a;
	size_t d = strspn(ip, "0123456789");

	if (d > 0 && ip[d] == ':' && config_addr_parse(ip + d + 1, &a) == 0)
		return " (no port: the form is OpenConnect's HOST:IP, not "
		    "curl's HOST:PORT:IP)";
	if (ip[0] == '[')
		return " (an IPv6 address goes without brackets)";
	return "";
}

int
resolveopt_check(const char *arg, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *colon = strchr(arg, ':');
	struct cfg_addr a;

	if (colon == NULL)
		return err_set(e, "--resolve `%s`: expected HOST:IP, e.g. "
		    "vpn.example.com:192.0.2.1", err_quote(q, arg,
		    strlen(arg)));
	if (!resolveopt_host_ok(arg, (size_t)(colon - arg)))
		return err_set(e, "--resolve: `%s` is not a host name",
		    err_quote(q, arg, (size_t)(colon - arg)));
	if (config_addr_parse(colon + 1, &a) == -1)
		return err_set(e, "--resolve: `%s` is not an IPv4 or IPv6 "
		    "address%s", err_quote(q, colon + 1, strlen(colon + 1)),
		    resolveopt_hint(colon + 1));
	return 0;
}
