/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's HTTPS requests (see http.h). Runs in gp-auth; every response
 * byte, header and certificate is untrusted. The OpenSSL verify callback
 * records the leaf key of every handshake, enforces a --servercert pin and
 * refuses a key that differs from the one seen first: a refused key fails
 * the handshake, so no request byte (and no password) reaches the server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "auth/castore.h"
#include "auth/clientcert.h"
#include "auth/http.h"
#include "ipc/limits.h"
#include "auth/pin.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define HTTP_BODY_BYTES		(PARSE_BODY_MAX + 1)	/* with a NUL */
#define HTTP_PATH_MAX		1024
#define HTTP_LOG_LINES_MAX	200
#define HTTP_ENCODINGS		"gzip, deflate"	/* Accept-Encoding */

enum http_tls_fail {
	HTTP_TLS_OK = 0,
	HTTP_TLS_NO_KEY,	/* could not hash the server key */
	HTTP_TLS_PIN,		/* key does not match --servercert */
	HTTP_TLS_CHANGED	/* key differs from the first handshake */
};

struct http {
	CURL			*curl;
	struct curl_slist	*resolve;
	struct gw_target	 t;		/* a copy: the flow moves on */
	const char		*pin_b64;
	bool			 cmdline_host;
	char			 origin[RESOLVE_ORIGIN_MAX];
	char			 errbuf[CURL_ERROR_SIZE];
	char			*body;		/* secret, HTTP_BODY_BYTES */
	size_t			 len;
	bool			 overflow;
	uint8_t			 key[CFG_PIN_BYTES];	/* verified */
	bool			 have_key;
	uint8_t			 seen[CFG_PIN_BYTES];	/* this handshake's */
	bool			 have_seen;
	enum http_tls_fail	 tls_fail;
};

/* SSL_CTX ex_data slot that leads the verify callback to its handle. */
static int http_ex_idx = -1;

static struct http *
http_from_store(X509_STORE_CTX *store)
{
	SSL *ssl;

	ssl = X509_STORE_CTX_get_ex_data(store,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL)
		return NULL;
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), http_ex_idx);
}

/*
 * Called by OpenSSL during the handshake, before our Finished and so
 * before any request, for every certificate of the chain, leaf last. The
 * leaf's key is noted for the messages. With a pin, the whole pin alone
 * decides (chain and name errors are overridden); the key of depth 0 is
 * recorded as verified only once verification succeeded.
 */
static int
http_verify_cb(int ok, X509_STORE_CTX *store)
{
	struct http *h = http_from_store(store);
	X509 *leaf = X509_STORE_CTX_get0_cert(store);
	uint8_t hash[CFG_PIN_BYTES];

	if (h == NULL)
		return 0;
	if (leaf == NULL || pin_spki_sha256(leaf, hash) == -1) {
		h->tls_fail = HTTP_TLS_NO_KEY;
		return 0;
	}
	memcpy(h->seen, hash, sizeof(hash));
	h->have_seen = true;
	if (h->have_key && !secret_equal(hash, h->key, sizeof(hash))) {
		h->tls_fail = HTTP_TLS_CHANGED;
		return 0;
	}
	if (h->pin_b64 != NULL) {
		if (!pin_match(h->pin_b64, hash)) {
			h->tls_fail = HTTP_TLS_PIN;
			return 0;
		}
		X509_STORE_CTX_set_error(store, X509_V_OK);
		ok = 1;
	}
	if (ok == 1 && X509_STORE_CTX_get_error_depth(store) == 0) {
		memcpy(h->key, hash, sizeof(hash));
		h->have_key = true;
	}
	return ok;
}

/*
 * libcurl calls this for each new TLS connection, before the handshake:
 * the trust store read once at start-up replaces libcurl's (empty: no
 * CAINFO or CAPATH is set), so no connection reads a CA file again.
 */
