/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the vpnc-script environment and runner (tunnel/script.c):
 * exact variables for a full config, absent variables for empty fields,
 * no secret and no shell metacharacter in any value, and script_run's
 * clean environment, /dev/null stdin, closed fds and bounded wait.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "tunnel/script.h"
#include "fixture_config.h"
#include "t.h"

#define COOKIE	"c0ffee0123456789abcdef0123456789"

/* Only the fields every config has. */
static struct gp_config *
minimal_config(void)
{
	return fx_config(COOKIE, "198.18.10.5");
}

static struct gp_config *
full_config(void)
{
	struct gp_config *c = minimal_config();

	c->ip4_prefixlen = 24;
	fx_addr(&c->ip6, "fd00::c6a0");
	c->ip6_prefixlen = 64;
	c->n_dns = 2;
	fx_addr(&c->dns[0], "198.18.0.53");
	fx_addr(&c->dns[1], "fd00::53");
	c->n_nbns = 1;
	fx_addr(&c->nbns[0], "198.18.0.54");
	c->n_suffix = 2;
	snprintf(c->suffix[0], sizeof(c->suffix[0]), "example.com");
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "corp.example.com");
	fx_route(c, "198.18.20.0", 24, false);
	fx_route(c, "198.19.0.0", 16, false);
	fx_route(c, "198.18.40.0", 24, true);
	fx_route(c, "fd00:1::", 48, false);
	fx_route(c, "fd00:2::", 64, true);
	c->idle_timeout_s = 3600;
	c->timeout_s = 7200;
	c->esp.present = true;
	c->esp.enc = CFG_ENC_AES128_CBC;
	c->esp.mac = CFG_MAC_SHA1_96;
	c->esp.udp_port = 4501;
	c->esp.spi_c2s = 0xa5a5a5a5;
	c->esp.spi_s2c = 0x5a5a5a5a;
	memset(c->esp.ekey_c2s, 0x5e, 16);
	memset(c->esp.ekey_s2c, 0x5e, 16);
	memset(c->esp.akey_c2s, 0x5e, 20);
	memset(c->esp.akey_s2c, 0x5e, 20);
	fx_addr(&c->esp.magic4, "198.18.0.1");
	return c;
}

static const char *const full_expected[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"reason=connect",
	"VPNGATEWAY=198.18.0.1",
	"VPNPID=",			/* completed with getpid() */
	"TUNDEV=tun7",
	"LOG_LEVEL=1",
	"IDLE_TIMEOUT=3600",
	"INTERNAL_IP4_MTU=1361",
	"INTERNAL_IP4_ADDRESS=198.18.10.5",
	"INTERNAL_IP4_NETMASK=255.255.255.0",
	"INTERNAL_IP4_NETMASKLEN=24",
	"INTERNAL_IP4_NETADDR=198.18.10.0",
	"INTERNAL_IP6_ADDRESS=fd00::c6a0",
	"INTERNAL_IP6_NETMASK=fd00::c6a0/64",
	"INTERNAL_IP4_DNS=198.18.0.53 fd00::53",
	"INTERNAL_IP4_NBNS=198.18.0.54",
	"CISCO_DEF_DOMAIN=example.com corp.example.com",
	"CISCO_SPLIT_INC_0_ADDR=198.18.20.0",
	"CISCO_SPLIT_INC_0_MASK=255.255.255.0",
	"CISCO_SPLIT_INC_0_MASKLEN=24",
	"CISCO_SPLIT_INC_0_PROTOCOL=0",
	"CISCO_SPLIT_INC_0_SPORT=0",
	"CISCO_SPLIT_INC_0_DPORT=0",
	"CISCO_SPLIT_INC_1_ADDR=198.19.0.0",
	"CISCO_SPLIT_INC_1_MASK=255.255.0.0",
	"CISCO_SPLIT_INC_1_MASKLEN=16",
	"CISCO_SPLIT_INC_1_PROTOCOL=0",
	"CISCO_SPLIT_INC_1_SPORT=0",
	"CISCO_SPLIT_INC_1_DPORT=0",
	"CISCO_SPLIT_INC=2",
	"CISCO_SPLIT_EXC_0_ADDR=198.18.40.0",
	"CISCO_SPLIT_EXC_0_MASK=255.255.255.0",
	"CISCO_SPLIT_EXC_0_MASKLEN=24",
	"CISCO_SPLIT_EXC_0_PROTOCOL=0",
	"CISCO_SPLIT_EXC_0_SPORT=0",
	"CISCO_SPLIT_EXC_0_DPORT=0",
	"CISCO_SPLIT_EXC=1",
	"CISCO_IPV6_SPLIT_INC_0_ADDR=fd00:1::",
	"CISCO_IPV6_SPLIT_INC_0_MASKLEN=48",
	"CISCO_IPV6_SPLIT_INC=1",
	"CISCO_IPV6_SPLIT_EXC_0_ADDR=fd00:2::",
	"CISCO_IPV6_SPLIT_EXC_0_MASKLEN=64",
	"CISCO_IPV6_SPLIT_EXC=1",
	NULL
};

