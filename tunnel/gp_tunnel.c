/*
 * gp-tunnel's main: options, the first CONFIG frame from stdin, then
 * acquire (TLS context, a transport: ESP or HTTPS, then tun), apply
 * (vpnc-script connect), run (session_loop) and tear down (vpnc-script
 * disconnect). Runs as root; the frame stream on stdin is untrusted, the
 * command line is trusted.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "tunnel/ctl.h"
#include "tunnel/https.h"
#include "tunnel/script.h"
#include "tunnel/session.h"
#include "tunnel/tun.h"

#ifndef GPVPN_VERSION
#define GPVPN_VERSION	"0.1.0"
#endif
#define DEFAULT_SCRIPT	"/usr/share/vpnc-scripts/vpnc-script"
#define CTL_FD		STDIN_FILENO

#define EXIT_OK			0
#define EXIT_ERROR		1
#define EXIT_COOKIE_REJECTED	2

struct opts {
	char		 ifname[IFNAMSIZ];	/* "" = kernel's choice */
	const char	*script;
	bool		 no_esp;
	bool		 dump;
	int		 verbosity;
};

/* Everything acquired for one session, released by tunnel_teardown. */
struct tunnel {
	const struct opts	*o;
	struct gp_config	*cfg;
	struct https_ctx	*https;
	struct session		*s;
	struct session_io	 io;
	struct tunnel_stats	 st;
	struct ctl		 ctl;
	int			 tun_fd;
	char			 ifname[IFNAMSIZ];
	unsigned		 mtu;
	bool			 up;		/* transport and tun are up */
	bool			 connect_ran;	/* disconnect must run */
};

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t dump_stats_flag;

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: gp-tunnel [-qv] [-i name] [-s script] [--no-esp]\n"
	    "       gp-tunnel --dump\n"
	    "       gp-tunnel --version | -h\n"
	    "Reads gp-auth's frame stream on stdin and runs the tunnel.\n"
	    "  -i, --interface NAME  tun device name (default: tunN)\n"
	    "  -s, --script PATH     vpnc-script\n"
	    "                        (default: %s)\n"
	    "      --no-esp          HTTPS tunnel only\n"
	    "      --dump            print the frames, secrets redacted\n"
	    "  -v, --verbose         more logging (twice: trace)\n"
	    "  -q, --quiet           errors only\n", DEFAULT_SCRIPT);
	exit(status);
}

static void
opts_parse(int argc, char **argv, struct opts *o)
{
	enum { OPT_NO_ESP = 256, OPT_DUMP, OPT_VERSION };
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "script", required_argument, NULL, 's' },
		{ "no-esp", no_argument, NULL, OPT_NO_ESP },
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
 * SIOCSIFMTU through an AF_INET datagram socket: the tun MTU follows a
 * change of transport. This process is still root; the sandbox issue
 * turns this callback into a message to [priv].
 */
static int
tunnel_set_mtu(void *arg, unsigned mtu)
{
	const struct tunnel *t = arg;
	struct ifreq ifr;
	int fd, r;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->ifname, IFNAMSIZ);
	ifr.ifr_mtu = (int)mtu;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	r = ioctl(fd, SIOCSIFMTU, &ifr);
	close(fd);
	if (r == -1)
		log_warn("SIOCSIFMTU %s %u: %s", t->ifname, mtu,
		    strerror(errno));
	return r == -1 ? -1 : 0;
}

/*
 * A transport first (ESP probes, else the HTTPS tunnel): a rejected
 * cookie fails before anything is applied. Then the tun device, with the
 * MTU of the transport that came up. Returns an exit status.
 */
static int
tunnel_acquire(struct tunnel *t)
{
	struct gp_err e = { "" };
	int r;

	if ((t->https = https_ctx_new(t->cfg, &e)) == NULL) {
		log_err("TLS set-up: %s", e.msg);
		return EXIT_ERROR;
	}
	https_ctx_set_cancel(t->https, &stop_flag);
	t->io.https = t->https;
	if ((t->s = session_new(&t->io, &t->st)) == NULL)
		return EXIT_ERROR;
	r = session_start(t->s);
	t->cfg = t->io.cfg;		/* a rekey may have replaced it */
	if (r != SESSION_UP && t->ctl.failed) {
		log_err("control stream: %s", t->ctl.err.msg);
		return EXIT_ERROR;
	}
	if (r != SESSION_UP)
		return r;		/* 0: stopped before a transport */
	t->mtu = session_mtu(t->s);
	if (t->cfg->ip6.family == CFG_AF_INET6 && t->mtu < 1280)
		log_warn("MTU %u is below IPv6's minimum of 1280", t->mtu);
	memcpy(t->ifname, t->o->ifname, IFNAMSIZ);
	if ((t->tun_fd = tun_open(t->ifname, &e)) == -1) {
		log_err("tun: %s", e.msg);
		return EXIT_ERROR;
	}
	t->io.tun_fd = t->tun_fd;
	t->up = true;
	log_info("tun device %s, MTU %u", t->ifname, t->mtu);
	return EXIT_OK;
}

