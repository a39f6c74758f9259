/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for who gp-tunnel runs for and what they may choose
 * (tunnel/caller.c): the decision from the uid and sudo's, pkexec's and
 * doas's variables, the allow-* checks, and caller_setup() on a temporary
 * tree of root's files made under the current directory. Test code only.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "tunnel/caller.h"
#include "tunnel/scriptcmd.h"
#include "t.h"

#define BASE_MAX	1024

static void
test_decide(void)
{
	struct caller c;
	char s[CALLER_STR_MAX];

	caller_decide(&c, 0, NULL, NULL, NULL, NULL);
	T_CHECK(!caller_on_behalf(&c));
	T_STREQ(caller_str(&c, s, sizeof(s)), "root");
	caller_decide(&c, 0, "0", "root", NULL, NULL);
	T_CHECK(!caller_on_behalf(&c));
	caller_decide(&c, 0, "1000", "alice", NULL, NULL);
	T_CHECK(caller_on_behalf(&c));
	T_EQ_INT(c.via, CALLER_SUDO);
	T_EQ_INT(c.uid, 1000);
	T_STREQ(caller_str(&c, s, sizeof(s)), "uid 1000 (sudo, user `alice`)");
	caller_decide(&c, 0, NULL, NULL, "1001", NULL);
	T_STREQ(caller_str(&c, s, sizeof(s)), "uid 1001 (pkexec)");
	caller_decide(&c, 0, NULL, NULL, NULL, "bob");
	T_STREQ(caller_str(&c, s, sizeof(s)), "user `bob` (doas)");
	caller_decide(&c, 0, NULL, NULL, NULL, "root");
	T_CHECK(!caller_on_behalf(&c));
	/* Root by sudo, but pkexec says someone else: on behalf. */
	caller_decide(&c, 0, "0", NULL, "1001", NULL);
	T_EQ_INT(c.via, CALLER_PKEXEC);
	/* A real uid that is not root wins over any variable. */
	caller_decide(&c, 1002, "0", NULL, NULL, NULL);
	T_EQ_INT(c.via, CALLER_REAL_UID);
	T_EQ_INT(c.uid, 1002);
	T_STREQ(caller_str(&c, s, sizeof(s)), "uid 1002 (real uid)");
}

/* Set but odd: on behalf of someone unknown, never root. */
static void
test_decide_odd(void)
{
	static const char *const odd[] = {
		"", "00", "1000x", " 1000", "-1", "4294967295", "99999999999",
		"0x10", NULL
	};
	struct caller c;
	char s[CALLER_STR_MAX];
	size_t i;

	for (i = 0; odd[i] != NULL; i++) {
		caller_decide(&c, 0, odd[i], NULL, NULL, NULL);
		T_CHECK(caller_on_behalf(&c));
		T_EQ_INT(c.uid, -1);
	}
	caller_decide(&c, 0, "00", NULL, NULL, NULL);
	T_STREQ(caller_str(&c, s, sizeof(s)), "an unknown user (sudo)");
	caller_decide(&c, 0, "4294967294", "a\nb`c", NULL, NULL);
	T_EQ_INT(c.uid, 4294967294LL);
	T_STREQ(caller_str(&c, s, sizeof(s)),
	    "uid 4294967294 (sudo, user `a\\x0ab\\x60c`)");
}

/* This process: on behalf, the environment is cleared. */
static void
test_init(void)
{
	unsetenv("SUDO_UID");
	unsetenv("PKEXEC_UID");
	unsetenv("DOAS_USER");
	setenv("GPVPN_TEST_KEEP", "1", 1);
	caller_init();
	T_EQ_INT(caller_on_behalf(caller_self()), (getuid() != 0));
	T_EQ_INT(getenv("GPVPN_TEST_KEEP") != NULL, getuid() == 0);
	setenv("SUDO_UID", "1000", 1);
	setenv("SUDO_USER", "alice", 1);
	setenv("OPENSSL_CONF", "/tmp/evil.cnf", 1);
	caller_init();
	T_CHECK(caller_on_behalf(caller_self()));
	T_CHECK(getenv("OPENSSL_CONF") == NULL);
	T_CHECK(getenv("SUDO_UID") == NULL);
	if (getuid() == 0) {
		T_EQ_INT(caller_self()->via, CALLER_SUDO);
		T_EQ_INT(caller_self()->uid, 1000);
	}
}