static void
check_expected(const struct script_env *env, const char *const *want)
{
	char pid[64];
	size_t i;

	snprintf(pid, sizeof(pid), "VPNPID=%ld", (long)getpid());
	for (i = 0; want[i] != NULL && i < env->n; i++) {
		if (strcmp(want[i], "VPNPID=") == 0)
			T_STREQ(env->vars[i], pid);
		else
			T_STREQ(env->vars[i], want[i]);
	}
	T_CHECK(want[i] == NULL);
	T_EQ_INT(i, env->n);
	T_CHECK(env->vars[env->n] == NULL);
}

/* No value can break out of a shell word, and no secret is there. */
static void
check_safe(const struct script_env *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		T_CHECK(strpbrk(env->vars[i], "\n\r\"';$`\\") == NULL);
		T_CHECK(strstr(env->vars[i], COOKIE) == NULL);
		T_CHECK(strstr(env->vars[i], "alice") == NULL);
		T_CHECK(strstr(env->vars[i], "5e5e") == NULL);
	}
}

static void
env_full(void)
{
	struct gp_config *c = full_config();
	struct script_env env;
	struct gp_err e = { "" };

	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun7", 1361, &e), 0);
	check_expected(&env, full_expected);
	check_safe(&env);
	script_env_free(&env);
	T_EQ_INT(env.n, 0);
	T_CHECK(env.vars[0] == NULL);
	config_free(c);
}

static const char *const minimal_expected[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"reason=disconnect",
	"VPNGATEWAY=198.18.0.1",
	"VPNPID=",
	"TUNDEV=gp0",
	"LOG_LEVEL=1",
	"INTERNAL_IP4_ADDRESS=198.18.10.5",
	NULL
};

/* Empty optional fields leave their variables out: an absent
 * CISCO_SPLIT_INC is what asks the script for a default route. */
static void
env_minimal(void)
{
	struct gp_config *c = minimal_config();
	struct script_env env;
	struct gp_err e = { "" };

	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build(&env, "disconnect", c, "gp0", 0, &e), 0);
	check_expected(&env, minimal_expected);
	check_safe(&env);
	script_env_free(&env);
	config_free(c);
}

/* Behind a proxy the tunnel's TCP goes to the proxy: that address must
 * stay routed outside the tunnel, so it is VPNGATEWAY. */
static void
env_proxy_gateway(void)
{
	struct gp_config *c = minimal_config();
	struct script_env env;
	struct gp_err e = { "" };

	memset(&c->gw_addr, 0, sizeof(c->gw_addr));
	c->proxy.type = CFG_PROXY_HTTP;
	fx_addr(&c->proxy.addr, "198.18.10.1");
	c->proxy.port = 8888;
	snprintf(c->proxy.target, sizeof(c->proxy.target), "%s", c->gw_host);
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 1341, &e), 0);
	T_STREQ(env.vars[2], "VPNGATEWAY=198.18.10.1");
	script_env_free(&env);
	config_free(c);
}

