/*
 * gp-tunnel's main: options, the policy, the first CONFIG frame from
 * stdin checked against it, then acquire (TLS context, tun, channels)
 * and split into [priv] (priv.c) and [net] (net.c). Runs as root; the
 * frame stream on stdin is untrusted, the command line is trusted only
 * from real root (caller.c checks it against root's policy otherwise).
 */
#define _GNU_SOURCE	/* pipe2 */

#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/capability.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "sandbox/sandbox.h"
#include "tunnel/caller.h"
#include "tunnel/ctl.h"
#include "tunnel/https.h"
#include "tunnel/policy.h"
#include "tunnel/privsep.h"
#include "tunnel/tun.h"

#ifndef GPVPN_VERSION
#define GPVPN_VERSION	"0.1.0"
#endif
#define DEFAULT_SCRIPT	CALLER_DEFAULT_SCRIPT
#define CTL_FD		STDIN_FILENO

#define EXIT_OK			0
#define EXIT_ERROR		1
#define EXIT_COOKIE_REJECTED	2

struct opts {
	char		 ifname[IFNAMSIZ];	/* "" = kernel's choice */
	const char	*script;
	const char	*user;		/* --setuid: [net]'s user */
	const char	*policy;	/* --policy; NULL: the default */
	bool		 no_esp;
	bool		 dump;
	int		 verbosity;
};

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t dump_stats_flag;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: gp-tunnel [-qv] [-i name] [-s script] [--no-esp]\n"
	    "                 [--setuid user] [--policy file]\n"
	    "       gp-tunnel --dump\n"
	    "       gp-tunnel --version | -h\n"
	    "Reads gp-auth's frame stream on stdin and runs the tunnel.\n"
	    "  -i, --interface NAME  tun device name (default: tunN)\n"
	    "  -s, --script PATH     vpnc-script\n"
	    "                        (default: %s)\n"
	    "      --no-esp          HTTPS tunnel only\n"
	    "      --setuid USER     user of the packet process (default: "
	    SANDBOX_NET_USER ")\n"
	    "      --policy FILE     more limits on what frames may ask for,\n"
	    "                        on top of " POLICY_DEFAULT_PATH "\n"
	    "      --dump            print the frames, secrets redacted\n"
	    "  -v, --verbose         more logging (twice: trace)\n"
	    "  -q, --quiet           errors only\n", DEFAULT_SCRIPT);
	exit(status);
}

static void
opts_parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_NO_ESP = 256, OPT_DUMP, OPT_VERSION, OPT_SETUID,
	    OPT_POLICY };
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "script", required_argument, NULL, 's' },
		{ "no-esp", no_argument, NULL, OPT_NO_ESP },
		{ "setuid", required_argument, NULL, OPT_SETUID },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->script = DEFAULT_SCRIPT;
	o->user = SANDBOX_NET_USER;
	while ((ch = getopt_long(argc, argv, "i:s:vqh", lo, NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (strlen(optarg) >= IFNAMSIZ || !tun_name_ok(optarg))
				fatalx("-i: bad interface name");
			memcpy(o->ifname, optarg, strlen(optarg) + 1);
			break;
		case 's':
			o->script = optarg;
			break;
		case OPT_SETUID:
			if (optarg[0] == '\0' || strcmp(optarg, "root") == 0)
				fatalx("--setuid: not root, and not empty");
			o->user = optarg;
			break;
		case OPT_POLICY:
			if (optarg[0] != '/')
				fatalx("--policy: the path must be absolute");
			o->policy = optarg;
			break;
		case OPT_NO_ESP:
			o->no_esp = true;
			break;
		case OPT_DUMP:
			o->dump = true;
			break;
		case 'v':
			o->verbosity = o->verbosity < 0 ? 1 : o->verbosity + 1;
			break;
		case 'q':
			o->verbosity = -1;
			break;
		case OPT_VERSION:
			printf("gp-tunnel (gpvpn) %s\n", GPVPN_VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(EXIT_OK);
		default:
			usage(EXIT_ERROR);
		}
	}
	if (optind != argc)
		usage(EXIT_ERROR);
	/* The process titles overwrite argv: keep copies. */
	if ((o->script = strdup(o->script)) == NULL ||
	    (o->user = strdup(o->user)) == NULL ||
	    (o->policy != NULL && (o->policy = strdup(o->policy)) == NULL))
		fatal("strdup");
}

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	dump_stats_flag = 1;
}