static CURLcode
http_ssl_ctx(CURL *curl, void *sslctx, void *arg)
{
	SSL_CTX *ctx = sslctx;

	(void)curl;
	if (SSL_CTX_set_ex_data(ctx, http_ex_idx, arg) != 1)
		return CURLE_SSL_CERTPROBLEM;
	if (castore_apply(ctx) == -1)
		return CURLE_SSL_CACERT_BADFILE;
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, http_verify_cb);
	/* -c/--certificate: the identity decoded once at start-up. */
	if (clientcert_apply(ctx) == -1)
		return CURLE_SSL_CERTPROBLEM;
	/* An idle connection (the session between rekeys) keeps no
	 * 34 KiB read and write buffers. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return CURLE_OK;
}

/*
 * Bodies over the cap abort the transfer rather than being cut. libcurl
 * hands over bytes after Content-Encoding is undone, a few KiB at a time,
 * so the cap counts decompressed bytes and a gzip bomb stops at the cap.
 */
static size_t
http_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http *h = arg;
	size_t len = size * n;

	if (size != 1 || len > PARSE_BODY_MAX - h->len) {
		h->overflow = true;
		return 0;
	}
	memcpy(h->body + h->len, p, len);
	h->len += len;
	return len;
}

/*
 * The proxy of this handle, or none. CURLOPT_PROXY is always set, so
 * that libcurl never takes http_proxy and friends from the environment
 * itself, and CURLOPT_NOPROXY too, or it would still read no_proxy:
 * gp-auth alone decides (--proxy, --proxy-from-env; proxyconf.c).
 */
static int
http_set_proxy(CURL *c, const struct proxy_conf *p)
{
	char url[PROXY_URL_MAX + CFG_ADDR_STR_MAX];
	long type = CURLPROXY_SOCKS5_HOSTNAME;
	int bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_NOPROXY, "");
	if (p == NULL || p->scheme == PROXYCONF_NONE)
		return (bad | curl_easy_setopt(c, CURLOPT_PROXY, "")) != 0 ?
		    -1 : 0;
	if (proxyconf_curl_url(p, url, sizeof(url)) == -1)
		return -1;
	if (p->scheme == PROXYCONF_HTTP)
		type = CURLPROXY_HTTP;
	else if (p->scheme == PROXYCONF_SOCKS5)
		type = CURLPROXY_SOCKS5;
	bad |= curl_easy_setopt(c, CURLOPT_PROXY, url);
	bad |= curl_easy_setopt(c, CURLOPT_PROXYTYPE, type);
	bad |= curl_easy_setopt(c, CURLOPT_HTTPPROXYTUNNEL, 1L);
	return bad != 0 ? -1 : 0;
}

static int
http_setopts(struct http *h, const struct http_opts *o)
{
	CURL *c = h->curl;
	int bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
	bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)HTTP_CONNECT_TIMEOUT_MS);
	bad |= curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)PARSE_BODY_MAX);
	bad |= curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1);
	bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, o->useragent != NULL ?
	    o->useragent : HTTP_USER_AGENT);
	bad |= curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	/* What servers compress with; libcurl inflates, the cap still holds. */
	bad |= curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, HTTP_ENCODINGS);
	bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_cb);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	bad |= curl_easy_setopt(c, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2);
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	/* A pin names the exact key; the host name then adds nothing. */
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST,
	    o->pin_b64 != NULL ? 0L : 2L);
	/* Full handshakes only, so every connection passes the callback. */
	bad |= curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	bad |= curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, http_ssl_ctx);
	bad |= curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, h);
	/* No file for libcurl to read: castore.c's store comes instead. */
	bad |= curl_easy_setopt(c, CURLOPT_CAINFO, NULL);
	bad |= curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	if (h->resolve != NULL)
		bad |= curl_easy_setopt(c, CURLOPT_RESOLVE, h->resolve);
	bad |= http_set_proxy(c, o->proxy);
	return bad != 0 ? -1 : 0;
}

