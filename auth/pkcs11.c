/* SPDX-License-Identifier: ISC */
/*
 * The engine side of -c/-k pkcs11: URIs (see pkcs11.h): libp11's engine
 * loads the PKCS#11 module, finds the certificate and logs in to the
 * token with the PIN our UI method hands it; the key stays on the token
 * and signs each TLS handshake through the engine. Runs in gp-auth before
 * the sandbox; the URIs are the user's, checked by p11uri.c first.
 * Not libcurl's CURLOPT_SSLENGINE with the "ENG" key type: that would hand
 * the PIN to every curl handle (CURLOPT_KEYPASSWD), load the key again for
 * each connection, after the filter, and report a wrong PIN as curl's
 * generic engine failure; here the key is loaded once, as file keys are.
 *
 * ENGINE is deprecated in OpenSSL 3.0, but Debian 12 ships PKCS#11 for
 * OpenSSL 3.0 only as an engine (libengine-pkcs11-openssl; it has no
 * pkcs11 provider package), so this file, and only this one, asks for the
 * deprecated API.
 */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/ui.h>

#include "auth/p11uri.h"
#include "auth/pkcs11.h"
#include "ipc/log.h"

/* PKCS#11's return values for a PIN (pkcs11t.h), which libp11 puts in
 * the reason of its OpenSSL errors. */
#define P11_CKR_PIN_INCORRECT	0xa0
#define P11_CKR_PIN_INVALID	0xa1
#define P11_CKR_PIN_LEN_RANGE	0xa2
#define P11_CKR_PIN_EXPIRED	0xa3
#define P11_CKR_PIN_LOCKED	0xa4

/* The callback data of our UI method: who gives the PIN. Static, as
 * the engine keeps a pointer to it; fn is NULL outside pkcs11_load(). */
struct p11_ui {
	pkcs11_pin_fn	 fn;
	void		*arg;
	char		 token[P11URI_VALUE_MAX + 1];	/* for the prompt */
	const char	*module;	/* for messages; "" the default */
	bool		 asked;
	bool		 failed;	/* no PIN came: err says why */
	struct gp_err	 err;
};

/* Descriptors looked at for those the module opens (pkcs11_fds()). */
#define P11_FD_SCAN	1024

static ENGINE		*p11_engine;
static UI_METHOD	*p11_ui_method;
static struct p11_ui	 p11_ui;
static unsigned char	 p11_fd_before[P11_FD_SCAN / 8];

/* UI_METHOD reader: the PIN for libp11's prompt; other strings (its
 * info lines) are not shown. */
static int
p11_ui_read(UI *ui, UI_STRING *uis)
{
	struct p11_ui *u = UI_get0_user_data(ui);
	const char *pin;

	if (UI_get_string_type(uis) != UIT_PROMPT &&
	    UI_get_string_type(uis) != UIT_VERIFY)
		return 1;
	if (u == NULL || u->fn == NULL)
		return 0;	/* a login after pkcs11_load(): refused */
	u->asked = true;
	if (u->fn(u->arg, u->token, &pin, &u->err) == -1) {
		u->failed = true;
		return 0;
	}
	if (UI_set_result(ui, uis, pin) != 0) {
		u->failed = true;
		err_set(&u->err, "the PIN has %zu characters; the pkcs11 "
		    "engine takes %d to %d", strlen(pin),
		    UI_get_result_minsize(uis), UI_get_result_maxsize(uis));
		return 0;
	}
	return 1;
}

/* The reason of the engine's errors that matters here: a PIN refused,
 * or a module that does not load (libp11 has no code for it). */
static int
p11_reason(unsigned long c, bool asked)
{
	const char *r = ERR_reason_error_string(c);
	int reason = ERR_GET_REASON(c);

	if (asked && reason >= P11_CKR_PIN_INCORRECT &&
	    reason <= P11_CKR_PIN_LOCKED)
		return reason;
	if (r != NULL && strcmp(r, "Unable to load PKCS#11 module") == 0)
		return -1;
	return 0;
}

/* Why the engine failed, from its error queue (emptied, each line at
 * -vv): what a user can act on, else `what`. */
static int
p11_engine_err(const struct p11_ui *u, const char *what, struct gp_err *e)
{
	unsigned long c;
	int why = 0, r;
	char buf[256], q[ERR_QUOTE_MAX];
	const char *m = u->module[0] != '\0' ? u->module : "p11-kit-proxy.so";

	while ((c = ERR_get_error()) != 0) {
		ERR_error_string_n(c, buf, sizeof(buf));
		log_trace("pkcs11 engine: %s", buf);
		if ((r = p11_reason(c, u->asked)) != 0)
			why = r;
	}
	if (u->failed)
		return err_set(e, "%s", u->err.msg);
	switch (why) {
	case -1:
		return err_set(e, "the PKCS#11 module `%s` does not load",
		    err_quote(q, m, strlen(m)));
	case 0:
		return err_set(e, "%s", what);
	case P11_CKR_PIN_EXPIRED:
		return err_set(e, "the PIN has expired: change it with the "
		    "token's tools");
	case P11_CKR_PIN_LOCKED:
		return err_set(e, "the token is locked (too many wrong "
		    "PINs): unlock it with the token's tools");
	default:
		return err_set(e, "the token refused the PIN");
	}
}

