/*
 * The HTTPS tunnel (see https.h), in gp-tunnel: TCP connect with a
 * deadline, TLS pinned to the SPKI SHA-256 gp-auth verified, the GET that
 * carries the cookie, and the START_TUNNEL answer. Everything read from
 * the gateway is untrusted; the request holds the cookie and is wiped.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "ipc/buf.h"
#include "ipc/clock.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "tunnel/https.h"
#include "tunnel/proxy.h"

/* TLS >= 1.2 with forward secrecy and AEAD/CBC-SHA suites only. */
#define HTTPS_CIPHERS	"HIGH:!aNULL:!eNULL:!kRSA:!PSK:!SRP:!MD5:!RC4:" \
			"!3DES:!DSS:!CAMELLIA:!ARIA"
#define HTTPS_START_LEN	(sizeof(HTTPS_START_TUNNEL) - 1)
#define HTTPS_STATUS_502	502

struct https_ctx {
	SSL_CTX			*ssl_ctx;
	BIO_METHOD		*bio_meth;	/* socket BIO, MSG_NOSIGNAL */
	EVP_MD			*sha256;	/* fetched before the sandbox */
	volatile sig_atomic_t	*cancel;
};

enum https_pin_state {
	HTTPS_PIN_UNSEEN = 0,
	HTTPS_PIN_MATCHED,
	HTTPS_PIN_MISMATCH
};

struct https_tunnel {
	int		fd;
	SSL		*ssl;
	int		pin_state;		/* enum https_pin_state */
	uint8_t		pin[CFG_PIN_BYTES];	/* what we expect */
	uint8_t		seen[CFG_PIN_BYTES];	/* what the gateway showed */
};

/*
 * Socket writes through send(MSG_NOSIGNAL): a gateway that resets the
 * connection must give an error, not SIGPIPE, and we do not touch the
 * process's signal dispositions (children would inherit SIG_IGN).
 */
static int
https_bio_write(BIO *b, const char *buf, int len)
{
	ssize_t n;

	BIO_clear_retry_flags(b);
	n = send(BIO_get_fd(b, NULL), buf, (size_t)len, MSG_NOSIGNAL);
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR || errno == EINPROGRESS))
		BIO_set_retry_write(b);
	return (int)n;
}

static BIO_METHOD *
https_bio_method(void)
{
	const BIO_METHOD *s = BIO_s_socket();
	BIO_METHOD *m;

	m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
	    BIO_TYPE_DESCRIPTOR, "gpvpn socket");
	if (m == NULL)
		return NULL;
	if (BIO_meth_set_write(m, https_bio_write) != 1 ||
	    BIO_meth_set_read(m, BIO_meth_get_read(s)) != 1 ||
	    BIO_meth_set_puts(m, BIO_meth_get_puts(s)) != 1 ||
	    BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(s)) != 1 ||
	    BIO_meth_set_create(m, BIO_meth_get_create(s)) != 1 ||
	    BIO_meth_set_destroy(m, BIO_meth_get_destroy(s)) != 1) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/* SHA-256 of the DER SubjectPublicKeyInfo, as gp-auth computed it. */
static int
https_spki_sha256(const EVP_MD *md, X509 *cert, uint8_t out[CFG_PIN_BYTES])
{
	unsigned char *der = NULL;
	unsigned int outlen = 0;
	int n, ok;

	n = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (n <= 0)
		return -1;
	ok = EVP_Digest(der, (size_t)n, out, &outlen, md, NULL);
	OPENSSL_free(der);
	return ok == 1 && outlen == CFG_PIN_BYTES ? 0 : -1;
}

/*
 * Replaces chain verification: CA trust is not consulted because gp-auth
 * already checked chain and name, and the pin carries that decision. The
 * handshake proves the peer holds the key; we check it is the pinned one.
 */