/* host:port:address, so that curl connects where we resolved. */
static int
http_resolve_list(struct http *h, struct gp_err *e)
{
	const struct gw_target *t = &h->t;
	char entry[CFG_HOST_MAX + CFG_ADDR_STR_MAX + 16];
	bool v6 = t->addr.family == CFG_AF_INET6;
	int n;

	/* A literal needs none; behind a proxy that resolves, there is none. */
	if (t->literal || t->addr.family == CFG_AF_NONE)
		return 0;
	n = snprintf(entry, sizeof(entry), "%s:%u:%s%s%s", t->host, t->port,
	    v6 ? "[" : "", t->addr_str, v6 ? "]" : "");
	if (n < 0 || (size_t)n >= sizeof(entry))
		return err_set(e, "host `%s`: name too long", t->host);
	if ((h->resolve = curl_slist_append(NULL, entry)) == NULL)
		return err_set(e, "out of memory");
	return 0;
}

struct http *
http_new(const struct http_opts *o, struct gp_err *e)
{
	struct http *h;

	if (http_ex_idx == -1 &&
	    (http_ex_idx = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL,
	    NULL)) == -1) {
		err_set(e, "OpenSSL: no ex_data index");
		return NULL;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	h->t = *o->target;
	h->pin_b64 = o->pin_b64;
	h->cmdline_host = o->cmdline_host;
	if ((h->curl = curl_easy_init()) == NULL) {
		err_set(e, "out of memory");
		goto fail;
	}
	if (resolve_origin(&h->t, h->origin, sizeof(h->origin)) == -1) {
		err_set(e, "host `%s`: name too long", h->t.host);
		goto fail;
	}
	if (http_resolve_list(h, e) == -1)
		goto fail;
	if (http_setopts(h, o) == -1) {
		err_set(e, "libcurl refused an option (too old?)");
		goto fail;
	}
	return h;
fail:
	http_free(h);
	return NULL;
}

void
http_idle(struct http *h)
{
	secret_free(h->body, HTTP_BODY_BYTES);
	h->body = NULL;
	h->len = 0;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	if (h->curl != NULL)
		curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->resolve);
	secret_free(h->body, HTTP_BODY_BYTES);
	secret_wipe(h, sizeof(*h));
	free(h);
}

bool
http_same_origin(const struct http *h, const struct gw_target *t)
{
	char origin[RESOLVE_ORIGIN_MAX];

	return resolve_origin(t, origin, sizeof(origin)) == 0 &&
	    strcasecmp(h->origin, origin) == 0;
}

const struct gw_target *
http_target(const struct http *h)
{
	return &h->t;
}

const uint8_t *
http_server_key(const struct http *h)
{
	return h->have_key ? h->key : NULL;
}

/* Content-Type, X-Pad (hides the password's length) and no Expect. */
static struct curl_slist *
http_headers(size_t body_len)
{
	char pad[sizeof("X-Pad: ") + HTTP_PAD_BLOCK_BYTES];
	size_t n = HTTP_PAD_BLOCK_BYTES - body_len % HTTP_PAD_BLOCK_BYTES;
	struct curl_slist *l = NULL, *t;
	size_t off = strlen("X-Pad: ");

	memcpy(pad, "X-Pad: ", off);
	memset(pad + off, '0', n);
	pad[off + n] = '\0';
	if ((l = curl_slist_append(l, "Content-Type: "
	    "application/x-www-form-urlencoded")) == NULL)
		return NULL;
	if ((t = curl_slist_append(l, pad)) == NULL ||
	    (t = curl_slist_append(l, "Expect:")) == NULL) {
		curl_slist_free_all(l);
		return NULL;
	}
	return l;
}

/*
 * No pin, and the chain or the host name did not verify: say so, and
 * give the pin to use, in OpenConnect's words. Only for the host on the
 * command line: --servercert does not cover the portal's gateways.
 */
static int
http_untrusted(struct http *h, const struct http_req *q, struct gp_err *e)
{
	char pin[PIN_STR_MAX];

	pin_format(h->seen, pin);
	log_err("Certificate from VPN server \"%s\" failed verification.",
	    h->t.host);
	log_err("Reason: %s", h->errbuf[0] != '\0' ? h->errbuf :
	    "not trusted");
	if (h->cmdline_host) {
		log_err("To trust this server in future, perhaps add this "
		    "to your command line:");
		log_err("    --servercert %s", pin);
	} else
		log_err("Its key is %s; --servercert names the portal only, "
		    "so give this gateway's CA with --cafile", pin);
	return err_set(e, "%s: the server's certificate is not trusted",
	    q->name);
}

