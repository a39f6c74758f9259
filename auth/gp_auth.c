/* SPDX-License-Identifier: ISC */
/*
 * gp-auth: logs in to a GlobalProtect gateway as the calling user, sends
 * the tunnel configuration to gp-tunnel as a CONFIG frame and stays to log
 * out. This main only parses options and sets up; flow.c and stay.c do
 * the work. Options are the user's own; servers are untrusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <curl/curl.h>

#include "auth/castore.h"
#include "auth/certcheck.h"
#include "auth/clientcert.h"
#include "auth/creds.h"
#include "auth/flow.h"
#include "auth/hiprun.h"
#include "auth/pin.h"
#include "auth/proxyconf.h"
#include "auth/resolveopt.h"
#include "auth/stay.h"
#include "auth/tunnel_sock.h"
#include "ipc/err.h"
#include "ipc/log.h"
#include "ipc/opterr.h"
#include "ipc/secret.h"
#include "sandbox/sandbox.h"

#ifndef GPVPN_VERSION
#error "GPVPN_VERSION comes from the file VERSION, through the Makefile"
#endif

enum {
	OPT_PASSWD_STDIN = 256,
	OPT_SERVERCERT,
	OPT_CAFILE,
	OPT_OS,
	OPT_AUTHENTICATE,
	OPT_TUNNEL,
	OPT_KEY_PASSWORD_FD,
	OPT_CSD_WRAPPER,
	OPT_TUNNEL_SOCKET,
	OPT_VERSION
};

/* Portal, SAML and identity options (flow_portal.c, flow.c). */
enum {
	OPT_AUTHGROUP = 512,
	OPT_NO_GATEWAY_PROBE,
	OPT_USERAGENT,
	OPT_CLIENT_VERSION,
	OPT_DISABLE_IPV6,
	OPT_COOKIE_STDIN,
	OPT_RESOLVE,
	OPT_PROTOCOL,
	OPT_PROXY,
	OPT_PROXY_FROM_ENV,
	OPT_SYSLOG,
	OPT_TIMESTAMP
};

