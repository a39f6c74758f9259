/* SPDX-License-Identifier: ISC */
/*
 * The seccomp policy of gp-auth, which runs as the user and parses what
 * hostile servers send: a denylist (default allow) of the primitives an
 * exploit would reach for next. A reviewed table; any change shows in
 * tests/data/sandbox/auth.pfc. Once the login is done, the session stage
 * (policy_auth_session.c) is stacked on top of it.
 *
 * Why a denylist and not an allowlist like [net]: gp-auth keeps making
 * new connections for the whole session (portal to gateway, rekey,
 * logout), so it keeps needing glibc's resolver and NSS, OpenSSL's
 * lazily opened CA store and configuration, and libxml2; the exact calls
 * differ between distributions and library versions, and a missed one
 * would kill a login in the field. gp-auth holds no privilege (that is
 * what the user's own account gives anyway), so what matters is that
 * code run by an exploit cannot run programs, inspect other processes,
 * reach new kernel attack surface, change files or make new code.
 */
#define _GNU_SOURCE	/* O_TMPFILE, SHM_EXEC */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/sched.h>
#include <stddef.h>

#include "sandbox/sandbox.h"

#define AUTH_KILL	SCMP_ACT_KILL_PROCESS
#define AUTH_NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/*
 * The kernel reads int arguments (socket family, ioctl request) as 32
 * bits, so a kill rule must match whatever the upper half holds: a masked
 * compare. libseccomp 2.5's SCMP_A*_32 still requires the upper half to be
 * 0, which would let `TIOCSTI | 1 << 32` through a denylist.
 */
#define AUTH_LO32	0xffffffffULL

/*
 * Running programs. Seccomp cannot tell one program from another, so the
 * HIP script (--csd-wrapper) runs from a helper forked before the filter
 * (auth/hiprun.c), not by lifting this rule.
 */
static const int auth_exec[] = {
	SCMP_SYS(execve),
	SCMP_SYS(execveat),
};

/* Shared with [priv] (policy_priv.c). */
static const int auth_killed[] = {
	/* Reading or driving other processes of the same user. */
	SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv),
	SCMP_SYS(process_vm_writev),
	SCMP_SYS(pidfd_getfd),
	SCMP_SYS(kcmp),
	/* Namespaces and mounts: the usual way to a kernel bug as a user. */
	SCMP_SYS(unshare),
	SCMP_SYS(setns),
	SCMP_SYS(mount),
	SCMP_SYS(umount2),
	SCMP_SYS(pivot_root),
	SCMP_SYS(chroot),
	SCMP_SYS(move_mount),
	SCMP_SYS(open_tree),
	SCMP_SYS(fsopen),
	SCMP_SYS(fsconfig),
	SCMP_SYS(fsmount),
	SCMP_SYS(fspick),
	SCMP_SYS(mount_setattr),
	/* Kernel attack surface gp-auth never uses; io_uring would also
	 * run operations this filter never sees. */
	SCMP_SYS(bpf),
	SCMP_SYS(keyctl),
	SCMP_SYS(add_key),
	SCMP_SYS(request_key),
	SCMP_SYS(userfaultfd),
	SCMP_SYS(perf_event_open),
	SCMP_SYS(io_uring_setup),
	SCMP_SYS(io_uring_enter),
	SCMP_SYS(io_uring_register),
	SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at),
	/* The system itself: modules, reboot, clocks, swap, accounting. */
	SCMP_SYS(init_module),
	SCMP_SYS(finit_module),
	SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load),
	SCMP_SYS(reboot),
	SCMP_SYS(swapon),
	SCMP_SYS(swapoff),
	SCMP_SYS(acct),
	SCMP_SYS(syslog),
	SCMP_SYS(quotactl),
	SCMP_SYS(settimeofday),
	SCMP_SYS(clock_settime),
	SCMP_SYS(clock_adjtime),
	SCMP_SYS(adjtimex),
	SCMP_SYS(sethostname),
	SCMP_SYS(setdomainname),
	SCMP_SYS(iopl),
	SCMP_SYS(ioperm),
	SCMP_SYS(vhangup),
	SCMP_SYS(uselib),
};

/* clone() with any namespace flag; clone3() hides its flags in memory,
 * so it fails with ENOSYS and glibc falls back to clone(). */
static const unsigned long auth_clone_ns[] = {
	CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
	CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};

/* socket() families other than unix (nscd, curl's socketpair), inet,
 * inet6 and netlink: 0, 3-9 and 11-15 here, and all above netlink. */