static int
https_verify_cb(X509_STORE_CTX *sctx, void *arg)
{
	struct https_ctx *x = arg;
	struct https_tunnel *t = NULL;
	X509 *leaf = X509_STORE_CTX_get0_cert(sctx);
	SSL *ssl;

	ssl = X509_STORE_CTX_get_ex_data(sctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl != NULL)
		t = SSL_get_app_data(ssl);
	if (t == NULL || leaf == NULL ||
	    https_spki_sha256(x->sha256, leaf, t->seen) == -1) {
		X509_STORE_CTX_set_error(sctx, X509_V_ERR_UNSPECIFIED);
		return 0;
	}
	if (!secret_equal(t->seen, t->pin, CFG_PIN_BYTES)) {
		t->pin_state = HTTPS_PIN_MISMATCH;
		X509_STORE_CTX_set_error(sctx,
		    X509_V_ERR_APPLICATION_VERIFICATION);
		return 0;
	}
	t->pin_state = HTTPS_PIN_MATCHED;
	return 1;
}

static int
https_ctx_setup(struct https_ctx *x, struct gp_err *e)
{
	SSL_CTX *s = x->ssl_ctx;

	if (SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION) != 1)
		return err_set(e, "https: cannot require TLS 1.2");
	/* Secure renegotiation only; tolerate a missing close_notify. */
	SSL_CTX_clear_options(s, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
	SSL_CTX_set_options(s, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET |
	    SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_security_level(s, 2);
	if (SSL_CTX_set_cipher_list(s, HTTPS_CIPHERS) != 1)
		return err_set(e, "https: cipher list rejected");
	/* No resumption: every handshake shows the key for the pin check. */
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(s, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_cert_verify_callback(s, https_verify_cb, x);
	return 0;
}

struct https_ctx *
https_ctx_new(const struct gp_config *c, struct gp_err *e)
{
	struct https_ctx *x;

	(void)c;	/* the pin is taken from the config at each open */
	x = calloc(1, sizeof(*x));
	if (x == NULL) {
		err_set(e, "https: out of memory");
		return NULL;
	}
	x->ssl_ctx = SSL_CTX_new(TLS_client_method());
	x->bio_meth = https_bio_method();
	x->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (x->ssl_ctx == NULL || x->bio_meth == NULL || x->sha256 == NULL) {
		err_set(e, "https: OpenSSL set-up failed");
		goto fail;
	}
	if (https_ctx_setup(x, e) == -1)
		goto fail;
	return x;
fail:
	https_ctx_free(x);
	return NULL;
}

void
https_ctx_free(struct https_ctx *x)
{
	if (x == NULL)
		return;
	SSL_CTX_free(x->ssl_ctx);
	BIO_meth_free(x->bio_meth);
	EVP_MD_free(x->sha256);
	free(x);
}

void
https_ctx_set_cancel(struct https_ctx *x, volatile sig_atomic_t *flag)
{
	x->cancel = flag;
}

/* Wait for events on fd until the absolute deadline; 0 or -1. */
static int
https_wait(const struct https_ctx *x, int fd, short events,
    int64_t deadline, const char *what, struct gp_err *e)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		if (x->cancel != NULL && *x->cancel != 0)
			return err_set(e, "https: interrupted while %s", what);
		left = deadline - clock_now_ms();
		if (left <= 0)
			return err_set(e, "https: timed out while %s", what);
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return err_set(e, "https: poll while %s: %s", what,
			    strerror(errno));
	}
}

static socklen_t
https_sockaddr(const struct cfg_addr *a, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->family == CFG_AF_INET) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->bytes, 4);
		return sizeof(*s4);
	}
	if (a->family == CFG_AF_INET6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->bytes, 16);
		return sizeof(*s6);
	}
	return 0;
}