static const struct option gp_auth_opts[] = {
	{ "authgroup", required_argument, NULL, OPT_AUTHGROUP },
	{ "no-gateway-probe", no_argument, NULL, OPT_NO_GATEWAY_PROBE },
	{ "usergroup", required_argument, NULL, 'g' },
	{ "useragent", required_argument, NULL, OPT_USERAGENT },
	{ "client-version", required_argument, NULL, OPT_CLIENT_VERSION },
	{ "disable-ipv6", no_argument, NULL, OPT_DISABLE_IPV6 },
	{ "cookie-on-stdin", no_argument, NULL, OPT_COOKIE_STDIN },
	{ "resolve", required_argument, NULL, OPT_RESOLVE },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "proxy-from-env", no_argument, NULL, OPT_PROXY_FROM_ENV },
	{ "user", required_argument, NULL, 'u' },
	{ "passwd-on-stdin", no_argument, NULL, OPT_PASSWD_STDIN },
	{ "servercert", required_argument, NULL, OPT_SERVERCERT },
	{ "cafile", required_argument, NULL, OPT_CAFILE },
	{ "os", required_argument, NULL, OPT_OS },
	{ "authenticate", no_argument, NULL, OPT_AUTHENTICATE },
	{ "tunnel", required_argument, NULL, OPT_TUNNEL },
	{ "tunnel-socket", required_argument, NULL, OPT_TUNNEL_SOCKET },
	{ "certificate", required_argument, NULL, 'c' },
	{ "sslkey", required_argument, NULL, 'k' },
	{ "key-password-fd", required_argument, NULL, OPT_KEY_PASSWORD_FD },
	{ "csd-wrapper", required_argument, NULL, OPT_CSD_WRAPPER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "syslog", no_argument, NULL, OPT_SYSLOG },
	{ "timestamp", no_argument, NULL, OPT_TIMESTAMP },
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
"      --servercert PIN    accept only the server key pin-sha256:BASE64\n"
"                          (the whole 44-character pin, as printed)\n"
"      --cafile FILE       also trust the CA certificates in FILE\n"
"      --os win|linux|mac  client OS to report (default linux)\n"
"      --authenticate      log in, print COOKIE=... lines and exit\n"
"      --authgroup LABEL   the portal's gateway with this description (or\n"
"                          a unique prefix); default: asked, or the first\n"
"                          by region priority (the fastest to answer\n"
"                          among equals), then the next on failure\n"
"      --no-gateway-probe  keep the portal's order among equals\n"
"  -g, --usergroup PATH    URL path: portal, gateway, or IFACE:FIELD for a\n"
"                          SAML cookie (e.g. gateway:prelogin-cookie)\n"
"      --cookie-on-stdin   read an `openconnect --authenticate` COOKIE from\n"
"                          stdin and go straight to the gateway config\n"
"      --resolve HOST:IP   connect to IP for HOST (no DNS lookup)\n"
"      --proxy URL         go through the proxy http://HOST[:PORT],\n"
"                          socks5://... or socks5h://... (default port\n"
"                          1080; no user or password), gp-tunnel too\n"
"      --proxy-from-env    take the proxy from https_proxy, all_proxy\n"
"                          and no_proxy (ignored without this option)\n"
"      --useragent STR     HTTP User-Agent (default PAN GlobalProtect)\n"
"      --client-version V  send clientgpversion=V at login\n"
"      --disable-ipv6      tell the server ipv6-support=no\n"
"      --protocol gp       accepted for OpenConnect command lines\n"
"      --tunnel CMD        run CMD (sh -c) with a socket as stdin/stdout\n"
"                          for the frame stream, instead of stdout\n"
"      --tunnel-socket PATH  send it to gp-tunnel's service socket\n"
"                          (gp-tunnel.socket: /run/gpvpn/tunnel.sock)\n"
"  -c, --certificate FILE  TLS client certificate (PEM or PKCS#12), or\n"
"                          a pkcs11: URI for one on a token\n"
"  -k, --sslkey FILE       its private key (default: in the -c file)\n"
"      --key-password-fd N read the key's passphrase or PIN from fd N\n"
"                          (else asked on the terminal when needed)\n"
"      --csd-wrapper SCRIPT  make HIP reports with SCRIPT (OpenConnect's\n"
"                          interface) instead of the built-in generator\n"
"  -v, --verbose           more logs (twice: trace)\n"
"  -q, --quiet             errors only\n"
"      --syslog            log to syslog (facility user) instead of stderr\n"
"      --timestamp         ISO 8601 UTC times on log lines\n"
"      --version, -h, --help\n"
"Exit status: 0 done, 1 error, 2 cookie rejected, 3 SAML login needed\n"
"(the SAML URL and the command to come back with its cookie are "
"printed).\n");
	exit(status);
}

struct gp_auth_args {
	struct flow_opts	 flow;
	const char		*tunnel;
	const char		*tunnel_socket;
	int			 tunnel_fd;	/* connected, or -1 */
	struct clientcert_opts	 cc;
	const char		*csd_wrapper;
	int			 hip_fd;	/* the HIP runner, or -1 */
	int			 verbosity;
	bool			 syslog;		/* --syslog */
	bool			 timestamp;	/* --timestamp */
	char			 pin[PIN_B64_LEN + 1];
	const char		*proxy_url;	/* --proxy */
	bool			 proxy_env;	/* --proxy-from-env */
	struct proxy_conf	 proxy;
};

/* --key-password-fd: an open descriptor other than 0-2. */
static int
gp_auth_fd(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < 3 || n > INT_MAX)
		fatalx("--key-password-fd: `%s` is not a descriptor above 2",
		    s);
	if (fcntl((int)n, F_GETFD) == -1)
		fatalx("--key-password-fd: descriptor %ld is not open", n);
	return (int)n;
}

/* Who logs in, and how the servers are checked; false if c is not one
 * of these options. */
