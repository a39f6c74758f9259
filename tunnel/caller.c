/* SPDX-License-Identifier: ISC */
/*
 * Who gp-tunnel runs for (caller.h), the allow-* checks of the options
 * that user chose, and the set-up that loads root's policy and checks the
 * script path before stdin is read. Runs in gp-tunnel as root; the
 * environment, and every option of a user on whose behalf it runs, are
 * untrusted: such a value is compared with root's lists, never opened.
 */
#define _GNU_SOURCE	/* clearenv */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "sandbox/sandbox.h"
#include "tunnel/caller.h"
#include "tunnel/policy_allow.h"
#include "tunnel/safepath.h"
#include "tunnel/scriptcmd.h"

#define CALLER_UID_DIGITS_MAX	10

static struct caller caller_me;

bool
caller_on_behalf(const struct caller *c)
{
	return c->via != CALLER_ROOT;
}

/* A uid as sudo and pkexec print it: 1..10 digits, no leading zero,
 * below 2^32 - 1; -1 for anything else. */
static long long
caller_uid_parse(const char *s)
{
	long long v = 0;
	size_t i, n = strlen(s);

	if (n == 0 || n > CALLER_UID_DIGITS_MAX || s[0] == '0')
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < 0xffffffffLL ? v : -1;
}

/* One variable: unset or exactly "0" is root; anything else is not. */
static bool
caller_var(struct caller *c, enum caller_via via, const char *uid,
    const char *name)
{
	if (uid == NULL || strcmp(uid, "0") == 0)
		return false;
	c->via = via;
	c->uid = caller_uid_parse(uid);
	if (name != NULL)
		err_quote(c->name, name, strlen(name));
	return true;
}

void
caller_decide(struct caller *c, uid_t ruid, const char *sudo_uid,
    const char *sudo_user, const char *pkexec_uid, const char *doas_user)
{
	memset(c, 0, sizeof(*c));
	c->via = CALLER_ROOT;
	c->uid = 0;
	if (ruid != 0) {
		c->via = CALLER_REAL_UID;
		c->uid = (long long)ruid;
		return;
	}
	if (caller_var(c, CALLER_SUDO, sudo_uid, sudo_user) ||
	    caller_var(c, CALLER_PKEXEC, pkexec_uid, NULL))
		return;
	if (doas_user != NULL && strcmp(doas_user, "root") != 0) {
		c->via = CALLER_DOAS;
		c->uid = -1;
		err_quote(c->name, doas_user, strlen(doas_user));
	}
}

void
caller_init(void)
{
	caller_decide(&caller_me, getuid(), getenv("SUDO_UID"),
	    getenv("SUDO_USER"), getenv("PKEXEC_UID"), getenv("DOAS_USER"));
	if (caller_on_behalf(&caller_me) && clearenv() != 0)
		fatalx("clearenv failed");
}

const struct caller *
caller_self(void)
{
	return &caller_me;
}

void
caller_set_service(long long uid)
{
	memset(&caller_me, 0, sizeof(caller_me));
	caller_me.via = CALLER_SERVICE;
	caller_me.uid = uid;
}

const char *
caller_str(const struct caller *c, char *out, size_t n)
{
	static const char *const via[] = {
		"root", "sudo", "pkexec", "doas", "real uid", "service socket"
	};
	const char *how = (size_t)c->via < sizeof(via) / sizeof(via[0]) ?
	    via[c->via] : "?";

	if (c->via == CALLER_ROOT)
		snprintf(out, n, "root");
	else if (c->via == CALLER_SERVICE && c->uid < 0)
		snprintf(out, n, "the peers of the service socket");
	else if (c->uid < 0 && c->name[0] != '\0')
		snprintf(out, n, "user `%s` (%s)", c->name, how);
	else if (c->uid < 0)
		snprintf(out, n, "an unknown user (%s)", how);
	else if (c->name[0] != '\0')
		snprintf(out, n, "uid %lld (%s, user `%s`)", c->uid, how,
		    c->name);
	else
		snprintf(out, n, "uid %lld (%s)", c->uid, how);
	return out;
}

