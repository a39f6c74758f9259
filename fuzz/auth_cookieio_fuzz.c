/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for gp-auth's cookie text (auth/cookie_io.c): the
 * input is what --cookie-on-stdin reads, untrusted. The reader must agree
 * with a model of "one line, one newline dropped, bounded"; a cookie it
 * accepts is printed as the --authenticate lines, whose COOKIE value
 * must unquote (as sh would) to the string that reads back the same.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "auth/cookie.h"
#include "auth/cookie_io.h"
#include "ipc/fdio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SMALL_BUF	16

/* The reader on data as stdin with a buffer of bufsz; its result. */
static int
read_as_stdin(const uint8_t *data, size_t size, char *buf, size_t bufsz)
{
	struct gp_err e;
	int fd, rc = -1;

	if ((fd = memfd_create("stdin", MFD_CLOEXEC)) == -1)
		abort();
	if (fdio_write_all(fd, data, size, &e) == -1 ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	rc = cookie_io_read(fd, buf, bufsz, &e);
	if (rc == -1 && strncmp(e.msg, "cookie from stdin: ", 19) != 0)
		abort();
	close(fd);
	return rc;
}

/* The model: one line of fewer than bufsz bytes, no NUL, not empty. */
static size_t
model_len(const uint8_t *data, size_t size, size_t bufsz)
{
	size_t n = size;

	if (size > bufsz)
		return 0;
	if (n > 0 && data[n - 1] == '\n')
		n--;
	if (n == 0 || n >= bufsz || memchr(data, '\0', n) != NULL ||
	    memchr(data, '\n', n) != NULL)
		return 0;
	return n;
}

static void
check_read(const uint8_t *data, size_t size, char *buf, size_t bufsz)
{
	size_t n = model_len(data, size, bufsz);
	int rc = read_as_stdin(data, size, buf, bufsz);

	if ((rc == 0) != (n > 0))
		abort();
	if (rc == 0 && (strlen(buf) != n || memcmp(buf, data, n) != 0))
		abort();
}

/* s, one sh word of '...' and \' pieces, unquoted into out. */
static void
sh_unquote(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	while (*s != '\0') {
		if (*s == '\\' && s[1] == '\'') {
			out[o++] = '\'';
			s += 2;
			continue;
		}
		if (*s++ != '\'')
			abort();
		while (*s != '\'' && *s != '\0' && o < outsz - 1)
			out[o++] = *s++;
		if (*s++ != '\'')
			abort();
	}
	out[o] = '\0';
}

/* A cookie's --authenticate lines: the COOKIE value, unquoted, is s. */
static void
check_authenticate(const char *s)
{
	static char text[COOKIE_IO_AUTH_TEXT_MAX], val[COOKIE_STR_MAX + 1];
	static const uint8_t key[CFG_PIN_BYTES];
	struct gw_target t;
	struct gp_err e;
	char *nl;

	memset(&t, 0, sizeof(t));
	if (resolve_url_parse("vpn.example.com/gateway", &t, &e) == -1)
		abort();
	if (cookie_io_auth_text(&t, s, key, text, sizeof(text)) == -1)
		abort();
	if (strncmp(text, "COOKIE=", 7) != 0 ||
	    (nl = strchr(text, '\n')) == NULL)
		abort();
	*nl = '\0';
	sh_unquote(text + 7, val, sizeof(val));
	if (strcmp(val, s) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[COOKIE_STR_MAX + 1], small[SMALL_BUF];
	static char str[COOKIE_STR_MAX], again[COOKIE_STR_MAX + 2];
	static struct gp_cookie *c, *c2;
	struct gp_err e;
	size_t n;

	/* Secret memory is mapped and locked: once, not per input. */
	if (c == NULL && ((c = cookie_new()) == NULL ||
	    (c2 = cookie_new()) == NULL))
		abort();
	memset(c, 0, sizeof(*c));
	memset(c2, 0, sizeof(*c2));

	check_read(data, size, small, sizeof(small));
	check_read(data, size, buf, sizeof(buf));
	if (model_len(data, size, sizeof(buf)) > 0 &&
	    cookie_parse(buf, c, &e) == 0 &&
	    cookie_format(c, str, sizeof(str)) == 0) {
		check_authenticate(str);
		/* What --authenticate printed, piped back in. */
		n = strlen(str);
		memcpy(again, str, n);
		again[n] = '\n';
		if (read_as_stdin((const uint8_t *)again, n + 1, buf,
		    sizeof(buf)) != 0 || cookie_parse(buf, c2, &e) != 0 ||
		    memcmp(c, c2, sizeof(*c)) != 0)
			abort();
	}
	return 0;
}
