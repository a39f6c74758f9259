/*
 * Death tests for the sandbox policies (THREATS.md 22): a forked child
 * enters the [net] or gp-auth policy, tries one forbidden call and must
 * die by SIGSYS, while the calls the policy allows still work. Test code;
 * as root the [net] child also becomes nobody, as other users not.
 */
#define _GNU_SOURCE	/* unshare, CLONE_* */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "sandbox/sandbox.h"

#define CHILD_WAIT_MS	10000
#define UDP_FLAGS	(SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC)
#define TCP_FLAGS	(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC)

extern char **environ;

static int failures;
static bool as_root;
static bool sanitizer;

static struct sandbox_policy
net_policy(void)
{
	struct sandbox_policy p = {
		.filter = &sandbox_filter_net,
		.user = as_root ? SANDBOX_NET_USER : NULL,
		.keep_fds = { 0, 1, 2, -1 },
		.rlimits = SANDBOX_RL_NPROC0 | SANDBOX_RL_FSIZE0 |
		    SANDBOX_RL_NOFILE,
		.nofile = SANDBOX_NET_NOFILE,
	};

	return p;
}

/* As root the [priv] shape: uid 0 keeping CAP_NET_ADMIN alone. */
static struct sandbox_policy
priv_policy(void)
{
	static const int caps[] = { CAP_NET_ADMIN, -1 };
	struct sandbox_policy p = {
		.filter = &sandbox_filter_priv,
		.keep_caps = as_root ? caps : NULL,
		.keep_fds = { 0, 1, 2, -1 },
	};

	return p;
}

static struct sandbox_policy
auth_policy(void)
{
	struct sandbox_policy p = {
		.filter = &sandbox_filter_auth,
		.keep_fds = { 0, 1, 2, -1 },
	};

	return p;
}

/* What a child wrote on stdout or stderr: a pipe, since with RLIMIT_FSIZE
 * 0 it may not hold a file open for writing (run.sh gives us files). */
static void
copy_child_stderr(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stderr);
	close(fd);
}

/* fn() in a child under policy p; its wait status, -1 on a time-out. */
static int
run_child(const struct sandbox_policy *p, void (*fn)(void))
{
	const struct timespec tick = { 0, 5 * 1000 * 1000 };
	int64_t end = clock_now_ms() + CHILD_WAIT_MS;
	int st, err[2];
	pid_t pid, r;

	fflush(NULL);
	if (pipe2(err, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("pipe2");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		if (dup2(err[1], STDOUT_FILENO) == -1 ||
		    dup2(err[1], STDERR_FILENO) == -1)
			_exit(2);
		sandbox_enter(p);
		fn();
		_exit(0);
	}
	close(err[1]);
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && clock_now_ms() < end)
		nanosleep(&tick, NULL);
	if (r != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		st = -1;
	}
	copy_child_stderr(err[0]);
	return st;
}

static void
report(bool ok, const char *role, const char *what, int st)
{
	printf("%s - %s: %s\n", ok ? "ok" : "not ok", role, what);
	if (ok)
		return;
	failures++;
	if (st == -1)
		fprintf(stderr, "  child did not end in %d ms\n",
		    CHILD_WAIT_MS);
	else if (WIFSIGNALED(st))
		fprintf(stderr, "  child killed by signal %d\n", WTERMSIG(st));
	else
		fprintf(stderr, "  child exited with %d\n", WEXITSTATUS(st));
}

static void
expect_sigsys(const struct sandbox_policy *p, const char *what,
    void (*fn)(void))
{
	char line[128];
	int st = run_child(p, fn);

	snprintf(line, sizeof(line), "%s dies by SIGSYS", what);
	report(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	    p->filter->role, line, st);
}

static void
expect_exit0(const struct sandbox_policy *p, const char *what,
    void (*fn)(void))
{
	int st = run_child(p, fn);

	report(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    p->filter->role, what, st);
}

/* ---- forbidden calls (each returns only if the call was allowed) ---- */

static void
do_execve(void)
{
	char *argv[] = { "/bin/true", NULL };

	execve(argv[0], argv, environ);
}

static void
do_openat(void)
{
	syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
}

#ifdef SYS_open
static void
do_open(void)
{
	syscall(SYS_open, "/dev/null", O_RDONLY);
}
#endif

