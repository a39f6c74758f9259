/* SPDX-License-Identifier: ISC */
/*
 * The user name, password and 2FA answers for gp-auth: read from the
 * terminal (echo off for secrets, restored on every path, signals too) or,
 * with --passwd-on-stdin, one line per secret prompt from stdin. Input is
 * the user's own; prompt texts may come from the server and are sanitised.
 */
#ifndef GPVPN_AUTH_CREDS_H
#define GPVPN_AUTH_CREDS_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"

#define CREDS_MAX	256	/* longest line accepted, with its NUL */

/*
 * Read one line into out (the caller's secret memory). secret: echo off
 * and, when from_stdin, read stdin instead of the terminal without showing
 * the prompt. The newline is dropped; a longer line is an error.
 */
int	creds_read(const char *prompt, bool secret, bool from_stdin,
	    char *out, size_t outsz, struct gp_err *e);
/* Close the terminal opened by a prompt (before the sandbox closes it
 * behind creds.c's back); the next prompt opens it again. */
void	creds_close(void);
/*
 * Open the terminal for every later prompt now, before gp-auth's filter,
 * which refuses read-write opens. The descriptor, or -1 when there is no
 * terminal: later prompts then fail with the reason, without a new open.
 */
int	creds_preopen(void);
/* Show a server message on the terminal, control characters replaced. */
void	creds_show(const char *msg);
/* Copy s into out with control characters (but newline) as '?'. */
void	creds_sanitize(const char *s, char *out, size_t outsz);

#endif