static void
test_service(void)
{
	char s[CALLER_STR_MAX];

	caller_set_service(-1);
	T_CHECK(caller_on_behalf(caller_self()));
	T_STREQ(caller_str(caller_self(), s, sizeof(s)),
	    "the peers of the service socket");
	caller_set_service(1003);
	T_STREQ(caller_str(caller_self(), s, sizeof(s)),
	    "uid 1003 (service socket)");
}

static void
parse(const char *text, struct tunnel_policy *p)
{
	struct gp_err e = { "" };

	if (policy_parse(text, strlen(text), p, &e) == -1) {
		fprintf(stderr, "  parse: %s\n", e.msg);
		exit(2);
	}
}

#define SYS	"/etc/gpvpn/gp-tunnel.conf"

static int
opts(const struct caller *c, const struct tunnel_policy *p,
    const char *script, const char *user, const char *ifname,
    const char *policy, struct gp_err *e)
{
	struct caller_opts o = { script, user, ifname, policy };

	return caller_check_opts(c, p, SYS, &o, e);
}

static void
test_check_opts(void)
{
	static struct tunnel_policy none, p;
	struct caller root, alice;
	struct gp_err e = { "" };

	caller_decide(&root, 0, NULL, NULL, NULL, NULL);
	caller_decide(&alice, 0, "1000", "alice", NULL, NULL);
	T_EQ_INT(opts(&root, &none, "/tmp/evil.sh", "daemon", "eth0",
	    "/etc/shadow", &e), 0);
	/* The defaults need no line. */
	T_EQ_INT(opts(&alice, &none, CALLER_DEFAULT_SCRIPT, "nobody", "",
	    NULL, &e), 0);
	T_EQ_INT(opts(&alice, &none, NULL, NULL, NULL, NULL, &e), 0);
	T_EQ_INT(opts(&alice, &none, "/tmp/evil.sh", NULL, NULL, NULL,
	    &e), -1);
	T_STREQ(e.msg, "-s `/tmp/evil.sh` refused for uid 1000 (sudo, user "
	    "`alice`): root may allow it with `allow-script /tmp/evil.sh` in "
	    SYS);
	T_EQ_INT(opts(&alice, &none, NULL, "daemon", NULL, NULL, &e), -1);
	T_CHECK(strstr(e.msg, "--setuid `daemon` refused") != NULL);
	T_CHECK(strstr(e.msg, "`allow-setuid daemon`") != NULL);
	T_EQ_INT(opts(&alice, &none, NULL, NULL, "gp0", NULL, &e), -1);
	T_CHECK(strstr(e.msg, "-i `gp0` refused") != NULL);
	T_CHECK(strstr(e.msg, "`allow-interface gp0`") != NULL);
	T_EQ_INT(opts(&alice, &none, NULL, NULL, NULL, "/etc/shadow",
	    &e), -1);
	T_CHECK(strstr(e.msg, "--policy `/etc/shadow` refused") != NULL);
	T_CHECK(strstr(e.msg, "`allow-policy /etc/shadow`") != NULL);
	parse("allow-script /etc/gpvpn/script\nallow-setuid daemon\n"
	    "allow-interface gp0\nallow-policy /etc/gpvpn/alice.conf\n", &p);
	T_EQ_INT(opts(&alice, &p, "/etc/gpvpn/script", "daemon", "gp0",
	    "/etc/gpvpn/alice.conf", &e), 0);
	/* Exact values, of the right kind. */
	T_EQ_INT(opts(&alice, &p, "/etc/gpvpn/../gpvpn/script", NULL, NULL,
	    NULL, &e), -1);
	T_EQ_INT(opts(&alice, &p, "/etc/gpvpn/alice.conf", NULL, NULL, NULL,
	    &e), -1);
	T_EQ_INT(opts(&alice, &p, NULL, NULL, "gp1", NULL, &e), -1);
	T_EQ_INT(opts(&alice, &p, NULL, NULL, NULL, "/etc/gpvpn/script",
	    &e), -1);
}

