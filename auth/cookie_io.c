/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's cookie text in and out (see cookie_io.h): the cookie string
 * from stdin, and the --authenticate lines. The text read is the user's
 * and a secret: secret memory, bounded, wiped after use; the lines
 * written quote every value for sh.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "auth/cookie_io.h"
#include "auth/pin.h"
#include "ipc/dynbuf.h"
#include "ipc/fdio.h"
#include "ipc/secret.h"

int
cookie_io_read(int fd, char *buf, size_t bufsz, struct gp_err *e)
{
	ssize_t r;
	size_t n;

	/* More than bufsz bytes (EMSGSIZE) is too long, whatever the
	 * first bufsz were: a line that fills buf and then more. */
	if ((r = fdio_read_all(fd, buf, bufsz, e)) == -1 && errno != EMSGSIZE)
		return err_set(e, "cookie from stdin: %s", strerror(errno));
	n = r == -1 ? bufsz : (size_t)r;
	if (r != -1 && n > 0 && buf[n - 1] == '\n')
		n--;
	if (n == bufsz || n == 0)
		return err_set(e, "cookie from stdin: %s", n == 0 ? "empty" :
		    "too long");
	if (memchr(buf, '\0', n) != NULL || memchr(buf, '\n', n) != NULL)
		return err_set(e, "cookie from stdin: more than one line");
	buf[n] = '\0';
	return 0;
}

/* s quoted for sh onto d, each ' written as '\'' */
static int
cookie_io_quote(struct dynbuf *d, const char *s)
{
	if (dynbuf_addstr(d, "'") == -1)
		return -1;
	for (; *s != '\0'; s++)
		if ((*s == '\'' ? dynbuf_addstr(d, "'\\''") :
		    dynbuf_add(d, s, 1)) == -1)
			return -1;
	return dynbuf_addstr(d, "'");
}

int
cookie_io_shell_quote(const char *s, char *out, size_t outsz)
{
	struct dynbuf d;

	if (outsz == 0)
		return -1;
	dynbuf_fixed(&d, out, outsz);
	if (cookie_io_quote(&d, s) == 0)
		return 0;
	secret_wipe(out, outsz);
	return -1;
}

/* NAME='value'\n onto d. */
static int
cookie_io_line(struct dynbuf *d, const char *name, const char *value)
{
	if (dynbuf_addstr(d, name) == -1 || dynbuf_addstr(d, "=") == -1 ||
	    cookie_io_quote(d, value) == -1)
		return -1;
	return dynbuf_addstr(d, "\n");
}

int
cookie_io_auth_text(const struct gw_target *t, const char *cookie,
    const uint8_t key[CFG_PIN_BYTES], char *out, size_t outsz)
{
	char url[RESOLVE_ORIGIN_MAX + 2], pin[PIN_STR_MAX];
	char resolve[CFG_HOST_MAX + CFG_ADDR_STR_MAX + 2] = "";
	struct dynbuf d;

	if (outsz == 0 || resolve_connect_url(t, url, sizeof(url)) == -1)
		return -1;
	pin_format(key, pin);
	/* host:ip; an IPv6 literal host has nothing to resolve, and behind
	 * a proxy that resolves names gp-auth has no address for it. */
	if ((!t->literal || strchr(t->host, ':') == NULL) &&
	    t->addr_str[0] != '\0')
		snprintf(resolve, sizeof(resolve), "%s:%s", t->host,
		    t->addr_str);
	dynbuf_fixed(&d, out, outsz);
	if (cookie_io_line(&d, "COOKIE", cookie) == 0 &&
	    cookie_io_line(&d, "HOST", t->addr_str[0] != '\0' ?
	    t->addr_str : t->host) == 0 &&
	    cookie_io_line(&d, "CONNECT_URL", url) == 0 &&
	    cookie_io_line(&d, "FINGERPRINT", pin) == 0 &&
	    (resolve[0] == '\0' ? dynbuf_addstr(&d, "RESOLVE=\n") :
	    cookie_io_line(&d, "RESOLVE", resolve)) == 0)
		return 0;
	secret_wipe(out, outsz);
	return -1;
}

int
cookie_io_print_auth(const struct gw_target *t, const char *cookie,
    const uint8_t key[CFG_PIN_BYTES], int fd)
{
	char *text;
	struct gp_err e;
	int rc = -1;

	if ((text = secret_alloc(COOKIE_IO_AUTH_TEXT_MAX)) == NULL)
		return -1;
	if (cookie_io_auth_text(t, cookie, key, text,
	    COOKIE_IO_AUTH_TEXT_MAX) == 0)
		rc = fdio_write_all(fd, text, strlen(text), &e);
	secret_free(text, COOKIE_IO_AUTH_TEXT_MAX);
	return rc;
}
