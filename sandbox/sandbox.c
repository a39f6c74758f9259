/* SPDX-License-Identifier: ISC */
/*
 * sandbox_enter() for every gpvpn process that sandboxes itself: close
 * descriptors, change user, drop capabilities, NO_NEW_PRIVS, rlimits, the
 * seccomp filter, then check that all of it holds. Runs at set-up, before
 * any untrusted byte is read; its inputs are the trusted policy tables.
 */
#define _GNU_SOURCE	/* getresuid, getresgid */

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>
#ifdef GPVPN_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

#include "ipc/fdio.h"
#include "ipc/log.h"
#include "sandbox/sandbox.h"
#include "sandbox/sandbox_prep.h"

/* PR_GET_SECCOMP's answer once a filter is loaded: 2, filter mode; a
 * valgrind test build loads none (sandbox_load), so 0. */
#ifdef GPVPN_VALGRIND
#define SANDBOX_SECCOMP_MODE	0
#else
#define SANDBOX_SECCOMP_MODE	2
#endif

/* The filter being built for a sanitizer build (see the exempt). */
static const struct sandbox_filter *sandbox_building_san;
/* sandbox_enter() has loaded a filter: sandbox_tighten() may stack. */
static bool sandbox_entered;

struct sandbox_ids {
	uid_t	uid;
	gid_t	gid;
};

int
sandbox_rule_add(scmp_filter_ctx ctx, uint32_t action, int nr,
    unsigned argc, const struct scmp_arg_cmp *args, struct gp_err *e)
{
	char *name;
	int r;

	if (sandbox_building_san != NULL && action != SCMP_ACT_ALLOW &&
	    policy_sanitizer_exempt(sandbox_building_san, nr))
		return 0;
	r = seccomp_rule_add_array(ctx, action, nr, argc, args);
	if (r == 0)
		return 0;
	name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	err_set(e, "seccomp rule for %s (%d), %u argument checks: %s",
	    name != NULL ? name : "?", nr, argc, strerror(-r));
	free(name);
	return -1;
}

int
sandbox_rule_list(scmp_filter_ctx ctx, uint32_t action, const int *nrs,
    size_t n, struct gp_err *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sandbox_rule_add(ctx, action, nrs[i], 0, NULL, e) == -1)
			return -1;
	return 0;
}

scmp_filter_ctx
sandbox_filter_new(const struct sandbox_filter *f, bool sanitizer,
    struct gp_err *e)
{
	scmp_filter_ctx ctx;
	int r;

	if ((ctx = seccomp_init(f->default_action)) == NULL) {
		err_set(e, "seccomp_init(%s) failed", f->role);
		return NULL;
	}
	/* Other ABIs (i386, x32) are killed; NO_NEW_PRIVS is set by us. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_KILL_PROCESS)) != 0 ||
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) != 0) {
		err_set(e, "seccomp attributes: %s", strerror(-r));
		goto fail;
	}
	sandbox_building_san = sanitizer ? f : NULL;
	r = f->add_rules(ctx, e);
	/* A default-allow filter has nothing to add for the sanitizer. */
	if (r == 0 && sanitizer && f->default_action != SCMP_ACT_ALLOW)
		r = policy_sanitizer_rules(ctx, e);
	sandbox_building_san = NULL;
	if (r == 0)
		return ctx;
fail:
	seccomp_release(ctx);
	return NULL;
}

/* Every descriptor that the keep-list does not name is closed. */
static void
sandbox_close_fds(const struct sandbox_policy *p)
{
	size_t n;

	for (n = 0; n < SANDBOX_KEEP_MAX && p->keep_fds[n] != -1; n++)
		if (p->keep_fds[n] < 0)
			fatalx("sandbox: bad descriptor %d in the keep-list",
			    p->keep_fds[n]);
	if (fdio_close_from(0, p->keep_fds, n) == -1)
		fatal("sandbox: closing the descriptors not kept");
}

static bool
sandbox_cap_kept(const struct sandbox_policy *p, int cap)
{
	const int *c;

	for (c = p->keep_caps; c != NULL && *c != -1; c++)
		if (*c == cap)
			return true;
	return false;
}

static void
sandbox_lookup_user(const char *user, struct sandbox_ids *ids)
{
	struct passwd *pw;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (errno != 0)
			fatal("sandbox: user %s", user);
		fatalx("sandbox: no user %s", user);
	}
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		fatalx("sandbox: user %s has uid or gid 0", user);
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	endpwent();
}