/* The gateway, or the proxy on the way to it. */
static int
https_connect_tcp(const struct https_ctx *x, const struct gp_config *c,
    int64_t deadline, struct gp_err *e)
{
	struct sockaddr_storage ss;
	uint16_t port = c->proxy.type != CFG_PROXY_NONE ? c->proxy.port :
	    c->gw_port;
	socklen_t sl = https_sockaddr(config_tunnel_peer(c), port, &ss);
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
		if (https_wait(x, fd, POLLOUT, deadline, "connecting", e) == -1)
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

static long
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

long
https_read(struct https_tunnel *t, void *buf, size_t len, struct gp_err *e)
{
	size_t got = 0;
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_read_ex(t->ssl, buf, len, &got);
	if (r == 1)
		return (long)got;
	return https_io_result(t, r, "TLS read", e);
}

long
https_write(struct https_tunnel *t, const void *buf, size_t len,
    struct gp_err *e)
{
	size_t put = 0;
	int r;

	ERR_clear_error();
	errno = 0;
	r = SSL_write_ex(t->ssl, buf, len, &put);
	if (r == 1)
		return (long)put;
	return https_io_result(t, r, "TLS write", e);
}

/*
 * Decrypted bytes of the current record. Not SSL_has_pending(): that is
 * also true for half a record, which poll() does announce, and we would
 * spin. Without read-ahead OpenSSL never holds a further record.
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

/* Run one blocking-style TLS step (handshake, read, write) to a deadline. */
static long
https_step(const struct https_ctx *x, struct https_tunnel *t, long r,
    int64_t deadline, const char *what, struct gp_err *e)
{
	if (r == HTTPS_IO_WANT_READ)
		return https_wait(x, t->fd, POLLIN, deadline, what, e);
	if (r == HTTPS_IO_WANT_WRITE)
		return https_wait(x, t->fd, POLLOUT, deadline, what, e);
	return -1;
}

static bool
https_is_ip_literal(const char *s)
{
	uint8_t tmp[16];

	return inet_pton(AF_INET, s, tmp) == 1 ||
	    inet_pton(AF_INET6, s, tmp) == 1;
}

static int
https_handshake(struct https_ctx *x, struct https_tunnel *t,
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
		if (https_step(x, t, r, deadline, "in the TLS handshake",
		    e) == -1)
			return -1;
	}
	return 0;
}

/* Belt and braces: the callback ran, matched, and a key was shown. */
static int
https_check_pin(const struct https_tunnel *t, struct gp_err *e)
{
	if (t->pin_state != HTTPS_PIN_MATCHED ||
	    SSL_get0_peer_certificate(t->ssl) == NULL)
		return err_set(e, "https: gateway key not checked against "
		    "the pin");
	return 0;
}

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
https_urlencode(char *out, size_t outsz, const char *in)
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
https_build_request(char *out, size_t outsz, const char *path,
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
https_digit(struct buf *b, int *v)
{
	uint8_t ch = 0;

	if (buf_get_u8(b, &ch) == -1 || ch < '0' || ch > '9')
		return -1;
	*v = *v * 10 + (ch - '0');
	return 0;
}

int
https_parse_status(const char *line, size_t len, int *status,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], proto[7];
	struct buf b;
	uint8_t minor = 0, sp = 0;
	int code = 0;

	*status = 0;
	buf_view(&b, line, len);
	if (buf_get_bytes(&b, proto, sizeof(proto)) == -1 ||
	    memcmp(proto, "HTTP/1.", sizeof(proto)) != 0 ||
	    buf_get_u8(&b, &minor) == -1 || (minor != '0' && minor != '1') ||
	    buf_get_u8(&b, &sp) == -1 || sp != ' ' ||
	    https_digit(&b, &code) == -1 || https_digit(&b, &code) == -1 ||
	    https_digit(&b, &code) == -1 || code < 100 ||
	    (buf_get_u8(&b, &sp) == 0 && sp != ' '))
		return err_set(e, "https: not an HTTP status line: `%s`",
		    err_quote(q, line, len));
	*status = code;
	return 0;
}

