/*
 * The seccomp policy of gp-auth, which runs as the user and parses what
 * hostile servers send: a denylist (default allow) of the primitives an
 * exploit would reach for next. A reviewed table; any change shows in
 * tests/data/sandbox/auth.pfc.
 *
 * Why a denylist and not an allowlist like [net]: gp-auth keeps making
 * new connections for the whole session (portal to gateway, rekey,
 * logout), so it keeps needing glibc's resolver and NSS modules, OpenSSL's
 * lazily opened CA store and configuration, and libxml2's iconv modules;
 * the exact calls differ between distributions and library versions, and
 * a missed one would kill a login in the field. gp-auth holds no
 * privilege (that is what the user's own account gives anyway), so what
 * matters is that code run by an exploit cannot run programs, inspect
 * other processes, reach new kernel attack surface or make new code.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
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
 * Running programs. There is no HIP script option yet; when one comes,
 * seccomp cannot tell one program from another, so it must run from a
 * helper forked before the filter, not by lifting this rule.
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

/* No new code: W^X for existing memory, no anonymous executable maps.
 * File-backed PROT_EXEC maps stay: glibc loads NSS and iconv modules. */
static int
auth_memory_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[2];

	a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
	if (sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(mprotect), 1, a,
	    e) == -1 ||
	    sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(pkey_mprotect), 1, a,
	    e) == -1)
		return -1;
	a[1] = SCMP_A3(SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, MAP_ANONYMOUS);
	return sandbox_rule_add(ctx, AUTH_KILL, SCMP_SYS(mmap), 2, a, e);
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
	    auth_memory_rules(ctx, e) == -1)
		return -1;
	return 0;
}

const struct sandbox_filter sandbox_filter_auth = {
	"auth", SCMP_ACT_ALLOW, policy_auth_rules
};
