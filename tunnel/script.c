/* SPDX-License-Identifier: ISC */
/*
 * The vpnc-script environment and its runner (see script.h), in the
 * privileged side of gp-tunnel. The config it reads was validated, but
 * every value is printed here by our own code and checked again against
 * a small character set, so a frame cannot inject into the shell script.
 */
#include <sys/wait.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/dynbuf.h"
#include "ipc/fdio.h"
#include "ipc/log.h"
#include "tunnel/script.h"
#include "tunnel/scriptcmd.h"
#include "tunnel/tun.h"

#define SCRIPT_LINE_MAX		4096	/* > CFG_SUFFIX_MAX names of 253 */
#define SCRIPT_POLL_MS		10
#define SCRIPT_SAFE_PATH	"PATH=/usr/sbin:/usr/bin:/sbin:/bin"

static const char *const script_reasons[] = {
	"pre-init", "connect", "disconnect", "attempt-reconnect", "reconnect",
	NULL
};

bool
script_value_ok(const char *v)
{
	for (; *v != '\0'; v++) {
		if ((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		    (*v >= '0' && *v <= '9'))
			continue;
		if (strchr("._:/- ", *v) == NULL)
			return false;
	}
	return true;
}

static int
env_add(struct script_env *env, struct gp_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
env_add(struct script_env *env, struct gp_err *e, const char *fmt, ...)
{
	char line[SCRIPT_LINE_MAX], q[ERR_QUOTE_MAX];
	const char *eq;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return err_set(e, "script: variable too long");
	if (env->n >= SCRIPT_ENV_MAX)
		return err_set(e, "script: more than %d variables",
		    SCRIPT_ENV_MAX);
	eq = strchr(line, '=');
	if (eq == NULL || !script_value_ok(eq + 1))
		return err_set(e, "script: unsafe value `%s'",
		    err_quote(q, line, (size_t)n));
	if ((env->vars[env->n] = strdup(line)) == NULL)
		return err_set(e, "script: out of memory");
	env->n++;
	env->vars[env->n] = NULL;
	return 0;
}

/* inet_ntop of a validated address; "" if the family is unknown. */
static const char *
addr_str(const struct cfg_addr *a, char out[CFG_ADDR_STR_MAX])
{
	int af = a->family == CFG_AF_INET6 ? AF_INET6 : AF_INET;

	out[0] = '\0';
	if (a->family != CFG_AF_INET && a->family != CFG_AF_INET6)
		return out;
	if (inet_ntop(af, a->bytes, out, CFG_ADDR_STR_MAX) == NULL)
		out[0] = '\0';
	return out;
}

/* The network address of a/plen: vpnc-script hands it to `ip route',
 * which refuses host bits, so they are cleared here. */
static struct cfg_addr
addr_net(const struct cfg_addr *a, unsigned plen)
{
	struct cfg_addr n = *a;
	unsigned i, nbytes = a->family == CFG_AF_INET6 ? 16 : 4;

	for (i = 0; i < nbytes; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			n.bytes[i] = 0;
		else
			n.bytes[i] &= (uint8_t)(0xff << (8 * (i + 1) - plen));
	}
	return n;
}

static const char *
mask4_str(unsigned plen, char out[CFG_ADDR_STR_MAX])
{
	struct cfg_addr m = { .family = CFG_AF_INET };
	uint32_t v = plen == 0 ? 0 : 0xffffffffU << (32 - plen);

	m.bytes[0] = (uint8_t)(v >> 24);
	m.bytes[1] = (uint8_t)(v >> 16);
	m.bytes[2] = (uint8_t)(v >> 8);
	m.bytes[3] = (uint8_t)v;
	return addr_str(&m, out);
}

static int
log_level_num(void)
{
	if (log_enabled(LOG_LVL_TRACE))
		return 3;
	if (log_enabled(LOG_LVL_DEBUG))
		return 2;
	if (log_enabled(LOG_LVL_INFO))
		return 1;
	return 0;
}

static int
env_base(struct script_env *env, const char *reason,
    const struct gp_config *c, const char *tundev, unsigned mtu,
    struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];

	if (env_add(env, e, "%s", SCRIPT_SAFE_PATH) == -1 ||
	    env_add(env, e, "reason=%s", reason) == -1 ||
	    env_add(env, e, "VPNGATEWAY=%s",
	    addr_str(config_tunnel_peer(c), a)) == -1 ||
	    env_add(env, e, "VPNPID=%ld", (long)getpid()) == -1 ||
	    env_add(env, e, "TUNDEV=%s", tundev) == -1 ||
	    env_add(env, e, "LOG_LEVEL=%d", log_level_num()) == -1)
		return -1;
	if (c->idle_timeout_s != 0 && env_add(env, e, "IDLE_TIMEOUT=%lu",
	    (unsigned long)c->idle_timeout_s) == -1)
		return -1;
	if (mtu != 0 && env_add(env, e, "INTERNAL_IP4_MTU=%u", mtu) == -1)
		return -1;
	return 0;
}

/* A /32 needs no network route (the script adds the peer address), so
 * the netmask variables are left out, as for a config without one. */
static int
env_ip4(struct script_env *env, const struct gp_config *c, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	struct cfg_addr net;
	unsigned plen = c->ip4_prefixlen;

	if (c->ip4.family != CFG_AF_INET)
		return 0;
	if (env_add(env, e, "INTERNAL_IP4_ADDRESS=%s",
	    addr_str(&c->ip4, a)) == -1)
		return -1;
	if (plen >= 32)
		return 0;
	net = addr_net(&c->ip4, plen);
	if (env_add(env, e, "INTERNAL_IP4_NETMASK=%s",
	    mask4_str(plen, a)) == -1 ||
	    env_add(env, e, "INTERNAL_IP4_NETMASKLEN=%u", plen) == -1 ||
	    env_add(env, e, "INTERNAL_IP4_NETADDR=%s",
	    addr_str(&net, a)) == -1)
		return -1;
	return 0;
}

static int
env_ip6(struct script_env *env, const struct gp_config *c, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];

	if (c->ip6.family != CFG_AF_INET6)
		return 0;
	addr_str(&c->ip6, a);
	if (env_add(env, e, "INTERNAL_IP6_ADDRESS=%s", a) == -1 ||
	    env_add(env, e, "INTERNAL_IP6_NETMASK=%s/%u", a,
	    (unsigned)c->ip6_prefixlen) == -1)
		return -1;
	return 0;
}

