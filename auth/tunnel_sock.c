/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's side of the service mode (tunnel_sock.h): connect to the
 * socket, make sure root is at the other end, and read the one frame
 * that says the service admitted us. Runs in gp-auth, under its seccomp
 * filter; what comes back on the socket is untrusted.
 */
#define _GNU_SOURCE	/* struct ucred */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "auth/tunnel_sock.h"
#include "ipc/frame.h"

/* What to check, by connect()'s errno. */
static const char *
tunnel_sock_hint(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return "is gp-tunnel.socket active (systemctl status "
		    "gp-tunnel.socket)?";
	case EACCES:
	case EPERM:
		return "are you in the socket's group (gpvpn)? After being "
		    "added, log in again";
	default:
		return "is it gp-tunnel's service socket?";
	}
}

static int
tunnel_sock_open(const char *path, struct gp_err *e)
{
	struct sockaddr_un sun;
	int fd, err;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (path[0] == '\0' || strlen(path) >= sizeof(sun.sun_path))
		return err_set(e, "--tunnel-socket: `%s`: not a socket path "
		    "(1 to %zu bytes)", path, sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return err_set(e, "--tunnel-socket: socket: %s",
		    strerror(errno));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		err = errno;
		close(fd);
		return err_set(e, "--tunnel-socket: cannot connect to %s: %s;"
		    " %s", path, strerror(err), tunnel_sock_hint(err));
	}
	return fd;
}

/* Only root's service gets the session: a socket someone else made at
 * that path would otherwise receive the cookie. */
static int
tunnel_sock_root(int fd, const char *path, struct gp_err *e)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return err_set(e, "--tunnel-socket: SO_PEERCRED: %s",
		    strerror(errno));
	if (len != sizeof(uc) || uc.uid != 0)
		return err_set(e, "--tunnel-socket: %s is served by uid %lu, "
		    "not root: not sending it the session", path,
		    (unsigned long)uc.uid);
	return 0;
}

/* The service's first frame: an empty STATUS, or a close (refused). */
static int
tunnel_sock_accepted(int fd, const char *path, struct gp_err *e)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct frame_hdr h;
	struct buf body;
	int r;

	do
		r = poll(&pfd, 1, TUNNEL_SOCK_ACCEPT_WAIT_MS);
	while (r == -1 && errno == EINTR);
	if (r <= 0)
		return err_set(e, "--tunnel-socket: %s did not answer within "
		    "%d s", path, TUNNEL_SOCK_ACCEPT_WAIT_MS / 1000);
	r = frame_read(fd, &h, &body, e);
	if (r == 0 || (r == -1 && (errno == ECONNRESET || errno == EPIPE)))
		return err_set(e, "--tunnel-socket: %s refused the connection:"
		    " uid %lu is not allowed by gp-tunnel's policy (allow-user,"
		    " allow-group), or it already runs a tunnel; its log says "
		    "which", path, (unsigned long)getuid());
	if (r == -1)
		return -1;
	buf_free(&body);
	if (h.type != FRAME_STATUS || h.length != 0)
		return err_set(e, "--tunnel-socket: %s: expected an empty "
		    "STATUS frame first, got type %u, %u bytes", path,
		    (unsigned)h.type, (unsigned)h.length);
	return 0;
}

int
tunnel_sock_connect(const char *path, struct gp_err *e)
{
	int fd;

	if ((fd = tunnel_sock_open(path, e)) == -1)
		return -1;
	if (tunnel_sock_root(fd, path, e) == -1 ||
	    tunnel_sock_accepted(fd, path, e) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}
