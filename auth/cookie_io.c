/*
 * gp-auth --cookie-on-stdin: OpenConnect's cookie string (PROTOCOL.md
 * §5.3), as `openconnect --authenticate` prints it, read from stdin and
 * used for getconfig. The text is the user's, yet strictly parsed: it
 * ends up in requests. It is a secret: secret memory, wiped after use.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "auth/flow_int.h"
#include "ipc/log.h"
#include "ipc/secret.h"

/* Up to COOKIE_STR_MAX bytes until EOF; one trailing newline dropped. */
static int
cookie_io_read(char *buf, size_t bufsz, struct gp_err *e)
{
	size_t n = 0;
	ssize_t r;

	while (n < bufsz) {
		r = read(STDIN_FILENO, buf + n, bufsz - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return err_set(e, "cookie from stdin: %s",
			    strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n == bufsz || n == 0)
		return err_set(e, "cookie from stdin: %s", n == 0 ? "empty" :
		    "too long");
	if (memchr(buf, '\0', n) != NULL || memchr(buf, '\n', n) != NULL)
		return err_set(e, "cookie from stdin: more than one line");
	buf[n] = '\0';
	return 0;
}

int
flow_cookie_stdin(struct flow *f)
{
	char *buf = secret_alloc(COOKIE_STR_MAX + 1);
	struct gp_err e;
	int rc = -1;

	if (buf == NULL)
		fatal("out of memory");
	f->t.iface = IFACE_GATEWAY;
	if (cookie_io_read(buf, COOKIE_STR_MAX + 1, &e) == -1 ||
	    cookie_parse(buf, f->cookie, &e) == -1)
		flow_fail(f, FLOW_EXIT_ERR, "%s", e.msg);
	else if (cookie_format(f->cookie, f->cookie_str,
	    COOKIE_STR_MAX) == -1)
		flow_fail(f, FLOW_EXIT_ERR, "cookie from stdin: too long");
	else {
		log_info("cookie from stdin, user %s", f->cookie->user);
		f->logged_in = true;
		rc = 0;
	}
	secret_free(buf, COOKIE_STR_MAX + 1);
	return rc;
}