/* "NAME=a b c" from n addresses (IPv4 ones only unless ipv6); nothing
 * when none is left. */
static int
env_addr_list(struct script_env *env, const char *name,
    const struct cfg_addr *list, unsigned n, bool ipv6, struct gp_err *e)
{
	char line[SCRIPT_LINE_MAX], a[CFG_ADDR_STR_MAX];
	struct dynbuf d;
	unsigned i;

	dynbuf_fixed(&d, line, sizeof(line));
	for (i = 0; i < n; i++) {
		if (!ipv6 && list[i].family != CFG_AF_INET)
			continue;
		if (dynbuf_addf(&d, "%s%s", dynbuf_len(&d) == 0 ? "" : " ",
		    addr_str(&list[i], a)) == -1)
			return err_set(e, "script: %s too long", name);
	}
	if (dynbuf_len(&d) == 0)
		return 0;
	return env_add(env, e, "%s=%s", name, line);
}

static int
env_suffixes(struct script_env *env, const struct gp_config *c,
    struct gp_err *e)
{
	char line[SCRIPT_LINE_MAX];
	struct dynbuf d;
	unsigned i;

	if (c->n_suffix == 0)
		return 0;
	dynbuf_fixed(&d, line, sizeof(line));
	for (i = 0; i < c->n_suffix && i < CFG_SUFFIX_MAX; i++)
		if (dynbuf_addf(&d, "%s%s", i == 0 ? "" : " ",
		    c->suffix[i]) == -1)
			return err_set(e, "script: CISCO_DEF_DOMAIN too long");
	return env_add(env, e, "CISCO_DEF_DOMAIN=%s", line);
}

