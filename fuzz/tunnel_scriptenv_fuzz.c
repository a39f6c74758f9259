/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the vpnc-script environment builder of gp-tunnel
 * [priv] (tunnel/script.c). The input is a CONFIG frame body, as a
 * hostile gateway shapes it through gp-auth: whatever the frame decoder
 * accepts, every variable built from it must be NAME=value with a value
 * in the script's character set, both with and without IPv6.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/config.h"
#include "ipc/frame.h"
#include "tunnel/script.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_env(const struct script_env *env)
{
	const char *eq;
	size_t i;

	if (env->n > SCRIPT_ENV_MAX || env->vars[env->n] != NULL)
		abort();
	for (i = 0; i < env->n; i++) {
		if ((eq = strchr(env->vars[i], '=')) == NULL ||
		    eq == env->vars[i] || !script_value_ok(eq + 1))
			abort();
	}
}

static void
build(const struct gp_config *c, bool ipv6)
{
	struct script_env env;
	struct gp_err e = { "" };
	int r;

	memset(&env, 0, sizeof(env));
	r = ipv6 ? script_env_build(&env, "connect", c, "gptun0", 1400, &e) :
	    script_env_build_ipv4(&env, "connect", c, "gptun0", 1400, &e);
	if (r == -1) {
		if (e.msg[0] == '\0')
			abort();
		return;
	}
	check_env(&env);
	script_env_free(&env);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gp_config *c;
	struct frame_hdr h;
	struct gp_err e;
	struct buf in;

	if (c == NULL && (c = config_new()) == NULL)
		abort();
	buf_view(&in, data, size);
	/* A whole frame (the seeds) or a body alone. */
	if (frame_decode_hdr(&in, &h, &e) == -1)
		buf_view(&in, data, size);
	if (frame_decode_config(&in, c, &e) == -1)
		return 0;
	build(c, true);
	build(c, false);
	return 0;
}