static int
http_fail_tls(struct http *h, const struct http_req *q, struct gp_err *e)
{
	char pin[PIN_STR_MAX];

	pin_format(h->seen, pin);
	switch (h->tls_fail) {
	case HTTP_TLS_PIN:
		return err_set(e, "%s: the fingerprint specified via "
		    "--servercert does not match server's certificate: %s",
		    q->name, pin);
	case HTTP_TLS_CHANGED:
		return err_set(e, "%s: the server key changed to %s since "
		    "the first request", q->name, pin);
	case HTTP_TLS_NO_KEY:
		return err_set(e, "%s: cannot read the server's key",
		    q->name);
	case HTTP_TLS_OK:
		break;
	}
	return err_set(e, "%s: TLS verification failed", q->name);
}

static int
http_fail(struct http *h, const struct http_req *q, CURLcode rc,
    struct gp_err *e)
{
	if (h->overflow || rc == CURLE_FILESIZE_EXCEEDED)
		return err_set(e, "%s: response larger than %d bytes "
		    "(counted decompressed)", q->name, PARSE_BODY_MAX);
	if (h->tls_fail != HTTP_TLS_OK)
		return http_fail_tls(h, q, e);
	if (rc == CURLE_PEER_FAILED_VERIFICATION && h->pin_b64 == NULL &&
	    h->have_seen)
		return http_untrusted(h, q, e);
	if (h->errbuf[0] != '\0')
		return err_set(e, "%s: %s", q->name, h->errbuf);
	return err_set(e, "%s: %s", q->name, curl_easy_strerror(rc));
}

/* Response bodies of requests that carry no secret, at -vv only. */
static void
http_log_body(const struct http *h, const struct http_req *q)
{
	const char *p = h->body, *end = h->body + h->len, *nl;
	int lines = 0;

	if ((q->flags & HTTP_PUBLIC) == 0 || !log_enabled(LOG_LVL_TRACE))
		return;
	while (p < end && lines++ < HTTP_LOG_LINES_MAX) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		log_trace("%s< %.*s", q->name, (int)(nl - p > 900 ? 900 :
		    nl - p), p);
		p = nl + 1;
	}
}

/* URL, body and headers of one request, then the transfer itself. */
static CURLcode
http_perform(struct http *h, const struct http_req *q, const char *url,
    struct curl_slist *hdr)
{
	long fresh = (q->flags & HTTP_FRESH) != 0;

	if (curl_easy_setopt(h->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, q->body) ||
	    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)q->len) ||
	    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdr) ||
	    curl_easy_setopt(h->curl, CURLOPT_FRESH_CONNECT, fresh) ||
	    curl_easy_setopt(h->curl, CURLOPT_FORBID_REUSE, fresh))
		return CURLE_BAD_FUNCTION_ARGUMENT;
	return curl_easy_perform(h->curl);
}

static int
http_once(struct http *h, const struct http_req *q, const char *path,
    struct http_resp *r, struct gp_err *e)
{
	char url[RESOLVE_ORIGIN_MAX + HTTP_PATH_MAX];
	struct curl_slist *hdr;
	bool had_key = h->have_key;
	CURLcode rc;
	int n;