/* A command line is allowed as a whole, byte for byte. */
static void
test_check_cmdline(void)
{
	static struct tunnel_policy p;
	struct caller root, alice;
	struct gp_err e = { "" };

	caller_decide(&root, 0, NULL, NULL, NULL, NULL);
	caller_decide(&alice, 0, "1000", "alice", NULL, NULL);
	parse("allow-script /etc/gpvpn/script\n"
	    "allow-script   vpn-slice 10.0.0.0/8 # routes\n", &p);
	T_EQ_INT(opts(&root, &p, "/etc/gpvpn/script id", NULL, NULL, NULL,
	    &e), 0);
	T_EQ_INT(opts(&alice, &p, "vpn-slice 10.0.0.0/8", NULL, NULL, NULL,
	    &e), 0);
	/* A listed path does not admit it with arguments. */
	T_EQ_INT(opts(&alice, &p, "/etc/gpvpn/script id", NULL, NULL, NULL,
	    &e), -1);
	T_CHECK(strstr(e.msg, "`allow-script /etc/gpvpn/script id`") !=
	    NULL);
	T_EQ_INT(opts(&alice, &p, "vpn-slice 10.0.0.0/8;id", NULL, NULL,
	    NULL, &e), -1);
	T_EQ_INT(opts(&alice, &p, "vpn-slice  10.0.0.0/8", NULL, NULL, NULL,
	    &e), -1);
	T_EQ_INT(opts(&alice, &p, "vpn-slice", NULL, NULL, NULL, &e), -1);
	T_EQ_INT(opts(&alice, &p, CALLER_DEFAULT_SCRIPT " x", NULL, NULL,
	    NULL, &e), -1);
}

/* ---- caller_setup() on a tree of root's files ------------------------ */

static char base[BASE_MAX];
static struct tunnel_policy none_policy;

static void
put(const char *rel, mode_t mode, const char *text)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) == -1)
		exit(2);
	close(fd);
}

static void
tree(void)
{
	char run[] = "/run/caller-test-XXXXXX";
	char tmpl[sizeof(run)] = "caller-test-XXXXXX";
	char *real, p[PATH_MAX], sys[4096];

	umask(022);
	/*
	 * Every directory above the tree must be safe too: /run (root's,
	 * 0755) when we may write there, as root in make check; else the
	 * checkout, which a clone under /tmp would not be.
	 */
	if (mkdtemp(run) != NULL)
		memcpy(tmpl, run, sizeof(run));
	else if (mkdtemp(tmpl) == NULL)
		exit(2);
	if ((real = realpath(tmpl, NULL)) == NULL ||
	    strlen(real) >= sizeof(base) || chmod(real, 0755) == -1)
		exit(2);
	memcpy(base, real, strlen(real) + 1);
	free(real);
	snprintf(p, sizeof(p), "%s/ww", base);
	if (mkdir(p, 0777) == -1 || chmod(p, 0777) == -1)
		exit(2);
	snprintf(sys, sizeof(sys), "allow-script %s/script\n"
	    "allow-script %s/ww/script\nallow-policy %s/extra.conf\n"
	    "allow-policy %s/allow.conf\nallow-policy %s/ww/extra.conf\n"
	    "allow-script %s/script a1 'b 2'\n"
	    "allow-script %s/ww/script a1\n"
	    "route 10.0.0.0/8\n", base, base, base, base, base, base,
	    base);
	put("sys.conf", 0644, sys);
	put("ww/sys.conf", 0644, sys);
	put("script", 0755, "#!/bin/sh\n");
	put("ww/script", 0755, "#!/bin/sh\n");
	put("extra.conf", 0644, "dns no\n");
	put("ww/extra.conf", 0644, "dns no\n");
	put("allow.conf", 0644, "allow-script /bin/sh\n");
}

