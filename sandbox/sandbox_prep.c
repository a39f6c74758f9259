/* SPDX-License-Identifier: ISC */
/*
 * The sandbox prepared before a fork (see sandbox_prep.h). Runs in
 * gp-tunnel's parent while it waits for the first CONFIG, and in [net]
 * at sandbox_enter(). Its inputs are the compiled-in policy tables and
 * the password database, as sandbox_enter()'s own lookup.
 */
#define _GNU_SOURCE	/* memfd_create */

#include <sys/mman.h>
#include <sys/prctl.h>

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/log.h"
#include "sandbox/sandbox_prep.h"

#define SANDBOX_PREP_USER_MAX	256
#define SANDBOX_PREP_BPF_MAX	(64 * 1024)	/* BPF_MAXINSNS * 8 */

static struct {
	const struct sandbox_filter	*filter;
	struct sock_fprog		 prog;
	bool				 have_user;
	char				 user[SANDBOX_PREP_USER_MAX];
	uid_t				 uid;
	gid_t				 gid;
} prep;

static int
sandbox_prep_user(const char *user, struct gp_err *e)
{
	struct passwd *pw;

	prep.have_user = false;
	if (user == NULL)
		return 0;
	if (strlen(user) >= sizeof(prep.user))
		return err_set(e, "sandbox: user name too long");
	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return err_set(e, "sandbox: %s user `%s`", errno != 0 ?
		    strerror(errno) : "no", user);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return err_set(e, "sandbox: user `%s` has uid or gid 0", user);
	memcpy(prep.user, user, strlen(user) + 1);
	prep.uid = pw->pw_uid;
	prep.gid = pw->pw_gid;
	prep.have_user = true;
	endpwent();
	return 0;
}

/* libseccomp 2.5 exports to a descriptor only: a memfd, read back. */
static int
sandbox_prep_bpf(scmp_filter_ctx ctx, struct gp_err *e)
{
	off_t n;
	int fd, r;

	if ((fd = memfd_create("gpvpn-bpf", MFD_CLOEXEC)) == -1)
		return err_set(e, "sandbox: memfd_create: %s",
		    strerror(errno));
	if ((r = seccomp_export_bpf(ctx, fd)) != 0) {
		close(fd);
		return err_set(e, "sandbox: seccomp_export_bpf: %s",
		    strerror(-r));
	}
	n = lseek(fd, 0, SEEK_CUR);
	if (n <= 0 || n > SANDBOX_PREP_BPF_MAX ||
	    n % (off_t)sizeof(struct sock_filter) != 0 ||
	    (prep.prog.filter = malloc((size_t)n)) == NULL ||
	    pread(fd, prep.prog.filter, (size_t)n, 0) != n) {
		close(fd);
		return err_set(e, "sandbox: exported BPF unreadable");
	}
	close(fd);
	prep.prog.len = (unsigned short)(n / (off_t)sizeof(struct sock_filter));
	return 0;
}

int
sandbox_prep(const struct sandbox_filter *f, const char *user,
    struct gp_err *e)
{
	scmp_filter_ctx ctx;
	bool san = false;
	int r;

#ifdef GPVPN_SANITIZER
	san = true;
#endif
	free(prep.prog.filter);
	memset(&prep.prog, 0, sizeof(prep.prog));
	prep.filter = NULL;
	if (sandbox_prep_user(user, e) == -1)
		return -1;
#ifdef GPVPN_VALGRIND
	/* make VG=1: no filter is loaded (sandbox.c says so at each start),
	 * and libseccomp cannot even probe the kernel under valgrind. */
	(void)f;
	(void)san;
	(void)ctx;
	(void)r;
	return 0;
#endif
	if ((ctx = sandbox_filter_new(f, san, e)) == NULL)
		return -1;
	r = sandbox_prep_bpf(ctx, e);
	seccomp_release(ctx);
	if (r == 0)
		prep.filter = f;
	return r;
}

bool
sandbox_prep_ids(const char *user, uid_t *uid, gid_t *gid)
{
	if (!prep.have_user || strcmp(user, prep.user) != 0)
		return false;
	*uid = prep.uid;
	*gid = prep.gid;
	return true;
}

bool
sandbox_prep_load(const struct sandbox_filter *f)
{
	if (f != prep.filter || prep.prog.filter == NULL)
		return false;
	/* As seccomp_load() with no flag attribute set. */
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prep.prog, 0, 0) == -1)
		fatal("sandbox %s: PR_SET_SECCOMP", f->role);
	return true;
}
