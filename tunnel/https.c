/* SPDX-License-Identifier: ISC */
/*
 * The HTTPS tunnel (see https.h), in gp-tunnel: the open sequence
 * (connect, handshake, pin, request, START_TUNNEL: https_conn.c,
 * https_request.c, https_reply.c) and non-blocking I/O on the open
 * tunnel for the packet loop. Runs in [net]; everything read from the
 * gateway is untrusted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/https_int.h"
/* Describe the last OpenSSL failure: library reason or errno. */
static int
https_ssl_err(struct gp_err *e, const char *what, int sslerr)
{
	unsigned long l = ERR_peek_last_error();
	const char *why = NULL;

	if (l != 0)
		why = ERR_reason_error_string(l);
	if (why == NULL && sslerr == SSL_ERROR_SYSCALL && errno != 0)
		why = strerror(errno);
	if (why == NULL)
		why = "connection closed";
	ERR_clear_error();
	return err_set(e, "https: %s: %s", what, why);
}
long
https_io_result(struct https_tunnel *t, int ret, const char *what,
    struct gp_err *e)
{
	int sslerr = SSL_get_error(t->ssl, ret);

	switch (sslerr) {
	case SSL_ERROR_WANT_READ:
		return HTTPS_IO_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return HTTPS_IO_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		return HTTPS_IO_CLOSED;
	default:
		if (t->pin_state == HTTPS_PIN_MISMATCH)
			return err_set(e, "https: the gateway's key (SPKI "
			    "SHA-256 %02x%02x%02x%02x...) does not match the "
			    "pin", t->seen[0], t->seen[1], t->seen[2],
			    t->seen[3]);
		return https_ssl_err(e, what, sslerr);
	}
}
/* One SSL_read_ex or SSL_write_ex: bytes moved, or HTTPS_IO_*. */
static long
https_io(struct https_tunnel *t, bool rd, void *rbuf, const void *wbuf,
    size_t len, struct gp_err *e)
{
	size_t n = 0;
	int r;

	ERR_clear_error();
	errno = 0;
	if (rd)
		r = SSL_read_ex(t->ssl, rbuf, len, &n);
	else
		r = SSL_write_ex(t->ssl, wbuf, len, &n);
	if (r == 1)
		return (long)n;
	return https_io_result(t, r, rd ? "TLS read" : "TLS write",
	    e);
}

long
https_read(struct https_tunnel *t, void *buf, size_t len, struct gp_err *e)
{
	return https_io(t, true, buf, NULL, len, e);
}

long
https_write(struct https_tunnel *t, const void *buf, size_t len,
    struct gp_err *e)
{
	return https_io(t, false, NULL, buf, len, e);
}

/*
 * Decrypted bytes of the current record. Not SSL_has_pending(): that is
 * also true for half a record, which poll() does announce, and we would
 * spin. With read-ahead OpenSSL may also hold whole records it has not
 * decrypted yet, which neither poll() nor this sees: the packet loop
 * reads until TLS wants more (session_https.c), and once first after
 * the tunnel opens, for what came behind START_TUNNEL.
 */
bool
https_pending(const struct https_tunnel *t)
{
	return SSL_pending(t->ssl) > 0;
}
int
https_fd(const struct https_tunnel *t)
{
	return t->fd;
}
void
https_close(struct https_tunnel *t)
{
	if (t == NULL)
		return;
	if (t->ssl != NULL) {
		/* One try at close_notify; the socket is non-blocking. */
		if (t->pin_state == HTTPS_PIN_MATCHED &&
		    SSL_is_init_finished(t->ssl))
			(void)SSL_shutdown(t->ssl);
		ERR_clear_error();
		SSL_free(t->ssl);
	}
	if (t->fd != -1)
		close(t->fd);
	explicit_bzero(t, sizeof(*t));
	free(t);
}
static int
https_open_steps(struct https_ctx *x, const struct gp_config *c,
    struct https_tunnel *t, struct gp_err *e)
{
	int64_t deadline = clock_now_ms() + HTTPS_CONNECT_TIMEOUT_MS;

	t->fd = https_conn_tcp(x, c, deadline, e);
	if (t->fd == -1)
		return HTTPS_OPEN_ERROR;
	if (https_conn_handshake(x, t, c, deadline, e) == -1 ||
	    https_conn_check_pin(t, e) == -1 ||
	    https_request_send(x, t, c, deadline, e) == -1)
		return HTTPS_OPEN_ERROR;
	return https_reply_read(x, t, deadline, e);
}
/* "gw.example.com port 443", and the proxy it goes through, for logs. */
static void
https_describe(const struct gp_config *c, char *out, size_t outsz)
{
	char a[CFG_ADDR_STR_MAX];

	if (c->proxy.type == CFG_PROXY_NONE)
		snprintf(out, outsz, "%s port %u", config_addr_str(
		    &c->gw_addr, a), c->gw_port);
	else
		snprintf(out, outsz, "%s port %u through the %s proxy %s "
		    "port %u", c->proxy.target, c->gw_port,
		    config_proxy_name(c->proxy.type),
		    config_addr_str(&c->proxy.addr, a), c->proxy.port);
}
int
https_open(struct https_ctx *x, const struct gp_config *c,
    struct https_tunnel **tp, struct gp_err *e)
{
	struct https_tunnel *t;
	char to[CFG_HOST_MAX + 2 * CFG_ADDR_STR_MAX + 64];
	int r;

	*tp = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return err_set(e, "https: out of memory");
	t->fd = -1;
	memcpy(t->pin, c->gw_pin, sizeof(t->pin));
	https_describe(c, to, sizeof(to));
	log_debug("https: opening the tunnel to %s", to);
	r = https_open_steps(x, c, t, e);
	if (r != HTTPS_OPEN_OK) {
		https_close(t);
		return r;
	}
	log_debug("https: tunnel to %s is up (%s)", to,
	    SSL_get_version(t->ssl));
	*tp = t;
	return HTTPS_OPEN_OK;
}
