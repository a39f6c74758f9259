/* SPDX-License-Identifier: ISC */
/*
 * gp-tunnel's main: options, the policy, the first CONFIG frame from
 * stdin checked against it, then acquire (TLS context, tun, channels)
 * and split into [priv] (priv.c) and [net] (net.c); with --listen, the
 * same for each peer of the service socket (listen.c). Runs as root; the
 * frame stream is untrusted, the command line is trusted only from root
 * (caller.c checks a sudo user's against root's policy).
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "ipc/opterr.h"
#include "ipc/secret.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_prep.h"
#include "tunnel/caller.h"
#include "tunnel/cleanup.h"
#include "tunnel/ctl.h"
#include "tunnel/esp.h"
#include "tunnel/espstart.h"
#include "tunnel/fsview.h"
#include "tunnel/https.h"
#include "tunnel/listen.h"
#include "tunnel/policy.h"
#include "tunnel/policy_check.h"
#include "tunnel/priv.h"
#include "tunnel/recfile.h"
#include "tunnel/privsep.h"
#include "tunnel/scriptcmd.h"
#include "tunnel/startcheck.h"
#include "tunnel/startprio.h"
#include "tunnel/status.h"
#include "tunnel/stopsig.h"
#include "tunnel/tlswarm.h"
#include "tunnel/tun.h"

#ifndef GPVPN_VERSION
#error "GPVPN_VERSION comes from the file VERSION, through the Makefile"
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
	bool		 no_ipv6;	/* --disable-ipv6 */
	bool		 dump;
	bool		 listen;	/* --listen: the service mode */
	bool		 cleanup;	/* --cleanup IFNAME */
	bool		 chose;		/* -s, --setuid, --policy... given */
	/*
	 * Service mode: every session runs on behalf of the peer that
	 * connected (peer_uid, from SO_PEERCRED), like a sudo caller's.
	 * The one place the on-behalf rules (-s, -i, --setuid, --policy)
	 * are to look at; set before any frame is read.
	 */
	bool		 service;
	uid_t		 peer_uid;
	int		 verbosity;
	int		 status_fd;	/* --status-fd, -1 */
	bool		 syslog;	/* --syslog */
	bool		 timestamp;	/* --timestamp */
};

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t dump_stats_flag;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: gp-tunnel [-qv] [-i name] [-s script] [--no-esp]\n"
	    "                 [--disable-ipv6] [--setuid user]\n"
	    "                 [--policy file] [--status-fd n]\n"
	    "                 [--syslog] [--timestamp]\n"
	    "       gp-tunnel --listen [-qv] [-i name] [-s script]\n"
	    "                 [--no-esp] [--disable-ipv6] [--setuid user]\n"
	    "                 [--policy file] [--status-fd n]\n"
	    "                 [--syslog] [--timestamp]\n"
	    "       gp-tunnel --cleanup name [-qv]\n"
	    "       gp-tunnel --dump\n"
	    "       gp-tunnel --version | -h\n"
	    "Reads gp-auth's frame stream on stdin and runs the tunnel.\n"
	    "  -i, --interface NAME  tun device name (default: tunN)\n"
	    "  -s, --script PATH     vpnc-script, or a command line for\n"
	    "                        /bin/sh -c\n"
	    "                        (default: %s)\n"
	    "      --no-esp          HTTPS tunnel only\n"
	    "      --disable-ipv6    configure no IPv6 on tun (IPv6 traffic\n"
	    "                        then does not go through the tunnel)\n"
	    "      --setuid USER     user of the packet process (default: "
	    SANDBOX_NET_USER ")\n"
	    "      --policy FILE     more limits on what frames may ask for,\n"
	    "                        on top of " POLICY_DEFAULT_PATH "\n"
	    "      --cleanup NAME    after a gp-tunnel on NAME was killed:\n"
	    "                        run the disconnect it recorded\n"
	    "      --dump            print the frames, secrets redacted\n"
	    "      --listen          serve the socket systemd passes, one\n"
	    "                        session at a time (gp-tunnel.socket)\n"
	    "      --status-fd N     a JSON status line per event on N\n"
	    "      --syslog          log to syslog (automatic under\n"
	    "                        systemd with --listen)\n"
	    "      --timestamp       ISO 8601 UTC times on log lines\n"
	    "  -v, --verbose         more logging (twice: trace)\n"
	    "  -q, --quiet           errors only\n", DEFAULT_SCRIPT);
	exit(status);
}