/* Read at most len bytes, waiting to the deadline; bytes, 0 on EOF, -1. */
static long
https_read_wait(const struct https_ctx *x, struct https_tunnel *t,
    void *buf, size_t len, int64_t deadline, struct gp_err *e)
{
	long n;

	for (;;) {
		n = https_read(t, buf, len, e);
		if (n >= 0)
			return n;
		if (https_step(x, t, n, deadline, "waiting for START_TUNNEL",
		    e) == -1)
			return -1;
	}
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
		else if (https_step(x, t, n, deadline, "sending the request",
		    e) == -1)
			return -1;
	}
	return 0;
}

static int
https_send_request(const struct https_ctx *x, struct https_tunnel *t,
    const struct gp_config *c, int64_t deadline, struct gp_err *e)
{
	char *req;
	int n, r = -1;

	req = secret_alloc(HTTPS_REQUEST_MAX);
	if (req == NULL)
		return err_set(e, "https: out of memory");
	n = https_build_request(req, HTTPS_REQUEST_MAX, c->tunnel_path,
	    c->authcookie, c->user, e);
	if (n != -1)
		r = https_write_wait(x, t, req, (size_t)n, deadline, e);
	secret_free(req, HTTPS_REQUEST_MAX);
	return r;
}

/* Not START_TUNNEL: the first line should be an HTTP status line. */
static int
https_reply_error(const char *reply, size_t have, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t n;
	int status;

	for (n = 0; n < have; n++)
		if (reply[n] == '\r' || reply[n] == '\n')
			break;
	if (https_parse_status(reply, n, &status, e) == -1)
		return HTTPS_OPEN_ERROR;
	if (status == HTTPS_STATUS_502) {
		err_set(e, "https: gateway rejected the auth cookie "
		    "(HTTP 502)");
		return HTTPS_OPEN_COOKIE_REJECTED;
	}
	err_set(e, "https: gateway answered `%s` instead of START_TUNNEL",
	    err_quote(q, reply, n));
	return HTTPS_OPEN_ERROR;
}

/*
 * Exactly 12 bytes first, so that no byte of the framed stream behind
 * START_TUNNEL is taken here: it stays inside TLS for the packet loop,
 * which asks https_pending() before it sleeps in poll().
 */
static int
https_read_reply(const struct https_ctx *x, struct https_tunnel *t,
    int64_t deadline, struct gp_err *e)
{
	char reply[HTTPS_REPLY_MAX];
	size_t have = 0, want = HTTPS_START_LEN;
	long n;

	for (;;) {
		n = https_read_wait(x, t, reply + have, want - have, deadline,
		    e);
		if (n == -1)
			return HTTPS_OPEN_ERROR;
		if (n == 0)
			break;
		have += (size_t)n;
		if (have <= HTTPS_START_LEN &&
		    memcmp(reply, HTTPS_START_TUNNEL, have) == 0) {
			if (have == HTTPS_START_LEN)
				return HTTPS_OPEN_OK;
			continue;	/* START_TUNNEL split over records */
		}
		if (memchr(reply, '\n', have) != NULL || have == sizeof(reply))
			break;
		want = sizeof(reply);
	}
	if (have == 0) {
		err_set(e, "https: gateway disconnected immediately");
		return HTTPS_OPEN_ERROR;
	}
	return https_reply_error(reply, have, e);
}

static int
https_open_steps(struct https_ctx *x, const struct gp_config *c,
    struct https_tunnel *t, struct gp_err *e)
{
	int64_t deadline = clock_now_ms() + HTTPS_CONNECT_TIMEOUT_MS;

	t->fd = https_connect_tcp(x, c, deadline, e);
	if (t->fd == -1)
		return HTTPS_OPEN_ERROR;
	if (https_handshake(x, t, c, deadline, e) == -1 ||
	    https_check_pin(t, e) == -1 ||
	    https_send_request(x, t, c, deadline, e) == -1)
		return HTTPS_OPEN_ERROR;
	return https_read_reply(x, t, deadline, e);
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
