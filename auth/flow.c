/*
 * gp-auth's login sequence (see flow.h). It runs in gp-auth, talks to a
 * possibly hostile server through http.c and hands every response body to
 * a pure parser; server texts reach the logs only sanitised, and secrets
 * (password, cookie, ESP keys) never reach them at all.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "auth/creds.h"
#include "auth/flow.h"
#include "auth/flow_int.h"
#include "auth/form.h"
#include "auth/gwchoice.h"
#include "auth/hip.h"
#include "auth/http.h"
#include "auth/http_pool.h"
#include "auth/parse.h"
#include "auth/pin.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define FLOW_LOGIN_PREFIX	"jnlpReady=jnlpReady&ok=Login&direct=yes&" \
				"clientVer=4100&prot=https:&internal=no"
#define FLOW_HMAC_OFFER		"sha1,md5,sha256"
#define FLOW_ENC_OFFER		"aes-128-cbc,aes-256-cbc"
#define FLOW_MD5_HEX		33

/* The message into f->why and the log (at debug while the gateway loop
 * of flow_failover.c reports failures itself); the kind into f->fail. */
static int
flow_vfail(struct flow *f, enum gw_fail_kind kind, int status,
    const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	(void)vsnprintf(f->why, sizeof(f->why), fmt, aq);
	va_end(aq);
	log_vmsg(f->defer_err ? LOG_LVL_DEBUG : LOG_LVL_ERR, fmt, ap);
	if (kind != GWFAIL_ANSWER) {
		memset(&f->fail, 0, sizeof(f->fail));
		f->fail.kind = kind;
	}
	f->fail.challenged = f->challenged;
	f->status = status;
	return -1;
}

int
flow_fail(struct flow *f, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)flow_vfail(f, GWFAIL_OTHER, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
flow_fail_as(struct flow *f, enum gw_fail_kind kind, int status,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)flow_vfail(f, kind, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
flow_os(const char *name, const char **clientos, const char **os_version)
{
	if (strcmp(name, "linux") == 0 || strcmp(name, "linux-64") == 0) {
		*clientos = "Linux";
		*os_version = "linux-64";
	} else if (strcmp(name, "win") == 0) {
		*clientos = "Windows";
		*os_version = "win";
	} else if (strcmp(name, "mac") == 0 ||
	    strcmp(name, "mac-intel") == 0) {
		*clientos = "Mac";
		*os_version = "mac-intel";
	} else
		return -1;
	return 0;
}

static void
flow_hostname(char *out, size_t outsz)
{
	if (gethostname(out, outsz) == -1 || out[0] == '\0' ||
	    memchr(out, '\0', outsz) == NULL)
		snprintf(out, outsz, "localhost");
}

struct flow *
flow_new(const struct flow_opts *o)
{
	struct flow *f;
	struct gp_err e;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("calloc");
	f->o = o;
	f->status = FLOW_EXIT_ERR;
	if ((f->pre = calloc(1, sizeof(*f->pre))) == NULL ||
	    (f->pool = http_pool_new()) == NULL ||
	    (f->cookie = cookie_new()) == NULL ||
	    (f->cfg = config_new()) == NULL ||
	    (f->cookie_str = secret_alloc(COOKIE_STR_MAX)) == NULL ||
	    (f->passwd = secret_alloc(CREDS_MAX)) == NULL)
		fatal("out of memory");
	flow_hostname(f->computer, sizeof(f->computer));
	memcpy(f->app_version, FLOW_APP_VERSION, sizeof(FLOW_APP_VERSION));
	f->hip_recheck_s = FLOW_HIP_RECHECK_S;
	if (flow_url_parse(o, &f->t, &e) == -1) {
		log_err("%s", e.msg);
		flow_free(f);
		return NULL;
	}
	memcpy(f->url_host, f->t.host, sizeof(f->url_host));
	if (o->proxy != NULL)
		f->proxy = *o->proxy;
	return f;
}

void
flow_free(struct flow *f)
{
	if (f == NULL)
		return;
	http_pool_free(f->pool);
	flow_portal_free(f);
	free(f->pre);
	cookie_free(f->cookie);
	config_free(f->cfg);
	secret_free(f->cookie_str, COOKIE_STR_MAX);
	secret_free(f->passwd, CREDS_MAX);
	secret_wipe(f, sizeof(*f));
	free(f);
}

const struct gp_config *
flow_config(const struct flow *f)
{
	return f->cfg;
}

/* POST a form; -1 with e set (the form may be secret: never logged). */
static int
flow_post(struct flow *f, const char *name, const char *path,
    const struct form *fm, int flags, struct http_resp *r, struct gp_err *e)
{
	struct http_req q;

	if (form_ok(fm) == -1)
		return err_set(e, "%s: request larger than %d bytes", name,
		    FORM_MAX);
	q.name = name;
	q.path = path;
	q.body = fm->data;
	q.len = fm->len;
	q.flags = flags;
	log_debug("%s: POST %s", name, path);
	return http_post(f->http, &q, r, e);
}

/*
 * The fatal texts of §2 (exit FLOW_EXIT_COOKIE) that are not about the
 * cookie: shown in the server's words, not as a rejected cookie.
 */
static bool
flow_refusal(const char *text)
{
	static const char *const refusal[] = {
		"Valid client certificate is required",
		"Portal name not found",
		"Allow Automatic Restoration of SSL VPN is disabled", NULL
	};
	size_t i;

	for (i = 0; refusal[i] != NULL; i++)
		if (strcasestr(text, refusal[i]) != NULL)
			return true;
	return false;
}

/* The answer's facts for the failover (gwchoice_failover). */
static void
flow_note_answer(struct flow *f, const struct http_resp *r, bool has_text,
    enum gp_error_class cls, const char *text)
{
	struct gw_fail *g = &f->fail;

	memset(g, 0, sizeof(*g));
	g->kind = GWFAIL_ANSWER;
	g->status = r->status;
	g->has_text = has_text;
	g->cls = cls;
	if (has_text)
		snprintf(g->text, sizeof(g->text), "%s", text);
}

/* A §2 error document; text is printable (errors.c). */
static int
flow_check_text(struct flow *f, const char *name, const char *q,
    enum gp_error_class cls)
{
	if (cls == GP_ERRCLASS_COOKIE_REJECTED && !flow_refusal(q))
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_COOKIE, "%s: "
		    "the server rejected the authentication cookie: `%s`",
		    name, q);
	if (cls == GP_ERRCLASS_COOKIE_REJECTED)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_COOKIE, "%s: "
		    "the server refuses, and a retry will not help: `%s`",
		    name, q);
	if (cls == GP_ERRCLASS_WRONG_INTERFACE) {
		/* Not an error yet: the caller tries the other interface
		 * and reports if that fails too. */
		f->wrong_iface = true;
		f->status = FLOW_EXIT_ERR;
		snprintf(f->why, sizeof(f->why), "%s: the server says `%s`",
		    name, q);
		log_info("%s", f->why);
		return -1;
	}
	return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: the server "
	    "says `%s`", name, q);
}