static bool
gp_auth_opt_login(struct gp_auth_args *a, int c)
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
		if (a->flow.pin_b64 != NULL)
			fatalx("--servercert: given twice; gp-auth takes one "
			    "pin");
		/* A refused pin is "", which no key matches: the login
		 * stops at the handshake and shows the server's pin. */
		if (pin_parse(optarg, a->pin, sizeof(a->pin), &e) == -1)
			log_err("%s; refused, connecting only to show the "
			    "server's pin", e.msg);
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
	default:
		return false;
	}
	return true;
}

/* The portal, SAML and identity options; false if c is not one. */
static bool
gp_auth_opt_portal(struct gp_auth_args *a, int c)
{
	struct gp_err e;

	switch (c) {
	case OPT_AUTHGROUP:
		a->flow.authgroup = optarg;
		break;
	case OPT_NO_GATEWAY_PROBE:
		a->flow.no_gateway_probe = true;
		break;
	case 'g':
		a->flow.usergroup = optarg;
		break;
	case OPT_USERAGENT:
		a->flow.useragent = optarg;
		break;
	case OPT_CLIENT_VERSION:
		a->flow.client_version = optarg;
		break;
	case OPT_DISABLE_IPV6:
		a->flow.disable_ipv6 = true;
		break;
	case OPT_COOKIE_STDIN:
		a->flow.cookie_on_stdin = true;
		break;
	case OPT_RESOLVE:
		if (resolveopt_check(optarg, &e) == -1)
			fatalx("%s", e.msg);
		a->flow.resolve = optarg;
		break;
	case OPT_PROTOCOL:	/* OpenConnect's, as gp-saml-gui passes it */
		if (strcmp(optarg, "gp") != 0)
			fatalx("--protocol: only gp is spoken here");
		break;
	default:
		return false;
	}
	return true;
}

/* Where the frames go, the way out (proxy) and what the client shows
 * of itself (certificate, HIP wrapper); false if c is not one. */
static bool
gp_auth_opt_path(struct gp_auth_args *a, int c)
{
	switch (c) {
	case OPT_TUNNEL:
		a->tunnel = optarg;
		break;
	case OPT_TUNNEL_SOCKET:
		a->tunnel_socket = optarg;
		break;
	case OPT_PROXY:
		a->proxy_url = optarg;
		break;
	case OPT_PROXY_FROM_ENV:
		a->proxy_env = true;
		break;
	case 'c':
		a->cc.cert = optarg;
		break;
	case 'k':
		a->cc.key = optarg;
		break;
	case OPT_KEY_PASSWORD_FD:
		a->cc.pass_fd = gp_auth_fd(optarg);
		break;
	case OPT_CSD_WRAPPER:
		a->csd_wrapper = optarg;
		break;
	default:
		return false;
	}
	return true;
}

/* Verbosity, --version and --help; false if c is not one. */
static bool
gp_auth_opt_meta(struct gp_auth_args *a, int c)
{
	switch (c) {
	case 'v':
		a->verbosity = a->verbosity < 0 ? 1 : a->verbosity + 1;
		break;
	case 'q':
		a->verbosity = -1;
		break;
	case OPT_SYSLOG:
		a->syslog = true;
		break;
	case OPT_TIMESTAMP:
		a->timestamp = true;
		break;
	case OPT_VERSION:
		printf("gp-auth (gpvpn) %s\n", GPVPN_VERSION);
		exit(0);
	case 'h':
		usage(0);
	default:
		return false;
	}
	return true;
}

/* One option, by its group; getopt_long's errors are one line each
 * (opterr.c), not the whole usage. */
static void
gp_auth_option(struct gp_auth_args *a, int c, char **argv)
{
	if (c == '?' || c == ':')
		opterr_exit("gp-auth", c, argv, gp_auth_opts);
	if (!gp_auth_opt_login(a, c) && !gp_auth_opt_portal(a, c) &&
	    !gp_auth_opt_path(a, c) && !gp_auth_opt_meta(a, c))
		fatalx("option %d is not handled", c);
}

