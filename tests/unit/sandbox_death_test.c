/* SPDX-License-Identifier: ISC */
/*
 * Death tests for the sandbox policies (THREATS.md 22): a forked child
 * enters the [net], gp-auth or [priv] policy (gp-auth's also with its
 * session stage stacked), tries one forbidden call and must die by
 * SIGSYS, or get the errno the policy gives, while the calls the policy
 * allows still work. The gp-auth attacks carry on to run injected code
 * when the call is let through. Test code; as root the [net] child also
 * becomes nobody, as other users not.
 */
#define _GNU_SOURCE	/* unshare, CLONE_*, O_TMPFILE, memfd_create */

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/openat2.h>
#include <poll.h>
#include <pthread.h>
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

/* What the gp-auth attacks exit with when their injected code ran, and
 * when the policy refused them with the errno it gives (see below). */
#define INJECT_RAN	42
#define REFUSED		0

static int failures;
static bool as_root;
static bool sanitizer;
/* Stacked after sandbox_enter() in the children when not NULL. */
static const struct sandbox_filter *stage2;
/* A file of ours that gp-auth's children open: an existing file that
 * the user may write, such as a start-up file or a redirected stderr. */
static char wfile[64];

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
		if (stage2 != NULL)
			sandbox_tighten(stage2);
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
		fprintf(stderr, "  child exited with %d%s\n", WEXITSTATUS(st),
		    WEXITSTATUS(st) == INJECT_RAN ? ": the injected code ran" :
		    "");
}

/* The role a child runs as: the stacked stage's name, if any. */
static const char *
role_of(const struct sandbox_policy *p)
{
	return stage2 != NULL ? stage2->role : p->filter->role;
}

static void
expect_sigsys(const struct sandbox_policy *p, const char *what,
    void (*fn)(void))
{
	char line[128];
	int st = run_child(p, fn);

	snprintf(line, sizeof(line), "%s dies by SIGSYS", what);
	report(st != -1 && WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
	    role_of(p), line, st);
}

