/* SPDX-License-Identifier: ISC */
/*
 * The seccomp policy of gp-tunnel [priv], which stays root with only the
 * capabilities it needs (CAP_NET_ADMIN) to create tun and run
 * vpnc-script. A reviewed table; changes show in tests/data/sandbox/
 * priv.pfc. Trusted input only: the policy is compiled in.
 *
 * A denylist for the same reason as gp-auth's, and more so: the filter is
 * inherited by vpnc-script and every program it and its hooks run (ip,
 * resolvconf, resolvectl, sed...), which no allowlist can know. So exec
 * stays, and so do executable mappings (programs with text relocations
 * or an executable stack need them); what goes is the rest of gp-auth's
 * list: ptrace, namespaces and mounts, bpf, keys, io_uring, modules,
 * odd socket families, TIOCSTI.
 */
#include "sandbox/sandbox.h"

int
policy_priv_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	return policy_auth_common_rules(ctx, e);
}

const struct sandbox_filter sandbox_filter_priv = {
	"priv", SCMP_ACT_ALLOW, policy_priv_rules
};
