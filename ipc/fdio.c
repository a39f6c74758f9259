/* SPDX-License-Identifier: ISC */
/*
 * Descriptor chores (see fdio.h), linked into every process; the close
 * functions also run in forked children before exec, so they allocate
 * nothing. Bytes read are the caller's to check.
 */
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ipc/clock.h"
#include "ipc/fdio.h"

#define FDIO_LOOP_MAX	65536	/* the one-by-one fallback stops here */
#define FDIO_CHUNK	4096

/* getdents64(2)'s record, declared here as glibc hides its own. */
struct fdio_dirent {
	uint64_t	ino;
	int64_t		off;
	unsigned short	reclen;
	unsigned char	type;
	char		name[];
};

static int
fdio_close_one(long fd)
{
	if (close((int)fd) == -1 && errno != EBADF)
		return -1;
	return 0;
}

/* Parse a /proc/self/fd name; -1 if it is not a number. */
static long
fdio_name_fd(const char *s)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > INT_MAX / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v > INT_MAX ? -1 : v;
}

/* The descriptors /proc lists in [lo, hi]; 1 if /proc is not there. */
static int
fdio_close_proc(unsigned lo, unsigned hi)
{
	char buf[4096] __attribute__((aligned(8)));
	struct fdio_dirent *de;
	long n, off, fd;
	int dfd, rc = 0, err;

	dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd == -1)
		return 1;
	while (rc == 0 &&
	    (n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n; off += de->reclen) {
			de = (struct fdio_dirent *)(void *)(buf + off);
			fd = fdio_name_fd(de->name);
			if (fd == -1 || fd == dfd || fd < (long)lo ||
			    fd > (long)hi)
				continue;
			if ((rc = fdio_close_one(fd)) == -1)
				break;
		}
	}
	err = errno;
	if (n == -1)
		rc = -1;
	(void)close(dfd);
	errno = err;
	return rc;
}

/* Close [lo, hi] with the first way that works. */
static int
fdio_close_span(unsigned lo, unsigned hi)
{
	long fd, max;
	int rc;

	if (lo > hi)
		return 0;
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -1;
	if ((rc = fdio_close_proc(lo, hi)) != 1)
		return rc;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > FDIO_LOOP_MAX)
		max = FDIO_LOOP_MAX;
	for (fd = lo; fd < max && fd <= (long)hi; fd++)
		if (fdio_close_one(fd) == -1)
			return -1;
	return 0;
}

/* The smallest kept fd >= lo, or -1. */
static long
fdio_next_keep(long lo, const int *keep, size_t nkeep)
{
	long best = -1;
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] >= lo && (best == -1 || keep[i] < best))
			best = keep[i];
	return best;
}

int
fdio_close_from(int lowfd, const int *keep, size_t nkeep)
{
	long lo = lowfd, k;
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] < 0)
			lo = -1;
	if (lo < 0) {
		errno = EINVAL;
		return -1;
	}
	while ((k = fdio_next_keep(lo, keep, nkeep)) != -1) {
		if (k > lo && fdio_close_span((unsigned)lo,
		    (unsigned)(k - 1)) == -1)
			return -1;
		lo = k + 1;
	}
	return lo > INT_MAX ? 0 : fdio_close_span((unsigned)lo, ~0U);
}

/* One read, EINTR retried: bytes, 0 at EOF, -1 with e set. */
static ssize_t
fdio_read_once(int fd, void *p, size_t n, struct gp_err *e)
{
	ssize_t r;
	int err;

	while ((r = read(fd, p, n)) == -1 && errno == EINTR)
		;
	if (r == -1) {
		err = errno;
		err_set(e, "read: %s", strerror(err));
		errno = err;
	}
	return r;
}

static ssize_t
fdio_too_long(size_t cap, struct gp_err *e)
{
	err_set(e, "longer than %zu bytes", cap);
	errno = EMSGSIZE;
	return -1;
}

