/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of gp-auth's trust store (auth/castore.c): a CA file is
 * read into the one store, which then verifies a chain it anchors; a
 * missing or empty file is refused by name; a directory is read only as
 * a chain needs it; every SSL_CTX shares the same store. Test
 * certificates are made here, in memory. Test code only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "auth/castore.h"
#include "t.h"

struct cert {
	EVP_PKEY	*key;
	X509		*x;
};

static int
cert_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int rc;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return -1;
	rc = X509_add_ext(x, ext, -1) == 1 ? 0 : -1;
	X509_EXTENSION_free(ext);
	return rc;
}

/* A P-256 certificate for cn, signed by ca (NULL: self-signed, a CA). */
static struct cert
cert_make(const char *cn, const struct cert *ca, long serial)
{
	struct cert c = { EVP_EC_gen("P-256"), X509_new() };
	X509 *issuer = ca != NULL ? ca->x : c.x;
	X509_NAME *name = X509_get_subject_name(c.x);

	if (c.key == NULL || c.x == NULL)
		abort();
	X509_set_version(c.x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c.x), serial);
	X509_gmtime_adj(X509_getm_notBefore(c.x), -60);
	X509_gmtime_adj(X509_getm_notAfter(c.x), 3600);
	X509_set_pubkey(c.x, c.key);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c.x, X509_get_subject_name(issuer));
	if (cert_ext(c.x, issuer, NID_basic_constraints, ca == NULL ?
	    "critical,CA:TRUE" : "critical,CA:FALSE") == -1 ||
	    X509_sign(c.x, ca != NULL ? ca->key : c.key, EVP_sha256()) == 0)
		abort();
	return c;
}

static void
cert_free(struct cert *c)
{
	X509_free(c->x);
	EVP_PKEY_free(c->key);
}