static void
untree(void)
{
	static const char *const rm[] = {
		"sys.conf", "ww/sys.conf", "script", "ww/script", "extra.conf",
		"ww/extra.conf", "allow.conf", "ww", NULL
	};
	char p[PATH_MAX];
	size_t i;

	for (i = 0; rm[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", base, rm[i]);
		if (unlink(p) == -1)
			rmdir(p);
	}
	rmdir(base);
}

/* caller_setup(c) with SYS_REL as the system policy, -s SCRIPT_REL and
 * --policy POLICY_REL (relative to base; NULL: not given). */
static int
setup(const struct caller *c, const char *sys_rel, const char *script_rel,
    const char *policy_rel, struct caller_setup *s, struct gp_err *e)
{
	static struct tunnel_policy sys, extra;
	static char sys_p[PATH_MAX], script[PATH_MAX], policy[PATH_MAX];
	struct caller_opts o = { NULL, NULL, "", NULL };

	snprintf(sys_p, sizeof(sys_p), "%s/%s", base, sys_rel);
	if (script_rel != NULL) {
		snprintf(script, sizeof(script), "%s/%s", base, script_rel);
		o.script = script;
	}
	if (policy_rel != NULL) {
		snprintf(policy, sizeof(policy), "%s/%s", base, policy_rel);
		o.policy = policy;
	}
	memset(s, 0, sizeof(*s));
	s->sys_path = sys_p;
	s->sys = &sys;
	s->extra = &extra;
	return caller_setup(c, &o, s, e);
}

static void
test_setup(void)
{
	static struct caller_setup s;
	struct caller root, alice;
	struct gp_err e = { "" };
	char want[PATH_MAX];

	caller_decide(&root, 0, NULL, NULL, NULL, NULL);
	caller_decide(&alice, 0, "1000", "alice", NULL, NULL);
	if (geteuid() != 0) {
		/* The files are not root's: refused, even for "root". */
		T_EQ_INT(setup(&root, "sys.conf", "script", NULL, &s, &e),
		    -1);
		T_CHECK(strstr(e.msg, "must be owned by root") != NULL);
		return;
	}
	T_EQ_INT(setup(&alice, "sys.conf", "script", NULL, &s, &e), 0);
	snprintf(want, sizeof(want), "%s/script", base);
	T_STREQ(s.script, want);
	T_CHECK(s.sys->present);
	T_CHECK(s.sys->extra == NULL);
	/* Listed by root, but in a directory anyone may write. */
	T_EQ_INT(setup(&alice, "sys.conf", "ww/script", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "script refused: ") != NULL);
	T_CHECK(strstr(e.msg, "/ww` is writable by others") != NULL);
	T_EQ_INT(setup(&root, "sys.conf", "ww/script", NULL, &s, &e), 0);
	T_EQ_INT(setup(&alice, "sys.conf", "other", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "allow-script") != NULL);
	T_EQ_INT(setup(&root, "sys.conf", "other", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "No such file") != NULL);
}

/* -s COMMAND LINE: /bin/sh and the first word checked, the word
 * replaced by the program's resolved path. */
static void
test_setup_cmdline(void)
{
	static struct caller_setup s;
	struct caller root, alice;
	struct gp_err e = { "" };
	char want[PATH_MAX], sh[PATH_MAX], *real;

	caller_decide(&root, 0, NULL, NULL, NULL, NULL);
	caller_decide(&alice, 0, "1000", "alice", NULL, NULL);
	if (geteuid() != 0)
		return;		/* test_setup: nothing is root's */
	T_EQ_INT(setup(&alice, "sys.conf", "script a1 'b 2'", NULL, &s,
	    &e), 0);
	snprintf(want, sizeof(want), "%s/script a1 'b 2'", base);
	T_STREQ(s.script, want);
	T_EQ_INT(setup(&alice, "sys.conf", "script a1", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "allow-script") != NULL);
	T_EQ_INT(setup(&alice, "sys.conf", "ww/script a1", NULL, &s,
	    &e), -1);
	T_CHECK(strstr(e.msg, "-s: the program refused: ") != NULL);
	T_CHECK(strstr(e.msg, "/ww` is writable by others") != NULL);
	T_EQ_INT(setup(&root, "sys.conf", "ww/script a1", NULL, &s, &e), 0);
	T_EQ_INT(setup(&root, "sys.conf", "nothing a1", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "No such file") != NULL);
	/* A bare name: root's PATH, then its resolved path. */
	T_EQ_INT(scriptcmd_which("sh", sh, sizeof(sh), &e), 0);
	T_CHECK((real = realpath(sh, NULL)) != NULL);
	snprintf(want, sizeof(want), "  %s -c 'exit 0'", real);
	free(real);
	memset(&s, 0, sizeof(s));
	s.sys_path = "/nonexistent/gp-tunnel.conf";
	s.sys = &none_policy;
	T_EQ_INT(caller_setup(&root, &(struct caller_opts){ "  sh -c 'exit 0'",
	    NULL, "", NULL }, &s, &e), 0);
	T_STREQ(s.script, want);
	T_EQ_INT(caller_setup(&root, &(struct caller_opts){
	    "gpvpn-no-such-program a", NULL, "", NULL }, &s, &e), -1);
	T_CHECK(strstr(e.msg, "not in root's PATH") != NULL);
	T_EQ_INT(caller_setup(&root, &(struct caller_opts){ "\"sh\" -c :",
	    NULL, "", NULL }, &s, &e), -1);
	T_CHECK(strstr(e.msg, "must start with a program") != NULL);
}

static void
test_setup_policies(void)
{
	static struct caller_setup s;
	struct caller root, alice;
	struct gp_err e = { "" };

	caller_decide(&root, 0, NULL, NULL, NULL, NULL);
	caller_decide(&alice, 0, "1000", "alice", NULL, NULL);
	if (geteuid() != 0) {
		T_EQ_INT(setup(&alice, "none.conf", "script", "extra.conf", &s,
		    &e), -1);
		return;
	}
	/* --policy: on top of the system one. */
	T_EQ_INT(setup(&alice, "sys.conf", "script", "extra.conf", &s,
	    &e), 0);
	T_CHECK(s.sys->extra == s.extra);
	T_CHECK(!s.extra->dns);
	T_EQ_INT(s.sys->n_routes, 1);
	T_EQ_INT(setup(&alice, "sys.conf", "script", "ww/extra.conf", &s,
	    &e), -1);
	T_CHECK(strstr(e.msg, "--policy refused: ") != NULL);
	T_EQ_INT(setup(&root, "sys.conf", "script", "allow.conf", &s,
	    &e), -1);
	T_CHECK(strstr(e.msg, "allow-script lines count only in") != NULL);
	/* Not listed: refused before the file is even looked at. */
	T_EQ_INT(setup(&alice, "sys.conf", "script", "../../etc/shadow", &s,
	    &e), -1);
	T_CHECK(strstr(e.msg, "refused for uid 1000") != NULL);
	T_CHECK(strstr(e.msg, "root:") == NULL);
	/* The system policy must be root's all the way up, on behalf. */
	T_EQ_INT(setup(&alice, "ww/sys.conf", "script", NULL, &s, &e), -1);
	T_CHECK(strstr(e.msg, "policy refused: ") != NULL);
	T_EQ_INT(setup(&root, "ww/sys.conf", "script", NULL, &s, &e), 0);
	/* No system policy: on behalf, only the defaults. */
	T_EQ_INT(setup(&alice, "none.conf", "script", NULL, &s, &e), -1);
	T_EQ_INT(setup(&root, "none.conf", "script", NULL, &s, &e), 0);
	T_CHECK(!s.sys->present);
}

int
main(void)
{
	log_init("tunnel_caller_test", -1);
	tree();
	T_RUN(test_decide);
	T_RUN(test_decide_odd);
	T_RUN(test_init);
	T_RUN(test_service);
	T_RUN(test_check_opts);
	T_RUN(test_check_cmdline);
	T_RUN(test_setup);
	T_RUN(test_setup_cmdline);
	T_RUN(test_setup_policies);
	untree();
	return T_DONE();
}