	n = snprintf(url, sizeof(url), "%s%s", h->origin, path);
	if (n < 0 || (size_t)n >= sizeof(url))
		return err_set(e, "%s: URL too long", q->name);
	/* Taken at the first request, and again after http_idle(). */
	if (h->body == NULL && (h->body = secret_alloc(HTTP_BODY_BYTES)) ==
	    NULL)
		return err_set(e, "%s: out of memory", q->name);
	if ((hdr = http_headers(q->len)) == NULL)
		return err_set(e, "out of memory");
	secret_wipe(h->body, h->len + 1);
	h->len = 0;
	h->overflow = false;
	h->tls_fail = HTTP_TLS_OK;
	h->have_seen = false;
	h->errbuf[0] = '\0';
	rc = http_perform(h, q, url, hdr);
	(void)curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	if (rc != CURLE_OK) {
		/* curl checks the host name after the callback ran. */
		h->have_key = had_key;
		return http_fail(h, q, rc, e);
	}
	if (!h->have_key)
		return err_set(e, "%s: TLS verification saw no server key",
		    q->name);
	(void)curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
	h->body[h->len] = '\0';
	r->body = h->body;
	r->len = h->len;
	log_debug("%s: HTTP %ld, %zu bytes", q->name, r->status, r->len);
	http_log_body(h, q);
	return 0;
}

static bool
http_path_ok(const char *s)
{
	if (s[0] != '/')
		return false;
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	}
	return true;
}

/*
 * A redirect is followed only to the same https origin (THREATS 5), so it
 * keeps the resolved address and the verified key. Builds the new path.
 */
static int
http_check_location(struct http *h, CURLU *u, char *path, size_t pathsz,
    struct gp_err *e)
{
	char *scheme = NULL, *host = NULL, *port = NULL, *p = NULL;
	char *query = NULL, want_host[CFG_HOST_MAX + 3], want_port[8];
	int rc = -1, n;

	(void)resolve_url_host(&h->t, want_host, sizeof(want_host));
	(void)snprintf(want_port, sizeof(want_port), "%u", h->t.port);
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
		goto out;
	(void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
	if (strcasecmp(scheme, "https") != 0 ||
	    strcasecmp(host, want_host) != 0 || strcmp(port, want_port) != 0)
		goto out;
	n = snprintf(path, pathsz, "%s%s%s", p, query != NULL ? "?" : "",
	    query != NULL ? query : "");
	if (n > 0 && (size_t)n < pathsz && http_path_ok(path))
		rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(p);
	curl_free(query);
	return rc == 0 ? 0 : err_set(e, "redirect leaves %s", h->origin);
}

static int
http_redirect(struct http *h, const struct http_req *q, char *path,
    size_t pathsz, struct gp_err *e)
{
	char qt[ERR_QUOTE_MAX];
	char *loc = NULL;
	CURLU *u;
	int rc;

	if (curl_easy_getinfo(h->curl, CURLINFO_REDIRECT_URL, &loc) !=
	    CURLE_OK || loc == NULL)
		return err_set(e, "%s: redirect without a usable Location",
		    q->name);
	if ((q->flags & HTTP_FOLLOW) == 0)
		return err_set(e, "%s: refusing to follow a redirect to `%s`",
		    q->name, err_quote(qt, loc, strlen(loc)));
	if ((u = curl_url()) == NULL)
		return err_set(e, "out of memory");
	rc = -1;
	if (curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK)
		rc = http_check_location(h, u, path, pathsz, e);
	curl_url_cleanup(u);
	if (rc == -1)
		return err_set(e, "%s: refusing redirect to `%s`: only the "
		    "same https host and port are followed", q->name,
		    err_quote(qt, loc, strlen(loc)));
	log_debug("%s: following redirect to %s", q->name, path);
	return 0;
}

int
http_post(struct http *h, const struct http_req *q, struct http_resp *r,
    struct gp_err *e)
{
	char path[HTTP_PATH_MAX];
	int i, n;

	memset(r, 0, sizeof(*r));
	n = snprintf(path, sizeof(path), "%s", q->path);
	if (n < 0 || (size_t)n >= sizeof(path) || !http_path_ok(path))
		return err_set(e, "%s: bad path", q->name);
	for (i = 0; i <= HTTP_MAX_REDIRECTS; i++) {
		if (http_once(h, q, path, r, e) == -1)
			return -1;
		if (r->status < 300 || r->status > 399)
			return 0;
		if (http_redirect(h, q, path, sizeof(path), e) == -1)
			return -1;
	}
	return err_set(e, "%s: more than %d redirects", q->name,
	    HTTP_MAX_REDIRECTS);
}
