/* SPDX-License-Identifier: ISC */
/*
 * The seccomp allowlist of gp-tunnel [net], the process that moves
 * packets between tun and the gateway: default kill, each call with the
 * reason the packet loop needs it (strace of a session, see SECURITY.md).
 * A reviewed table; any change shows in tests/data/sandbox/net.pfc.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>

#include <linux/if_tun.h>

#include "sandbox/sandbox.h"

#define NET_KILL	SCMP_ACT_KILL_PROCESS
#define NET_ALLOW	SCMP_ACT_ALLOW
#define NET_NELEM(a)	(sizeof(a) / sizeof((a)[0]))
/* The kernel reads an ioctl request as 32 bits. */
#define NET_LO32	0xffffffffULL

/* Calls with no argument worth checking. */
static const int net_calls[] = {
	/* I/O on what was acquired before entry: tun, the TLS socket
	 * (OpenSSL's socket BIO reads with read(), we send with sendto()
	 * for MSG_NOSIGNAL), the control stream, the log on stderr. */
	SCMP_SYS(read),
	SCMP_SYS(write),
	SCMP_SYS(readv),	/* batched tun reads (DESIGN.md §3) */
	SCMP_SYS(writev),	/* batched tun writes; glibc's fatal messages */
	SCMP_SYS(sendto),	/* TLS records, MSG_NOSIGNAL; UDP (ESP) */
	SCMP_SYS(recvfrom),	/* UDP (ESP) */
	SCMP_SYS(sendmmsg),	/* ESP batches */
	SCMP_SYS(recvmmsg),	/* ESP batches */
	SCMP_SYS(close),	/* the dropped connection on reconnect */
	SCMP_SYS(poll),		/* the loop's one wait */
	SCMP_SYS(ppoll),	/* poll() on architectures without poll */
	/* Reconnect: a new TCP (or UDP) socket to the same gateway. */
	SCMP_SYS(connect),
	/* Time: timers, DPD, back-off (vDSO fallbacks included). */
	SCMP_SYS(clock_gettime),
	SCMP_SYS(gettimeofday),
	SCMP_SYS(time),		/* OpenSSL's certificate time check */
	SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep),
	SCMP_SYS(restart_syscall),	/* a signal interrupted a sleep */
	/* OpenSSL: DRBG seeding for handshakes and record IVs; its fork
	 * check calls getpid(). */
	SCMP_SYS(getrandom),
	SCMP_SYS(getpid),
	/* Memory: malloc, OpenSSL, secret_alloc() (MADV_DONTDUMP, mlock)
	 * for the cookie of the reconnect request and rekeyed CONFIGs. */
	SCMP_SYS(brk),
	SCMP_SYS(munmap),
	SCMP_SYS(mremap),	/* glibc realloc() of large blocks */
	SCMP_SYS(madvise),
	SCMP_SYS(mlock),
	SCMP_SYS(munlock),
	SCMP_SYS(futex),	/* glibc and OpenSSL locks, once-init */
	/* Signals: SIGTERM/SIGINT/SIGHUP stop, SIGUSR1 dumps counters. */
	SCMP_SYS(rt_sigreturn),
	/* The end. */
	SCMP_SYS(exit),
	SCMP_SYS(exit_group),
};

/* socket(): only TCP for the HTTPS tunnel (tunnel/https.c) and UDP for
 * ESP (tunnel/udp.c), IPv4 or 6, with the flags they use; the protocol
 * as 0 or spelt out. No AF_UNIX, AF_NETLINK, raw or packet sockets. */
#define NET_TCP		(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC)
#define NET_UDP		(SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC)
static const struct { int domain, type, proto; } net_sockets[] = {
	{ AF_INET, NET_TCP, 0 },
	{ AF_INET, NET_TCP, IPPROTO_TCP },
	{ AF_INET6, NET_TCP, 0 },
	{ AF_INET6, NET_TCP, IPPROTO_TCP },
	{ AF_INET, NET_UDP, 0 },
	{ AF_INET, NET_UDP, IPPROTO_UDP },
	{ AF_INET6, NET_UDP, 0 },
	{ AF_INET6, NET_UDP, IPPROTO_UDP },
};

/* getsockopt(): the connect result, and the MTU inputs (PROTOCOL.md
 * §10) of a reconnected TCP path (tunnel/session.c) or a reopened UDP
 * socket (tunnel/udp.c). */
static const struct { int level, name; } net_getsockopts[] = {
	{ SOL_SOCKET, SO_ERROR },
	{ IPPROTO_TCP, TCP_MAXSEG },
	{ IPPROTO_TCP, TCP_INFO },
	{ IPPROTO_IP, IP_MTU },
	{ IPPROTO_IPV6, IPV6_MTU },
};

