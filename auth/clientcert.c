/* SPDX-License-Identifier: ISC */
/*
 * The TLS client certificate of gp-auth (see clientcert.h). Files are
 * read into secret memory, decoded by OpenSSL into key objects and wiped;
 * no temporary file and no copy handed to libcurl: the identity goes into
 * each new SSL_CTX from http.c's context callback. Keys on PKCS#11 tokens
 * come from pkcs11.c. Runs before the sandbox.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "auth/clientcert.h"
#include "auth/creds.h"
#include "auth/p11uri.h"
#include "auth/pkcs11.h"
#include "ipc/fdio.h"
#include "ipc/secret.h"

static X509		*cc_cert;
static STACK_OF(X509)	*cc_chain;
static EVP_PKEY		*cc_key;

struct cc_file {
	const char	*path;
	char		*data;		/* secret, CLIENTCERT_FILE_MAX + 1 */
	size_t		 len;
};

struct cc_pass {
	const struct clientcert_opts	*o;
	const char	*what;		/* the file, for the prompt */
	const char	*noun;		/* "Passphrase", or "PIN" */
	char		*pw;		/* secret, CLIENTCERT_PASS_MAX */
	bool		 have;
	bool		 asked;
	struct gp_err	 err;		/* why no passphrase */
	bool		 failed;
};

static int
cc_read_fd(int fd, char *buf, size_t max, size_t *len, struct gp_err *e)
{
	ssize_t n;

	*len = 0;
	if ((n = fdio_read_all(fd, buf, max, e)) == -1)
		return errno == EMSGSIZE ? err_set(e, "larger than %zu bytes",
		    max) : -1;
	*len = (size_t)n;
	return 0;
}

static int
cc_file_read(struct cc_file *f, struct gp_err *e)
{
	struct gp_err e2;
	int fd;

	f->data = secret_alloc(CLIENTCERT_FILE_MAX + 1);
	if (f->data == NULL)
		return err_set(e, "out of memory");
	if ((fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return err_set(e, "%s: %s", f->path, strerror(errno));
	if (cc_read_fd(fd, f->data, CLIENTCERT_FILE_MAX, &f->len, &e2) == -1) {
		close(fd);
		return err_set(e, "%s: %s", f->path, e2.msg);
	}
	close(fd);
	f->data[f->len] = '\0';
	return 0;
}

static void
cc_file_free(struct cc_file *f)
{
	secret_free(f->data, CLIENTCERT_FILE_MAX + 1);
	f->data = NULL;
}

/* One line from --key-password-fd (byte by byte: the writer may keep
 * the pipe open), then the descriptor is closed. */
static int
cc_pass_fd(struct cc_pass *p)
{
	size_t n = 0;
	ssize_t r;
	char c;

	for (;;) {
		r = read(p->o->pass_fd, &c, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			err_set(&p->err, "--key-password-fd: %s",
			    strerror(errno));
			break;
		}
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= CLIENTCERT_PASS_MAX) {
			r = -1;
			err_set(&p->err, "--key-password-fd: longer than %d "
			    "bytes", CLIENTCERT_PASS_MAX - 1);
			break;
		}
		p->pw[n++] = c;
	}
	(void)close(p->o->pass_fd);
	if (n > 0 && p->pw[n - 1] == '\r')
		n--;
	p->pw[n] = '\0';
	if (r == -1)
		return -1;
	if (n == 0)
		return err_set(&p->err, "--key-password-fd: no passphrase");
	return 0;
}

static int
cc_pass_get(struct cc_pass *p)
{
	char prompt[512];

	p->asked = true;
	if (p->have)
		return 0;
	if (p->failed)
		return -1;
	if (p->o->pass_fd >= 0) {
		if (cc_pass_fd(p) == -1) {
			p->failed = true;
			return -1;
		}
	} else {
		snprintf(prompt, sizeof(prompt), "%s for %s: ", p->noun,
		    p->what);
		if (creds_read(prompt, true, false, p->pw,
		    CLIENTCERT_PASS_MAX, &p->err) == -1) {
			p->failed = true;
			return -1;
		}
	}
	p->have = true;
	return 0;
}

/* OpenSSL's pem_password_cb: asks only when a key is encrypted. */
static int
cc_pem_cb(char *buf, int size, int rwflag, void *u)
{
	struct cc_pass *p = u;
	size_t n;

	(void)rwflag;
	if (cc_pass_get(p) == -1)
		return -1;
	n = strlen(p->pw);
	if (size < 0 || n >= (size_t)size)
		return -1;
	memcpy(buf, p->pw, n);
	return (int)n;
}

static bool
cc_is_pem(const struct cc_file *f)
{
	return strstr(f->data, "-----BEGIN ") != NULL;
}

static int
cc_ossl_err(struct gp_err *e, const char *what)
{
	char buf[256];
	unsigned long code = ERR_peek_last_error();

	ERR_error_string_n(code, buf, sizeof(buf));
	ERR_clear_error();
	return err_set(e, "%s%s%s", what, code != 0 ? ": " : "",
	    code != 0 ? buf : "");
}

/* PEM: the first certificate, the rest as its chain. */
static int
cc_pem_certs(const struct cc_file *f, struct gp_err *e)
{
	BIO *b;
	X509 *x;

	if ((b = BIO_new_mem_buf(f->data, (int)f->len)) == NULL)
		return err_set(e, "out of memory");
	cc_cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	if (cc_cert == NULL) {
		BIO_free(b);
		return cc_ossl_err(e, "no certificate");
	}
	if ((cc_chain = sk_X509_new_null()) == NULL) {
		BIO_free(b);
		return err_set(e, "out of memory");
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_push(cc_chain, x) == 0) {
			X509_free(x);
			BIO_free(b);
			return err_set(e, "out of memory");
		}
	}
	ERR_clear_error();	/* the end of the file */
	BIO_free(b);
	return 0;
}

