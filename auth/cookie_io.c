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
#include "ipc/secret.h"

int
cookie_io_read(int fd, char *buf, size_t bufsz, struct gp_err *e)
{
	size_t n = 0;
	ssize_t r;

	while (n < bufsz) {
		r = read(fd, buf + n, bufsz - n);
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
cookie_io_shell_quote(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	if (outsz < 3)
		return -1;
	out[o++] = '\'';
	for (; *s != '\0'; s++) {
		if (*s == '\'') {
			if (outsz - o < 5)
				goto fail;
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else {
			if (outsz - o < 2)
				goto fail;
			out[o++] = *s;
		}
	}
	if (outsz - o < 2)
		goto fail;
	out[o++] = '\'';
	out[o] = '\0';
	return 0;
fail:
	secret_wipe(out, outsz);
	return -1;
}

/* NAME='value'\n appended at *o. */
static int
cookie_io_shell_line(char *out, size_t outsz, size_t *o, const char *name,
    const char *value)
{
	size_t n = strlen(name);

	if (outsz - *o < n + 2)
		return -1;
	memcpy(out + *o, name, n);
	out[*o + n] = '=';
	*o += n + 1;
	if (cookie_io_shell_quote(value, out + *o, outsz - *o - 1) == -1)
		return -1;
	*o += strlen(out + *o);
	out[(*o)++] = '\n';
	out[*o] = '\0';
	return 0;
}

int
cookie_io_auth_text(const struct gw_target *t, const char *cookie,
    const uint8_t key[CFG_PIN_BYTES], char *out, size_t outsz)
{
	char url[RESOLVE_ORIGIN_MAX + 2], pin[PIN_STR_MAX];
	char resolve[CFG_HOST_MAX + CFG_ADDR_STR_MAX + 2] = "";
	size_t o = 0;

	if (resolve_connect_url(t, url, sizeof(url)) == -1)
		return -1;
	pin_format(key, pin);
	/* host:ip; an IPv6 literal host has nothing to resolve, and behind
	 * a proxy that resolves names gp-auth has no address for it. */
	if ((!t->literal || strchr(t->host, ':') == NULL) &&
	    t->addr_str[0] != '\0')
		snprintf(resolve, sizeof(resolve), "%s:%s", t->host,
		    t->addr_str);
	if (cookie_io_shell_line(out, outsz, &o, "COOKIE", cookie) == -1 ||
	    cookie_io_shell_line(out, outsz, &o, "HOST",
	    t->addr_str[0] != '\0' ? t->addr_str : t->host) == -1 ||
	    cookie_io_shell_line(out, outsz, &o, "CONNECT_URL", url) == -1 ||
	    cookie_io_shell_line(out, outsz, &o, "FINGERPRINT", pin) == -1)
		goto fail;
	if (resolve[0] == '\0') {
		if (outsz - o < sizeof("RESOLVE=\n"))
			goto fail;
		memcpy(out + o, "RESOLVE=\n", sizeof("RESOLVE=\n"));
	} else if (cookie_io_shell_line(out, outsz, &o, "RESOLVE",
	    resolve) == -1)
		goto fail;
	return 0;
fail:
	secret_wipe(out, outsz);
	return -1;
}

int
cookie_io_print_auth(const struct gw_target *t, const char *cookie,
    const uint8_t key[CFG_PIN_BYTES], int fd)
{
	char *text;
	size_t len, off = 0;
	ssize_t w;
	int rc = -1;

	if ((text = secret_alloc(COOKIE_IO_AUTH_TEXT_MAX)) == NULL)
		return -1;
	if (cookie_io_auth_text(t, cookie, key, text,
	    COOKIE_IO_AUTH_TEXT_MAX) == 0) {
		len = strlen(text);
		while (off < len) {
			w = write(fd, text + off, len - off);
			if (w == -1 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		rc = off == len ? 0 : -1;
	}
	secret_free(text, COOKIE_IO_AUTH_TEXT_MAX);
	return rc;
}