static void
do_socket_unix(void)
{
	socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static void
do_socket_netlink(void)
{
	socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

static void
do_socket_raw(void)
{
	socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
}

static void
do_setsockopt_mark(void)
{
	int fd = socket(AF_INET, UDP_FLAGS, 0), one = 1;

	if (fd == -1)
		_exit(3);	/* not the call under test */
	setsockopt(fd, SOL_SOCKET, SO_MARK, &one, sizeof(one));
}

static void
do_ptrace(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
}

static void
do_mprotect_exec(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	mprotect(p, 4096, PROT_READ | PROT_EXEC);
}

static void
do_mmap_exec(void)
{
	mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
}

static void
do_unshare(void)
{
	unshare(CLONE_NEWUSER | CLONE_NEWNET);
}

static void
do_clone_ns(void)
{
	/* Raw clone: if it were allowed, both copies leave by _exit. */
	syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0);
}

static void
do_fork(void)
{
	syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
}

static void
do_bpf(void)
{
	syscall(SYS_bpf, 0, NULL, 0);
}

static void
do_keyctl(void)
{
	syscall(SYS_keyctl, 0, -3, 0);	/* KEYCTL_GET_KEYRING_ID, session */
}

static void
do_prctl_nnp_off(void)
{
	prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static void
do_ioctl(void)
{
	int n;

	ioctl(STDIN_FILENO, FIONREAD, &n);
}

static void
do_setuid(void)
{
	if (setuid(0) == 0)
		_exit(4);
}

static void
do_socket_key(void)
{
	socket(AF_KEY, SOCK_RAW | SOCK_CLOEXEC, 2);	/* PF_KEY_V2 */
}

/* The kernel reads these ints as 32 bits: upper bits must not help. */
static void
do_socket_key_hi(void)
{
	syscall(SYS_socket, (1UL << 32) | AF_KEY, SOCK_RAW | SOCK_CLOEXEC, 2);
}

static void
do_tiocsti_hi(void)
{
	char c = ' ';

	syscall(SYS_ioctl, STDIN_FILENO, (1UL << 32) | TIOCSTI, &c);
}

static void
do_socket_vsock(void)
{
	socket(40 /* AF_VSOCK */, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

/* ---- what the [net] loop needs: each must work (exit code = step) ---- */

/* ESP's UDP socket (tunnel/udp.c, session_esp.c): to port 9 of lo. */
static void
net_udp(const struct sockaddr_in *sin)
{
	struct mmsghdr mm;
	struct iovec iov;
	char b[16] = "x";
	int u, mtu;
	socklen_t len = sizeof(mtu);

	if ((u = socket(AF_INET, UDP_FLAGS, IPPROTO_UDP)) == -1)
		_exit(30);
	if (connect(u, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		_exit(31);
	if (getsockopt(u, IPPROTO_IP, IP_MTU, &mtu, &len) == -1)
		_exit(32);
	memset(&mm, 0, sizeof(mm));
	iov.iov_base = b;
	iov.iov_len = 1;
	mm.msg_hdr.msg_iov = &iov;
	mm.msg_hdr.msg_iovlen = 1;
	/* The second send may see the first one's ICMP refusal. */
	if (sendmmsg(u, &mm, 1, MSG_DONTWAIT) != 1 ||
	    (send(u, b, 1, MSG_DONTWAIT) != 1 && errno != ECONNREFUSED))
		_exit(33);
	iov.iov_len = sizeof(b);
	/* Nothing to read, or the port's ICMP refusal: both allowed. */
	if (recvmmsg(u, &mm, 1, MSG_DONTWAIT, NULL) == -1 &&
	    errno != EAGAIN && errno != ECONNREFUSED)
		_exit(34);
	if (close(u) == -1)
		_exit(35);
}

/* The HTTPS tunnel's reconnect (tunnel/https.c). */
static void
net_sockets(void)
{
	struct sockaddr_in sin;
	int t, one = 1, err;
	socklen_t len = sizeof(err);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(9);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((t = socket(AF_INET, TCP_FLAGS, 0)) == -1)
		_exit(11);
	if (setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == -1)
		_exit(12);
	/* Refused or in progress: either way the call was allowed. */
	if (connect(t, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS && errno != ECONNREFUSED)
		_exit(13);
	if (getsockopt(t, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		_exit(14);
	if (close(t) == -1)
		_exit(16);
	net_udp(&sin);
}

static void
net_allowed(void)
{
	struct timespec ts;
	struct pollfd pfd = { STDERR_FILENO, 0, 0 };
	unsigned char rnd[32];
	void *p;
	char *m;

	net_sockets();
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		_exit(20);
	if (syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) == -1)
		_exit(21);
	p = mmap(NULL, 65536, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || mprotect(p, 4096, PROT_READ) == -1 ||
	    madvise(p, 65536, MADV_DONTDUMP) == -1 || munmap(p, 65536) == -1)
		_exit(22);
	if (poll(&pfd, 1, 0) == -1)
		_exit(23);
	/* malloc: brk for small blocks, mmap for large ones. */
	if ((m = malloc(1 << 20)) == NULL)
		_exit(24);
	m[0] = 1;
	free(m);
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		_exit(25);
	if (write(STDERR_FILENO, "", 0) != 0)
		_exit(26);
	/* A normal exit: atexit handlers, stdio, LeakSanitizer's hook. */
	printf("# [net] child leaves by exit()\n");
	exit(0);
}

/* What gp-auth still does after its filter. */
static void
auth_allowed(void)
{
	int fd, st;
	pid_t pid;

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		_exit(10);
	close(fd);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		_exit(11);
	close(fd);
	if ((fd = socket(AF_INET, TCP_FLAGS, 0)) == -1)
		_exit(12);
	close(fd);
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		_exit(13);
	close(fd);
	if ((pid = fork()) == -1)
		_exit(14);
	if (pid == 0)
		_exit(0);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		_exit(15);
}

static void
do_nothing(void)
{
}

/* A file held open for writing (a log on stderr) would die by SIGXFSZ
 * at its first write under RLIMIT_FSIZE 0: entry refuses it up front. */
static void
net_refuses_log_file(void)
{
	struct sandbox_policy p = net_policy();
	int fd, st;

	fd = open("/tmp", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd == -1)
		fatal("O_TMPFILE");
	p.keep_fds[3] = fd;
	p.keep_fds[4] = -1;
	st = run_child(&p, do_nothing);
	report(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "net",
	    "a kept file open for writing is refused at entry", st);
	close(fd);
}

/* [priv] runs vpnc-script: fork, exec and wait must work. */
static void
priv_allowed(void)
{
	char *argv[] = { "/bin/true", NULL };
	int st, fd;
	pid_t pid;

	if ((pid = fork()) == -1)
		_exit(10);
	if (pid == 0) {
		execve(argv[0], argv, environ);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		_exit(11);
	/* ip(8) in the script talks rtnetlink. */
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		_exit(12);
	close(fd);
}

struct forbidden {
	const char	*what;
	void		(*fn)(void);
};

/* THREATS.md 22, and the rest of what [net] has no use for. */
static const struct forbidden net_forbidden[] = {
	{ "execve", do_execve },
	{ "openat", do_openat },
#ifdef SYS_open
	{ "open", do_open },
#endif
	{ "socket(AF_UNIX)", do_socket_unix },
	{ "socket(AF_NETLINK)", do_socket_netlink },
	{ "socket(AF_INET, SOCK_RAW)", do_socket_raw },
	{ "setsockopt(SO_MARK)", do_setsockopt_mark },
	{ "ptrace", do_ptrace },
	{ "mprotect(PROT_EXEC)", do_mprotect_exec },
	{ "mmap(PROT_EXEC)", do_mmap_exec },
	{ "unshare", do_unshare },
	{ "clone with namespace flags", do_clone_ns },
	{ "fork (clone)", do_fork },
	{ "bpf", do_bpf },
	{ "keyctl", do_keyctl },
	{ "prctl(PR_SET_NO_NEW_PRIVS, 0)", do_prctl_nnp_off },
	{ "ioctl", do_ioctl },
	{ "setuid(0)", do_setuid },
};

static const struct forbidden auth_forbidden[] = {
	{ "execve", do_execve },
	{ "unshare", do_unshare },
	{ "clone with namespace flags", do_clone_ns },
	{ "bpf", do_bpf },
	{ "keyctl", do_keyctl },
	{ "mprotect(PROT_EXEC)", do_mprotect_exec },
	{ "mmap(PROT_EXEC, MAP_ANONYMOUS)", do_mmap_exec },
	{ "socket(AF_KEY)", do_socket_key },
	{ "socket(AF_VSOCK)", do_socket_vsock },
	{ "socket(AF_KEY with upper bits set)", do_socket_key_hi },
	{ "ioctl(TIOCSTI with upper bits set)", do_tiocsti_hi },
	{ "ptrace", do_ptrace },	/* last: exempt under a sanitizer */
};

static const struct forbidden priv_forbidden[] = {
	{ "unshare", do_unshare },
	{ "clone with namespace flags", do_clone_ns },
	{ "bpf", do_bpf },
	{ "keyctl", do_keyctl },
	{ "socket(AF_KEY)", do_socket_key },
	{ "ioctl(TIOCSTI with upper bits set)", do_tiocsti_hi },
	{ "ptrace", do_ptrace },	/* last: exempt under a sanitizer */
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

int
main(void)
{
	struct sandbox_policy net, auth, priv;
	size_t i, n_auth = NELEM(auth_forbidden);
	size_t n_priv = NELEM(priv_forbidden);

	log_init("sandbox_death_test", 0);
	as_root = geteuid() == 0;
	net = net_policy();
	auth = auth_policy();
	priv = priv_policy();
#ifdef GPVPN_SANITIZER
	sanitizer = true;
#endif
	if (!as_root)
		printf("# not root: [net] children keep the uid; the seccomp "
		    "part is checked all the same\n");
	for (i = 0; i < NELEM(net_forbidden); i++)
		expect_sigsys(&net, net_forbidden[i].what,
		    net_forbidden[i].fn);
	expect_exit0(&net, as_root ? "allowed calls work as nobody" :
	    "allowed calls work", net_allowed);
	net_refuses_log_file();
	if (sanitizer) {
		printf("# sanitizer build: LeakSanitizer needs ptrace, so "
		    "the denylists' ptrace rule is not checked here\n");
		n_auth--;
		n_priv--;
	}
	for (i = 0; i < n_auth; i++)
		expect_sigsys(&auth, auth_forbidden[i].what,
		    auth_forbidden[i].fn);
	expect_exit0(&auth, "files, unix/inet/netlink sockets, fork work",
	    auth_allowed);
	for (i = 0; i < n_priv; i++)
		expect_sigsys(&priv, priv_forbidden[i].what,
		    priv_forbidden[i].fn);
	expect_exit0(&priv, "vpnc-script's fork, exec, wait, rtnetlink work",
	    priv_allowed);
	return failures != 0;
}
