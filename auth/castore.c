/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's trust store (see castore.h). Runs in gp-auth before the
 * sandbox: the files are parsed once, here, instead of by libcurl on
 * every new TLS connection. The bundle and directory are the system's
 * and --cafile the user's own.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "auth/castore.h"
#include "ipc/log.h"

#define CASTORE_PATH_MAX	4096

static X509_STORE *ca_store;

int
castore_count(void)
{
	STACK_OF(X509_OBJECT) *objs;
	int i, n = 0;

	if (ca_store == NULL)
		return -1;
	objs = X509_STORE_get0_objects(ca_store);
	for (i = 0; objs != NULL && i < sk_X509_OBJECT_num(objs); i++)
		if (X509_OBJECT_get_type(sk_X509_OBJECT_value(objs, i)) ==
		    X509_LU_X509)
			n++;
	return n;
}

/*
 * As libcurl checks by default: trusted certificates first, and any
 * certificate of the store, an intermediate too, may anchor a chain
 * (libcurl's X509_V_FLAG_PARTIAL_CHAIN, unless CURLSSLOPT_NO_PARTIALCHAIN).
 */
static int
castore_new(struct gp_err *e)
{
	if (ca_store != NULL)
		return 0;
	if ((ca_store = X509_STORE_new()) == NULL)
		return err_set(e, "out of memory");
	if (X509_STORE_set_flags(ca_store, X509_V_FLAG_TRUSTED_FIRST |
	    X509_V_FLAG_PARTIAL_CHAIN) != 1) {
		castore_free();
		return err_set(e, "OpenSSL: cannot set the store's flags");
	}
	return 0;
}

int
castore_add_file(const char *path, int *n, struct gp_err *e)
{
	int before;

	*n = 0;
	if (castore_new(e) == -1)
		return -1;
	if (access(path, R_OK) == -1)
		return err_set(e, "`%s`: %s", path, strerror(errno));
	before = castore_count();
	if (X509_STORE_load_file(ca_store, path) != 1) {
		ERR_clear_error();
		return err_set(e, "`%s`: no PEM certificate could be read",
		    path);
	}
	*n = castore_count() - before;
	return 0;
}

int
castore_add_dir(const char *dir, struct gp_err *e)
{
	if (castore_new(e) == -1)
		return -1;
	if (X509_STORE_load_path(ca_store, dir) != 1) {
		ERR_clear_error();
		return err_set(e, "`%s`: not usable as a CA directory", dir);
	}
	return 0;
}

/* libcurl's built-in CA bundle (CURLINFO_CAINFO) or directory
 * (CURLINFO_CAPATH), which curl >= 7.84 names, else fallback; "" when
 * there is neither. */
static void
castore_default(CURLINFO what, const char *fallback, char *out,
    size_t outsz)
{
	const char *p = NULL;
#if LIBCURL_VERSION_NUM >= 0x075400
	CURL *c = curl_easy_init();
	char *info = NULL;

	if (c != NULL && curl_easy_getinfo(c, what, &info) == CURLE_OK)
		p = info;
	(void)snprintf(out, outsz, "%s", p != NULL ? p : fallback != NULL ?
	    fallback : "");
	curl_easy_cleanup(c);
#else
	(void)what;
	(void)snprintf(out, outsz, "%s", fallback != NULL ? fallback : "");
#endif
}

/* The system bundle, whole, now. */
static void
castore_system_bundle(void)
{
	char path[CASTORE_PATH_MAX];
	struct gp_err e;
	int n;

	castore_default(CURLINFO_CAINFO, X509_get_default_cert_file(), path,
	    sizeof(path));
	if (path[0] == '\0')
		log_warnx("system CAs: libcurl names no CA bundle; only "
		    "--cafile and --servercert can verify a server");
	else if (castore_add_file(path, &n, &e) == -1)
		log_warnx("system CAs: %s; only --cafile and --servercert can "
		    "verify a server", e.msg);
	else
		log_debug("CA store: %d certificate(s) from %s, read once",
		    n, path);
}

/*
 * With --cafile, as libcurl did: the system's CAs from its directory of
 * hashed names, looked up only when a chain needs one that the store
 * lacks (never while --cafile anchors the chain); each file found joins
 * the store, so it is read once. False when libcurl names no directory
 * (some systems have none: the caller reads the bundle instead).
 */
static bool
castore_system_dir(void)
{
	char dir[CASTORE_PATH_MAX];
	struct gp_err e;

	castore_default(CURLINFO_CAPATH, NULL, dir, sizeof(dir));
	if (dir[0] == '\0' || castore_add_dir(dir, &e) == -1)
		return false;
	log_debug("CA store: the system's CAs looked up in %s when a chain "
	    "needs one", dir);
	return true;
}

int
castore_load(const char *cafile, struct gp_err *e)
{
	struct gp_err fe;
	int n;

	if (castore_new(e) == -1)
		return -1;
	if (cafile == NULL) {
		castore_system_bundle();
		return 0;
	}
	if (castore_add_file(cafile, &n, &fe) == -1)
		return err_set(e, "--cafile %s", fe.msg);
	log_debug("CA store: %d certificate(s) from %s, read once", n,
	    cafile);
	if (!castore_system_dir())
		castore_system_bundle();
	return 0;
}

int
castore_apply(void *ssl_ctx)
{
	if (ca_store == NULL || X509_STORE_up_ref(ca_store) != 1)
		return -1;
	SSL_CTX_set_cert_store(ssl_ctx, ca_store);
	return 0;
}

void
castore_free(void)
{
	X509_STORE_free(ca_store);
	ca_store = NULL;
}
