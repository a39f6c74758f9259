/* SPDX-License-Identifier: ISC */
/*
 * The session record's text (record.h), in gp-tunnel [priv] and in
 * gp-tunnel --cleanup. What is written comes from our own script
 * environment; what is read back is untrusted: bounded lines, a fixed
 * set of keys, every value checked before it reaches a script.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/record.h"
#include "tunnel/script.h"
#include "tunnel/tun.h"

#define RECORD_LINE_MAX	(PATH_MAX + 16)

static bool
record_name_ok(const char *n, size_t len)
{
	size_t i;

	if (len == 0 || (n[0] >= '0' && n[0] <= '9'))
		return false;
	for (i = 0; i < len; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
		    (n[i] >= 'A' && n[i] <= 'Z') ||
		    (n[i] >= '0' && n[i] <= '9') || n[i] == '_'))
			return false;
	return true;
}

static bool
record_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return false;
	return true;
}

int
record_format(char *out, size_t outsz, const char *script,
    const struct script_env *env, struct gp_err *e)
{
	size_t i, off = 0;
	int n;

	if (!record_printable(script) || strlen(script) >= PATH_MAX)
		return err_set(e, "record: the script is not one line of "
		    "printable text");
	n = snprintf(out, outsz, "%s\nscript %s\n", RECORD_MAGIC, script);
	for (i = 0; n >= 0 && (size_t)n < outsz - off && i < env->n; i++) {
		off += (size_t)n;
		n = snprintf(out + off, outsz - off, "env %s\n",
		    env->vars[i]);
	}
	if (n >= 0 && (size_t)n < outsz - off) {
		off += (size_t)n;
		n = snprintf(out + off, outsz - off, "end\n");
	}
	if (n < 0 || (size_t)n >= outsz - off)
		return err_set(e, "record: more than %zu bytes", outsz);
	return (int)(off + (size_t)n);
}

/* One `env NAME=VALUE' value, checked and kept. */
static int
record_env(struct record *r, const char *v, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	const char *eq = strchr(v, '=');

	if (eq == NULL || !record_name_ok(v, (size_t)(eq - v)) ||
	    !script_value_ok(eq + 1))
		return err_set(e, "record: bad variable `%s'",
		    err_quote(q, v, strlen(v)));
	if (r->env.n >= SCRIPT_ENV_MAX)
		return err_set(e, "record: more than %d variables",
		    SCRIPT_ENV_MAX);
	if (strncmp(v, "reason=", 7) == 0 && strcmp(v, "reason=disconnect"))
		return err_set(e, "record: `%s' is not reason=disconnect",
		    err_quote(q, v, strlen(v)));
	if (strncmp(v, "TUNDEV=", 7) == 0) {
		if (r->ifname[0] != '\0' || strlen(eq + 1) >= IFNAMSIZ ||
		    !tun_name_ok(eq + 1))
			return err_set(e, "record: bad or second `%s'",
			    err_quote(q, v, strlen(v)));
		memcpy(r->ifname, eq + 1, strlen(eq + 1) + 1);
	}
	if ((r->env.vars[r->env.n] = strdup(v)) == NULL)
		return err_set(e, "record: out of memory");
	r->env.n++;
	r->env.vars[r->env.n] = NULL;
	return 0;
}

/* One line, without its newline; *done at `end'. */
static int
record_line(struct record *r, unsigned no, const char *l, bool *done,
    struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (no == 0) {
		if (strcmp(l, RECORD_MAGIC) != 0)
			return err_set(e, "record: not a record (`%s')",
			    err_quote(q, l, strlen(l)));
		return 0;
	}
	if (strncmp(l, "script ", 7) == 0) {
		if (r->script[0] != '\0' || l[7] == '\0' ||
		    !record_printable(l + 7))
			return err_set(e, "record: line %u: bad script",
			    no + 1);
		memcpy(r->script, l + 7, strlen(l + 7) + 1);
		return 0;
	}
	if (strncmp(l, "env ", 4) == 0)
		return record_env(r, l + 4, e);
	if (strcmp(l, "end") == 0) {
		*done = true;
		return 0;
	}
	return err_set(e, "record: line %u: unknown `%s'", no + 1,
	    err_quote(q, l, strlen(l)));
}

static int
record_complete(const struct record *r, struct gp_err *e)
{
	size_t i;
	bool reason = false;

	for (i = 0; i < r->env.n; i++)
		if (strcmp(r->env.vars[i], "reason=disconnect") == 0)
			reason = true;
	if (r->script[0] == '\0' || r->ifname[0] == '\0' || !reason)
		return err_set(e, "record: no script, TUNDEV or reason");
	return 0;
}

static int
record_lines(const char *text, size_t len, struct record *r,
    struct gp_err *e)
{
	char line[RECORD_LINE_MAX];
	size_t off = 0, n;
	unsigned no = 0;
	bool done = false;
	const char *nl;

	if (len > RECORD_MAX_BYTES)
		return err_set(e, "record: more than %d bytes",
		    RECORD_MAX_BYTES);
	while (off < len && !done) {
		if ((nl = memchr(text + off, '\n', len - off)) == NULL)
			return err_set(e, "record: line %u: no newline (cut "
			    "short?)", no + 1);
		n = (size_t)(nl - (text + off));
		if (n >= sizeof(line) || memchr(text + off, '\0', n) != NULL)
			return err_set(e, "record: line %u: too long or a NUL",
			    no + 1);
		memcpy(line, text + off, n);
		line[n] = '\0';
		if (record_line(r, no, line, &done, e) == -1)
			return -1;
		off += n + 1;
		no++;
	}
	if (!done || off != len)
		return err_set(e, "record: %s", done ? "bytes after `end'" :
		    "no `end' line (cut short?)");
	return record_complete(r, e);
}

int
record_parse(const char *text, size_t len, struct record *r,
    struct gp_err *e)
{
	memset(r, 0, sizeof(*r));
	if (record_lines(text, len, r, e) == -1) {
		record_free(r);
		return -1;
	}
	return 0;
}

void
record_free(struct record *r)
{
	script_env_free(&r->env);
	memset(r, 0, sizeof(*r));
}