/* The one operand, the server. */
static const char *
gp_auth_server(int argc, char **argv)
{
	char q1[ERR_QUOTE_MAX], q2[ERR_QUOTE_MAX];

	if (optind == argc)
		opterr_operand("gp-auth", "no server given: gp-auth [options] "
		    "[https://]HOST[:PORT][/gateway]");
	if (optind < argc - 1)
		opterr_operand("gp-auth", "one server only, not `%s` and "
		    "`%s`", err_quote(q1, argv[optind], strlen(argv[optind])),
		    err_quote(q2, argv[optind + 1],
		    strlen(argv[optind + 1])));
	return argv[optind];
}

/*
 * --proxy, or the environment with --proxy-from-env only: a VPN client
 * that silently follows https_proxy surprises people (http.c makes
 * libcurl ignore the environment in every case).
 */
static void
gp_auth_proxy(struct gp_auth_args *a)
{
	struct gp_err e;

	if (a->proxy_url != NULL && a->proxy_env)
		fatalx("--proxy and --proxy-from-env exclude each other");
	if (a->proxy_url != NULL &&
	    proxyconf_parse(a->proxy_url, &a->proxy, &e) == -1)
		fatalx("--proxy: %s", e.msg);
	if (a->proxy_env && proxyconf_from_env(&a->proxy, &e) == -1)
		fatalx("--proxy-from-env: %s", e.msg);
	if (a->proxy_env && a->proxy.scheme == PROXYCONF_NONE)
		log_info("--proxy-from-env: neither https_proxy nor "
		    "all_proxy is set: no proxy");
	if (a->proxy.scheme != PROXYCONF_NONE)
		a->flow.proxy = &a->proxy;
}

static void
gp_auth_args(struct gp_auth_args *a, int argc, char **argv)
{
	int c;

	memset(a, 0, sizeof(*a));
	a->cc.pass_fd = -1;
	a->hip_fd = -1;
	a->tunnel_fd = -1;
	(void)flow_os("linux", &a->flow.clientos, &a->flow.os_version);
	opterr = 0;	/* opterr.c says it, under our name */
	while ((c = getopt_long(argc, argv, ":u:c:k:g:vqh", gp_auth_opts,
	    NULL)) != -1)
		gp_auth_option(a, c, argv);
	a->flow.url = gp_auth_server(argc, argv);
	log_init("gp-auth", a->verbosity);
	if (a->syslog)
		log_set_syslog(LOG_USER);
	log_set_timestamp(a->timestamp);
	if (a->cc.cert == NULL && (a->cc.key != NULL || a->cc.pass_fd != -1))
		fatalx("--sslkey and --key-password-fd need --certificate");
	if (a->flow.cookie_on_stdin && (a->flow.passwd_on_stdin ||
	    a->flow.authenticate))
		fatalx("--cookie-on-stdin goes with neither --passwd-on-stdin "
		    "nor --authenticate");
	if (a->flow.authenticate && a->tunnel != NULL)
		fatalx("--authenticate and --tunnel exclude each other");
	if (a->tunnel_socket != NULL && (a->tunnel != NULL ||
	    a->flow.authenticate))
		fatalx("--tunnel-socket goes with neither --tunnel nor "
		    "--authenticate");
	/* The frame stream is binary: never onto a terminal. */
	if (!a->flow.authenticate && a->tunnel == NULL &&
	    a->tunnel_socket == NULL && isatty(STDOUT_FILENO))
		fatalx("stdout is a terminal: pipe gp-auth into gp-tunnel, "
		    "or use --tunnel, --tunnel-socket or --authenticate");
	if (a->flow.pin_b64 != NULL && a->pin[0] != '\0')
		log_warnx("--servercert: the server is trusted by its key pin "
		    "alone; CA and host name are not checked");
	gp_auth_proxy(a);
}

/* A smart card's PKCS#11 module keeps a socket to pcscd open for each
 * signature: the sandbox must not close it (pkcs11_fds()). */
