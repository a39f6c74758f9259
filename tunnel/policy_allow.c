/* SPDX-License-Identifier: ISC */
/*
 * The allow- lines of the gp-tunnel policy file (policy_allow.h): the
 * principals that may connect to gp-tunnel --listen, and the -s, --setuid,
 * -i and --policy values a user may choose, each value checked as its
 * option would take it. Runs in [priv]; the lines are untrusted text.
 */
#include <string.h>

#include "tunnel/policy_allow.h"
#include "tunnel/scriptcmd.h"
#include "tunnel/tun.h"

#define POLICY_ALLOW_USER_MAX	32	/* allow-setuid: a login name */

/* Indexed by enum policy_allow_kind; 0 is no kind. */
static const char *const policy_allow_keywords[] = {
	[POLICY_ALLOW_SCRIPT] = "allow-script",
	[POLICY_ALLOW_SETUID] = "allow-setuid",
	[POLICY_ALLOW_INTERFACE] = "allow-interface",
	[POLICY_ALLOW_POLICY] = "allow-policy",
};
#define POLICY_ALLOW_KINDS \
	(sizeof(policy_allow_keywords) / sizeof(policy_allow_keywords[0]))

/* A decimal id below 2^32 - 1 ((uid_t)-1 means "none" to the kernel). */
static int
policy_allow_id_parse(const char *s, uint32_t *id)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 0 || v >= UINT32_MAX)
		return -1;
	*id = (uint32_t)v;
	return 0;
}

/* A name as useradd and systemd take it: [A-Za-z0-9_][A-Za-z0-9._-]*
 * with an optional final '$', up to POLICY_NAME_MAX bytes. */
static bool
policy_allow_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > POLICY_NAME_MAX || s[0] == '-' || s[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-' || (c == '$' && i == n - 1 && i > 0))
			continue;
		return false;
	}
	return true;
}

/* One name or numeric id per line; all digits is an id, as chown reads
 * it. */
int
policy_allow_principal(struct policy_principal *list, unsigned *n,
    const struct policy_line *l, struct gp_err *e)
{
	struct policy_principal *a;

	if (l->n != 2)
		return policy_line_bad(e, l, "expected one name or numeric id",
		    l->tok[0]);
	if (*n == POLICY_ALLOW_MAX)
		return policy_line_bad(e, l, "too many lines of this kind",
		    l->tok[1]);
	a = &list[*n];
	memset(a, 0, sizeof(*a));
	if (strspn(l->tok[1], "0123456789") == strlen(l->tok[1])) {
		if (policy_allow_id_parse(l->tok[1], &a->id) == -1)
			return policy_line_bad(e, l, "not an id below "
			    "4294967295", l->tok[1]);
		a->resolved = true;
	} else if (policy_allow_name_ok(l->tok[1]))
		memcpy(a->name, l->tok[1], strlen(l->tok[1]) + 1);
	else
		return policy_line_bad(e, l, "not a user or group name",
		    l->tok[1]);
	(*n)++;
	return 0;
}

/* A login name: [A-Za-z0-9._-], not starting with '-', not root. */
static bool
policy_allow_user_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > POLICY_ALLOW_USER_MAX || s[0] == '-' ||
	    strcmp(s, "root") == 0)
		return false;
	for (i = 0; i < n; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) == NULL)
			return false;
	return true;
}

/* An absolute path, as -s takes one, or a command line of printable
 * ASCII and tabs (a newline cannot occur: lines end there). */
static bool
policy_allow_script_ok(const char *v)
{
	const char *c;

	if (scriptcmd_is_plain(v))
		return v[0] == '/';
	for (c = v; *c != '\0'; c++)
		if ((*c < 0x20 || *c > 0x7e) && *c != '\t')
			return false;
	return true;
}

static bool
policy_allow_value_ok(enum policy_allow_kind k, const char *v)
{
	switch (k) {
	case POLICY_ALLOW_SCRIPT:
		return policy_allow_script_ok(v);
	case POLICY_ALLOW_POLICY:
		return v[0] == '/';
	case POLICY_ALLOW_SETUID:
		return policy_allow_user_ok(v);
	case POLICY_ALLOW_INTERFACE:
		return v[0] != '\0' && strlen(v) < IFNAMSIZ && tun_name_ok(v);
	}
	return false;
}

static const char *
policy_allow_what(enum policy_allow_kind k)
{
	switch (k) {
	case POLICY_ALLOW_SCRIPT:
		return "expected an absolute path or a command line of "
		    "printable ASCII";
	case POLICY_ALLOW_POLICY:
		return "expected an absolute path";
	case POLICY_ALLOW_SETUID:
		return "expected a user name other than root";
	case POLICY_ALLOW_INTERFACE:
		return "expected an interface name, 1..15 of A-Za-z0-9_.-";
	}
	return "unknown";
}

static int
policy_allow_add(struct tunnel_policy *p, const struct policy_line *l,
    enum policy_allow_kind k, struct gp_err *e)
{
	struct policy_allow *a;

	if (l->n != 2)
		return policy_line_bad(e, l, "expected one value", l->tok[0]);
	if (p->n_allows == POLICY_ALLOWS_MAX)
		return policy_line_bad(e, l, "too many allow- lines",
		    l->tok[1]);
	if (strlen(l->tok[1]) > POLICY_VALUE_MAX ||
	    !policy_allow_value_ok(k, l->tok[1]))
		return policy_line_bad(e, l, policy_allow_what(k), l->tok[1]);
	a = &p->allows[p->n_allows++];
	a->kind = (uint8_t)k;
	memcpy(a->value, l->tok[1], strlen(l->tok[1]) + 1);
	return 0;
}

int
policy_allow_line(struct tunnel_policy *p, const struct policy_line *l,
    struct gp_err *e)
{
	size_t k;

	for (k = POLICY_ALLOW_SCRIPT; k < POLICY_ALLOW_KINDS; k++)
		if (strcmp(l->tok[0], policy_allow_keywords[k]) == 0)
			return policy_allow_add(p, l, (enum policy_allow_kind)k,
			    e);
	return policy_line_bad(e, l, "unknown keyword", l->tok[0]);
}

const char *
policy_allow_keyword(enum policy_allow_kind k)
{
	if ((size_t)k < POLICY_ALLOW_KINDS && policy_allow_keywords[k] != NULL)
		return policy_allow_keywords[k];
	return "allow-?";
}

bool
policy_allows(const struct tunnel_policy *p, enum policy_allow_kind k,
    const char *value)
{
	unsigned i;

	for (i = 0; i < p->n_allows; i++)
		if (p->allows[i].kind == k &&
		    strcmp(p->allows[i].value, value) == 0)
			return true;
	return false;
}
