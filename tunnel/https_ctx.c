/* SPDX-License-Identifier: ISC */
/*
 * The TLS context of gp-tunnel's HTTPS tunnel, made before the sandbox:
 * TLS >= 1.2, no resumption, a socket BIO that writes with MSG_NOSIGNAL,
 * and the certificate check replaced by the SPKI SHA-256 pin gp-auth
 * verified. Runs in [net]; the certificate it checks is untrusted.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "ipc/secret.h"
#include "tunnel/https_int.h"

/*
 * Read-ahead: one read(2) takes as many of the gateway's records as the
 * buffer holds (real gateways send one frame, one packet, per record);
 * without it OpenSSL reads each record's 5-byte header and then its body,
 * two system calls per packet.
 */
#define HTTPS_READ_BUFFER_BYTES	(64 * 1024)

/* TLS >= 1.2 with forward secrecy and AEAD/CBC-SHA suites only. */
#define HTTPS_CIPHERS	"HIGH:!aNULL:!eNULL:!kRSA:!PSK:!SRP:!MD5:!RC4:" \
			"!3DES:!DSS:!CAMELLIA:!ARIA"
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
	SSL_CTX_set_read_ahead(s, 1);
	SSL_CTX_set_default_read_buffer_len(s, HTTPS_READ_BUFFER_BYTES);
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
