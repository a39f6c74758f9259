/* SPDX-License-Identifier: ISC */
/*
 * What -s names: a plain path, exec'd as it is, or a command line that
 * /bin/sh -c runs, as OpenConnect runs every -s value (SECURITY.md
 * "Deployment"). Runs in gp-tunnel as root: at set-up, to find the
 * program a command line starts with, and in [priv], to choose how to
 * run it. The value comes from root or root's policy, never a frame.
 */
#ifndef GPVPN_TUNNEL_SCRIPTCMD_H
#define GPVPN_TUNNEL_SCRIPTCMD_H

#include <stdbool.h>
#include <stddef.h>

#include "ipc/err.h"

#define SCRIPTCMD_SHELL		"/bin/sh"
/* Where a bare program name is looked for: root's, fixed. */
#define SCRIPTCMD_ROOT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * One word a shell would leave as it is: [A-Za-z0-9/._+,:@%-], not
 * empty. Such a value is exec'd; any other runs as sh -c VALUE. Pure
 * and async-signal-safe.
 */
bool	scriptcmd_is_plain(const char *s);

/*
 * The program a command line starts with: after leading blanks, a plain
 * word (an absolute path, or a name without '/') ended by a blank or the
 * end. *start and *len give it in cmd. Pure; 0, or -1 with e when the
 * line starts with anything else (a quote, $, a redirection, ./x...).
 */
int	scriptcmd_first_word(const char *cmd, size_t *start, size_t *len,
	    struct gp_err *e);

/*
 * Look name (no '/') up in the directories of path_list, in order, as
 * sh would: the first regular file with an execute bit. out gets
 * "dir/name". 0, or -1 with e. scriptcmd_which() uses the fixed
 * SCRIPTCMD_ROOT_PATH.
 */
int	scriptcmd_which_in(const char *path_list, const char *name,
	    char *out, size_t outsz, struct gp_err *e);
int	scriptcmd_which(const char *name, char *out, size_t outsz,
	    struct gp_err *e);

/* cmd with its bytes [start, start + len) replaced by prog, into out.
 * Pure; 0, or -1 with e if it does not fit. */
int	scriptcmd_rewrite(const char *cmd, size_t start, size_t len,
	    const char *prog, char *out, size_t outsz, struct gp_err *e);

/*
 * What running value execs first, for a check that it is there: value
 * itself if plain, else the absolute program its command line starts
 * with (set-up rewrote a bare name to one). 0, or -1 with e.
 */
int	scriptcmd_program(const char *value, char *out, size_t outsz,
	    struct gp_err *e);

#endif
