/* SPDX-License-Identifier: ISC */
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
 * once hiprun_start() was called) and POST it; 0 when accepted.
 */
int	hip_send(struct http *h, const struct hip_ctx *c, struct gp_err *e);

#endif
