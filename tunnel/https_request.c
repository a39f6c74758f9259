/* SPDX-License-Identifier: ISC */
/*
 * The request that opens gp-tunnel's HTTPS tunnel (PROTOCOL.md §8.1): a
 * header-less GET whose query carries the auth cookie and user name,
 * %-encoded, built in locked memory, written whole, then wiped. Runs in
 * [net]; its inputs come from a validated CONFIG.
 */
#include <stdbool.h>
#include <string.h>

#include "ipc/dynbuf.h"
#include "ipc/secret.h"
#include "ipc/textenc.h"
#include "tunnel/https_int.h"

/* An origin-form path: '/', then visible ASCII without '?' or '#'. */
static bool
https_path_ok(const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	if (*p != '/')
		return false;
	for (; *p != '\0'; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '?' || *p == '#')
			return false;
	return true;
}

int
https_request_build(char *out, size_t outsz, const char *path,
    const char *cookie, const char *user, struct gp_err *e)
{
	static const char tail[] = " HTTP/1.1\r\n\r\n";
	char q[ERR_QUOTE_MAX];
	struct dynbuf d;

	dynbuf_fixed(&d, out, outsz);
	if (!https_path_ok(path))
		return err_set(e, "https: tunnel path `%s` unusable",
		    err_quote(q, path, strnlen(path, CFG_PATH_MAX + 1)));
	if (dynbuf_addstr(&d, "GET ") == -1 ||
	    dynbuf_addstr(&d, path) == -1 ||
	    dynbuf_addstr(&d, "?authcookie=") == -1 ||
	    pct_encode(&d, cookie, strlen(cookie)) == -1 ||
	    dynbuf_addstr(&d, "&user=") == -1 ||
	    pct_encode(&d, user, strlen(user)) == -1 ||
	    dynbuf_addstr(&d, tail) == -1) {
		secret_wipe(out, outsz);
		return err_set(e, "https: tunnel request over %zu bytes",
		    outsz);
	}
	return (int)dynbuf_len(&d);
}

static int
https_write_wait(const struct https_ctx *x, struct https_tunnel *t,
    const char *buf, size_t len, int64_t deadline, struct gp_err *e)
{
	size_t off = 0;
	long n;

	while (off < len) {
		n = https_write(t, buf + off, len - off, e);
		if (n == HTTPS_IO_CLOSED)
			return err_set(e, "https: gateway closed the "
			    "connection before the request");
		if (n > 0)
			off += (size_t)n;
		else if (https_conn_step(x, t, n, deadline,
		    "sending the request", e) == -1)
			return -1;
	}
	return 0;
}
int
https_request_send(const struct https_ctx *x, struct https_tunnel *t,
    const struct gp_config *c, int64_t deadline, struct gp_err *e)
{
	char *req;
	int n, r = -1;

	req = secret_alloc(HTTPS_REQUEST_MAX);
	if (req == NULL)
		return err_set(e, "https: out of memory");
	n = https_request_build(req, HTTPS_REQUEST_MAX, c->tunnel_path,
	    c->authcookie, c->user, e);
	if (n != -1)
		r = https_write_wait(x, t, req, (size_t)n, deadline, e);
	secret_free(req, HTTPS_REQUEST_MAX);
	return r;
}