/* --status-fd N: a descriptor number; checked when it is used. */
static int
opts_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
		fatalx("--status-fd: `%s` is not a descriptor number", s);
	return (int)v;
}

/* gp-tunnel takes no operand: the frames come on stdin. */
static void __attribute__((noreturn))
opts_operand(const char *arg)
{
	char q[ERR_QUOTE_MAX];

	opterr_operand("gp-tunnel", "unexpected argument `%s`: gp-tunnel "
	    "takes options only, and gp-auth's output on stdin",
	    err_quote(q, arg, strlen(arg)));
}

static void
opts_parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_NO_ESP = 256, OPT_DUMP, OPT_VERSION, OPT_SETUID,
	    OPT_POLICY, OPT_NO_IPV6, OPT_LISTEN, OPT_STATUS_FD, OPT_SYSLOG,
	    OPT_TIMESTAMP, OPT_CLEANUP };
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "script", required_argument, NULL, 's' },
		{ "no-esp", no_argument, NULL, OPT_NO_ESP },
		{ "disable-ipv6", no_argument, NULL, OPT_NO_IPV6 },
		{ "setuid", required_argument, NULL, OPT_SETUID },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "listen", no_argument, NULL, OPT_LISTEN },
		{ "status-fd", required_argument, NULL, OPT_STATUS_FD },
		{ "syslog", no_argument, NULL, OPT_SYSLOG },
		{ "timestamp", no_argument, NULL, OPT_TIMESTAMP },
		{ "cleanup", required_argument, NULL, OPT_CLEANUP },
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
	o->status_fd = -1;
	opterr = 0;	/* opterr.c says it, under our name */
	while ((ch = getopt_long(argc, argv, ":i:s:vqh", lo, NULL)) != -1) {
		switch (ch) {
		case OPT_CLEANUP:
			o->cleanup = true;
			/* FALLTHROUGH */
		case 'i':
			if (strlen(optarg) >= IFNAMSIZ || !tun_name_ok(optarg))
				fatalx("%s: bad interface name", ch == 'i' ?
				    "-i" : "--cleanup");
			memcpy(o->ifname, optarg, strlen(optarg) + 1);
			break;
		case 's':
			o->script = optarg;
			o->chose = true;
			break;
		case OPT_SETUID:
			if (optarg[0] == '\0' || strcmp(optarg, "root") == 0)
				fatalx("--setuid: not root, and not empty");
			o->user = optarg;
			o->chose = true;
			break;
		case OPT_POLICY:
			if (optarg[0] != '/')
				fatalx("--policy: the path must be absolute");
			o->policy = optarg;
			o->chose = true;
			break;
		case OPT_NO_ESP:
			o->no_esp = true;
			break;
		case OPT_NO_IPV6:
			o->no_ipv6 = true;
			break;
		case OPT_DUMP:
			o->dump = true;
			break;
		case OPT_LISTEN:
			o->listen = true;
			break;
		case OPT_STATUS_FD:
			o->status_fd = opts_fd(optarg);
			break;
		case OPT_SYSLOG:
			o->syslog = true;
			break;
		case OPT_TIMESTAMP:
			o->timestamp = true;
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
			opterr_exit("gp-tunnel", ch, argv, lo);
		}
	}
	if (optind != argc)
		opts_operand(argv[optind]);
	if (o->dump && o->listen)
		fatalx("--dump and --listen exclude each other");
	if (o->cleanup && (o->chose || o->dump || o->listen || o->no_esp ||
	    o->no_ipv6))
		fatalx("--cleanup takes only -q and -v: the script and the "
		    "interface are the record's");
	/* The process titles overwrite argv: keep copies. */
	if ((o->script = strdup(o->script)) == NULL ||
	    (o->user = strdup(o->user)) == NULL ||
	    (o->policy != NULL && (o->policy = strdup(o->policy)) == NULL))
		fatal("strdup");
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
 * [net] and the pipe that carries [net]'s log lines. Then make the file
 * system read-only but for what vpnc-script writes (fsview.c), and fork:
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
/* [net]'s user and filter, ready before the fork: [net] itself then runs
 * neither NSS nor libseccomp, whose code would stay in its RSS. */
