/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's cookie text in and out: OpenConnect's cookie string read
 * from stdin (--cookie-on-stdin), and the --authenticate lines
 * (PROTOCOL.md §5.4) that hand a login to another program. The text read
 * is the user's, yet strictly bounded; both directions carry a secret.
 */
#ifndef GPVPN_AUTH_COOKIE_IO_H
#define GPVPN_AUTH_COOKIE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "auth/resolve.h"
#include "ipc/config.h"
#include "ipc/err.h"

/* --authenticate: the cookie string (no quote in it: it is %-encoded),
 * then HOST, CONNECT_URL, FINGERPRINT and RESOLVE. */
#define COOKIE_IO_AUTH_TEXT_MAX	(COOKIE_STR_MAX + 2048)

/* One line of at most bufsz - 1 bytes from fd until EOF, one trailing
 * newline dropped, into buf (secret memory). -1 with e. */
int	cookie_io_read(int fd, char *buf, size_t bufsz, struct gp_err *e);
/* 'text' for sh, with each ' written as '\'' */
int	cookie_io_shell_quote(const char *s, char *out, size_t outsz);
/* PROTOCOL.md §5.4: COOKIE, HOST, CONNECT_URL, FINGERPRINT, RESOLVE. */
int	cookie_io_auth_text(const struct gw_target *t, const char *cookie,
	    const uint8_t key[CFG_PIN_BYTES], char *out, size_t outsz);
/* Those lines written to fd; -1 if not all of them were. */
int	cookie_io_print_auth(const struct gw_target *t, const char *cookie,
	    const uint8_t key[CFG_PIN_BYTES], int fd);

#endif