/* One split route, number n, under prefix ("CISCO_SPLIT_INC"...). */
static int
env_route(struct script_env *env, const char *pfx, unsigned n,
    const struct cfg_route *r, struct gp_err *e)
{
	char a[CFG_ADDR_STR_MAX];
	struct cfg_addr net = addr_net(&r->addr, r->prefixlen);
	unsigned plen = r->prefixlen;

	if (env_add(env, e, "%s_%u_ADDR=%s", pfx, n, addr_str(&net, a)) == -1)
		return -1;
	if (r->addr.family == CFG_AF_INET6)
		return env_add(env, e, "%s_%u_MASKLEN=%u", pfx, n, plen);
	if (env_add(env, e, "%s_%u_MASK=%s", pfx, n, mask4_str(plen, a)) ==
	    -1 ||
	    env_add(env, e, "%s_%u_MASKLEN=%u", pfx, n, plen) == -1 ||
	    env_add(env, e, "%s_%u_PROTOCOL=0", pfx, n) == -1 ||
	    env_add(env, e, "%s_%u_SPORT=0", pfx, n) == -1 ||
	    env_add(env, e, "%s_%u_DPORT=0", pfx, n) == -1)
		return -1;
	return 0;
}

/* The routes of one family and direction, then their count. An absent
 * CISCO_SPLIT_INC means "default route into the tunnel" to the script. */
static int
env_routes(struct script_env *env, const struct gp_config *c,
    uint8_t family, bool exclude, const char *pfx, struct gp_err *e)
{
	const struct cfg_route *r;
	unsigned i, n = 0;

	for (i = 0; i < c->n_routes && i < CFG_ROUTES_MAX; i++) {
		r = &c->routes[i];
		if (r->addr.family != family || r->exclude != exclude)
			continue;
		if (env_route(env, pfx, n, r, e) == -1)
			return -1;
		n++;
	}
	if (n == 0)
		return 0;
	return env_add(env, e, "%s=%u", pfx, n);
}

static bool
script_reason_ok(const char *reason)
{
	size_t i;

	for (i = 0; script_reasons[i] != NULL; i++)
		if (strcmp(reason, script_reasons[i]) == 0)
			return true;
	return false;
}

/* Without ipv6 (--disable-ipv6), the script sees no IPv6 at all. */
static int
env_build(struct script_env *env, const char *reason,
    const struct gp_config *c, const char *tundev, unsigned mtu, bool ipv6,
    struct gp_err *e)
{
	memset(env, 0, sizeof(*env));
	if (!script_reason_ok(reason))
		return err_set(e, "script: unknown reason `%s'", reason);
	if (tundev[0] == '\0' || !tun_name_ok(tundev))
		return err_set(e, "script: bad interface name");
	/* All DNS servers, v4 and v6, go in one list, as OpenConnect does
	 * for GP (PROTOCOL.md §6.2, §15). */
	if (env_base(env, reason, c, tundev, mtu, e) == -1 ||
	    env_ip4(env, c, e) == -1 ||
	    (ipv6 && env_ip6(env, c, e) == -1) ||
	    env_addr_list(env, "INTERNAL_IP4_DNS", c->dns,
	    c->n_dns > CFG_DNS_MAX ? CFG_DNS_MAX : c->n_dns, ipv6, e) == -1 ||
	    env_addr_list(env, "INTERNAL_IP4_NBNS", c->nbns,
	    c->n_nbns > CFG_NBNS_MAX ? CFG_NBNS_MAX : c->n_nbns, ipv6, e) ==
	    -1 ||
	    env_suffixes(env, c, e) == -1 ||
	    env_routes(env, c, CFG_AF_INET, false, "CISCO_SPLIT_INC", e) ==
	    -1 ||
	    env_routes(env, c, CFG_AF_INET, true, "CISCO_SPLIT_EXC", e) ==
	    -1 ||
	    (ipv6 && env_routes(env, c, CFG_AF_INET6, false,
	    "CISCO_IPV6_SPLIT_INC", e) == -1) ||
	    (ipv6 && env_routes(env, c, CFG_AF_INET6, true,
	    "CISCO_IPV6_SPLIT_EXC", e) == -1)) {
		script_env_free(env);
		return -1;
	}
	return 0;
}