static const int auth_old_families[] = {
	AF_UNSPEC, AF_AX25, AF_IPX, AF_APPLETALK, AF_NETROM, AF_BRIDGE,
	AF_ATMPVC, AF_X25, AF_ROSE, AF_DECnet, AF_NETBEUI, AF_SECURITY,
	AF_KEY,
};

/* Terminal ioctls that type into or drive the user's terminal
 * (gp-auth has /dev/tty open for the password prompt). */
static const unsigned long auth_ioctls[] = {
	TIOCSTI, TIOCLINUX,
};

static int
auth_clone_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];
	size_t i;

	for (i = 0; i < AUTH_NELEM(auth_clone_ns); i++) {
		a[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, auth_clone_ns[i],
		    auth_clone_ns[i]);
		if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(clone), 1, a,
		    e) == -1)
			return -1;
	}
	return sandbox_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0, NULL, e);
}

static int
auth_socket_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[2];
	size_t i;

	for (i = 0; i < AUTH_NELEM(auth_old_families); i++) {
		a[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, AUTH_LO32,
		    (scmp_datum_t)auth_old_families[i]);
		if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(socket), 1, a,
		    e) == -1)
			return -1;
	}
	/* 64-bit compares below: any upper bit set also kills. */
	a[0] = SCMP_A0(SCMP_CMP_GT, AF_NETLINK);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(socket), 1, a, e) == -1)
		return -1;
	/* Netlink for getaddrinfo()'s address check only. */
	a[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, AUTH_LO32, AF_NETLINK);
	a[1] = SCMP_A2(SCMP_CMP_NE, NETLINK_ROUTE);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(socket), 2, a, e) == -1)
		return -1;
	a[0] = SCMP_A0(SCMP_CMP_NE, AF_UNIX);
	return sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(socketpair), 1, a,
	    e);
}

/*
 * New code (STYLE.md 7), besides mmap and mprotect (auth_memory_rules):
 * an anonymous file to write and then map, secret memory, and a shared
 * mapping moved over other pages of its file.
 */
static const int auth_newcode[] = {
	SCMP_SYS(memfd_create),
	SCMP_SYS(memfd_secret),
	SCMP_SYS(remap_file_pages),
};

/*
 * Changing files: nothing in gp-auth writes to disk after the filter, so
 * an exploit may not either (plant a script in the user's start-up files,
 * or bytes to map). Opening for writing is in auth_open_rules().
 */
static const int auth_fs_changes[] = {
	SCMP_SYS(creat),
	SCMP_SYS(rename),
	SCMP_SYS(renameat),
	SCMP_SYS(renameat2),
	SCMP_SYS(link),
	SCMP_SYS(linkat),
	SCMP_SYS(symlink),
	SCMP_SYS(symlinkat),
	SCMP_SYS(unlink),
	SCMP_SYS(unlinkat),
	SCMP_SYS(rmdir),
	SCMP_SYS(mkdir),
	SCMP_SYS(mkdirat),
	SCMP_SYS(mknod),
	SCMP_SYS(mknodat),
	SCMP_SYS(chmod),
	SCMP_SYS(fchmod),
	SCMP_SYS(fchmodat),
	SCMP_SYS(chown),
	SCMP_SYS(fchown),
	SCMP_SYS(lchown),
	SCMP_SYS(fchownat),
	SCMP_SYS(utime),
	SCMP_SYS(utimes),
	SCMP_SYS(futimesat),
	SCMP_SYS(utimensat),
	SCMP_SYS(truncate),
	SCMP_SYS(ftruncate),
	SCMP_SYS(fallocate),
	SCMP_SYS(setxattr),
	SCMP_SYS(lsetxattr),
	SCMP_SYS(fsetxattr),
	SCMP_SYS(removexattr),
	SCMP_SYS(lremovexattr),
	SCMP_SYS(fremovexattr),
};

/*
 * The same for calls newer than the kernel headers we build with
 * (Debian 12's are Linux 6.1): by name, as far as libseccomp knows
 * them; a name it does not know is skipped, and shows up in auth.pfc the
 * day it does.
 */
static const char *const auth_fs_changes_new[] = {
	"fchmodat2", "setxattrat", "removexattrat", "file_setattr",
};

/*
 * open() and openat() flags that write, create or truncate a file, or
 * make an unnamed one. O_RDWR too, which is how an exploit would write
 * into gp-auth's own code through /proc/self/mem: gp-auth opens the
 * terminal for its prompts before the filter (creds_preopen()). A bit
 * test on the low word: the kernel reads flags as int.
 */
