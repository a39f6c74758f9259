/*
 * gp-auth's HIP report submission (PROTOCOL.md §11.1 step 2): the report
 * from the built-in generator or a --csd-wrapper script, POSTed to
 * hipreport.esp. The body carries the cookie (secret); the reply is
 * untrusted.
 */
#ifndef GPVPN_AUTH_HIP_H
#define GPVPN_AUTH_HIP_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/hipgen.h"
#include "auth/http.h"
#include "auth/cookie.h"

/* One report percent-encoded (3 bytes each at worst), plus the rest. */
#define HIP_BODY_MAX	(3 * HIPGEN_REPORT_MAX + COOKIE_STR_MAX + 256)

struct hip_post {
	const char	*cookie_str;	/* secret */
	const char	*ip4;		/* "" if none */
	const char	*ip6;
	const char	*report;	/* the XML */
};

/* POST hipreport.esp; 0 when the gateway accepted it. */
int	hip_post_report(struct http *h, const struct hip_post *p,
	    struct gp_err *e);

/* What a report is made from (PROTOCOL.md §11.3, §11.4). */
struct hip_ctx {
	const struct gp_cookie	*cookie;	/* secret */
	const char		*cookie_str;	/* secret */
	const struct gp_config	*cfg;
	const char		*md5;
	const char		*client_os;	/* "Linux" */
	const char		*app_version;
};

/*
 * Make a report with the built-in generator (or the --csd-wrapper runner
 * once hip_runner_start() was called) and POST it; 0 when accepted.
 */
int	hip_send(struct http *h, const struct hip_ctx *c, struct gp_err *e);

/*
 * --csd-wrapper (PROTOCOL.md §11.3): the script runs from a child forked
 * by hip_runner_start() before the sandbox, since gp-auth's filter kills
 * execve. Only these non-secret values cross: the cookie string without
 * authcookie (and without preferred-ip), the tunnel addresses, the md5,
 * the OS name and APP_VERSION.
 */
#define HIP_SCRIPT_TIMEOUT_MS	30000
#define HIP_RUN_REQ_MAX		(COOKIE_STR_MAX + 256)

struct hip_run_req {
	const char	*cookie;	/* cookie_format_hip() */
	const char	*ip4, *ip6;	/* "" if none */
	const char	*md5;
	const char	*client_os;
	const char	*app_version;
};

/* The runner's socket (to keep across the sandbox), or -1 with e set. */
int	hip_runner_start(const char *script, struct gp_err *e);
bool	hip_runner_active(void);
/* Run the script once; its stdout, NUL-terminated, into out. */
int	hip_runner_run(const struct hip_run_req *q, char *out, size_t outsz,
	    struct gp_err *e);

#endif