/* Which descriptors below P11_FD_SCAN are open, as a bitmap. */
static void
p11_fd_map(unsigned char *map)
{
	int fd;

	memset(map, 0, P11_FD_SCAN / 8);
	for (fd = 0; fd < P11_FD_SCAN; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			map[fd / 8] |= (unsigned char)(1u << fd % 8);
}

/* The engine, with our UI method for any PIN it asks for. */
static int
p11_engine_start(const char *module, struct p11_ui *u, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	p11_fd_map(p11_fd_before);
	if (module[0] != '\0' && access(module, R_OK) == -1)
		return err_set(e, "module-path `%s`: %s", err_quote(q, module,
		    strlen(module)), strerror(errno));
	p11_ui_method = UI_create_method("gpvpn pkcs11 PIN");
	if (p11_ui_method == NULL ||
	    UI_method_set_reader(p11_ui_method, p11_ui_read) != 0)
		return err_set(e, "out of memory");
	if ((p11_engine = ENGINE_by_id("pkcs11")) == NULL) {
		ERR_clear_error();
		return err_set(e, "OpenSSL has no pkcs11 engine: install "
		    "libengine-pkcs11-openssl");
	}
	if (ENGINE_ctrl_cmd_string(p11_engine, "QUIET", NULL, 0) != 1 ||
	    (module[0] != '\0' && ENGINE_ctrl_cmd_string(p11_engine,
	    "MODULE_PATH", module, 0) != 1) ||
	    ENGINE_ctrl(p11_engine, ENGINE_CTRL_SET_USER_INTERFACE, 0,
	    p11_ui_method, NULL) != 1 ||
	    ENGINE_ctrl(p11_engine, ENGINE_CTRL_SET_CALLBACK_DATA, 0, u,
	    NULL) != 1 || ENGINE_init(p11_engine) != 1) {
		ENGINE_free(p11_engine);
		p11_engine = NULL;
		return p11_engine_err(u, "the pkcs11 engine does not start",
		    e);
	}
	return 0;
}

static int
p11_cert(const struct p11uri *c, struct p11_ui *u, X509 **cert,
    struct gp_err *e)
{
	struct {
		const char	*id;
		X509		*cert;
	} parms = { c->engine, NULL };
	char q[ERR_QUOTE_MAX], what[GP_ERR_MAX];

	if (ENGINE_ctrl_cmd(p11_engine, "LOAD_CERT_CTRL", 0, &parms, NULL,
	    0) == 1 && parms.cert != NULL) {
		*cert = parms.cert;
		return 0;
	}
	snprintf(what, sizeof(what), "no certificate matches `%s` on the "
	    "tokens of %s", err_quote(q, c->engine, strlen(c->engine)),
	    c->module[0] != '\0' ? "module-path" : "p11-kit's modules");
	return p11_engine_err(u, what, e);
}

static int
p11_key(const struct p11uri *k, struct p11_ui *u, EVP_PKEY **key,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], what[GP_ERR_MAX];

	*key = ENGINE_load_private_key(p11_engine, k->engine, p11_ui_method,
	    u);
	if (*key != NULL)
		return 0;
	snprintf(what, sizeof(what), "no private key matches `%s`",
	    err_quote(q, k->engine, strlen(k->engine)));
	return p11_engine_err(u, what, e);
}

/* Both URIs, checked; the same module for both. */
static int
p11_uris(const char *cert_uri, const char *key_uri, struct p11uri *c,
    struct p11uri *k, struct gp_err *e)
{
	struct gp_err e2;

	if (p11uri_parse(cert_uri, c, &e2) == -1)
		return err_set(e, "-c: PKCS#11 URI: %s", e2.msg);
	if (p11uri_parse(key_uri != NULL ? key_uri : cert_uri, k, &e2) == -1)
		return err_set(e, "-k: PKCS#11 URI: %s", e2.msg);
	if (key_uri != NULL && k->type == P11URI_TYPE_CERT)
		return err_set(e, "-k: PKCS#11 URI: `type=cert` names no key");
	if (key_uri != NULL && strcmp(c->module, k->module) != 0)
		return err_set(e, "-c and -k name different module-path: "
		    "gp-auth loads one PKCS#11 module");
	return 0;
}

int
pkcs11_load(const char *cert_uri, const char *key_uri, pkcs11_pin_fn pin,
    void *arg, X509 **cert, EVP_PKEY **key, struct gp_err *e)
{
	struct p11uri c, k;
	int rc = -1;

	*cert = NULL;
	*key = NULL;
	if (p11_uris(cert_uri, key_uri, &c, &k, e) == -1)
		return -1;
	memset(&p11_ui, 0, sizeof(p11_ui));
	p11_ui.fn = pin;
	p11_ui.arg = arg;
	p11_ui.module = c.module;
	memcpy(p11_ui.token, k.token[0] != '\0' ? k.token : c.token,
	    sizeof(p11_ui.token));
	if (p11_engine_start(c.module, &p11_ui, e) == 0 &&
	    p11_cert(&c, &p11_ui, cert, e) == 0 &&
	    p11_key(&k, &p11_ui, key, e) == 0)
		rc = 0;
	p11_ui.fn = NULL;
	p11_ui.arg = NULL;
	p11_ui.module = "";
	if (rc == -1) {
		X509_free(*cert);
		*cert = NULL;
		pkcs11_free();
	}
	return rc;
}

size_t
pkcs11_fds(int *fds, size_t max)
{
	unsigned char now[P11_FD_SCAN / 8];
	size_t n = 0;
	int fd;

	if (p11_engine == NULL)
		return 0;
	p11_fd_map(now);
	for (fd = 3; fd < P11_FD_SCAN; fd++) {
		if ((now[fd / 8] & ~p11_fd_before[fd / 8] & 1u << fd % 8) == 0)
			continue;
		if (n < max)
			fds[n] = fd;
		n++;
	}
	return n;
}

void
pkcs11_free(void)
{
	if (p11_engine != NULL) {
		ENGINE_finish(p11_engine);
		ENGINE_free(p11_engine);
		p11_engine = NULL;
	}
	UI_destroy_method(p11_ui_method);
	p11_ui_method = NULL;
}