static int
gp_auth_token_fds(int *fds, int room)
{
	struct gp_err e;
	int i, n;

	if ((n = clientcert_keep_fds(fds, (size_t)room, &e)) == -1)
		fatalx("%s", e.msg);
	for (i = 0; i < n; i++)
		log_debug("sandbox: keeps descriptor %d, which the PKCS#11 "
		    "module opened", fds[i]);
	return n;
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
	int n = 3;

	if (a->tunnel != NULL) {
		log_debug("--tunnel: gp-auth runs without its seccomp filter");
		return;
	}
	if (a->hip_fd != -1)
		p.keep_fds[n++] = a->hip_fd;
	n += gp_auth_token_fds(&p.keep_fds[n], SANDBOX_KEEP_MAX - 2 - n);
	/* The filter refuses read-write opens: the terminal first. */
	if ((p.keep_fds[n] = creds_preopen()) != -1)
		n++;
	p.keep_fds[n] = -1;
	sandbox_enter(&p);
}

/*
 * --tunnel-socket: connected once the filter is in place (it allows
 * AF_UNIX sockets), and before the login, so that a service that refuses
 * us is known before any password is typed. Nothing is executed, so
 * unlike --tunnel the filter stays.
 */
static void
gp_auth_tunnel_socket(struct gp_auth_args *a)
{
	struct gp_err e;

	if (a->tunnel_socket == NULL)
		return;
	if ((a->tunnel_fd = tunnel_sock_connect(a->tunnel_socket, &e)) == -1)
		fatalx("%s", e.msg);
	log_info("gp-tunnel's service at %s accepted us", a->tunnel_socket);
}

/*
 * --csd-wrapper: the runner is forked first, before the sandbox (whose
 * filter kills execve) and before the key or any password is in memory.
 */
static void
gp_auth_hip_runner(struct gp_auth_args *a)
{
	struct gp_err e;

	if (a->csd_wrapper == NULL)
		return;
	if ((a->hip_fd = hiprun_start(a->csd_wrapper, &e)) == -1)
		fatalx("%s", e.msg);
}

/*
 * Decoded before the sandbox (it closes --key-password-fd) and before
 * any connection, so a wrong passphrase sends nothing. Only gp-auth's
 * connections present it: gp-tunnel never gets the key (gp-auth.1).
 */
static void
gp_auth_clientcert(const struct gp_auth_args *a)
{
	struct gp_err e;

	if (a->cc.cert == NULL)
		return;
	if (certcheck_key(&a->cc, &e) == -1 ||	/* -c with no key: say -k */
	    clientcert_load(&a->cc, &e) == -1)
		fatalx("%s", e.msg);
	log_info("client certificate loaded from %s", a->cc.cert);
	log_debug("the certificate is presented on gp-auth's connections "
	    "only: gp-tunnel's HTTPS tunnel goes without it");
}

/*
 * The system CAs and --cafile, parsed once for the whole run and before
 * the sandbox: every TLS connection shares the store (castore.c), and no
 * CA file is opened after start-up.
 */
static void
gp_auth_castore(const struct gp_auth_args *a)
{
	struct gp_err e;

	if (castore_load(a->flow.cafile, &e) == -1)
		fatalx("%s", e.msg);
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
	gp_auth_hip_runner(&a);
	gp_auth_clientcert(&a);
	gp_auth_castore(&a);
	gp_auth_sandbox(&a);
	gp_auth_tunnel_socket(&a);
	a.flow.logged_in = policy_auth_session_enter;	/* filter stage 2 */
	if ((f = flow_new(&a.flow)) == NULL)
		return FLOW_EXIT_ERR;
	rc = flow_run(f);
	if (rc == FLOW_EXIT_OK && a.flow.authenticate) {
		if (flow_print_authenticate(f, STDOUT_FILENO) == -1) {
			log_err("cannot write the --authenticate lines");
			rc = FLOW_EXIT_ERR;
		}
	} else if (rc == FLOW_EXIT_OK)
		rc = stay_run(f, a.tunnel, a.tunnel_fd);
	flow_free(f);
	clientcert_free();
	castore_free();
	curl_global_cleanup();
	return rc;
}