static void
net_prep(const struct opts *o)
{
	struct gp_err e = { "" };

	if (sandbox_prep(&sandbox_filter_net, o->user, &e) == -1)
		fatalx("[net]: %s", e.msg);
}

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
	p.keep_fds[3] = a->esp_start->udp_fd;	/* -1 ends the list too */
	p.keep_fds[4] = -1;
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
	int n;

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
	/* -1 ends the list: the optional descriptors only when open */
	n = 6;
	if (a->status_fd != -1)
		p.keep_fds[n++] = a->status_fd;
	if (a->rec_fd != -1)
		p.keep_fds[n++] = a->rec_fd;
	p.keep_fds[n] = -1;
	sandbox_enter(&p);
}

/* The session record (recfile.h), locked for the session; -1 if it
 * cannot be had: the session goes on, without a --cleanup after it. */
static int
record_open(const char *ifname)
{
	struct gp_err e = { "" };
	int fd;

	if ((fd = recfile_open(ifname, true, &e)) < 0) {
		log_warnx("%s: no session record (--cleanup will not know "
		    "what to undo after a SIGKILL)", e.msg);
		return -1;
	}
	return fd;
}

/* As [priv]: uid 0 for the script, CAP_NET_ADMIN alone, the denylist. */
static void
cleanup_enter(int fd)
{
	static const int caps[] = { CAP_NET_ADMIN, -1 };
	struct sandbox_policy p;

	memset(&p, 0, sizeof(p));
	p.filter = &sandbox_filter_priv;
	p.user = NULL;
	p.keep_caps = caps;
	p.keep_fds[0] = STDIN_FILENO;
	p.keep_fds[1] = STDOUT_FILENO;
	p.keep_fds[2] = STDERR_FILENO;
	p.keep_fds[3] = fd;
	p.keep_fds[4] = -1;
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
	pv->rec_fd = record_open(pv->ifname);
	pv->on_behalf = caller_on_behalf(caller_self());
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

/* What the script runs first, seen through the file-system view: the
 * script, or /bin/sh and the program a command line starts with. */
static void
script_visible(const char *script)
{
	char prog[PATH_MAX];
	struct gp_err e = { "" };

	if (scriptcmd_program(script, prog, sizeof(prog), &e) == -1)
		fatalx("%s", e.msg);
	if (!scriptcmd_is_plain(script) && access(SCRIPTCMD_SHELL, X_OK) == -1)
		fatal("-s: %s, seen through the file-system view",
		    SCRIPTCMD_SHELL);
	if (access(prog, X_OK) == -1)
		fatal("script %s, seen through the file-system view (its "
		    "/tmp is private)", prog);
}

/* ESP's first probe, before anything else (espstart.h), from a socket
 * owned by [net]'s user, as net_prep() looked it up. */
static void
esp_start(struct espstart *es, const struct opts *o,
    const struct gp_config *cfg)
{
	uid_t uid;
	gid_t gid;

	espstart_init(es);
	if (sandbox_prep_ids(o->user, &uid, &gid))
		espstart_send(es, cfg, o->no_esp, uid, gid);
}

static int
tunnel_main(const struct opts *o, struct gp_config *cfg,
    const struct tunnel_policy *pol)
{
	struct privsep_priv pv;
	struct privsep_net nt;
	struct espstart es;
	struct https_ctx *https;
	struct gp_err e = { "" };
	pid_t pid;

	memset(&pv, 0, sizeof(pv));
	memset(&nt, 0, sizeof(nt));
	pv.script = o->script;
	pv.cfg = cfg;
	pv.pol = pol;
	pv.stop = &stop_flag;
	pv.usr1 = &dump_stats_flag;
	pv.status_fd = o->status_fd;
	pv.no_ipv6 = nt.no_ipv6 = o->no_ipv6;
	esp_start(&es, o, cfg);
	nt.esp_start = &es;
	acquire_fds(&pv, &nt, &https, o);
	/* Fail closed: [priv] and vpnc-script never run without it. */
	if (fsview_enter(0, &e) == -1)
		fatalx("%s (it needs CAP_SYS_ADMIN at start-up); nothing "
		    "applied", e.msg);
	script_visible(o->script);
	fflush(stderr);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(pv.ps_fd);
		close(pv.log_fd);
		if (pv.rec_fd != -1)
			close(pv.rec_fd);
		net_main(&nt);
	}
	pv.net_pid = pid;
	espstart_drop(&es);	/* [priv] never reads ESP */
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
	/* The resolved path replaces opts_parse()'s copy. */
	free((char *)(uintptr_t)o->script);
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

/* One session: the first CONFIG from stdin, checked, then the tunnel. */
static int
tunnel_session(const struct opts *o, const struct tunnel_policy *pol)
{
	struct gp_config *cfg;
	struct gp_err e = { "" };
	struct startprio sp;

	startprio_lower(&sp, CTL_FD);
	tlswarm_run();	/* while gp-auth logs in */
	esp_warm();	/* likewise */
	net_prep(o);	/* likewise */
	startprio_restore(&sp);
	if (o->service)	/* the login's bounded time */
		listen_await_config((unsigned long)o->peer_uid);
	cfg = first_config();
	if (policy_check(pol, cfg, &e) == -1) {
		config_free(cfg);
		fatalx("%s; nothing applied", e.msg);
	}
	stopsig_install(&stop_flag, &dump_stats_flag);
	return tunnel_main(o, cfg, pol);
}

/* --listen: each admitted peer's session, in the listener's child. */
static int
service_session(void *arg, const struct tunnel_policy *pol,
    const struct policy_peer *peer)
{
	static struct tunnel_policy sys, extra;
	struct opts *o = arg;
	struct gp_err e = { "" };

	(void)pol;	/* the listener's: who may connect */
	o->service = true;
	o->peer_uid = peer->uid;
	caller_set_service((long long)peer->uid);
	/* Options are the unit's, checked at start; the frames meet the
	 * system policy and --policy on top, both read afresh. */
	if (policy_load(POLICY_DEFAULT_PATH, true, &sys, &e) == -1 ||
	    (o->policy != NULL &&
	    policy_load(o->policy, false, &extra, &e) == -1))
		fatalx("%s", e.msg);
	if (o->policy != NULL)
		sys.extra = &extra;
	return tunnel_session(o, &sys);
}

static int
service_main(struct opts *o)
{
	struct listen_conf c;

	memset(&c, 0, sizeof(c));
	c.policy = o->policy != NULL ? o->policy : POLICY_DEFAULT_PATH;
	c.policy_optional = o->policy == NULL;
	c.session = service_session;
	c.arg = o;
	return listen_main(&c);
}

/* --syslog, or a service under systemd with no terminal; --timestamp;
 * --status-fd checked before anything else is opened. */
static void
log_setup(const struct opts *o)
{
	struct gp_err e = { "" };

	if (o->syslog || (o->listen && log_service_mode()))
		log_set_syslog(LOG_DAEMON);
	log_set_timestamp(o->timestamp);
	if (o->status_fd != -1 && status_fd_check(o->status_fd,
	    o->listen ? LISTEN_FD : -1, &e) == -1)
		fatalx("%s", e.msg);
}

/* Before anything is read: a terminal on stdin, or no root (startcheck.c). */
static void
start_check(const struct opts *o)
{
	struct gp_err e = { "" };

	if (startcheck_run(o->dump ? STARTCHECK_DUMP : o->listen ?
	    STARTCHECK_LISTEN : o->cleanup ? STARTCHECK_CLEANUP :
	    STARTCHECK_SESSION, &e) == -1)
		fatalx("%s", e.msg);
}

int
main(int argc, char **argv)
{
	static struct tunnel_policy pol;
	static struct opts o;	/* static: its strdup()s stay reachable */

	log_init("gp-tunnel", 0);	/* option errors carry our name */
	secret_harden_process();
	caller_init();
	opts_parse(argc, argv, &o);
	log_init("gp-tunnel", o.verbosity);
	log_setup(&o);
	start_check(&o);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");
	if (o.dump)
		return run_dump();
	policy_init(&o, &pol);
	if (o.cleanup)	/* the interface checked as a start's -i */
		return cleanup_main(o.ifname, caller_on_behalf(caller_self()),
		    cleanup_enter);
	privsep_title_init(argc, argv);
	if (o.listen)
		return service_main(&o);
	return tunnel_session(&o, &pol);
}