static int
tunnel_script(struct tunnel *t, const char *reason)
{
	struct script_env env;
	struct gp_err e = { "" };
	int r;

	log_debug("running %s %s", t->o->script, reason);
	if (script_env_build(&env, reason, t->cfg, t->ifname, t->mtu,
	    &e) == -1) {
		log_err("vpnc-script %s: %s", reason, e.msg);
		return -1;
	}
	r = script_run(t->o->script, &env, &e);
	script_env_free(&env);
	if (r == -1)
		log_err("vpnc-script %s: %s", reason, e.msg);
	return r;
}

static int
tunnel_run(struct tunnel *t)
{
	int status;

	status = session_loop(t->s);
	t->cfg = t->io.cfg;		/* a rekey may have replaced it */
	if (t->ctl.failed) {
		log_err("control stream: %s", t->ctl.err.msg);
		status = EXIT_ERROR;
	}
	return status;
}

static int
tunnel_teardown(struct tunnel *t, int status)
{
	t->cfg = t->io.cfg;		/* a rekey may have replaced it */
	if (t->s != NULL) {
		session_log_stats(&t->st);
		session_free(t->s);
	}
	if (t->connect_ran && tunnel_script(t, "disconnect") == -1 &&
	    status == EXIT_OK)
		status = EXIT_ERROR;
	if (t->tun_fd != -1)
		close(t->tun_fd);
	https_ctx_free(t->https);
	config_free(t->cfg);
	return status;
}

/* What the session needs; the tun fd comes once a transport is up. */
static void
tunnel_io_init(struct tunnel *t)
{
	struct session_io *io = &t->io;

	io->cfg = t->cfg;
	io->tun_fd = -1;
	io->ctl_fd = CTL_FD;
	io->on_ctl = ctl_on_readable;
	io->ctl_arg = &t->ctl;
	io->stop = &stop_flag;
	io->dump_stats = &dump_stats_flag;
	io->no_esp = t->o->no_esp;
	io->cfg_gen = &t->ctl.generation;
	io->need_config = ctl_need_config;
	io->set_mtu = tunnel_set_mtu;
	io->mtu_arg = t;
	t->ctl.fd = CTL_FD;
	t->ctl.cfg = &io->cfg;
	t->ctl.can_reply = ctl_fd_can_reply(CTL_FD);
}

static int
tunnel_main(const struct opts *o, struct gp_config *cfg)
{
	struct tunnel t;
	int status;

	memset(&t, 0, sizeof(t));
	t.o = o;
	t.cfg = cfg;
	t.tun_fd = -1;
	tunnel_io_init(&t);
	status = tunnel_acquire(&t);
	if (status != EXIT_OK || stop_flag || !t.up)
		return tunnel_teardown(&t, status);
	/* Even a failed connect may have applied part of its work. */
	t.connect_ran = true;
	if (tunnel_script(&t, "connect") == -1)
		return tunnel_teardown(&t, EXIT_ERROR);
	log_info("connected: %s up", t.ifname);
	if (!stop_flag)
		status = tunnel_run(&t);
	return tunnel_teardown(&t, status);
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
	struct gp_config *cfg;
	struct opts o;

	secret_harden_process();
	opts_parse(argc, argv, &o);
	log_init("gp-tunnel", o.verbosity);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal(SIGPIPE)");
	if (o.dump)
		return run_dump();
	if (o.script[0] != '/')
		fatalx("-s: the script path must be absolute");
	if (access(o.script, X_OK) == -1)
		fatal("script %s", o.script);
	cfg = first_config();
	signals_install();
	return tunnel_main(&o, cfg);
}