/* No SA_RESTART: a blocking call returns EINTR and the loop sees stop. */
static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop;
	if (sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		fatal("sigaction");
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fatal("sigaction(SIGUSR1)");
}

static int
run_dump(void)
{
	struct gp_err e = { "" };

	if (ctl_dump(CTL_FD, stdout, &e) == -1) {
		fflush(stdout);
		log_err("%s", e.msg);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

/*
 * The process model (SECURITY.md "gp-tunnel"). While still fully root
 * and before any network byte is read, acquire: the TLS context with
 * the gateway's pin, the tun device (created down and unconfigured:
 * nothing is applied until the connect script runs), the socketpair to
 * [net] and the pipe that carries [net]'s log lines. Then fork:
 *
 *   [net]  enters its sandbox at once (uid --setuid, no capabilities,
 *          NO_NEW_PRIVS, the seccomp allowlist, RLIMIT_NPROC/FSIZE 0,
 *          dies with [priv]), and only then probes ESP or opens the
 *          HTTPS tunnel. It reports TRANSPORT_UP{mtu}, or EXIT{status}
 *          if there is none (2: the gateway rejected the cookie).
 *   [priv] keeps uid 0 with CAP_NET_ADMIN alone (bounding set too)
 *          under the denylist filter that vpnc-script inherits. On
 *          TRANSPORT_UP it runs the connect script with that MTU and
 *          answers GO; on EXIT before that it removes tun (closing it)
 *          without running any script, and exits with [net]'s status.
 *
 * The first CONFIG was checked against the policy before all this; the
 * frames that follow are read, validated and checked by [priv] only.
 */
/* [net]: nobody, no capabilities, the allowlist; dies with [priv]. */
static void
net_enter(const struct privsep_net *a)
{
	struct sandbox_policy p;

	memset(&p, 0, sizeof(p));
	p.filter = &sandbox_filter_net;
	p.user = a->user;
	p.keep_fds[0] = STDERR_FILENO;
	p.keep_fds[1] = a->tun_fd;
	p.keep_fds[2] = a->ps_fd;
	p.keep_fds[3] = -1;
	p.rlimits = SANDBOX_RL_NPROC0 | SANDBOX_RL_FSIZE0 |
	    SANDBOX_RL_NOFILE;
	p.nofile = SANDBOX_NET_NOFILE;
	p.pdeath_signal = SIGKILL;
	p.keep_caps = NULL;	/* none, and the bounding set cleared */
	sandbox_enter(&p);
}

/* [priv]: uid 0 for vpnc-script, CAP_NET_ADMIN alone, the denylist. */
static void
priv_enter(const struct privsep_priv *a)
{
	static const int caps[] = { CAP_NET_ADMIN, -1 };
	struct sandbox_policy p;

	memset(&p, 0, sizeof(p));
	p.filter = &sandbox_filter_priv;
	p.user = NULL;			/* stays uid 0 for vpnc-script */
	p.keep_caps = caps;
	p.keep_fds[0] = STDIN_FILENO;
	p.keep_fds[1] = STDOUT_FILENO;
	p.keep_fds[2] = STDERR_FILENO;
	p.keep_fds[3] = a->tun_fd;
	p.keep_fds[4] = a->ps_fd;
	p.keep_fds[5] = a->log_fd;
	p.keep_fds[6] = -1;
	sandbox_enter(&p);
}

static void
acquire_fds(struct privsep_priv *pv, struct privsep_net *nt,
    struct https_ctx **https, const struct opts *o)
{
	struct gp_err e = { "" };
	int sp[2], lp[2];

	if ((*https = https_ctx_new(pv->cfg, &e)) == NULL)
		fatalx("TLS set-up: %s", e.msg);
	memcpy(pv->ifname, o->ifname, IFNAMSIZ);
	if ((pv->tun_fd = tun_open(pv->ifname, &e)) == -1)
		fatalx("tun: %s", e.msg);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) == -1)
		fatal("socketpair");
	if (pipe2(lp, O_CLOEXEC) == -1)
		fatal("pipe2");
	pv->ctl_fd = CTL_FD;
	pv->ps_fd = sp[0];
	pv->log_fd = lp[0];
	nt->cfg = pv->cfg;
	nt->https = *https;
	nt->user = o->user;
	nt->no_esp = o->no_esp;
	nt->tun_fd = pv->tun_fd;
	nt->ps_fd = sp[1];
	nt->log_fd = lp[1];
	nt->enter = net_enter;
	pv->enter = priv_enter;
}

