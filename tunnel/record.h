/* SPDX-License-Identifier: ISC */
/*
 * The session record (SECURITY.md "Session records"): what [priv] gave
 * the connect script, written before it runs, so that a gp-tunnel killed
 * with SIGKILL can be cleaned up after (cleanup.c). This is its text:
 * built from our own script environment, and parsed back as untrusted
 * input, bounded, every value checked as script.c checks its own.
 */
#ifndef GPVPN_TUNNEL_RECORD_H
#define GPVPN_TUNNEL_RECORD_H

#include <limits.h>
#include <net/if.h>
#include <stddef.h>

#include "ipc/err.h"
#include "tunnel/script.h"

#define RECORD_MAX_BYTES	65536
#define RECORD_MAGIC		"gpvpn-record 1"

struct record {
	char			script[PATH_MAX];	/* or a command line */
	char			ifname[IFNAMSIZ];	/* its TUNDEV */
	struct script_env	env;	/* reason=disconnect, TUNDEV... */
};

/*
 * The text for script and env (which must say reason=disconnect) into
 * out: the length, or -1 with e (a script with a byte outside printable
 * ASCII, or too long).
 */
int	record_format(char *out, size_t outsz, const char *script,
	    const struct script_env *env, struct gp_err *e);
/*
 * Parse len bytes of text into r: the magic line, one `script' line,
 * `env NAME=VALUE' lines (at most SCRIPT_ENV_MAX), `end'. VALUE is of
 * the characters script.c allows; reason must be disconnect and TUNDEV a
 * valid interface name. 0, or -1 with e naming the line; r then holds
 * nothing to free. Pure.
 */
int	record_parse(const char *text, size_t len, struct record *r,
	    struct gp_err *e);
void	record_free(struct record *r);

#endif