int
script_env_build(struct script_env *env, const char *reason,
    const struct gp_config *c, const char *tundev, unsigned mtu,
    struct gp_err *e)
{
	return env_build(env, reason, c, tundev, mtu, true, e);
}

int
script_env_build_ipv4(struct script_env *env, const char *reason,
    const struct gp_config *c, const char *tundev, unsigned mtu,
    struct gp_err *e)
{
	return env_build(env, reason, c, tundev, mtu, false, e);
}

void
script_env_free(struct script_env *env)
{
	size_t i;

	for (i = 0; i < env->n && i < SCRIPT_ENV_MAX; i++) {
		free(env->vars[i]);
		env->vars[i] = NULL;
	}
	env->n = 0;
}

/* In the child: only async-signal-safe calls until execve. The script
 * gets /dev/null on stdin and our stderr on stdout, since our stdout may
 * be the frame socket; it runs in its own process group so that a ^C
 * meant for us does not cut a disconnect short, and so that a timeout
 * kills everything it started. A plain path is exec'd; a command line
 * runs as /bin/sh -c LINE, as OpenConnect runs it, with the same
 * environment: env->vars and nothing inherited. */
static void __attribute__((noreturn))
script_child(const char *path, const struct script_env *env)
{
	char *const argv[] = { (char *)path, NULL };
	char *const sh_argv[] = { (char *)SCRIPTCMD_SHELL, (char *)"-c",
	    (char *)path, NULL };
	bool plain = scriptcmd_is_plain(path);
	sigset_t none;
	int fd;

	(void)setpgid(0, 0);
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	(void)signal(SIGPIPE, SIG_DFL);
	fd = open("/dev/null", O_RDONLY);
	if (fd == -1 || dup2(fd, 0) == -1 || dup2(2, 1) == -1)
		_exit(127);
	if (fdio_close_from(3, NULL, 0) == -1)
		_exit(127);
	execve(plain ? path : SCRIPTCMD_SHELL, plain ? argv : sh_argv,
	    env->vars);
	_exit(127);
}

/* Wait for pid until the deadline; kill its group after. */
static int
script_wait(pid_t pid, int timeout_ms, int *status, bool *timed_out)
{
	const struct timespec tick = { 0, SCRIPT_POLL_MS * 1000000L };
	long long deadline = clock_now_ms() + timeout_ms;
	pid_t r;

	*timed_out = false;
	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 0;
		if (r == -1 && errno != EINTR)
			return -1;
		if (clock_now_ms() >= deadline && !*timed_out) {
			*timed_out = true;
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			deadline = clock_now_ms() + timeout_ms;
		} else if (clock_now_ms() >= deadline) {
			errno = ETIMEDOUT;	/* unkillable: stop waiting */
			return -1;
		}
		(void)nanosleep(&tick, NULL);
	}
}

int
script_run(const char *path, const struct script_env *env,
    struct gp_err *e)
{
	return script_run_ms(path, env, SCRIPT_TIMEOUT_MS, e);
}

int
script_run_ms(const char *path, const struct script_env *env,
    int timeout_ms, struct gp_err *e)
{
	bool timed_out;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == -1)
		return err_set(e, "script: fork: %s", strerror(errno));
	if (pid == 0)
		script_child(path, env);
	(void)setpgid(pid, pid);	/* no race with the child's own call */
	if (script_wait(pid, timeout_ms, &status, &timed_out) == -1)
		return err_set(e, "script %s: waitpid: %s", path,
		    strerror(errno));
	if (timed_out)
		return err_set(e, "script %s: killed after %d ms", path,
		    timeout_ms);
	if (WIFSIGNALED(status))
		return err_set(e, "script %s: killed by signal %d", path,
		    WTERMSIG(status));
	if (WEXITSTATUS(status) == 127)
		return err_set(e, "script %s: cannot run it (status 127)",
		    path);
	if (WEXITSTATUS(status) != 0)
		return err_set(e, "script %s: exit status %d", path,
		    WEXITSTATUS(status));
	return 0;
}