/* path (a template) gets the PEM of n certificates. */
static int
pem_file(char *path, X509 *const *xs, int n)
{
	int fd = mkstemp(path), i, ok = 1;
	FILE *fp;

	if (fd == -1 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		ok &= PEM_write_X509(fp, xs[i]);
	fprintf(fp, "not a certificate: junk after them is ignored\n");
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/* leaf verifies against the store of ctx. */
static int
verifies(SSL_CTX *ctx, X509 *leaf)
{
	X509_STORE_CTX *sc = X509_STORE_CTX_new();
	int ok;

	if (sc == NULL || X509_STORE_CTX_init(sc, SSL_CTX_get_cert_store(ctx),
	    leaf, NULL) != 1)
		abort();
	ok = X509_verify_cert(sc);
	X509_STORE_CTX_free(sc);
	return ok;
}

static void
cafile_read_and_shared(void)
{
	struct cert ca = cert_make("test CA", NULL, 1);
	struct cert other = cert_make("other CA", NULL, 2);
	struct cert leaf = cert_make("gw.example.com", &ca, 3);
	struct cert stray = cert_make("stray", &other, 4);
	char path[] = "/tmp/castore-test.XXXXXX";
	X509 *cas[1] = { ca.x };
	SSL_CTX *a, *b;
	struct gp_err e;
	int n = -1;

	castore_free();
	T_EQ_INT(castore_count(), -1);
	T_EQ_INT(pem_file(path, cas, 1), 0);
	T_EQ_INT(castore_add_file(path, &n, &e), 0);
	T_EQ_INT(n, 1);
	T_EQ_INT(castore_count(), 1);
	a = SSL_CTX_new(TLS_client_method());
	b = SSL_CTX_new(TLS_client_method());
	T_EQ_INT(castore_apply(a), 0);
	T_EQ_INT(castore_apply(b), 0);
	/* One store, shared, not a copy per context. */
	T_CHECK(SSL_CTX_get_cert_store(a) == SSL_CTX_get_cert_store(b));
	SSL_CTX_free(a);
	/* What the CA signed verifies, what another CA signed does not;
	 * the store outlives a context that held it. */
	T_EQ_INT(verifies(b, leaf.x), 1);
	T_CHECK(verifies(b, stray.x) != 1);
	SSL_CTX_free(b);
	unlink(path);
	castore_free();
	cert_free(&ca);
	cert_free(&other);
	cert_free(&leaf);
	cert_free(&stray);
}

static void
two_certificates_counted(void)
{
	struct cert c1 = cert_make("one", NULL, 5);
	struct cert c2 = cert_make("two", NULL, 6);
	char path[] = "/tmp/castore-test.XXXXXX";
	X509 *both[2] = { c1.x, c2.x };
	struct gp_err e;
	int n = -1;

	castore_free();
	T_EQ_INT(pem_file(path, both, 2), 0);
	T_EQ_INT(castore_add_file(path, &n, &e), 0);
	T_EQ_INT(n, 2);
	T_EQ_INT(castore_count(), 2);
	unlink(path);
	castore_free();
	cert_free(&c1);
	cert_free(&c2);
}

static void
bad_files_refused(void)
{
	char path[] = "/tmp/castore-test.XXXXXX";
	struct gp_err e;
	int n = -1;

	castore_free();
	T_EQ_INT(castore_apply(NULL), -1);	/* nothing loaded */
	T_EQ_INT(castore_load("/nonexistent/ca.pem", &e), -1);
	T_CHECK(strstr(e.msg, "--cafile `/nonexistent/ca.pem`: No such "
	    "file") != NULL);
	T_EQ_INT(pem_file(path, NULL, 0), 0);
	T_EQ_INT(castore_add_file(path, &n, &e), -1);
	T_EQ_INT(n, 0);
	T_CHECK(strstr(e.msg, "no PEM certificate could be read") != NULL);
	T_CHECK(strstr(e.msg, path) != NULL);
	unlink(path);
	castore_free();
}

/* A directory of hashed names is read only when a chain needs it, and
 * what it gave stays in the store. */
static void
dir_looked_up_when_needed(void)
{
	struct cert ca = cert_make("dir CA", NULL, 7);
	struct cert leaf = cert_make("gw.example.net", &ca, 8);
	char dir[] = "/tmp/castore-dir.XXXXXX", path[64];
	SSL_CTX *ctx;
	struct gp_err e;
	FILE *fp;

	castore_free();
	T_CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/%08lx.0", dir,
	    X509_NAME_hash_ex(X509_get_subject_name(ca.x), NULL, NULL, NULL));
	T_CHECK((fp = fopen(path, "w")) != NULL);
	T_REQUIRE(fp != NULL);
	T_EQ_INT(PEM_write_X509(fp, ca.x), 1);
	if (fp != NULL)
		fclose(fp);
	T_EQ_INT(castore_add_dir(dir, &e), 0);
	T_EQ_INT(castore_count(), 0);		/* nothing read yet */
	ctx = SSL_CTX_new(TLS_client_method());
	T_EQ_INT(castore_apply(ctx), 0);
	T_EQ_INT(verifies(ctx, leaf.x), 1);
	T_EQ_INT(castore_count(), 1);		/* the CA, read once */
	unlink(path);
	T_EQ_INT(verifies(ctx, leaf.x), 1);	/* from the store now */
	SSL_CTX_free(ctx);
	rmdir(dir);
	castore_free();
	cert_free(&ca);
	cert_free(&leaf);
}

/* --cafile is read whole; with a system directory (libcurl names one
 * on Debian), the bundle is not read: only the directory's files a
 * chain needs will be. */
static void
cafile_and_system_dir(void)
{
	struct cert ca = cert_make("test CA", NULL, 9);
	char path[] = "/tmp/castore-test.XXXXXX";
	X509 *cas[1] = { ca.x };
	char *capath = NULL;
	CURL *c = curl_easy_init();
	struct gp_err e;

	castore_free();
	T_EQ_INT(pem_file(path, cas, 1), 0);
	T_EQ_INT(castore_load(path, &e), 0);
	T_REQUIRE(c != NULL);
	T_EQ_INT(curl_easy_getinfo(c, CURLINFO_CAPATH, &capath),
	    CURLE_OK);
	if (capath != NULL)
		T_EQ_INT(castore_count(), 1);
	else
		T_CHECK(castore_count() >= 1);
	curl_easy_cleanup(c);
	unlink(path);
	castore_free();
	cert_free(&ca);
}

/* Without --cafile: the system bundle (if the machine has one) and no
 * failure either way. */
static void
system_only(void)
{
	struct gp_err e;

	castore_free();
	T_EQ_INT(castore_load(NULL, &e), 0);
	T_CHECK(castore_count() >= 0);
	castore_free();
}

int
main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	T_RUN(cafile_read_and_shared);
	T_RUN(two_certificates_counted);
	T_RUN(bad_files_refused);
	T_RUN(dir_looked_up_when_needed);
	T_RUN(cafile_and_system_dir);
	T_RUN(system_only);
	curl_global_cleanup();
	return T_DONE();
}
