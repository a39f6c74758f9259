/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's login step (see flow_login.h). Runs in gp-auth; the server's
 * prompts are untrusted and shown only sanitised, the answers it takes
 * are secrets: read into secret memory, wiped once sent.
 */
#include <stdio.h>
#include <string.h>

#include "auth/creds.h"
#include "auth/flow_fail.h"
#include "auth/flow_http.h"
#include "auth/flow_login.h"
#include "auth/flow_prelogin.h"
#include "auth/login.h"
#include "ipc/log.h"
#include "ipc/secret.h"

#define FLOW_LOGIN_PREFIX	"jnlpReady=jnlpReady&ok=Login&direct=yes&" \
				"clientVer=4100&prot=https:&internal=no"

int
flow_login_credentials(struct flow *f)
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

/* PROTOCOL.md §5.1, fields in OpenConnect's order; the portal's too. */
static struct form *
flow_login_form(struct flow *f, const char *input_str)
{
	struct form *fm = flow_http_form();

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
flow_login_challenge(struct flow *f, const char *name,
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

static enum flow_res
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
		log_warnx("the password expires in %d days",
		    res->password_expiry_days);
	return FLOW_RES_OK;
}

/* One answer: done, a challenge for the next round (1), or failed. */
static int
flow_login_answer(struct flow *f, struct flow_login_at *at,
    const struct http_resp *r, struct login_result *res, int round)
{
	struct gp_err e;

	/* The portal's success is its configuration (§4.2). */
	if (at->policy != NULL && strstr(r->body, "<policy") != NULL) {
		*at->policy = *r;
		return FLOW_RES_OK;
	}
	if (login_parse(r->body, r->len, res, f->cookie, &e) == -1)
		return flow_fail_as(f, GWFAIL_MALFORMED, FLOW_EXIT_ERR,
		    "%s: %s", at->name, e.msg);
	if (res->kind == LOGIN_JNLP && at->policy != NULL)
		return flow_fail(f, FLOW_EXIT_ERR, "%s: a gateway answer from "
		    "the portal", at->name);
	if (res->kind == LOGIN_JNLP)
		return flow_login_done(f, res);
	if (round + 1 >= FLOW_CHALLENGE_MAX)
		return flow_fail(f, FLOW_EXIT_ERR, "%s: more than %d "
		    "challenges", at->name, FLOW_CHALLENGE_MAX);
	return 1;
}

/*
 * A refused 2FA code (HTTP 512 to an answer): the challenge is used up,
 * so the password (pw, kept) goes again for a new one and the code is
 * asked again, FLOW_PASSWD_TRIES codes in all; not with
 * --passwd-on-stdin, whose lines are read once. True: go again.
 */
static bool
flow_login_code_again(struct flow *f, const char *pw, int refused)
{
	if (pw == NULL || refused >= FLOW_PASSWD_TRIES)
		return false;
	log_warnx("asking for the code again (%d of %d)", refused + 1,
	    FLOW_PASSWD_TRIES);
	memcpy(f->passwd, pw, CREDS_MAX);
	return true;
}

/* The rounds, with pw: NULL, or secret memory for the first password
 * to log in again with after a refused code. */
static enum flow_res
flow_login_rounds_pw(struct flow *f, struct flow_login_at *at, char *pw)
{
	struct login_result res;
	struct http_resp r;
	enum flow_res hr;
	int round, rc, refused = 0;

	memset(&res, 0, sizeof(res));
	at->challenged = f->sent_challenge = false;
	for (round = 0;; round++) {
		struct form *fm = flow_login_form(f, round > 0 ?
		    res.input_str : NULL);

		if (round == 0 && at->keep != NULL)
			memcpy(at->keep, f->passwd, CREDS_MAX);
		if (round == 0 && pw != NULL)
			memcpy(pw, f->passwd, CREDS_MAX);
		secret_wipe(f->passwd, CREDS_MAX);
		f->answering = round > 0;
		hr = flow_http_request(f, at->name, at->path, fm, 0, &r);
		f->answering = false;
		if (hr == FLOW_RES_BAD_PASSWD && round > 0) {
			if (!flow_login_code_again(f, pw, ++refused))
				return FLOW_RES_FAIL;	/* not the password */
			round = -1;
			continue;
		}
		if (hr != FLOW_RES_OK)
			return hr;
		if ((rc = flow_login_answer(f, at, &r, &res, round)) != 1)
			return rc == 0 ? FLOW_RES_OK : FLOW_RES_FAIL;
		at->challenged = f->sent_challenge = true;
		if (flow_login_challenge(f, at->name, &res) == -1)
			return FLOW_RES_FAIL;
	}
}

enum flow_res
flow_login_rounds(struct flow *f, struct flow_login_at *at)
{
	enum flow_res res;
	char *pw = NULL;

	/* A code is asked again on a terminal only; a SAML cookie in the
	 * password's place is good for one try. */
	if (!f->o->passwd_on_stdin && f->t.alt_field[0] == '\0' &&
	    (pw = secret_alloc(CREDS_MAX)) == NULL)
		fatal("out of memory");
	res = flow_login_rounds_pw(f, at, pw);
	if (pw != NULL)
		secret_free(pw, CREDS_MAX);
	return res;
}

bool
flow_login_again(struct flow *f, enum flow_res res, int tries)
{
	if (res != FLOW_RES_BAD_PASSWD || f->o->passwd_on_stdin ||
	    tries >= FLOW_PASSWD_TRIES)
		return false;
	log_warnx("wrong user name or password; try again (%d of %d)",
	    tries + 1, FLOW_PASSWD_TRIES);
	return true;
}

enum flow_res
flow_login_gateway(struct flow *f)
{
	struct flow_login_at at = { "login", "/ssl-vpn/login.esp", NULL,
	    NULL, false };
	enum flow_res res;
	int tries;

	if ((res = flow_prelogin_run(f, false)) != FLOW_RES_OK)
		return res;
	for (tries = 1;; tries++) {
		if (flow_login_credentials(f) == -1)
			return FLOW_RES_FAIL;
		if ((res = flow_login_rounds(f, &at)) == FLOW_RES_OK)
			return FLOW_RES_OK;
		if (!flow_login_again(f, res, tries))
			return res;
	}
}

enum flow_res
flow_login_blind(struct flow *f, const char *pw, bool had_alt)
{
	struct flow_login_at at = { "login", "/ssl-vpn/login.esp", NULL,
	    NULL, false };
	enum flow_res res;

	if (pw == NULL)
		return flow_login_gateway(f);
	memcpy(f->passwd, pw, CREDS_MAX);
	if (had_alt)
		secret_wipe(f->passwd, CREDS_MAX);	/* SAML: used up */
	if ((res = flow_login_rounds(f, &at)) != FLOW_RES_BAD_PASSWD)
		return res;
	log_info("the gateway wants its own login");
	return flow_login_gateway(f);
}