/* HTTP status and error documents (PROTOCOL.md §2). */
static int
flow_check(struct flow *f, const char *name, const struct http_resp *r)
{
	char text[PARSE_TEXT_MAX];
	enum gp_error_class cls;
	bool is_err;

	f->bad_passwd = f->wrong_iface = false;
	/* Whole, as the server said it; errors.c already made control
	 * characters and bad UTF-8 into '?'. */
	is_err = response_error_parse(r->body, r->len, text, sizeof(text),
	    &cls);
	flow_note_answer(f, r, is_err, cls, text);
	if (r->status == 512) {
		if (is_err)
			log_debug("%s: the server says: %s", name, text);
		f->bad_passwd = true;
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: "
		    "invalid username or password (HTTP 512)", name);
	}
	if (is_err)
		return flow_check_text(f, name, text, cls);
	if (r->status == 401 || r->status == 403)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: "
		    "permission denied (HTTP %ld)", name, r->status);
	if (r->status != 200)
		return flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "%s: "
		    "unexpected HTTP status %ld", name, r->status);
	return 0;
}

/* POST, then check: the common case. */
int
flow_request(struct flow *f, const char *name, const char *path,
    struct form *fm, int flags, struct http_resp *r)
{
	struct gp_err e;
	/* Our request too large, else the network, TLS or the server. */
	enum gw_fail_kind kind = form_ok(fm) == -1 ? GWFAIL_OTHER :
	    GWFAIL_TRANSPORT;
	int rc;

	rc = flow_post(f, name, path, fm, flags, r, &e);
	form_free(fm);
	if (rc == -1)
		return flow_fail_as(f, kind, FLOW_EXIT_ERR, "%s", e.msg);
	return flow_check(f, name, r);
}

struct form *
flow_form(void)
{
	struct form *fm = form_new();

	if (fm == NULL)
		fatal("out of memory");
	return fm;
}

/*
 * PROTOCOL.md §3.1 at the gateway (portal false) or the portal; the only
 * request that may follow a redirect. 1 when the server says it is not
 * that interface, -1 on any other failure.
 */
int
flow_prelogin_at(struct flow *f, bool portal)
{
	const char *name = portal ? "portal prelogin" : "prelogin";
	char path[128];
	struct form *fm = flow_form();
	struct http_resp r;
	struct gp_err e;

	snprintf(path, sizeof(path), "/%s/prelogin.esp?tmp=tmp&"
	    "clientVer=4100&clientos=%s", portal ? "global-protect" :
	    "ssl-vpn", f->o->clientos);
	form_add(fm, "cas-support", "yes");
	if (flow_request(f, name, path, fm, HTTP_FOLLOW | HTTP_PUBLIC,
	    &r) == -1)
		return f->wrong_iface ? 1 : -1;
	if (prelogin_parse(r.body, r.len, f->pre, &e) == -1)
		return flow_fail_as(f, GWFAIL_MALFORMED, FLOW_EXIT_ERR,
		    "%s: %s", name, e.msg);
	if (f->pre->saml && f->t.alt_field[0] == '\0')
		return flow_saml_explain(f, portal ? "portal" : "gateway");
	log_debug("%s: region `%s`", name, f->pre->region);
	return 0;
}