/* libcap-ng: everything cleared but keep_caps, then the user change. */
static void
sandbox_drop(const struct sandbox_policy *p, const struct sandbox_ids *ids)
{
	capng_select_t sel = CAPNG_SELECT_CAPS;
	const int *c;
	int r;

	if (capng_get_caps_process() != 0)
		fatalx("sandbox: cannot read the capabilities");
	/* Only a holder of CAP_SETPCAP can shrink the bounding set. */
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP))
		sel = CAPNG_SELECT_BOTH;
	capng_clear(CAPNG_SELECT_BOTH);
	for (c = p->keep_caps; c != NULL && *c != -1; c++)
		if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED |
		    CAPNG_BOUNDING_SET, (unsigned)*c) != 0)
			fatalx("sandbox: cannot keep capability %d", *c);
	if (p->user == NULL) {
		if (capng_apply(sel) != 0)
			fatalx("sandbox %s: cannot drop capabilities",
			    p->filter->role);
		return;
	}
	r = capng_change_id((int)ids->uid, (int)ids->gid,
	    CAPNG_DROP_SUPP_GRP | (p->keep_caps == NULL ?
	    CAPNG_CLEAR_BOUNDING : CAPNG_NO_FLAG));
	if (r != 0)
		fatalx("sandbox %s: cannot become %s (libcap-ng %d)",
		    p->filter->role, p->user, r);
}

static void
sandbox_rlimit(int what, const char *name, rlim_t v)
{
	struct rlimit rl = { v, v };

#ifdef GPVPN_VALGRIND
	/* valgrind refuses another hard RLIMIT_NOFILE (it keeps descriptors
	 * of its own above it): a valgrind test build lowers the soft one. */
	if (what == RLIMIT_NOFILE && getrlimit(what, &rl) == 0)
		rl.rlim_cur = v;
#endif
	if (setrlimit(what, &rl) == -1)
		fatal("sandbox: setrlimit(%s, %lu)", name, (unsigned long)v);
}

/* RLIMIT_FSIZE 0 kills the first write to a regular file: a log file on
 * stderr would take the process down later, so refuse it now. */
static void
sandbox_check_fsize(const struct sandbox_policy *p)
{
	struct stat st;
	size_t i;
	int fl;

	for (i = 0; i < SANDBOX_KEEP_MAX && p->keep_fds[i] != -1; i++) {
		if (fstat(p->keep_fds[i], &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		fl = fcntl(p->keep_fds[i], F_GETFL);
		if (fl != -1 && (fl & O_ACCMODE) != O_RDONLY)
			fatalx("sandbox %s: descriptor %d is a file open for "
			    "writing, which RLIMIT_FSIZE 0 forbids: log "
			    "through a pipe", p->filter->role,
			    p->keep_fds[i]);
	}
}

static void
sandbox_rlimits(const struct sandbox_policy *p)
{
	sandbox_rlimit(RLIMIT_CORE, "RLIMIT_CORE", 0);
	if ((p->rlimits & SANDBOX_RL_NPROC0) != 0)
		sandbox_rlimit(RLIMIT_NPROC, "RLIMIT_NPROC", 0);
	if ((p->rlimits & SANDBOX_RL_FSIZE0) != 0)
		sandbox_rlimit(RLIMIT_FSIZE, "RLIMIT_FSIZE", 0);
	if ((p->rlimits & SANDBOX_RL_NOFILE) != 0)
		sandbox_rlimit(RLIMIT_NOFILE, "RLIMIT_NOFILE", p->nofile);
}

/* Before the filter: the ids, the groups and the capability sets. */
static void
sandbox_verify_ids(const struct sandbox_policy *p,
    const struct sandbox_ids *ids, bool bounding)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int c;

	if (p->user != NULL) {
		if (getresuid(&r, &e, &s) == -1 ||
		    getresgid(&rg, &eg, &sg) == -1)
			fatal("sandbox: getresuid");
		if (r != ids->uid || e != ids->uid || s != ids->uid ||
		    rg != ids->gid || eg != ids->gid || sg != ids->gid)
			fatalx("sandbox: the user change did not hold");
		if (getgroups(0, NULL) != 0)
			fatalx("sandbox: supplementary groups remain");
		if (setuid(0) != -1)
			fatalx("sandbox: setuid(0) still works");
	}
	if (capng_get_caps_process() != 0)
		fatalx("sandbox: cannot read the capabilities");
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		bool want = sandbox_cap_kept(p, c);

		if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)c) !=
		    want || capng_have_capability(CAPNG_PERMITTED,
		    (unsigned)c) != want || (bounding &&
		    capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)c) !=
		    want))
			fatalx("sandbox: capability %d is %s", c,
			    want ? "missing" : "still held");
	}
}