static int
caller_refuse(const struct caller *c, const char *opt, const char *value,
    enum policy_allow_kind k, const char *sys_path, struct gp_err *e)
{
	char who[CALLER_STR_MAX], q[ERR_QUOTE_MAX];

	err_quote(q, value, strlen(value));
	return err_set(e, "%s `%s` refused for %s: root may allow it with "
	    "`%s %s` in %s", opt, q, caller_str(c, who, sizeof(who)),
	    policy_allow_keyword(k), q, sys_path);
}

int
caller_check_opts(const struct caller *c, const struct tunnel_policy *sys,
    const char *sys_path, const struct caller_opts *o, struct gp_err *e)
{
	if (!caller_on_behalf(c))
		return 0;
	if (o->script != NULL &&
	    strcmp(o->script, CALLER_DEFAULT_SCRIPT) != 0 &&
	    !policy_allows(sys, POLICY_ALLOW_SCRIPT, o->script))
		return caller_refuse(c, "-s", o->script, POLICY_ALLOW_SCRIPT,
		    sys_path, e);
	if (o->user != NULL && strcmp(o->user, SANDBOX_NET_USER) != 0 &&
	    !policy_allows(sys, POLICY_ALLOW_SETUID, o->user))
		return caller_refuse(c, "--setuid", o->user,
		    POLICY_ALLOW_SETUID, sys_path, e);
	if (o->ifname != NULL && o->ifname[0] != '\0' &&
	    !policy_allows(sys, POLICY_ALLOW_INTERFACE, o->ifname))
		return caller_refuse(c, "-i", o->ifname,
		    POLICY_ALLOW_INTERFACE, sys_path, e);
	if (o->policy != NULL &&
	    !policy_allows(sys, POLICY_ALLOW_POLICY, o->policy))
		return caller_refuse(c, "--policy", o->policy,
		    POLICY_ALLOW_POLICY, sys_path, e);
	return 0;
}

/*
 * A path someone other than root could change: refused on behalf, a
 * warning for real root (who chose it; the test suites run their scripts
 * from /tmp). out gets the resolved path. 0 or -1.
 */
static int
caller_path(const struct caller *c, const char *what, const char *path,
    unsigned flags, char *out, size_t outsz, struct gp_err *e)
{
	struct gp_err why = { "" };
	enum safepath_result r;

	r = safepath_check(path, 0, flags, out, outsz, &why);
	if (r == SAFEPATH_OK)
		return 0;
	if (r == SAFEPATH_BAD)
		return err_set(e, "%s: %s", what, why.msg);
	if (caller_on_behalf(c))
		return err_set(e, "%s refused: %s, so someone other than "
		    "root could change it", what, why.msg);
	log_warnx("%s: %s: whoever can write there can change what root "
	    "runs or reads; used anyway, as root chose it", what, why.msg);
	return 0;
}

static void
caller_log_policy(const struct tunnel_policy *p)
{
	log_info("policy %s: %u gateways, %u route prefixes, dns %s, %u dns "
	    "servers, %u dns suffixes", p->source, p->n_gateways,
	    p->n_routes, p->dns ? "yes" : "no", p->n_dns_servers,
	    p->n_suffixes);
}

/* Root's own file; its directories must be root's too. */
static int
caller_sys_policy(const struct caller *c, struct caller_setup *s,
    struct gp_err *e)
{
	char real[PATH_MAX];

	if (policy_load(s->sys_path, true, s->sys, e) == -1)
		return -1;
	if (!s->sys->present)
		return 0;
	if (caller_path(c, "policy", s->sys_path, 0, real, sizeof(real),
	    e) == -1)
		return -1;
	caller_log_policy(s->sys);
	return 0;
}

/* --policy FILE: more restrictions, never an allow-* of its own. */
static int
caller_extra_policy(const struct caller *c, const char *path,
    struct caller_setup *s, struct gp_err *e)
{
	char real[PATH_MAX];
	struct gp_err why = { "" };
	enum safepath_result r;

