/*
 * gp-auth: logs in to a GlobalProtect gateway as the calling user, sends
 * the tunnel configuration to gp-tunnel as a CONFIG frame and stays to log
 * out. This main only parses options and sets up; flow.c and session.c do
 * the work. Options are the user's own; servers are untrusted.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "auth/flow.h"
#include "auth/pin.h"
#include "auth/session.h"
#include "ipc/err.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "sandbox/sandbox.h"

#ifndef GPVPN_VERSION
#define GPVPN_VERSION	"0.1.0"
#endif

enum {
	OPT_PASSWD_STDIN = 256,
	OPT_SERVERCERT,
	OPT_CAFILE,
	OPT_OS,
	OPT_AUTHENTICATE,
	OPT_TUNNEL,
	OPT_VERSION
};

static const struct option gp_auth_opts[] = {
	{ "user", required_argument, NULL, 'u' },
	{ "passwd-on-stdin", no_argument, NULL, OPT_PASSWD_STDIN },
	{ "servercert", required_argument, NULL, OPT_SERVERCERT },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "os", required_argument, NULL, OPT_OS },
	{ "authenticate", no_argument, NULL, OPT_AUTHENTICATE },
	{ "tunnel", required_argument, NULL, OPT_TUNNEL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
"usage: gp-auth [options] [https://]HOST[:PORT][/gateway]\n"
"  -u, --user NAME         user name (else asked on the terminal)\n"
"      --passwd-on-stdin   read the password (one line per prompt) from "
"stdin\n"
"      --servercert PIN    accept the server key pin-sha256:BASE64 only\n"
"      --cafile FILE       also trust the CA certificates in FILE\n"
"      --os win|linux|mac  client OS to report (default linux)\n"
"      --authenticate      log in, print COOKIE=... lines and exit\n"
"      --tunnel CMD        run CMD (sh -c) with a socket as stdin/stdout\n"
"                          for the frame stream, instead of stdout\n"
"  -v, --verbose           more logs (twice: trace)\n"
"  -q, --quiet             errors only\n"
"      --version, -h, --help\n");
	exit(status);
}

struct gp_auth_args {
	struct flow_opts	 flow;
	const char		*tunnel;
	int			 verbosity;
	char			 pin[PIN_B64_LEN + 1];
};

static void
gp_auth_option(struct gp_auth_args *a, int c)
{
	struct gp_err e;

	switch (c) {
	case 'u':
		a->flow.user = optarg;
		break;
	case OPT_PASSWD_STDIN:
		a->flow.passwd_on_stdin = true;
		break;
	case OPT_SERVERCERT:
		if (pin_parse(optarg, a->pin, sizeof(a->pin), &e) == -1)
			fatalx("%s", e.msg);
		a->flow.pin_b64 = a->pin;
		break;
	case OPT_CAFILE:
		a->flow.cafile = optarg;
		break;
	case OPT_OS:
		if (flow_os(optarg, &a->flow.clientos,
		    &a->flow.os_version) == -1)
			fatalx("--os: expected win, linux or mac");
		break;
	case OPT_AUTHENTICATE:
		a->flow.authenticate = true;
		break;
	case OPT_TUNNEL:
		a->tunnel = optarg;
		break;
	case 'v':
		a->verbosity = a->verbosity < 0 ? 1 : a->verbosity + 1;
		break;
	case 'q':
		a->verbosity = -1;
		break;
	case OPT_VERSION:
		printf("gp-auth (gpvpn) %s\n", GPVPN_VERSION);
		exit(0);
	case 'h':
		usage(0);
	default:
		usage(1);
	}
}

static void
gp_auth_args(struct gp_auth_args *a, int argc, char **argv)
{
	int c;

	memset(a, 0, sizeof(*a));
	(void)flow_os("linux", &a->flow.clientos, &a->flow.os_version);
	while ((c = getopt_long(argc, argv, "u:vqh", gp_auth_opts,
	    NULL)) != -1)
		gp_auth_option(a, c);
	if (optind != argc - 1)
		usage(1);
	a->flow.url = argv[optind];
	log_init("gp-auth", a->verbosity);
	if (a->flow.authenticate && a->tunnel != NULL)
		fatalx("--authenticate and --tunnel exclude each other");
	/* The frame stream is binary: never onto a terminal. */
	if (!a->flow.authenticate && a->tunnel == NULL &&
	    isatty(STDOUT_FILENO))
		fatalx("stdout is a terminal: pipe gp-auth into gp-tunnel, "
		    "or use --tunnel or --authenticate");
	if (a->flow.pin_b64 != NULL)
		log_warn("--servercert: the server is trusted by its key pin "
		    "alone; CA and host name are not checked");
}

/*
 * gp-auth's sandbox (sandbox/policy_auth.c says why a denylist): entered
 * once the options are parsed and the libraries initialised, before any
 * byte comes from a server. Not with --tunnel: the command is started
 * after login and usually runs sudo, which NO_NEW_PRIVS and a filter
 * without execve would break; gp-auth then has only the core-dump and
 * ptrace hardening of secret_harden_process().
 */
static void
gp_auth_sandbox(const struct gp_auth_args *a)
{
	struct sandbox_policy p = {
		.filter = &sandbox_filter_auth,
		.keep_fds = { STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, -1 },
	};

	if (a->tunnel != NULL) {
		log_debug("--tunnel: gp-auth runs without its seccomp filter");
		return;
	}
	sandbox_enter(&p);
}

int
main(int argc, char **argv)
{
	struct gp_auth_args a;
	struct flow *f;
	int rc;

	secret_harden_process();
	log_init("gp-auth", 0);
	gp_auth_args(&a, argc, argv);
	(void)signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("libcurl initialisation failed");
	gp_auth_sandbox(&a);
	if ((f = flow_new(&a.flow)) == NULL)
		return FLOW_EXIT_ERR;
	rc = flow_login(f);
	if (rc == FLOW_EXIT_OK && a.flow.authenticate) {
		if (flow_print_authenticate(f, STDOUT_FILENO) == -1) {
			log_err("cannot write the --authenticate lines");
			rc = FLOW_EXIT_ERR;
		}
	} else if (rc == FLOW_EXIT_OK)
		rc = session_stay(f, a.tunnel);
	flow_free(f);
	curl_global_cleanup();
	return rc;
}
