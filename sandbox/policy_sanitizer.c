/* SPDX-License-Identifier: ISC */
/*
 * The calls that the ASan/UBSan runtime makes on its own inside a
 * sandbox, for builds with GPVPN_SANITIZER (make asan): a separate list
 * so that the reviewed policies stay what production runs. Trusted
 * tables; any change shows in tests/data/sandbox/sanitizer.pfc.
 */
#include "sandbox/sandbox.h"

#define SAN_NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Allowed in addition to an allowlist policy; measured with strace on
 * the death test's allowed-calls child under make asan. */
static const int san_calls[] = {
	SCMP_SYS(sigaltstack),	/* ASan re-installs its signal stack */
};

/*
 * Not denied by the denylists (gp-auth, [priv]): LeakSanitizer stops the
 * process with ptrace() to look for leaks at exit. Allowlist policies
 * ([net]) never allow it: sandbox_enter() runs that check before their
 * filter instead.
 */
static const int san_exempt[] = {
	SCMP_SYS(ptrace),
};

/* Nor by gp-auth's session stage, which kills new processes: the tracer
 * of that exit-time check is a clone() without CLONE_THREAD. */
static const int san_exempt_session[] = {
	SCMP_SYS(clone),
};

int
policy_sanitizer_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	return sandbox_rule_list(ctx, SCMP_ACT_ALLOW, san_calls,
	    SAN_NELEM(san_calls), e);
}

bool
policy_sanitizer_exempt(const struct sandbox_filter *f, int nr)
{
	size_t i;

	for (i = 0; i < SAN_NELEM(san_exempt); i++)
		if (san_exempt[i] == nr)
			return true;
	if (f != &sandbox_filter_auth_session)
		return false;
	for (i = 0; i < SAN_NELEM(san_exempt_session); i++)
		if (san_exempt_session[i] == nr)
			return true;
	return false;
}