	r = safepath_check(path, 0, 0, real, sizeof(real), &why);
	if (r != SAFEPATH_OK && caller_on_behalf(c))
		return err_set(e, "--policy refused: %s", why.msg);
	if (r == SAFEPATH_UNSAFE)
		log_warnx("--policy: %s: whoever can write there can change "
		    "the policy", why.msg);
	if (policy_load(caller_on_behalf(c) ? real : path, false, s->extra,
	    e) == -1)
		return -1;
	if (s->extra->n_allows != 0)
		return err_set(e, "policy %s: %s lines count only in %s",
		    path, policy_allow_keyword((enum policy_allow_kind)
		    s->extra->allows[0].kind), s->sys_path);
	caller_log_policy(s->extra);
	s->sys->extra = s->extra;
	return 0;
}

/* [priv] tells a plain path from a command line by its characters
 * (scriptcmd_is_plain): what set-up resolved must still read as before. */
static int
caller_plain_real(const char *given, const char *real, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], r[ERR_QUOTE_MAX];

	if (scriptcmd_is_plain(real))
		return 0;
	return err_set(e, "-s: `%s` resolves to `%s`, which a shell would "
	    "split or expand: name it by a path without such characters",
	    err_quote(q, given, strlen(given)),
	    err_quote(r, real, strlen(real)));
}

/*
 * A command line for /bin/sh -c: /bin/sh and the program it starts with
 * are checked as a script is, a bare name found in root's fixed PATH
 * first; out gets the line with that program's resolved path in place
 * of its first word, so that no later PATH or link decides what runs.
 */
static int
caller_command(const struct caller *c, const char *cmd, char *out,
    size_t outsz, struct gp_err *e)
{
	char prog[PATH_MAX], found[PATH_MAX], real[PATH_MAX];
	size_t start, len;

	if (scriptcmd_first_word(cmd, &start, &len, e) == -1)
		return -1;
	if (len >= sizeof(prog))
		return err_set(e, "-s: the program path is too long");
	memcpy(prog, cmd + start, len);
	prog[len] = '\0';
	if (prog[0] != '/' &&
	    scriptcmd_which(prog, found, sizeof(found), e) == -1)
		return -1;
	if (caller_path(c, "-s: the shell", SCRIPTCMD_SHELL, SAFEPATH_EXEC,
	    real, sizeof(real), e) == -1 ||
	    caller_path(c, "-s: the program", prog[0] == '/' ? prog : found,
	    SAFEPATH_EXEC, real, sizeof(real), e) == -1 ||
	    caller_plain_real(prog, real, e) == -1)
		return -1;
	return scriptcmd_rewrite(cmd, start, len, real, out, outsz, e);
}

/* -s: a plain path is checked and resolved; anything else is a command
 * line (OpenConnect runs each -s value with /bin/sh -c). */
static int
caller_script(const struct caller *c, const char *script, char *out,
    size_t outsz, struct gp_err *e)
{
	if (!scriptcmd_is_plain(script))
		return caller_command(c, script, out, outsz, e);
	if (script[0] != '/')
		return err_set(e, "-s: the script path must be absolute");
	if (caller_path(c, "script", script, SAFEPATH_EXEC, out, outsz,
	    e) == -1)
		return -1;
	return caller_plain_real(script, out, e);
}

int
caller_setup(const struct caller *c, const struct caller_opts *o,
    struct caller_setup *s, struct gp_err *e)
{
	char who[CALLER_STR_MAX];
	const char *script = o->script != NULL ? o->script :
	    CALLER_DEFAULT_SCRIPT;

	if (caller_on_behalf(c))
		log_info("running for %s: root's %s decides the options",
		    caller_str(c, who, sizeof(who)), s->sys_path);
	if (caller_sys_policy(c, s, e) == -1 ||
	    caller_check_opts(c, s->sys, s->sys_path, o, e) == -1)
		return -1;
	if (caller_script(c, script, s->script, sizeof(s->script), e) == -1)
		return -1;
	if (o->policy != NULL)
		return caller_extra_policy(c, o->policy, s, e);
	return 0;
}