static void
env_v6_only(void)
{
	struct gp_config *c = minimal_config();
	struct script_env env;
	struct gp_err e = { "" };
	size_t i;
	bool saw6 = false;

	memset(&c->ip4, 0, sizeof(c->ip4));
	c->ip4_prefixlen = 0;
	fx_addr(&c->ip6, "2001:db8::5");
	c->ip6_prefixlen = 128;
	fx_addr(&c->gw_addr, "2001:db8::1");
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 1341, &e), 0);
	for (i = 0; i < env.n; i++) {
		T_CHECK(strncmp(env.vars[i], "INTERNAL_IP4_ADDRESS=", 21) != 0);
		if (strcmp(env.vars[i], "INTERNAL_IP6_NETMASK=2001:db8::5/128")
		    == 0)
			saw6 = true;
	}
	T_CHECK(saw6);
	T_STREQ(env.vars[2], "VPNGATEWAY=2001:db8::1");
	script_env_free(&env);
	config_free(c);
}

/* --disable-ipv6: the full config with every IPv6 variable, route and
 * server left out; the IPv4 ones as before. */
static const char *const ipv4_expected[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"reason=connect",
	"VPNGATEWAY=198.18.0.1",
	"VPNPID=",
	"TUNDEV=tun7",
	"LOG_LEVEL=1",
	"IDLE_TIMEOUT=3600",
	"INTERNAL_IP4_MTU=1200",
	"INTERNAL_IP4_ADDRESS=198.18.10.5",
	"INTERNAL_IP4_NETMASK=255.255.255.0",
	"INTERNAL_IP4_NETMASKLEN=24",
	"INTERNAL_IP4_NETADDR=198.18.10.0",
	"INTERNAL_IP4_DNS=198.18.0.53",
	"INTERNAL_IP4_NBNS=198.18.0.54",
	"CISCO_DEF_DOMAIN=example.com corp.example.com",
	"CISCO_SPLIT_INC_0_ADDR=198.18.20.0",
	"CISCO_SPLIT_INC_0_MASK=255.255.255.0",
	"CISCO_SPLIT_INC_0_MASKLEN=24",
	"CISCO_SPLIT_INC_0_PROTOCOL=0",
	"CISCO_SPLIT_INC_0_SPORT=0",
	"CISCO_SPLIT_INC_0_DPORT=0",
	"CISCO_SPLIT_INC_1_ADDR=198.19.0.0",
	"CISCO_SPLIT_INC_1_MASK=255.255.0.0",
	"CISCO_SPLIT_INC_1_MASKLEN=16",
	"CISCO_SPLIT_INC_1_PROTOCOL=0",
	"CISCO_SPLIT_INC_1_SPORT=0",
	"CISCO_SPLIT_INC_1_DPORT=0",
	"CISCO_SPLIT_INC=2",
	"CISCO_SPLIT_EXC_0_ADDR=198.18.40.0",
	"CISCO_SPLIT_EXC_0_MASK=255.255.255.0",
	"CISCO_SPLIT_EXC_0_MASKLEN=24",
	"CISCO_SPLIT_EXC_0_PROTOCOL=0",
	"CISCO_SPLIT_EXC_0_SPORT=0",
	"CISCO_SPLIT_EXC_0_DPORT=0",
	"CISCO_SPLIT_EXC=1",
	NULL
};

static size_t
ipv4_expected_n(void)
{
	size_t n = 0;

	while (ipv4_expected[n] != NULL)
		n++;
	return n;
}

static void
env_ipv4_only(void)
{
	struct gp_config *c = full_config();
	struct script_env env;
	struct gp_err e = { "" };

	c->n_nbns = 2;
	fx_addr(&c->nbns[1], "fd00::54");
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build_ipv4(&env, "connect", c,
	    "tun7", 1200, &e), 0);
	check_expected(&env, ipv4_expected);
	check_safe(&env);
	script_env_free(&env);
	/* Only IPv6 DNS servers: no INTERNAL_IP4_DNS at all. */
	c->n_dns = 1;
	fx_addr(&c->dns[0], "fd00::53");
	T_EQ_INT(script_env_build_ipv4(&env, "disconnect", c,
	    "tun7", 0, &e), 0);
	T_EQ_INT(env.n, ipv4_expected_n() - 2);
	script_env_free(&env);
	config_free(c);
}