/* User name from -u or the terminal, then the password. */
int
flow_credentials(struct flow *f)
{
	char prompt[PARSE_NAME_MAX + 8];
	const struct prelogin *p = f->pre;
	struct gp_err e;
	int n;

	if (f->o->user != NULL) {
		n = snprintf(f->user, sizeof(f->user), "%s", f->o->user);
		if (n < 0 || (size_t)n >= sizeof(f->user))
			return flow_fail(f, FLOW_EXIT_ERR, "--user: longer "
			    "than %d bytes", CFG_USER_MAX);
	} else {
		snprintf(prompt, sizeof(prompt), "%s: ",
		    p->username_label[0] != '\0' ? p->username_label :
		    "Username");
		if (creds_read(prompt, false, false, f->user, sizeof(f->user),
		    &e) == -1)
			return flow_fail(f, FLOW_EXIT_ERR, "user name: %s",
			    e.msg);
	}
	if (!f->o->passwd_on_stdin)
		creds_show(p->auth_message);
	snprintf(prompt, sizeof(prompt), "%s: ",
	    p->password_label[0] != '\0' ? p->password_label : "Password");
	if (creds_read(prompt, true, f->o->passwd_on_stdin, f->passwd,
	    CREDS_MAX, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "password: %s", e.msg);
	return 0;
}

/* PROTOCOL.md §5.1, fields in OpenConnect's order. */
struct form *
flow_login_form(struct flow *f, const char *input_str)
{
	struct form *fm = flow_form();

	form_add_raw(fm, FLOW_LOGIN_PREFIX);
	form_add(fm, "ipv6-support", f->o->disable_ipv6 ? "no" : "yes");
	form_add(fm, "clientos", f->o->clientos);
	form_add(fm, "os-version", f->o->os_version);
	if (f->o->client_version != NULL)
		form_add(fm, "clientgpversion", f->o->client_version);
	form_add(fm, "server", f->t.host);
	form_add(fm, "computer", f->computer);
	/* §4.4: the portal's cookies ride along to the gateway. */
	if (f->portal != NULL && f->portal->userauthcookie[0] != '\0')
		form_add(fm, "portal-userauthcookie",
		    f->portal->userauthcookie);
	if (f->portal != NULL && f->portal->prelogon_cookie[0] != '\0')
		form_add(fm, "portal-prelogonuserauthcookie",
		    f->portal->prelogon_cookie);
	if (input_str != NULL)
		form_add(fm, "inputStr", input_str);
	form_add(fm, "user", f->user);
	form_add(fm, f->t.alt_field[0] != '\0' ? f->t.alt_field : "passwd",
	    f->passwd);
	return fm;
}

/* A 2FA round (§5.5): show the server's prompt, read the answer. The
 * portal challenges the same way (§4.1). */
static int
flow_challenge(struct flow *f, const char *name,
    const struct login_result *res)
{
	char prompt[PARSE_TEXT_MAX + 8], shown[PARSE_TEXT_MAX];
	struct gp_err e;
	char *nl;

	snprintf(prompt, sizeof(prompt), "%s: ", res->prompt[0] != '\0' ?
	    res->prompt : "Challenge");
	/* The server's text, printable and on one line, for the log too:
	 * with --passwd-on-stdin no prompt reaches the terminal. */
	creds_sanitize(res->prompt, shown, sizeof(shown));
	while ((nl = strchr(shown, '\n')) != NULL)
		*nl = ' ';
	log_msg(f->o->passwd_on_stdin ? LOG_LVL_INFO : LOG_LVL_DEBUG,
	    "%s: the server asks: %s", name, shown);
	if (creds_read(prompt, true, f->o->passwd_on_stdin, f->passwd,
	    CREDS_MAX, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "challenge: %s", e.msg);
	return 0;
}

static int
flow_login_done(struct flow *f, const struct login_result *res)
{
	struct gp_cookie *c = f->cookie;
	int n;

	n = snprintf(c->computer, sizeof(c->computer), "%s", f->computer);
	if (n < 0 || (size_t)n >= sizeof(c->computer) ||
	    cookie_format(c, f->cookie_str, COOKIE_STR_MAX) == -1)
		return flow_fail_as(f, GWFAIL_MALFORMED, FLOW_EXIT_ERR,
		    "login: cookie too long");
	log_info("logged in as %s%s%s", c->user,
	    res->auth_source[0] != '\0' ? " via " : "", res->auth_source);
	if (res->password_expiry_days >= 0)
		log_warn("the password expires in %d days",
		    res->password_expiry_days);
	return 0;
}

int
flow_do_login_at(struct flow *f, const char *name, const char *path,
    struct http_resp *policy)
{
	struct login_result res;
	struct http_resp r;
	struct gp_err e;
	struct form *fm;
	int round;

	memset(&res, 0, sizeof(res));
	f->challenged = false;
	for (round = 0;; round++) {
		fm = flow_login_form(f, round > 0 ? res.input_str : NULL);
		if (round == 0 && f->saved_passwd != NULL)
			memcpy(f->saved_passwd, f->passwd, CREDS_MAX);
		secret_wipe(f->passwd, CREDS_MAX);
		if (flow_request(f, name, path, fm, 0, &r) == -1)
			return -1;
		/* The portal's success is its configuration (§4.2). */
		if (policy != NULL && strstr(r.body, "<policy") != NULL) {
			*policy = r;
			return 0;
		}
		if (login_parse(r.body, r.len, &res, f->cookie, &e) == -1)
			return flow_fail_as(f, GWFAIL_MALFORMED,
			    FLOW_EXIT_ERR, "%s: %s", name, e.msg);
		if (res.kind == LOGIN_JNLP && policy != NULL)
			return flow_fail(f, FLOW_EXIT_ERR, "%s: a gateway "
			    "answer from the portal", name);
		if (res.kind == LOGIN_JNLP)
			return flow_login_done(f, &res);
		if (round + 1 >= FLOW_CHALLENGE_MAX)
			return flow_fail(f, FLOW_EXIT_ERR, "%s: more "
			    "than %d challenges", name, FLOW_CHALLENGE_MAX);
		f->challenged = true;
		if (flow_challenge(f, name, &res) == -1)
			return -1;
	}
}

/*
 * The proxy gp-auth went through goes into the frame, and gp-tunnel takes
 * the same path. ESP cannot go through a proxy and must not go around
 * it: its keys are dropped here, so the frame asks for the HTTPS tunnel.
 */
static void
flow_fill_proxy(struct flow *f, struct gp_config *c)
{
	proxyconf_frame(f->px, &f->t, &c->proxy);
	if (f->px == NULL || !c->esp.present)
		return;
	secret_wipe(&c->esp, sizeof(c->esp));
	log_info("ESP off: the tunnel goes through the %s proxy",
	    proxyconf_scheme_name(f->px->scheme));
}

/* Gateway fields of the CONFIG: what gp-auth resolved and verified. */
static int
flow_fill_gateway(struct flow *f, struct gp_config *c)
{
	const uint8_t *key = http_server_key(f->http);
	struct gp_err e;

	if (key == NULL)
		return flow_fail(f, FLOW_EXIT_ERR, "no verified server key");
	memcpy(c->gw_host, f->t.host, sizeof(c->gw_host));
	c->gw_addr = f->t.addr;
	c->gw_port = f->t.port;
	memcpy(c->gw_pin, key, sizeof(c->gw_pin));
	memcpy(c->authcookie, f->cookie->authcookie, sizeof(c->authcookie));
	memcpy(c->user, f->cookie->user, sizeof(c->user));
	flow_fill_proxy(f, c);
	if (config_validate(c, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "getconfig: %s", e.msg);
	return 0;
}

/* The client's offer, the same for the first getconfig and a rekey. */
static struct form *
flow_getconfig_form(struct flow *f)
{
	struct form *fm = flow_form();

	form_add(fm, "client-type", "1");
	form_add(fm, "protocol-version", "p1");
	form_add(fm, "internal", "no");
	form_add(fm, "app-version", f->app_version);
	form_add(fm, "ipv6-support", f->o->disable_ipv6 ? "no" : "yes");
	form_add(fm, "clientos", f->o->clientos);
	form_add(fm, "os-version", f->o->os_version);
	form_add(fm, "hmac-algo", FLOW_HMAC_OFFER);
	form_add(fm, "enc-algo", FLOW_ENC_OFFER);
	return fm;
}

/* POST the form, parse into c, add the gateway fields and validate. */
static int
flow_getconfig_post(struct flow *f, struct form *fm, struct gp_config *c)
{
	struct http_resp r;
	struct gp_err e;

	if (flow_request(f, "getconfig", "/ssl-vpn/getconfig.esp", fm, 0,
	    &r) == -1)
		return -1;
	if (getconfig_parse(r.body, r.len, c, &e) == -1)
		return flow_fail(f, FLOW_EXIT_ERR, "getconfig: %s", e.msg);
	return flow_fill_gateway(f, c);
}

/* PROTOCOL.md §6.1; the answer holds ESP keys, so it is never logged. */
static int
flow_getconfig(struct flow *f)
{
	struct form *fm = flow_getconfig_form(f);

	form_add_raw(fm, f->cookie_str);
	return flow_getconfig_post(f, fm, f->cfg);
}

/* PROTOCOL.md §11.2: md5 of the cookie without authcookie and IPs. */
static int
flow_hip_md5(const struct gp_cookie *c, char out[FLOW_MD5_HEX])
{
	char text[COOKIE_STR_MAX];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (cookie_format_hip(c, text, sizeof(text)) == -1 ||
	    EVP_Digest(text, strlen(text), md, &mdlen, EVP_md5(), NULL) != 1 ||
	    mdlen != 16)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* PROTOCOL.md §11.1 step 2: a failed report is a warning, not fatal. */
static void
flow_hip_send(struct flow *f, const char *md5)
{
	struct hip_ctx c;
	struct gp_err e;

	c.cookie = f->cookie;
	c.cookie_str = f->cookie_str;
	c.cfg = f->cfg;
	c.md5 = md5;
	c.client_os = f->o->clientos;
	c.app_version = f->app_version;
	if (hip_send(f->http, &c, &e) == -1)
		log_warn("%s; access may be restricted", e.msg);
	else
		log_info("hipreport: HIP report accepted");
}

/* PROTOCOL.md §11.1 step 1: ask, and send a report when needed. */
static void
flow_hipcheck(struct flow *f)
{
	char md5[FLOW_MD5_HEX], addr[CFG_ADDR_STR_MAX];
	struct form *fm = flow_form();
	struct http_resp r;
	struct gp_err e;
	bool needed = false;
	int rc;

	form_add(fm, "client-role", "global-protect-full");
	form_add_raw(fm, f->cookie_str);
	if (f->cfg->ip4.family != CFG_AF_NONE)
		form_add(fm, "client-ip", config_addr_str(&f->cfg->ip4, addr));
	if (f->cfg->ip6.family != CFG_AF_NONE)
		form_add(fm, "client-ipv6",
		    config_addr_str(&f->cfg->ip6, addr));
	if (flow_hip_md5(f->cookie, md5) == -1) {
		form_free(fm);
		log_warn("hipreportcheck: cannot compute the md5; skipped");
		return;
	}
	form_add(fm, "md5", md5);
	rc = flow_post(f, "hipreportcheck", "/ssl-vpn/hipreportcheck.esp",
	    fm, HTTP_PUBLIC, &r, &e);
	form_free(fm);
	if (rc == 0 && r.status != 200)
		rc = err_set(&e, "hipreportcheck: HTTP %ld", r.status);
	if (rc == 0)
		rc = hipcheck_parse(r.body, r.len, &needed, &e);
	if (rc == -1)
		log_warn("%s (continuing)", e.msg);
	else if (needed)
		flow_hip_send(f, md5);
	else
		log_debug("hipreportcheck: no HIP report needed");
}

unsigned int
flow_hip_interval_s(const struct flow *f)
{
	return f->hip_recheck_s;
}

void
flow_hip_recheck(struct flow *f)
{
	log_debug("HIP: periodic recheck");
	flow_hipcheck(f);
}

/* --resolve HOST:IP as OpenConnect prints it: 0 if it names t. */
static int
flow_resolve_opt(const struct flow *f, struct gw_target *t)
{
	const char *r = f->o->resolve, *colon;

	if (r == NULL || (colon = strchr(r, ':')) == NULL ||
	    (size_t)(colon - r) != strlen(t->host) ||
	    strncasecmp(r, t->host, (size_t)(colon - r)) != 0 ||
	    config_addr_parse(colon + 1, &t->addr) == -1)
		return -1;
	config_addr_str(&t->addr, t->addr_str);
	return 0;
}

int
flow_resolve(const struct flow *f, struct gw_target *t, struct gp_err *e)
{
	if (flow_resolve_opt(f, t) == 0)
		return 0;
	return resolve_lookup(t, e);
}

/* The proxy for f->t: none, none by no_proxy, or the proxy, resolved
 * the first time it is used. */
static int
flow_proxy_for(struct flow *f)
{
	struct gp_err e;

	f->px = NULL;
	if (f->proxy.scheme == PROXYCONF_NONE)
		return 0;
	if (proxyconf_bypass(f->proxy.noproxy, f->t.host)) {
		log_info("%s is in no_proxy: connecting directly", f->t.host);
		return 0;
	}
	if (f->proxy.server.addr.family == CFG_AF_NONE) {
		if (proxyconf_resolve(&f->proxy, &e) == -1)
			return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
		log_info("proxy %s://%s (%s) port %u, from %s",
		    proxyconf_scheme_name(f->proxy.scheme),
		    f->proxy.server.host, f->proxy.server.addr_str,
		    f->proxy.server.port, f->proxy.source);
	}
	f->px = &f->proxy;
	return 0;
}

static void
flow_log_target(const struct flow *f)
{
	const char *what = f->t.iface == IFACE_PORTAL ? "portal" : "gateway";

	if (f->px == NULL)
		log_info("%s %s (%s) port %u", what, f->t.host,
		    f->t.addr_str, f->t.port);
	else
		log_info("%s %s (%s) port %u through the %s proxy %s port %u",
		    what, f->t.host, f->t.addr.family != CFG_AF_NONE ?
		    f->t.addr_str : "resolved by the proxy", f->t.port,
		    proxyconf_scheme_name(f->px->scheme),
		    f->px->server.addr_str, f->px->server.port);
}

/*
 * f->t's origin has a handle (the portal's, for a gateway on the same
 * host and port): its TLS connection, cookie jar and verified key go on,
 * and so does the address it connected to, the one the CONFIG names.
 */
static int
flow_reuse(struct flow *f)
{
	const struct gw_target *t = http_target(f->http);

	f->t.addr = t->addr;
	memcpy(f->t.addr_str, t->addr_str, sizeof(f->t.addr_str));
	log_info("%s %s (%s) port %u: the same origin as before, its "
	    "connection and cookies go on", f->t.iface == IFACE_PORTAL ?
	    "portal" : "gateway", f->t.host, f->t.addr_str, f->t.port);
	return 0;
}

int
flow_connect(struct flow *f)
{
	struct http_opts ho;
	struct gp_err e;

	if (flow_proxy_for(f) == -1)
		return -1;
	if ((f->http = http_pool_find(f->pool, &f->t)) != NULL)
		return flow_reuse(f);
	/* A portal's gateway may be resolved already, for the probe. A
	 * proxy that resolves names gets the name (a literal is one). */
	if (f->t.addr.family == CFG_AF_NONE && (f->px == NULL ||
	    !proxyconf_remote_dns(f->px) || f->t.literal) &&
	    flow_resolve(f, &f->t, &e) == -1)
		return flow_fail_as(f, GWFAIL_RESOLVE, FLOW_EXIT_ERR, "%s",
		    e.msg);
	if (f->px != NULL && proxyconf_remote_dns(f->px) &&
	    f->o->resolve != NULL)
		log_warn("--resolve is not used: the %s proxy resolves %s",
		    proxyconf_scheme_name(f->px->scheme), f->t.host);
	flow_log_target(f);
	memset(&ho, 0, sizeof(ho));
	ho.proxy = f->px;
	ho.target = &f->t;
	flow_pin_for(f, &ho);
	ho.useragent = f->o->useragent;
	if ((f->http = http_pool_open(f->pool, &ho, &e)) == NULL)
		return flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	if (f->home == NULL)
		f->home = f->http;
	return 0;
}

void
flow_disconnect(struct flow *f)
{
	if (f->http != NULL && f->http != f->home)
		http_pool_close(f->pool, f->http);
	f->http = NULL;
}

bool
flow_ask_again(struct flow *f, int tries)
{
	if (!f->bad_passwd || f->o->passwd_on_stdin ||
	    tries >= FLOW_PASSWD_TRIES)
		return false;
	log_warn("wrong user name or password; try again (%d of %d)",
	    tries + 1, FLOW_PASSWD_TRIES);
	return true;
}

/* Gateway prelogin, credentials and login rounds (§3, §5). */
int
flow_gateway_login(struct flow *f)
{
	int tries;

	if (flow_prelogin_at(f, false) != 0)
		return -1;
	for (tries = 1;; tries++) {
		if (flow_credentials(f) == -1)
			return -1;
		if (flow_do_login_at(f, "login", "/ssl-vpn/login.esp",
		    NULL) == 0)
			return 0;
		if (!flow_ask_again(f, tries))
			return -1;
	}
}

/* Portal or gateway as the URL says, the other one on "does not exist"
 * (§2), or the cookie from stdin. */
static int
flow_login_any(struct flow *f)
{
	int rc;

	if (f->o->cookie_on_stdin)
		return flow_cookie_stdin(f);
	if (f->t.iface == IFACE_PORTAL) {
		if ((rc = flow_portal_login(f)) != 1)
			return rc;
		log_info("not a portal: trying %s as a gateway", f->t.host);
		f->t.iface = IFACE_GATEWAY;
		if ((rc = flow_gateway_login(f)) == -1 && f->wrong_iface)
			return flow_fail(f, FLOW_EXIT_ERR, "%s is neither a "
			    "portal nor a gateway", f->t.host);
		return rc;
	}
	if (flow_gateway_login(f) == 0)
		return 0;
	if (!f->wrong_iface)
		return -1;
	log_info("not a gateway: trying %s as a portal", f->t.host);
	f->t.iface = IFACE_PORTAL;
	if ((rc = flow_portal_login(f)) == 1)
		return flow_fail(f, FLOW_EXIT_ERR, "%s is neither a portal "
		    "nor a gateway", f->t.host);
	return rc;
}

/* Logged in at f->t: the session asks only its origin again (getconfig,
 * HIP, rekey, logout), so the others' connections and jars go now. */
static void
flow_settle(struct flow *f)
{
	size_t n = http_pool_keep(f->pool, f->http);

	f->home = f->http;
	if (n > 0)
		log_debug("%zu other HTTPS connection(s) closed: only %s's "
		    "is asked again", n, f->t.host);
}

int
flow_login(struct flow *f)
{
	if (flow_connect(f) == -1 || flow_login_any(f) == -1)
		return f->status;
	flow_settle(f);
	if (f->o->logged_in != NULL)
		f->o->logged_in();	/* gp-auth: the session filter */
	if (f->o->authenticate)
		return FLOW_EXIT_OK;
	if (flow_getconfig(f) == -1)
		return f->status;
	flow_hipcheck(f);
	return FLOW_EXIT_OK;
}

/*
 * §6.1 on a rekey: the current addresses go first as preferred-ip and
 * preferred-ipv6 (empty when there is none), and the appended cookie
 * loses its own copies of them.
 */
static int
flow_rekey_form(struct flow *f, struct form *fm)
{
	const struct gp_config *c = f->cfg;
	char a4[CFG_ADDR_STR_MAX] = "", a6[CFG_ADDR_STR_MAX] = "";
	struct gp_cookie *ck;
	char *text;
	int rc = -1;

	if (c->ip4.family == CFG_AF_INET)
		(void)config_addr_str(&c->ip4, a4);
	if (c->ip6.family == CFG_AF_INET6)
		(void)config_addr_str(&c->ip6, a6);
	form_add(fm, "preferred-ip", a4);
	form_add(fm, "preferred-ipv6", a6);
	if ((ck = cookie_new()) == NULL ||
	    (text = secret_alloc(COOKIE_STR_MAX)) == NULL)
		fatal("out of memory");
	*ck = *f->cookie;
	ck->preferred_ip[0] = ck->preferred_ipv6[0] = '\0';
	if (cookie_format(ck, text, COOKIE_STR_MAX) == 0) {
		form_add_raw(fm, text);
		rc = 0;
	}
	secret_free(text, COOKIE_STR_MAX);
	cookie_free(ck);
	return rc;
}

static bool
flow_same_addr(const struct cfg_addr *a, const struct cfg_addr *b)
{
	size_t n = a->family == CFG_AF_INET ? 4 : 16;

	return a->family == b->family &&
	    (a->family == CFG_AF_NONE || memcmp(a->bytes, b->bytes, n) == 0);
}

/* "was -> now" for a changed tunnel address, into msg. */
static void
flow_addr_change(const struct cfg_addr *a, uint8_t alen,
    const struct cfg_addr *b, uint8_t blen, char *msg, size_t msgsz)
{
	char was[CFG_ADDR_STR_MAX] = "none", now[CFG_ADDR_STR_MAX] = "none";

	if (a->family != CFG_AF_NONE)
		(void)config_addr_str(a, was);
	if (b->family != CFG_AF_NONE)
		(void)config_addr_str(b, now);
	snprintf(msg, msgsz, "%s/%u to %s/%u", was, alen, now, blen);
}

/*
 * OpenConnect aborts when a rekey brings another IPv4 address (§6.1).
 * gp-tunnel set up the interface and routes for the old addresses and
 * refuses a CONFIG that changes them (ctl_rekey_check), so any change of
 * address or prefix ends the session, with the reason in msg.
 */
int
flow_rekey_check(const struct gp_config *oc, const struct gp_config *nc,
    char *msg, size_t msgsz)
{
	char what[2 * CFG_ADDR_STR_MAX + 16];
	const char *fam = "IPv4";

	if (flow_same_addr(&oc->ip4, &nc->ip4) &&
	    oc->ip4_prefixlen == nc->ip4_prefixlen) {
		if (flow_same_addr(&oc->ip6, &nc->ip6) &&
		    oc->ip6_prefixlen == nc->ip6_prefixlen)
			return 0;
		fam = "IPv6";
		flow_addr_change(&oc->ip6, oc->ip6_prefixlen, &nc->ip6,
		    nc->ip6_prefixlen, what, sizeof(what));
	} else
		flow_addr_change(&oc->ip4, oc->ip4_prefixlen, &nc->ip4,
		    nc->ip4_prefixlen, what, sizeof(what));
	snprintf(msg, msgsz, "the gateway changed the tunnel %s address "
	    "from %s", fam, what);
	return -1;
}

static int
flow_rekey_addrs(struct flow *f, const struct gp_config *nc)
{
	char msg[2 * CFG_ADDR_STR_MAX + 64];

	if (flow_rekey_check(f->cfg, nc, msg, sizeof(msg)) == 0)
		return 0;
	f->rekey_fatal = true;
	return flow_fail(f, FLOW_EXIT_ERR, "rekey: %s; ending the session",
	    msg);
}

int
flow_rekey(struct flow *f)
{
	struct gp_config *nc;
	struct form *fm;

	f->status = FLOW_EXIT_ERR;
	f->rekey_fatal = false;
	if ((nc = config_new()) == NULL)
		fatal("out of memory");
	fm = flow_getconfig_form(f);
	if (flow_rekey_form(f, fm) == -1) {
		form_free(fm);
		config_free(nc);
		return flow_fail(f, FLOW_EXIT_ERR, "rekey: cookie too long");
	}
	if (flow_getconfig_post(f, fm, nc) == -1 ||
	    flow_rekey_addrs(f, nc) == -1) {
		/* A rejected cookie will not get better with time (§2). */
		if (f->status == FLOW_EXIT_COOKIE)
			f->rekey_fatal = true;
		config_free(nc);
		return -1;
	}
	config_free(f->cfg);
	f->cfg = nc;
	log_info("rekey: new configuration from the gateway");
	flow_hipcheck(f);
	return 0;
}

int
flow_rekey_status(const struct flow *f)
{
	return f->rekey_fatal ? f->status : FLOW_EXIT_OK;
}

/* §13: the body is exactly the cookie string, on a new connection. */
void
flow_logout(struct flow *f)
{
	char text[PARSE_TEXT_MAX];
	enum gp_error_class cls;
	struct form *fm = flow_form();
	struct http_resp r;
	struct gp_err e;
	int rc;

	form_add_raw(fm, f->cookie_str);
	rc = flow_post(f, "logout", "/ssl-vpn/logout.esp", fm,
	    HTTP_FRESH | HTTP_PUBLIC, &r, &e);
	form_free(fm);
	if (rc == -1)
		log_warn("%s; the cookie may stay valid", e.msg);
	else if (response_error_parse(r.body, r.len, text, sizeof(text),
	    &cls))
		log_warn("logout: the gateway says: %s", text);
	else if (r.status != 200)
		log_warn("logout: HTTP %ld; the cookie may stay valid",
		    r.status);
	else
		log_info("logged out");
}

/* 'text' for sh, with each ' written as '\'' */
int
flow_shell_quote(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz < 3)
		return -1;
	out[o++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			if (outsz - o < 5)
				goto fail;
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			if (outsz - o < 2)
				goto fail;
			out[o++] = *s;
		}
	}
	if (outsz - o < 2)
		goto fail;
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
fail:
	secret_wipe(out, outsz);
	return -1;
}

/* NAME='value'\n appended at *o. */
static int
flow_shell_line(char *out, size_t outsz, size_t *o, const char *name,
    const char *value)
{
	size_t n = strlen(name);

	if (outsz - *o < n + 2)
		return -1;
	memcpy(out + *o, name, n);
	out[*o + n] = '=';
	*o += n + 1;
	if (flow_shell_quote(value, out + *o, outsz - *o - 1) == -1)
		return -1;
	*o += strlen(out + *o);
	out[(*o)++] = '\n';
	out[*o] = '\0';
	return 0;
}

/* PROTOCOL.md §5.4: COOKIE, HOST, CONNECT_URL, FINGERPRINT, RESOLVE. */
int
flow_authenticate_text(const struct gw_target *t, const char *cookie,
    const uint8_t key[CFG_PIN_BYTES], char *out, size_t outsz)
{
	char url[RESOLVE_ORIGIN_MAX + 2], pin[PIN_STR_MAX];
	char resolve[CFG_HOST_MAX + CFG_ADDR_STR_MAX + 2] = "";
	size_t o = 0;

	if (resolve_connect_url(t, url, sizeof(url)) == -1)
		return -1;
	pin_format(key, pin);
	/* host:ip; an IPv6 literal host has nothing to resolve, and behind
	 * a proxy that resolves names gp-auth has no address for it. */
	if ((!t->literal || strchr(t->host, ':') == NULL) &&
	    t->addr_str[0] != '\0')
		snprintf(resolve, sizeof(resolve), "%s:%s", t->host,
		    t->addr_str);
	if (flow_shell_line(out, outsz, &o, "COOKIE", cookie) == -1 ||
	    flow_shell_line(out, outsz, &o, "HOST", t->addr_str[0] != '\0' ?
	    t->addr_str : t->host) == -1 ||
	    flow_shell_line(out, outsz, &o, "CONNECT_URL", url) == -1 ||
	    flow_shell_line(out, outsz, &o, "FINGERPRINT", pin) == -1)
		goto fail;
	if (resolve[0] == '\0') {
		if (outsz - o < sizeof("RESOLVE=\n"))
			goto fail;
		memcpy(out + o, "RESOLVE=\n", sizeof("RESOLVE=\n"));
	} else if (flow_shell_line(out, outsz, &o, "RESOLVE", resolve) == -1)
		goto fail;
	return 0;
fail:
	secret_wipe(out, outsz);
	return -1;
}

int
flow_print_authenticate(const struct flow *f, int fd)
{
	const uint8_t *key = http_server_key(f->http);
	char *text;
	size_t len, off = 0;
	ssize_t w;
	int rc = -1;

	if (key == NULL || (text = secret_alloc(FLOW_AUTH_TEXT_MAX)) == NULL)
		return -1;
	if (flow_authenticate_text(&f->t, f->cookie_str, key, text,
	    FLOW_AUTH_TEXT_MAX) == 0) {
		len = strlen(text);
		while (off < len) {
			w = write(fd, text + off, len - off);
			if (w == -1 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		rc = off == len ? 0 : -1;
	}
	secret_free(text, FLOW_AUTH_TEXT_MAX);
	return rc;
}
