/*
 * The request that opens gp-tunnel's HTTPS tunnel (PROTOCOL.md §8.1): a
 * header-less GET whose query carries the auth cookie and user name,
 * %-encoded, built in locked memory, written whole, then wiped. Runs in
 * [net]; its inputs come from a validated CONFIG.
 */
#include <stdbool.h>
#include <string.h>

#include "ipc/secret.h"
#include "tunnel/https_int.h"

/* Append n bytes, keeping room for the terminating NUL. */
static int
https_put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (outsz == 0 || n >= outsz - *o)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

static bool
https_unreserved(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
	    ch == '.' || ch == '~';
}

static int
https_put_enc(char *out, size_t outsz, size_t *o, const char *in)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;
	char pct[3];

	for (p = (const unsigned char *)in; *p != '\0'; p++) {
		if (https_unreserved(*p)) {
			if (https_put(out, outsz, o, (const char *)p, 1) == -1)
				return -1;
			continue;
		}
		pct[0] = '%';
		pct[1] = hex[*p >> 4];
		pct[2] = hex[*p & 0x0f];
		if (https_put(out, outsz, o, pct, sizeof(pct)) == -1)
			return -1;
	}
	return 0;
}

int
https_request_urlencode(char *out, size_t outsz, const char *in)
{
	size_t o = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (https_put_enc(out, outsz, &o, in) == -1)
		return -1;
	return (int)o;
}

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
	size_t o = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (!https_path_ok(path))
		return err_set(e, "https: tunnel path `%s` unusable",
		    err_quote(q, path, strnlen(path, CFG_PATH_MAX + 1)));
	if (https_put(out, outsz, &o, "GET ", 4) == -1 ||
	    https_put(out, outsz, &o, path, strlen(path)) == -1 ||
	    https_put(out, outsz, &o, "?authcookie=", 12) == -1 ||
	    https_put_enc(out, outsz, &o, cookie) == -1 ||
	    https_put(out, outsz, &o, "&user=", 6) == -1 ||
	    https_put_enc(out, outsz, &o, user) == -1 ||
	    https_put(out, outsz, &o, tail, sizeof(tail) - 1) == -1) {
		secret_wipe(out, outsz);
		return err_set(e, "https: tunnel request over %zu bytes",
		    outsz);
	}
	return (int)o;
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