static int
cc_pem_key(const struct cc_file *f, struct cc_pass *p, struct gp_err *e)
{
	BIO *b;

	if ((b = BIO_new_mem_buf(f->data, (int)f->len)) == NULL)
		return err_set(e, "out of memory");
	cc_key = PEM_read_bio_PrivateKey(b, NULL, cc_pem_cb, p);
	BIO_free(b);
	if (cc_key != NULL)
		return 0;
	if (p->failed)
		return err_set(e, "%s", p->err.msg);
	if (p->asked)
		return cc_ossl_err(e, "wrong passphrase, or a damaged key");
	return cc_ossl_err(e, "no private key");
}

/* PKCS#12: the MAC says whether the passphrase is right. */
static int
cc_p12(const struct cc_file *f, struct cc_pass *p, struct gp_err *e)
{
	const unsigned char *q = (const unsigned char *)f->data;
	const char *pw = NULL;
	PKCS12 *p12;
	int rc = -1;

	if ((p12 = d2i_PKCS12(NULL, &q, (long)f->len)) == NULL)
		return cc_ossl_err(e, "neither PEM nor PKCS#12");
	if (PKCS12_mac_present(p12) != 1)
		pw = "";	/* no MAC to tell: try without a passphrase */
	else if (PKCS12_verify_mac(p12, NULL, 0) != 1 &&
	    PKCS12_verify_mac(p12, "", 0) != 1) {
		if (cc_pass_get(p) == -1) {
			err_set(e, "%s", p->err.msg);
			goto out;
		}
		if (PKCS12_verify_mac(p12, p->pw, -1) != 1) {
			err_set(e, "wrong passphrase");
			goto out;
		}
		pw = p->pw;
	} else if (PKCS12_verify_mac(p12, NULL, 0) != 1)
		pw = "";
	if (PKCS12_parse(p12, pw, &cc_key, &cc_cert, &cc_chain) != 1 ||
	    cc_key == NULL || cc_cert == NULL)
		cc_ossl_err(e, "cannot decode the PKCS#12 contents");
	else
		rc = 0;
out:
	ERR_clear_error();
	PKCS12_free(p12);
	return rc;
}

/* pkcs11_pin_fn: the PIN from --key-password-fd or the terminal, asked
 * once; the token's label comes from the URI. */
static int
cc_pin_cb(void *arg, const char *token, const char **pin, struct gp_err *e)
{
	struct cc_pass *p = arg;
	char q[ERR_QUOTE_MAX], what[ERR_QUOTE_MAX + 16];
	int rc;

	if (token[0] != '\0') {
		snprintf(what, sizeof(what), "the token `%s`",
		    err_quote(q, token, strlen(token)));
		p->what = what;
	} else
		p->what = "the PKCS#11 token";
	p->noun = "PIN";
	rc = cc_pass_get(p);
	p->what = "the PKCS#11 token";	/* not the buffer about to go */
	if (rc == -1)
		return err_set(e, "%s", p->err.msg);
	*pin = p->pw;
	return 0;
}

