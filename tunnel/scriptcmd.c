/* SPDX-License-Identifier: ISC */
/*
 * The -s value (scriptcmd.h): a plain path or a command line for
 * /bin/sh -c, its first word, and a bare name looked up in root's fixed
 * PATH. Runs in gp-tunnel as root, at set-up and in [priv]; the value is
 * root's or listed in root's policy, the file system is checked by
 * safepath.c afterwards.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tunnel/scriptcmd.h"

static bool
scriptcmd_plain_char(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr("/._+,:@%-", c) != NULL;
}

static bool
scriptcmd_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool
scriptcmd_is_plain(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!scriptcmd_plain_char(*s))
			return false;
	return true;
}

int
scriptcmd_first_word(const char *cmd, size_t *start, size_t *len,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	size_t i = 0, j;

	while (scriptcmd_blank(cmd[i]))
		i++;
	for (j = i; scriptcmd_plain_char(cmd[j]); j++)
		continue;
	*start = i;
	*len = j - i;
	if (j == i || (cmd[j] != '\0' && !scriptcmd_blank(cmd[j])))
		return err_set(e, "-s `%s`: a command line must start with "
		    "a program (an absolute path or a name), then a blank",
		    err_quote(q, cmd, strlen(cmd)));
	if (cmd[i] != '/' && memchr(cmd + i, '/', j - i) != NULL)
		return err_set(e, "-s `%s`: the program is a relative path",
		    err_quote(q, cmd, strlen(cmd)));
	return 0;
}

/* dir/name, if it is a regular file with an execute bit. */
static bool
scriptcmd_try(const char *dir, size_t dlen, const char *name, char *out,
    size_t outsz)
{
	struct stat st;
	int n;

	if (dlen == 0 || dir[0] != '/')
		return false;	/* sh would look in "."; root's PATH never */
	n = snprintf(out, outsz, "%.*s/%s", (int)dlen, dir, name);
	if (n < 0 || (size_t)n >= outsz)
		return false;
	return stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0111) != 0;
}

int
scriptcmd_which_in(const char *path_list, const char *name, char *out,
    size_t outsz, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *p = path_list, *colon;

	if (name[0] == '\0' || strchr(name, '/') != NULL)
		return err_set(e, "`%s`: not a program name",
		    err_quote(q, name, strlen(name)));
	for (;;) {
		colon = strchr(p, ':');
		if (scriptcmd_try(p, colon != NULL ? (size_t)(colon - p) :
		    strlen(p), name, out, outsz))
			return 0;
		if (colon == NULL)
			break;
		p = colon + 1;
	}
	if (outsz > 0)
		out[0] = '\0';
	return err_set(e, "-s: program `%s` is not in root's PATH (%s)",
	    err_quote(q, name, strlen(name)), path_list);
}

int
scriptcmd_which(const char *name, char *out, size_t outsz,
    struct gp_err *e)
{
	return scriptcmd_which_in(SCRIPTCMD_ROOT_PATH, name, out, outsz, e);
}

int
scriptcmd_rewrite(const char *cmd, size_t start, size_t len,
    const char *prog, char *out, size_t outsz, struct gp_err *e)
{
	int n;

	n = snprintf(out, outsz, "%.*s%s%s", (int)start, cmd, prog,
	    cmd + start + len);
	if (n < 0 || (size_t)n >= outsz) {
		if (outsz > 0)
			out[0] = '\0';
		return err_set(e, "-s: the command line is too long");
	}
	return 0;
}

int
scriptcmd_program(const char *value, char *out, size_t outsz,
    struct gp_err *e)
{
	size_t start, len;

	if (scriptcmd_is_plain(value)) {
		start = 0;
		len = strlen(value);
	} else if (scriptcmd_first_word(value, &start, &len, e) == -1) {
		return -1;
	}
	if (len >= outsz)
		return err_set(e, "-s: the program path is too long");
	memcpy(out, value + start, len);
	out[len] = '\0';
	return 0;
}