/* A route table at the cap still fits in SCRIPT_ENV_MAX. */
static void
env_many_routes(void)
{
	struct gp_config *c = minimal_config();
	struct script_env env;
	struct gp_err e = { "" };
	char s[32];
	unsigned i;

	for (i = 0; i < CFG_ROUTES_MAX; i++) {
		snprintf(s, sizeof(s), "10.%u.%u.0", i / 256, i % 256);
		fx_route(c, s, 24, i % 2 == 1);
	}
	T_EQ_INT(config_validate(c, &e), 0);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 1361, &e), 0);
	T_CHECK(env.n > 6 * CFG_ROUTES_MAX);
	T_CHECK(env.n <= SCRIPT_ENV_MAX);
	T_STREQ(env.vars[env.n - 1], "CISCO_SPLIT_EXC=512");
	script_env_free(&env);
	config_free(c);
}

/* What config_validate would refuse is refused here again. */
static void
env_rejects(void)
{
	struct gp_config *c = full_config();
	struct script_env env;
	struct gp_err e = { "" };

	T_EQ_INT(script_env_build(&env, "connect; reboot", c, "tun0", 0,
	    &e), -1);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun 0", 0, &e), -1);
	T_EQ_INT(script_env_build(&env, "connect", c, "", 0, &e), -1);
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "x$(reboot)");
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 0, &e), -1);
	T_EQ_INT(env.n, 0);
	T_CHECK(env.vars[0] == NULL);
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "a\nb");
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 0, &e), -1);
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "a;b");
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 0, &e), -1);
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "a`b`");
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 0, &e), -1);
	snprintf(c->suffix[1], sizeof(c->suffix[1]), "a'b\"");
	T_EQ_INT(script_env_build(&env, "connect", c, "tun0", 0, &e), -1);
	T_CHECK(strstr(e.msg, "unsafe") != NULL);
	config_free(c);
}

static char tmpdir[] = "/tmp/gpvpn-script-test.XXXXXX";

static char *
tmp_path(const char *name)
{
	static char p[4][128];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", tmpdir, name);
	return p[k];
}

static void
write_script(const char *path, const char *body)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	fprintf(fp, "#!/bin/sh\n%s\n", body);
	fclose(fp);
	chmod(path, 0700);
}

