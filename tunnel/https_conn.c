/* SPDX-License-Identifier: ISC */
/*
 * The connection under gp-tunnel's HTTPS tunnel: a non-blocking TCP
 * connect to the gateway (or through its proxy, proxy.c), the TLS
 * handshake with SNI for names, and the pin check, each bounded by one
 * deadline and cancelled by SIGINT/SIGTERM. Runs in [net]; the peer is
 * untrusted until the pin matched.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "ipc/clock.h"
#include "ipc/fdio.h"
#include "tunnel/peeraddr.h"
#include "tunnel/https_int.h"
#include "tunnel/proxy.h"

/* Wait for events on fd until the absolute deadline; 0 or -1. */
int
https_conn_wait(const struct https_ctx *x, int fd, short events,
    int64_t deadline, const char *what, struct gp_err *e)
{
	return fdio_wait(fd, events, deadline, x->cancel, "https", what, e);
}

/* The gateway, or the proxy on the way to it. */
int
https_conn_tcp(const struct https_ctx *x, const struct gp_config *c,
    int64_t deadline, struct gp_err *e)
{
	struct sockaddr_storage ss;
	uint16_t port = c->proxy.type != CFG_PROXY_NONE ? c->proxy.port :
	    c->gw_port;
	socklen_t sl = peeraddr_make(config_tunnel_peer(c), port, &ss);
	socklen_t el = sizeof(int);
	int fd, soerr = 0, one = 1;

	if (sl == 0 || port == 0)
		return err_set(e, "https: no gateway address or port");
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return err_set(e, "https: socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1) {
		if (errno != EINPROGRESS) {
			err_set(e, "https: connect: %s", strerror(errno));
			goto fail;
		}
		if (https_conn_wait(x, fd, POLLOUT, deadline, "connecting",
		    e) == -1)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &el) == -1)
			soerr = errno;
		if (soerr != 0) {
			err_set(e, "https: connect: %s", strerror(soerr));
			goto fail;
		}
	}
	/* We batch frames ourselves; do not let Nagle delay them. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (c->proxy.type != CFG_PROXY_NONE &&
	    proxy_handshake(fd, c, deadline, x->cancel, e) == -1)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* Run one blocking-style TLS step (handshake, read, write) to a deadline. */
long
https_conn_step(const struct https_ctx *x, struct https_tunnel *t, long r,
    int64_t deadline, const char *what, struct gp_err *e)
{
	if (r == HTTPS_IO_WANT_READ)
		return https_conn_wait(x, t->fd, POLLIN, deadline, what, e);
	if (r == HTTPS_IO_WANT_WRITE)
		return https_conn_wait(x, t->fd, POLLOUT, deadline, what, e);
	return -1;
}

static bool
https_is_ip_literal(const char *s)
{
	uint8_t tmp[16];

	return inet_pton(AF_INET, s, tmp) == 1 ||
	    inet_pton(AF_INET6, s, tmp) == 1;
}

int
https_conn_handshake(struct https_ctx *x, struct https_tunnel *t,
    const struct gp_config *c, int64_t deadline, struct gp_err *e)
{
	BIO *bio;
	int r;

	t->ssl = SSL_new(x->ssl_ctx);
	bio = BIO_new(x->bio_meth);
	if (t->ssl == NULL || bio == NULL) {
		BIO_free(bio);
		return err_set(e, "https: out of memory");
	}
	BIO_set_fd(bio, t->fd, BIO_NOCLOSE);
	SSL_set_bio(t->ssl, bio, bio);
	SSL_set_app_data(t->ssl, t);
	if (memchr(c->gw_host, '\0', sizeof(c->gw_host)) != NULL &&
	    c->gw_host[0] != '\0' && !https_is_ip_literal(c->gw_host) &&
	    SSL_set_tlsext_host_name(t->ssl, c->gw_host) != 1)
		return err_set(e, "https: cannot set the server name");
	for (;;) {
		ERR_clear_error();
		errno = 0;
		r = SSL_connect(t->ssl);
		if (r == 1)
			break;
		r = (int)https_io_result(t, r, "TLS handshake", e);
		if (r == HTTPS_IO_CLOSED)
			return err_set(e, "https: gateway closed the "
			    "connection during the TLS handshake");
		if (https_conn_step(x, t, r, deadline, "in the TLS handshake",
		    e) == -1)
			return -1;
	}
	return 0;
}

/* Belt and braces: the callback ran, matched, and a key was shown. */
int
https_conn_check_pin(const struct https_tunnel *t, struct gp_err *e)
{
	if (t->pin_state != HTTPS_PIN_MATCHED ||
	    SSL_get0_peer_certificate(t->ssl) == NULL)
		return err_set(e, "https: gateway key not checked against "
		    "the pin");
	return 0;
}