ssize_t
fdio_read_all(int fd, void *buf, size_t cap, struct gp_err *e)
{
	uint8_t *p = buf, extra;
	size_t n = 0;
	ssize_t r;

	if (cap > SSIZE_MAX)
		cap = SSIZE_MAX;
	for (;;) {
		if (n < cap)
			r = fdio_read_once(fd, p + n, cap - n, e);
		else
			r = fdio_read_once(fd, &extra, 1, e);
		if (r <= 0)
			return r == 0 ? (ssize_t)n : -1;
		if (n == cap)
			return fdio_too_long(cap, e);
		n += (size_t)r;
	}
}

int
fdio_read_dyn(int fd, struct dynbuf *d, struct gp_err *e)
{
	uint8_t chunk[FDIO_CHUNK];
	ssize_t r;
	int rc = -1;

	for (;;) {
		if ((r = fdio_read_once(fd, chunk, sizeof(chunk), e)) <= 0) {
			rc = r == 0 ? 0 : -1;
			break;
		}
		if (dynbuf_add(d, chunk, (size_t)r) == 0)
			continue;
		if (d->max == 0 || (size_t)r > d->max - 1 - d->len)
			fdio_too_long(d->max > 0 ? d->max - 1 : 0, e);
		else {
			err_set(e, "read: out of memory");
			errno = ENOMEM;
		}
		break;
	}
	explicit_bzero(chunk, sizeof(chunk));
	return rc;
}

/* A non-blocking fd that is full: wait for room, bounded. */
static int
fdio_wait_out(int fd, struct gp_err *e)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int rc, err;


	rc = poll(&pfd, 1, FDIO_WRITE_STALL_MS);
	if (rc > 0 || (rc == -1 && errno == EINTR))
		return 0;
	err = rc == 0 ? ETIMEDOUT : errno;
	err_set(e, "write stalled");
	errno = err;
	return -1;
}

int
fdio_write_all(int fd, const void *p, size_t n, struct gp_err *e)
{
	const uint8_t *b = p;
	ssize_t k;
	int err;

	while (n > 0) {
		k = write(fd, b, n);
		if (k > 0) {
			b += k;
			n -= (size_t)k;
			continue;
		}
		if (k == -1 && errno == EINTR)
			continue;
		if (k == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (fdio_wait_out(fd, e) == -1)
				return -1;
			continue;
		}
		err = k == 0 ? EIO : errno;
		err_set(e, "write: %s", strerror(err));
		errno = err;
		return -1;
	}
	return 0;
}

/*
 * A frame's header and body in one system call where the descriptor
 * takes both: a reader woken by the header alone would block again for
 * the body, one more wake-up on the connect path. The rest, if any,
 * goes as fdio_write_all sends it (which also reports any error).
 */
int
fdio_write2(int fd, const void *a, size_t alen, const void *b, size_t blen,
    struct gp_err *e)
{
	struct iovec iov[2];
	size_t k;
	ssize_t n;

	iov[0].iov_base = (void *)(uintptr_t)a;
	iov[0].iov_len = alen;
	iov[1].iov_base = (void *)(uintptr_t)b;
	iov[1].iov_len = blen;
	do
		n = writev(fd, iov, 2);
	while (n == -1 && errno == EINTR);
	k = n > 0 ? (size_t)n : 0;
	if (k < alen)
		return fdio_write_all(fd, (const uint8_t *)a + k, alen - k,
		    e) == -1 ? -1 : fdio_write_all(fd, b, blen, e);
	k -= alen;
	return fdio_write_all(fd, (const uint8_t *)b + k, blen - k, e);
}

int
fdio_wait(int fd, short events, int64_t deadline,
    volatile sig_atomic_t *cancel, const char *who, const char *what,
    struct gp_err *e)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int64_t left;
	int n;

	for (;;) {
		if (cancel != NULL && *cancel != 0)
			return err_set(e, "%s: interrupted while %s", who,
			    what);
		left = deadline - clock_now_ms();
		if (left <= 0)
			return err_set(e, "%s: timed out while %s", who, what);
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n == -1 && errno != EINTR)
			return err_set(e, "%s: poll while %s: %s", who, what,
			    strerror(errno));
	}
}