/* setsockopt(): Nagle off on the reconnected tunnel, the ESP socket's
 * receive buffer (tunnel/udp.c, capped by rmem_max: no SO_RCVBUFFORCE),
 * its receive stamps for the AQM (tunnel/udp.c, tunnel/rxaqm.c) and
 * UDP_GRO on it (tunnel/espgro.c), both read back with recvmmsg's
 * cmsgs; nothing else (no SO_MARK, no SO_BINDTODEVICE). */
static const struct { int level, name; } net_setsockopts[] = {
	{ IPPROTO_TCP, TCP_NODELAY },
	{ SOL_SOCKET, SO_RCVBUF },
	{ SOL_SOCKET, SO_TIMESTAMPNS },
	{ SOL_UDP, UDP_GRO },
};

/* prctl(): only the two reads sandbox_enter() verifies with. */
static const int net_prctls[] = {
	PR_GET_NO_NEW_PRIVS,
	PR_GET_SECCOMP,
};

/* mmap() and mprotect() never with PROT_EXEC: no new code. */
static const int net_mem_calls[] = {
	SCMP_SYS(mmap),
	SCMP_SYS(mprotect),
};

static int
net_socket_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[3];
	size_t i;

	for (i = 0; i < NET_NELEM(net_sockets); i++) {
		a[0] = SCMP_A0(SCMP_CMP_EQ,
		    (scmp_datum_t)net_sockets[i].domain);
		a[1] = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)net_sockets[i].type);
		a[2] = SCMP_A2(SCMP_CMP_EQ, (scmp_datum_t)net_sockets[i].proto);
		if (sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(socket), 3, a,
		    e) == -1)
			return -1;
	}
	return 0;
}

static int
net_sockopt_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[2];
	size_t i;

	for (i = 0; i < NET_NELEM(net_getsockopts); i++) {
		a[0] = SCMP_A1(SCMP_CMP_EQ,
		    (scmp_datum_t)net_getsockopts[i].level);
		a[1] = SCMP_A2(SCMP_CMP_EQ,
		    (scmp_datum_t)net_getsockopts[i].name);
		if (sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(getsockopt), 2,
		    a, e) == -1)
			return -1;
	}
	for (i = 0; i < NET_NELEM(net_setsockopts); i++) {
		a[0] = SCMP_A1(SCMP_CMP_EQ,
		    (scmp_datum_t)net_setsockopts[i].level);
		a[1] = SCMP_A2(SCMP_CMP_EQ,
		    (scmp_datum_t)net_setsockopts[i].name);
		if (sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(setsockopt), 2,
		    a, e) == -1)
			return -1;
	}
	return 0;
}

static int
net_misc_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	struct scmp_arg_cmp a[1];
	size_t i;

	for (i = 0; i < NET_NELEM(net_prctls); i++) {
		a[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)net_prctls[i]);
		if (sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(prctl), 1, a,
		    e) == -1)
			return -1;
	}
	/* sendmsg(): ESP runs with a UDP_SEGMENT cmsg (tunnel/espgso.c),
	 * MSG_DONTWAIT only. */
	a[0] = SCMP_A2(SCMP_CMP_EQ, MSG_DONTWAIT);
	if (sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(sendmsg), 1, a,
	    e) == -1)
		return -1;
	for (i = 0; i < NET_NELEM(net_mem_calls); i++) {
		a[0] = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
		if (sandbox_rule_add(ctx, NET_ALLOW, net_mem_calls[i], 1, a,
		    e) == -1)
			return -1;
	}
	return 0;
}

/* One ioctl(): TUNSETOFFLOAD, the tun offloads on while ESP carries
 * the tunnel and off for the HTTPS one (tunnel/tun.c). Everything else
 * about tun is configured by [priv] (SIOCSIFMTU too). */
static int
net_ioctl_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	const scmp_datum_t req = TUNSETOFFLOAD;
	struct scmp_arg_cmp a[1];

	a[0] = SCMP_A1(SCMP_CMP_MASKED_EQ, NET_LO32, req);
	return sandbox_rule_add(ctx, NET_ALLOW, SCMP_SYS(ioctl), 1, a, e);
}

int
policy_net_rules(scmp_filter_ctx ctx, struct gp_err *e)
{
	if (sandbox_rule_list(ctx, NET_ALLOW, net_calls,
	    NET_NELEM(net_calls), e) == -1 ||
	    net_socket_rules(ctx, e) == -1 ||
	    net_sockopt_rules(ctx, e) == -1 ||
	    net_misc_rules(ctx, e) == -1 ||
	    net_ioctl_rules(ctx, e) == -1)
		return -1;
	return 0;
}

const struct sandbox_filter sandbox_filter_net = {
	"net", NET_KILL, policy_net_rules
};