static const unsigned long auth_open_flags[] = {
	O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_TMPFILE & ~O_DIRECTORY,
};

/* An executable mapping is refused, and so is READ_IMPLIES_EXEC. */
static int
auth_exec_map_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[2];

	/* Anonymous memory made executable: only an exploit does that. */
	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
	a[1] = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(mmap), 2, a, e) == -1)
		return -1;
	/*
	 * A file mapped executable: a library that glibc loads lazily (an
	 * NSS module other than files and dns, an iconv module for libxml2)
	 * gets EPERM, as on a noexec mount, and dlopen() fails cleanly;
	 * any other file could hold bytes an exploit wrote.
	 */
	a[1] = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0);
	if (sandbox_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mmap), 2,
	    a, e) == -1)
		return -1;
	/* SysV shared memory attached executable (and writable elsewhere). */
	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(shmat), 1, a, e) == -1)
		return -1;
	/* personality(): the query 0xffffffff only. READ_IMPLIES_EXEC would
	 * make every readable mapping executable; the other flags change
	 * nothing gp-auth wants. 64-bit compares: upper bits also kill. */
	a[0] = SCMP_A0(SCMP_CMP_LT, AUTH_LO32);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(personality), 1, a,
	    e) == -1)
		return -1;
	a[0] = SCMP_A0(SCMP_CMP_GT, AUTH_LO32);
	return sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(personality), 1, a,
	    e);
}

/* No new code: W^X for existing memory, nothing mapped executable. */
static int
auth_memory_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];

	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(mprotect), 1, a,
	    e) == -1 ||
	    sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(pkey_mprotect), 1, a,
	    e) == -1 ||
	    auth_exec_map_rules(ctx, e) == -1)
		return -1;
	return sandbox_rule_list(ctx, AUTH_KILL, auth_newcode,
	    AUTH_NELEM(auth_newcode), e);
}

static int
auth_fs_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	size_t i;
	int nr;

	if (sandbox_rule_list(ctx, AUTH_KILL, auth_fs_changes,
	    AUTH_NELEM(auth_fs_changes), e) == -1)
		return -1;
	for (i = 0; i < AUTH_NELEM(auth_fs_changes_new); i++) {
		nr = seccomp_syscall_resolve_name(auth_fs_changes_new[i]);
		if (nr != __NR_SCMP_ERROR && sandbox_rule_add(ctx, AUTH_KILL,
		    nr, 0, NULL, e) == -1)
			return -1;
	}
	return 0;
}

static int
auth_open_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];
	size_t i;

	if (auth_fs_rules(ctx, e) == -1)
		return -1;
	for (i = 0; i < AUTH_NELEM(auth_open_flags); i++) {
		a[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, auth_open_flags[i],
		    auth_open_flags[i]);
		if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(open), 1, a,
		    e) == -1)
			return -1;
		a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, auth_open_flags[i],
		    auth_open_flags[i]);
		if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(openat), 1, a,
		    e) == -1)
			return -1;
	}
	/* openat2() keeps its flags in memory, out of the filter's sight:
	 * ENOSYS, so that a library falls back to openat(). */
	return sandbox_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(openat2), 0, NULL, e);
}

static int
auth_ioctl_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];
	size_t i;

	for (i = 0; i < AUTH_NELEM(auth_ioctls); i++) {
		a[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, AUTH_LO32, auth_ioctls[i]);
		if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(ioctl), 1, a,
		    e) == -1)
			return -1;
	}
	return 0;
}

/* The escape primitives, for gp-auth and [priv] alike. */
int
policy_auth_common_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	if (sandbox_rule_list(ctx, AUTH_KILL, auth_killed,
	    AUTH_NELEM(auth_killed), e) == -1 ||
	    auth_clone_rules(ctx, e) == -1 ||
	    auth_socket_rules(ctx, e) == -1 ||
	    auth_ioctl_rules(ctx, e) == -1)
		return -1;
	return 0;
}

int
policy_auth_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	if (sandbox_rule_list(ctx, AUTH_KILL, auth_exec,
	    AUTH_NELEM(auth_exec), e) == -1 ||
	    policy_auth_common_rules(ctx, e) == -1 ||
	    auth_memory_rules(ctx, e) == -1 ||
	    auth_open_rules(ctx, e) == -1)
		return -1;
	return 0;
}

const struct sandbox_filter sandbox_filter_auth = {
	"auth", SCMP_ACT_ALLOW, policy_auth_rules
};