/* Build and load f; with tsync, in every thread of the process. */
static void
sandbox_load(const struct sandbox_filter *f, bool tsync)
{
	struct gp_err e = { "" };
	scmp_filter_ctx ctx;
	bool san = false;
	int r;

#ifdef GPVPN_SANITIZER
	san = true;
#endif
#ifdef GPVPN_VALGRIND
	/* make VG=1 (tests/soak/valgrind.sh): valgrind has no seccomp(2),
	 * and its own calls would meet the filter. A build-time switch only,
	 * in its own build directory, which `make install` refuses. */
	log_warnx("sandbox %s: NO SECCOMP FILTER: a valgrind test build "
	    "(make VG=1), never to be installed", f->role);
	return;
#endif
	if (!tsync && sandbox_prep_load(f))	/* compiled before the fork */
		return;
	if ((ctx = sandbox_filter_new(f, san, &e)) == NULL)
		fatalx("sandbox %s: %s", f->role, e.msg);
	r = tsync ? seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) : 0;
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r != 0)
		fatalx("sandbox %s: seccomp_load: %s", f->role, strerror(-r));
}

/* The user change clears the parent-death signal: set it after, and
 * make sure the parent did not already go. */
static void
sandbox_pdeath(const struct sandbox_policy *p, pid_t ppid)
{
	if (p->pdeath_signal == 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, (unsigned long)p->pdeath_signal, 0, 0,
	    0) == -1)
		fatal("sandbox: PR_SET_PDEATHSIG");
	if (getppid() != ppid)
		fatalx("sandbox: the parent process is gone");
}

void
sandbox_enter(const struct sandbox_policy *p)
{
	struct sandbox_ids ids = { 0, 0 };
	pid_t ppid = getppid();
	bool bounding;
	long uid;

#ifdef GPVPN_SANITIZER
	/* LeakSanitizer's exit-time check clones and ptraces, which an
	 * allowlist kills: check now instead, which turns that one off. */
	if (p->filter->default_action != SCMP_ACT_ALLOW)
		__lsan_do_leak_check();
#endif
	/* Acquire: the user's ids come from NSS, before any fd closes. */
	if (p->user != NULL &&
	    !sandbox_prep_ids(p->user, &ids.uid, &ids.gid))
		sandbox_lookup_user(p->user, &ids);
	sandbox_close_fds(p);
	if ((p->rlimits & SANDBOX_RL_FSIZE0) != 0)
		sandbox_check_fsize(p);
	if (capng_get_caps_process() != 0)
		fatalx("sandbox: cannot read the capabilities");
	bounding = p->user != NULL ||
	    capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	sandbox_drop(p, &ids);
	sandbox_pdeath(p, ppid);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("sandbox: PR_SET_NO_NEW_PRIVS");
	sandbox_rlimits(p);
	sandbox_verify_ids(p, &ids, bounding);
	uid = (long)getuid();
	sandbox_load(p->filter, false);
	sandbox_entered = true;
	/* After the filter, with the two prctl() reads it allows. */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		fatalx("sandbox: NO_NEW_PRIVS is not set");
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SANDBOX_SECCOMP_MODE)
		fatalx("sandbox: not in seccomp filter mode");
	log_debug("sandbox %s: entered as uid %ld, %s", p->filter->role,
	    uid, p->keep_caps == NULL ? "no capabilities" :
	    "capabilities kept");
}

void
sandbox_tighten(const struct sandbox_filter *f)
{
	if (!sandbox_entered) {
		log_debug("sandbox %s: no sandbox to tighten", f->role);
		return;
	}
	/* Threads (a resolver of libcurl's) may run: TSYNC covers them. */
	sandbox_load(f, true);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != SANDBOX_SECCOMP_MODE)
		fatalx("sandbox %s: not in seccomp filter mode", f->role);
	log_debug("sandbox %s: stacked", f->role);
}