static bool
file_has(const char *path, const char *needle)
{
	char buf[16384];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

/* script_run with our stdout and stderr sent to files. */
static int
run_redirected(const char *path, const struct script_env *env,
    struct gp_err *e)
{
	int out, err, so, se, r;

	fflush(stdout);
	fflush(stderr);
	out = open(tmp_path("stdout.out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	err = open(tmp_path("stderr.out"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	so = dup(1);
	se = dup(2);
	if (out == -1 || err == -1 || so == -1 || se == -1)
		return -1;
	dup2(out, 1);
	dup2(err, 2);
	r = script_run(path, env, e);
	dup2(so, 1);
	dup2(se, 2);
	close(out);
	close(err);
	close(so);
	close(se);
	return r;
}

/* The script sees only our variables, /dev/null on stdin, no extra fd. */
static void
run_clean_env(void)
{
	struct gp_config *c = full_config();
	struct script_env env;
	struct gp_err e = { "" };
	char body[1024];
	int fd;

	snprintf(body, sizeof(body),
	    "env > %s\n"
	    "if read x; then echo stdin-data; else echo stdin-eof; fi >> %s\n"
	    "[ -e /proc/$$/fd/%d ] && echo fd-leak >> %s\n"
	    "echo to-stdout\n"
	    "exit 0", tmp_path("env.out"), tmp_path("env.out"), 9,
	    tmp_path("env.out"));
	write_script(tmp_path("rec.sh"), body);
	setenv("GPVPN_SHOULD_NOT_LEAK", "1", 1);
	fd = open("/dev/null", O_RDONLY);	/* no O_CLOEXEC on purpose */
	T_CHECK(fd != -1);
	T_EQ_INT(dup2(fd, 9), 9);
	T_EQ_INT(script_env_build(&env, "connect", c, "tun7", 1361, &e), 0);
	T_EQ_INT(run_redirected(tmp_path("rec.sh"), &env, &e), 0);
	/* Our stdout may be the frame socket: the script's goes to stderr. */
	T_CHECK(file_has(tmp_path("stderr.out"), "to-stdout"));
	T_CHECK(!file_has(tmp_path("stdout.out"), "to-stdout"));
	T_CHECK(file_has(tmp_path("env.out"), "reason=connect\n"));
	T_CHECK(file_has(tmp_path("env.out"),
	    "CISCO_IPV6_SPLIT_EXC_0_ADDR=fd00:2::\n"));
	T_CHECK(file_has(tmp_path("env.out"), "stdin-eof"));
	T_CHECK(!file_has(tmp_path("env.out"), "fd-leak"));
	T_CHECK(!file_has(tmp_path("env.out"), "GPVPN_SHOULD_NOT_LEAK"));
	T_CHECK(!file_has(tmp_path("env.out"), "HOME="));
	T_CHECK(!file_has(tmp_path("env.out"), COOKIE));
	close(9);
	close(fd);
	script_env_free(&env);
	config_free(c);
}

static void
run_status(void)
{
	struct script_env env = { 0, { NULL } };
	struct gp_err e = { "" };

	write_script(tmp_path("fail.sh"), "exit 3");
	T_EQ_INT(script_run(tmp_path("fail.sh"), &env, &e), -1);
	T_CHECK(strstr(e.msg, "exit status 3") != NULL);
	T_EQ_INT(script_run(tmp_path("missing.sh"), &env, &e), -1);
	T_CHECK(strstr(e.msg, "127") != NULL);
	write_script(tmp_path("kill.sh"), "kill -TERM $$");
	T_EQ_INT(script_run(tmp_path("kill.sh"), &env, &e), -1);
	T_CHECK(strstr(e.msg, "signal 15") != NULL);
}

/* 0 once pid has exited (a zombie counts), -1 if it runs for ms more. */
static int
wait_gone(long pid, int ms)
{
	struct timespec tick = { 0, 10 * 1000000L };
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	for (; ms > 0; ms -= 10) {
		if ((f = fopen(path, "r")) == NULL)
			return 0;
		p = fgets(buf, sizeof(buf), f) != NULL ?
		    strrchr(buf, ')') : NULL;
		fclose(f);
		if (p == NULL || p[1] == '\0' || p[2] == 'Z')
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

/* The pid a script wrote into path, or -1. */
static long
pid_in(const char *path)
{
	FILE *f = fopen(path, "r");
	long pid = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
		pid = -1;
	fclose(f);
	return pid;
}

/* A hung script and what it started are killed at the bound. */
static void
run_timeout(void)
{
	struct script_env env = { 0, { NULL } };
	struct gp_err e = { "" };
	struct timespec t0, t1;
	char body[512];
	long ms, orphan;

	snprintf(body, sizeof(body),
	    "(sleep 1; echo survived > %s) &\necho $! > %s\nsleep 10",
	    tmp_path("orphan.out"), tmp_path("orphan.pid"));
	write_script(tmp_path("hang.sh"), body);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	T_EQ_INT(script_run_ms(tmp_path("hang.sh"), &env, 200, &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	    (t1.tv_nsec - t0.tv_nsec) / 1000000;
	T_CHECK(ms >= 150);
	T_CHECK(ms < 2000);
	T_CHECK(strstr(e.msg, "killed after 200 ms") != NULL);
	/* The background child was in the script's group: gone too, and
	 * before it could write (it would exit after writing otherwise). */
	orphan = pid_in(tmp_path("orphan.pid"));
	T_REQUIRE(orphan != -1);
	T_EQ_INT(wait_gone(orphan, 5000), 0);
	T_EQ_INT(access(tmp_path("orphan.out"), F_OK), -1);
}

static void
cleanup(void)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
}

int
main(void)
{
	log_init("tunnel_script_test", 0);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 2;
	}
	T_RUN(env_full);
	T_RUN(env_minimal);
	T_RUN(env_v6_only);
	T_RUN(env_proxy_gateway);
	T_RUN(env_ipv4_only);
	T_RUN(env_many_routes);
	T_RUN(env_rejects);
	T_RUN(run_clean_env);
	T_RUN(run_status);
	T_RUN(run_timeout);
	cleanup();
	return T_DONE();
}