/* A certificate and key on a token (-c/-k pkcs11:...); a file in one
 * and a URI in the other is not taken. */
static int
cc_pkcs11(const struct clientcert_opts *o, struct cc_pass *p,
    struct gp_err *e)
{
	if (!p11uri_is(o->cert))
		return err_set(e, "-k is a PKCS#11 URI but -c is not: give "
		    "-c the certificate's URI too");
	if (o->key != NULL && !p11uri_is(o->key))
		return err_set(e, "-c is a PKCS#11 URI but -k is not: give "
		    "-k the key's URI, or leave -k out for the same token");
	return pkcs11_load(o->cert, o->key, cc_pin_cb, p, &cc_cert, &cc_key,
	    e);
}

static int
cc_decode(struct cc_file *cf, struct cc_file *kf, struct cc_pass *p,
    struct gp_err *e)
{
	if (!cc_is_pem(cf)) {
		if (kf->path != cf->path)
			return err_set(e, "--sslkey: the PKCS#12 file %s holds "
			    "the key already", cf->path);
		return cc_p12(cf, p, e);
	}
	if (cc_pem_certs(cf, e) == -1)
		return -1;
	if (kf->path != cf->path && cc_file_read(kf, e) == -1)
		return -1;
	return cc_pem_key(kf->path != cf->path ? kf : cf, p, e);
}

int
clientcert_load(const struct clientcert_opts *o, struct gp_err *e)
{
	struct cc_file cf = { o->cert, NULL, 0 };
	struct cc_file kf = { o->key != NULL ? o->key : o->cert, NULL, 0 };
	struct cc_pass p;
	struct gp_err e2;
	bool token;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	p.o = o;
	p.what = kf.path;
	p.noun = "Passphrase";
	token = p11uri_is(o->cert) || (o->key != NULL && p11uri_is(o->key));
	if ((p.pw = secret_alloc(CLIENTCERT_PASS_MAX)) == NULL)
		return err_set(e, "out of memory");
	if (token ? cc_pkcs11(o, &p, &e2) == 0 : (cc_file_read(&cf, &e2) ==
	    0 && cc_decode(&cf, &kf, &p, &e2) == 0))
		rc = 0;
	if (rc == 0 && X509_check_private_key(cc_cert, cc_key) != 1)
		rc = cc_ossl_err(&e2, "the key does not match the certificate");
	/* Not the URI in the message: a wrong one may hold a PIN. */
	if (rc == -1) {
		err_set(e, "client certificate %s: %s", token ?
		    "on a PKCS#11 token" : o->cert, e2.msg);
		clientcert_free();
	}
	if (p.o->pass_fd >= 0 && !p.asked)
		(void)close(p.o->pass_fd);
	creds_close();	/* the sandbox closes descriptors next */
	cc_file_free(&cf);
	if (kf.path != cf.path)
		cc_file_free(&kf);
	secret_free(p.pw, CLIENTCERT_PASS_MAX);
	return rc;
}

int
clientcert_apply(void *ssl_ctx)
{
	SSL_CTX *ctx = ssl_ctx;
	int i;

	if (cc_cert == NULL)
		return 0;
	if (SSL_CTX_use_certificate(ctx, cc_cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, cc_key) != 1)
		return -1;
	for (i = 0; cc_chain != NULL && i < sk_X509_num(cc_chain); i++) {
		if (SSL_CTX_add1_chain_cert(ctx, sk_X509_value(cc_chain,
		    i)) != 1)
			return -1;
	}
	return 0;
}

bool
clientcert_loaded(void)
{
	return cc_cert != NULL;
}

int
clientcert_keep_fds(int *fds, size_t room, struct gp_err *e)
{
	size_t n = pkcs11_fds(fds, room);

	if (n > room)
		return err_set(e, "the PKCS#11 module holds %zu descriptors "
		    "open; gp-auth's sandbox keeps at most %zu", n, room);
	return (int)n;
}

void
clientcert_free(void)
{
	X509_free(cc_cert);
	sk_X509_pop_free(cc_chain, X509_free);
	EVP_PKEY_free(cc_key);
	pkcs11_free();	/* after the key, which holds the engine */
	cc_cert = NULL;
	cc_chain = NULL;
	cc_key = NULL;
}