static int
tunnel_main(const struct opts *o, struct gp_config *cfg,
    const struct tunnel_policy *pol)
{
	struct privsep_priv pv;
	struct privsep_net nt;
	struct https_ctx *https;
	pid_t pid;

	memset(&pv, 0, sizeof(pv));
	memset(&nt, 0, sizeof(nt));
	pv.script = o->script;
	pv.cfg = cfg;
	pv.pol = pol;
	pv.stop = &stop_flag;
	pv.usr1 = &dump_stats_flag;
	acquire_fds(&pv, &nt, &https, o);
	fflush(stderr);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(pv.ps_fd);
		close(pv.log_fd);
		net_main(&nt);
	}
	pv.net_pid = pid;
	close(nt.ps_fd);
	close(nt.log_fd);
	/* [priv] has no use for the TLS context; [net] has its copy. */
	https_ctx_free(https);
	return priv_main(&pv);
}

/*
 * Root's policy, then --policy FILE on top of it (both must allow each
 * CONFIG); the options checked against root's policy when gp-tunnel runs
 * for someone else (caller.c); the script path checked and resolved.
 */
static void
policy_init(struct opts *o, struct tunnel_policy *pol)
{
	static struct tunnel_policy extra;
	static struct caller_setup s;
	struct caller_opts req = { o->script, o->user, o->ifname, o->policy };
	struct gp_err e = { "" };

	s.sys_path = POLICY_DEFAULT_PATH;
	s.sys = pol;
	s.extra = &extra;
	if (caller_setup(caller_self(), &req, &s, &e) == -1)
		fatalx("%s", e.msg);
	o->script = s.script;
}

static struct gp_config *
first_config(void)
{
	struct gp_config *cfg;
	struct gp_err e = { "" };
	int r;

	r = ctl_read_first(CTL_FD, &cfg, &e);
	if (r == 0)
		fatalx("no CONFIG frame on stdin (end of input)");
	if (r == -1)
		fatalx("stdin: %s", e.msg);
	return cfg;
}

int
main(int argc, char **argv)
{
	static struct tunnel_policy pol;
	struct gp_config *cfg;
	struct gp_err e = { "" };
	static struct opts o;	/* static: its strdup()s stay reachable */

	secret_harden_process();
	caller_init();
	opts_parse(argc, argv, &o);
	log_init("gp-tunnel", o.verbosity);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");
	if (o.dump)
		return run_dump();
	policy_init(&o, &pol);
	privsep_title_init(argc, argv);
	cfg = first_config();
	if (policy_check(&pol, cfg, &e) == -1) {
		config_free(cfg);
		fatalx("%s; nothing applied", e.msg);
	}
	signals_install();
	return tunnel_main(&o, cfg, &pol);
}