static void
expect_exit0(const struct sandbox_policy *p, const char *what,
    void (*fn)(void))
{
	int st = run_child(p, fn);

	report(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    role_of(p), what, st);
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

/*
 * ---- gp-auth: ways to run new code, or to change files ----------------
 * Each goes as far as an exploit would: bytes of its own made executable
 * and run (exit INJECT_RAN), unless the policy stops it. Exit 3: a step
 * before the call under test failed.
 */

/* `return INJECT_RAN;` in machine code, as an exploit brings its own. */
#if defined(__x86_64__)
static const unsigned char inject_code[] = {
	0xb8, INJECT_RAN, 0, 0, 0,	/* mov $42, %eax */
	0xc3,				/* ret */
};
#elif defined(__aarch64__)
static const unsigned char inject_code[] = {
	0x40, 0x05, 0x80, 0x52,		/* mov w0, #42 */
	0xc0, 0x03, 0x5f, 0xd6,		/* ret */
};
#else
static const unsigned char inject_code[] = { 0 };	/* never run */
#endif

/* Run the injected bytes at p (elsewhere, reaching here is enough). */
static void __attribute__((noreturn))
run_injected(void *p)
{
#if defined(__x86_64__) || defined(__aarch64__)
	int (*fn)(void);

	__builtin___clear_cache((char *)p, (char *)p + sizeof(inject_code));
	memcpy(&fn, &p, sizeof(fn));
	_exit(fn());
#else
	(void)p;
	_exit(INJECT_RAN);
#endif
}

/* Anonymous read-write memory holding the code. */
static void *
rw_with_code(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	memcpy(p, inject_code, sizeof(inject_code));
	return p;
}

/* The code written to fd, then fd mapped executable and run. */
static void
map_and_run(int fd)
{
	void *p;

	if (fd == -1 || write(fd, inject_code, sizeof(inject_code)) !=
	    (ssize_t)sizeof(inject_code))
		_exit(3);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(errno == EPERM ? REFUSED : 5);
	run_injected(p);
}

/* READ_IMPLIES_EXEC: every readable mapping made from now on runs. */
static void
do_personality_rie(void)
{
	personality(READ_IMPLIES_EXEC);
	run_injected(rw_with_code());
}

/* The kernel reads an unsigned int: upper bits must not help. */
static void
do_personality_rie_hi(void)
{
	syscall(SYS_personality, (1UL << 32) | READ_IMPLIES_EXEC);
	run_injected(rw_with_code());
}

static void
do_personality_norandom(void)
{
	personality(ADDR_NO_RANDOMIZE);
}

static void
do_memfd_exec(void)
{
	map_and_run(memfd_create("x", MFD_CLOEXEC));
}

#ifdef SYS_memfd_secret
static void
do_memfd_secret(void)
{
	syscall(SYS_memfd_secret, 0);
}
#endif

/* A file the user may write, mapped executable: EPERM, not death (a
 * lazily loaded library gets the same, and dlopen() fails cleanly). */
/* A file holding code (written before the filter: under it no file
 * can be opened for writing), mapped executable. */
static void
do_file_exec(void)
{
	int fd = open(wfile, O_RDONLY | O_CLOEXEC);
	void *p;

	if (fd == -1)
		_exit(3);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		_exit(errno == EPERM ? REFUSED : 5);
	run_injected(p);
}

static void
do_tmpfile_exec(void)
{
	map_and_run(open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
}

/* SysV shared memory: write through one attachment, run the other. */
static void
do_shm_exec(void)
{
	int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0700);	/* x bit */
	void *w, *x;

	if (id == -1 || (w = shmat(id, NULL, 0)) == (void *)-1) {
		if (id != -1)
			shmctl(id, IPC_RMID, NULL);
		_exit(3);
	}
	shmctl(id, IPC_RMID, NULL);	/* gone with the last detach */
	memcpy(w, inject_code, sizeof(inject_code));
	x = shmat(id, NULL, SHM_EXEC | SHM_RDONLY);
	if (x == (void *)-1)
		_exit(3);
	run_injected(x);
}

static void
do_remap_file_pages(void)
{
	void *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	syscall(SYS_remap_file_pages, p, 4096, 0, 1, 0);
}

static void
do_pkey_mprotect_exec(void)
{
	void *p = rw_with_code();

	if (syscall(SYS_pkey_mprotect, p, 4096, PROT_READ | PROT_EXEC,
	    -1) == 0)
		run_injected(p);
}

static int __attribute__((noinline))
victim(void)
{
	return 7;
}

/* /proc/self/mem writes through page protections (FOLL_FORCE): the
 * code of victim() becomes ours. */
static void
write_own_code(int flags)
{
	int (*volatile fn)(void) = victim;
	int fd = open("/proc/self/mem", flags | O_CLOEXEC);

	if (fd == -1)
		_exit(3);
	if (pwrite(fd, inject_code, sizeof(inject_code),
	    (off_t)(uintptr_t)fn) != (ssize_t)sizeof(inject_code))
		_exit(3);
	_exit(fn());
}

static void
do_proc_mem_wronly(void)
{
	write_own_code(O_WRONLY);
}

static void
do_proc_mem_rdwr(void)
{
	write_own_code(O_RDWR);
}

static void
do_process_vm_writev(void)
{
	struct iovec l = { (void *)inject_code, sizeof(inject_code) };
	struct iovec r = { (void *)(uintptr_t)victim, sizeof(inject_code) };

	syscall(SYS_process_vm_writev, getpid(), &l, 1, &r, 1, 0);
}

static void
do_execveat(void)
{
	char *argv[] = { "/bin/true", NULL };

	syscall(SYS_execveat, AT_FDCWD, argv[0], argv, environ, 0);
}

static void
do_open_wronly(void)
{
	open(wfile, O_WRONLY | O_CLOEXEC);
}

static void
do_open_creat(void)
{
	open(wfile, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

static void
do_open_trunc(void)
{
	open(wfile, O_RDONLY | O_TRUNC | O_CLOEXEC);
}

static void
do_open_rdwr(void)
{
	open(wfile, O_RDWR | O_CLOEXEC);
}

/* openat2() hides its flags from the filter: ENOSYS, not a way round. */
static void
do_openat2(void)
{
	struct open_how how = { .flags = O_WRONLY | O_CLOEXEC };

	if (syscall(SYS_openat2, AT_FDCWD, wfile, &how, sizeof(how)) == -1)
		_exit(errno == ENOSYS ? REFUSED : 5);
	_exit(4);
}

/* Paths that do not exist: if allowed, nothing changes on disk. */
#define NO_SUCH	"/nonexistent-gpvpn-death-test"

static void
do_unlink(void)
{
	unlink(NO_SUCH);
}

static void
do_rename(void)
{
	rename(NO_SUCH, NO_SUCH "-2");
}

static void
do_symlink(void)
{
	if (symlink(NO_SUCH, NO_SUCH "/x") == 0)
		_exit(4);
}

static void
do_chmod(void)
{
	chmod(NO_SUCH, 0755);
}

static void
do_truncate(void)
{
	if (truncate(NO_SUCH, 0) == 0)
		_exit(4);
}

static int
clone_child(void *arg)
{
	(void)arg;
	return 0;
}

/* clone(CLONE_VM) without CLONE_THREAD: a process sharing the memory. */
static void
do_clone_vm(void)
{
	static char stack[16384] __attribute__((aligned(16)));
	pid_t pid;

	pid = clone(clone_child, stack + sizeof(stack), CLONE_VM | SIGCHLD,
	    NULL);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void
do_listen(void)
{
	int fd = socket(AF_INET, TCP_FLAGS, 0);

	if (fd == -1)
		_exit(3);
	listen(fd, 1);
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

/* A name lookup through NSS (nsswitch.conf, /etc/hosts, gai.conf). */
static bool
lookup_works(void)
{
	struct addrinfo hints, *res = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if (getaddrinfo("localhost", "443", &hints, &res) != 0)
		return false;
	freeaddrinfo(res);
	return true;
}

/* The files gp-auth still opens and maps during the login. */
static void
auth_allowed_files(void)
{
	void *p;
	int fd;

	/* Read-only maps: the iconv cache, nscd's databases. */
	if ((fd = open(wfile, O_RDONLY | O_CLOEXEC)) == -1 ||
	    (p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0)) ==
	    MAP_FAILED)
		_exit(17);
	munmap(p, 4096);
	close(fd);
	/* The query, as ASan makes it. */
	if (personality(0xffffffff) == -1)
		_exit(18);
	if (!lookup_works())
		_exit(19);
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
	auth_allowed_files();
}

static void *
thread_main(void *arg)
{
	return arg;
}

/* What gp-auth does after the login too: getconfig, HIP, rekeys (whose
 * name lookup may run in a libcurl thread) and logout. */
static void
session_allowed(void)
{
	static int token;
	pthread_t t;
	void *r;
	int fd, sv[2];

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		_exit(10);
	close(fd);
	if ((fd = socket(AF_INET, TCP_FLAGS, 0)) == -1)
		_exit(11);
	close(fd);
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1)
		_exit(12);
	close(fd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		_exit(13);
	close(sv[0]);
	close(sv[1]);
	if (pthread_create(&t, NULL, thread_main, &token) != 0 ||
	    pthread_join(t, &r) != 0 || r != &token)
		_exit(14);
	if (personality(0xffffffff) == -1)
		_exit(15);
	if (!lookup_works())
		_exit(16);
	/* A normal exit: atexit, stdio, LeakSanitizer's clone and ptrace. */
	exit(0);
}

/* An iconv module, as libxml2 loads one for an unusual encoding: exit
 * 0 if it loaded, 1 if not. */
#define GCONV_CHARSET	"IBM037"

static void
iconv_module(void)
{
	iconv_t cd = iconv_open(GCONV_CHARSET, "UTF-8");

	if (cd == (iconv_t)-1)
		_exit(1);
	iconv_close(cd);
	_exit(0);
}

/* fn() in a child without a sandbox: its exit status, -1 if none. */
static int
run_plain(void (*fn)(void))
{
	int st;
	pid_t pid;

	fflush(NULL);
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		fn();
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* A library loaded lazily after the filter: its executable mapping gets
 * EPERM, so the load fails and the caller carries on. */
static void
auth_lazy_library(const struct sandbox_policy *p)
{
	int st;

	if (run_plain(iconv_module) != 0) {
		printf("not ok - %s: the %s iconv module loads without a "
		    "sandbox\n", p->filter->role, GCONV_CHARSET);
		failures++;
		return;
	}
	st = run_child(p, iconv_module);
	report(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1,
	    p->filter->role, "a lazily loaded library (iconv " GCONV_CHARSET
	    ") fails to load, and the process lives", st);
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

/* Two descriptors of ours: entry must close the first, keep the second. */
static int fd_dropped = -1, fd_kept = -1;

static void
check_fds_closed(void)
{
	if (fcntl(fd_dropped, F_GETFD) != -1 || errno != EBADF)
		_exit(1);
	if (fcntl(fd_kept, F_GETFD) == -1)
		_exit(2);
	if (fcntl(STDERR_FILENO, F_GETFD) == -1)
		_exit(3);
}

/* Entry closes every descriptor the keep-list does not name. */
static void
closes_unkept_fds(void)
{
	struct sandbox_policy p = auth_policy();
	int st;

	if ((fd_dropped = open("/dev/null", O_RDONLY)) == -1 ||
	    (fd_kept = open("/dev/null", O_RDONLY)) == -1)
		fatal("open /dev/null");
	p.keep_fds[3] = fd_kept;
	p.keep_fds[4] = -1;
	st = run_child(&p, check_fds_closed);
	report(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "auth",
	    "entry closes the descriptors the keep-list does not name", st);
	close(fd_dropped);
	close(fd_kept);
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
	{ "ptrace", do_ptrace },
	/* New code (STYLE.md 7). */
	{ "personality(READ_IMPLIES_EXEC), then a read-write map run",
	    do_personality_rie },
	{ "personality(READ_IMPLIES_EXEC with upper bits set)",
	    do_personality_rie_hi },
	{ "personality(ADDR_NO_RANDOMIZE)", do_personality_norandom },
	{ "memfd_create, write, mmap(PROT_EXEC)", do_memfd_exec },
#ifdef SYS_memfd_secret
	{ "memfd_secret", do_memfd_secret },
#endif
	{ "open(/tmp, O_TMPFILE), write, mmap(PROT_EXEC)", do_tmpfile_exec },
	{ "shmat(SHM_EXEC) of memory written elsewhere", do_shm_exec },
	{ "remap_file_pages", do_remap_file_pages },
	{ "pkey_mprotect(PROT_EXEC)", do_pkey_mprotect_exec },
	{ "open(/proc/self/mem, O_WRONLY) to write its code",
	    do_proc_mem_wronly },
	{ "open(/proc/self/mem, O_RDWR) to write its code",
	    do_proc_mem_rdwr },
	{ "process_vm_writev into its code", do_process_vm_writev },
	{ "execveat", do_execveat },
	/* Changing files. */
	{ "open(O_WRONLY)", do_open_wronly },
	{ "open(O_RDWR)", do_open_rdwr },
	{ "open(O_CREAT)", do_open_creat },
	{ "open(O_TRUNC)", do_open_trunc },
	{ "unlink", do_unlink },
	{ "rename", do_rename },
	{ "symlink", do_symlink },
	{ "chmod", do_chmod },
	{ "truncate", do_truncate },
};

/* Refused with an errno (exit REFUSED) where a library may ask. */
static const struct forbidden auth_refused[] = {
	{ "mmap(PROT_EXEC) of a file with code in it fails with EPERM",
	    do_file_exec },
	{ "openat2(O_WRONLY) fails with ENOSYS", do_openat2 },
};

/* After the login, with the session stage stacked. */
static const struct forbidden session_forbidden[] = {
	{ "listen", do_listen },
	{ "execve (the login filter still holds)", do_execve },
	{ "fork (clone)", do_fork },
	{ "clone(CLONE_VM), a process sharing its memory", do_clone_vm },
};

static const struct forbidden priv_forbidden[] = {
	{ "unshare", do_unshare },
	{ "clone with namespace flags", do_clone_ns },
	{ "bpf", do_bpf },
	{ "keyctl", do_keyctl },
	{ "socket(AF_KEY)", do_socket_key },
	{ "ioctl(TIOCSTI with upper bits set)", do_tiocsti_hi },
	{ "ptrace", do_ptrace },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Left to LeakSanitizer in a sanitizer build (policy_sanitizer.c): its
 * exit-time check ptraces, and clones its tracer as a process. */
static bool
san_exempt(void (*fn)(void))
{
	return fn == do_ptrace || fn == do_fork || fn == do_clone_vm;
}

static void
expect_all_sigsys(const struct sandbox_policy *p,
    const struct forbidden *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (sanitizer && san_exempt(list[i].fn))
			printf("# sanitizer build: %s is left to "
			    "LeakSanitizer, not checked\n", list[i].what);
		else
			expect_sigsys(p, list[i].what, list[i].fn);
	}
}

/* gp-auth's login filter, then its session stage on top. */
static void
auth_tests(const struct sandbox_policy *auth)
{
	size_t i;
	int fd;

	snprintf(wfile, sizeof(wfile), "/tmp/gpvpn-death-XXXXXX");
	if ((fd = mkstemp(wfile)) == -1)
		fatal("mkstemp");
	if (write(fd, inject_code, sizeof(inject_code)) !=
	    (ssize_t)sizeof(inject_code))
		fatal("write %s", wfile);
	close(fd);
	expect_all_sigsys(auth, auth_forbidden, NELEM(auth_forbidden));
	for (i = 0; i < NELEM(auth_refused); i++)
		expect_exit0(auth, auth_refused[i].what, auth_refused[i].fn);
	expect_exit0(auth, "files, sockets, name lookups, fork work",
	    auth_allowed);
	auth_lazy_library(auth);
	stage2 = &sandbox_filter_auth_session;
	expect_all_sigsys(auth, session_forbidden, NELEM(session_forbidden));
	expect_exit0(auth, "files, sockets, threads, name lookups, exit "
	    "work", session_allowed);
	stage2 = NULL;
	unlink(wfile);
}

int
main(void)
{
	struct sandbox_policy net, auth, priv;
	size_t i;

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
	closes_unkept_fds();
	auth_tests(&auth);
	expect_all_sigsys(&priv, priv_forbidden, NELEM(priv_forbidden));
	expect_exit0(&priv, "vpnc-script's fork, exec, wait, rtnetlink work",
	    priv_allowed);
	return failures != 0;
}
