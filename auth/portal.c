/* SPDX-License-Identifier: ISC */
/*
 * Portal <policy> parser (PROTOCOL.md §4.2) for gp-auth: pure, bytes in
 * and struct out. The body comes from an untrusted portal: lengths are
 * capped, names strictly checked, and pushed client-side actions only
 * listed in p->ignored (THREATS.md 13).
 */
#include <ctype.h>
#include <string.h>

#include "portal.h"
#include "xml.h"
#include "ipc/secret.h"

/* Elements that would make a client install, run or unlock something. */
static const char *const portal_risky[] = {
	"root-ca", "install-in-cert-store", "client-upgrade", "upgrade",
	"installer", "installer-url", "scripts", "pre-vpn-connect",
	"post-vpn-connect", "pre-vpn-disconnect", "post-vpn-disconnect",
	"uninstall", "uninstall-passwd", "passcode", "agent-user-override-key",
	"custom-checks", "welcome-page", NULL
};

struct portal_policy *
portal_new(void)
{
	struct portal_policy *p = secret_alloc(sizeof(*p));

	if (p != NULL)
		memset(p, 0, sizeof(*p));
	return p;
}

void
portal_free(struct portal_policy *p)
{
	if (p != NULL)
		secret_free(p, sizeof(*p));
}

static void
portal_note_ignored(struct portal_policy *p, const char *name)
{
	size_t n = strlen(p->ignored), l = strlen(name);
	const char *s = p->ignored;

	while ((s = strstr(s, name)) != NULL) {
		if ((s == p->ignored || s[-1] == ',') &&
		    (s[l] == '\0' || s[l] == ','))
			return;		/* listed already */
		s += l;
	}
	if (n + l + 2 > sizeof(p->ignored))
		return;		/* the log line is long enough already */
	if (n > 0)
		p->ignored[n++] = ',';
	memcpy(p->ignored + n, name, l + 1);
}

/* Walk the whole tree for risky element names; depth is capped by xml.c */
static void
portal_scan(struct portal_policy *p, const xmlNode *n)
{
	size_t i;

	for (; n != NULL; n = xml_next(n)) {
		for (i = 0; portal_risky[i] != NULL; i++)
			if (xml_is(n, portal_risky[i]))
				portal_note_ignored(p, portal_risky[i]);
		portal_scan(p, xml_child(n));
	}
}

/* HOST, HOST:PORT or [V6]:PORT: checked again when connecting. */
static bool
portal_name_ok(const char *s)
{
	size_t i;

	if (s[0] == '\0')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr(".-:[]_",
		    s[i]) == NULL)
			return false;
	return true;
}

/* Opaque tokens: base64, hex or URL-encoded text, nothing else. */
static bool
portal_token_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("+/=-_.%~",
		    s[i]) == NULL)
			return false;
	return true;
}

static int
portal_rules(const xmlNode *n, struct portal_gw *g, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], num[16];
	const xmlNode *c;

	for (n = xml_child(n); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "entry"))
			continue;
		if (g->nrules == PORTAL_RULES_MAX)
			return err_set(e, "portal: gateway `%s` has more "
			    "than %d priority rules", g->name,
			    PORTAL_RULES_MAX);
		if (xml_attr(n, "name", g->rules[g->nrules].region,
		    PARSE_NAME_MAX) == -1 ||
		    !xml_str_printable(g->rules[g->nrules].region))
			return err_set(e, "portal: gateway `%s`: priority "
			    "rule without a usable name", g->name);
		num[0] = '\0';
		for (c = xml_child(n); c != NULL; c = xml_next(c))
			if (xml_is(c, "priority") &&
			    xml_text(c, num, sizeof(num), e) == -1)
				return -1;
		if (xml_str_u32(num, PORTAL_PRIO_NONE - 1,
		    &g->rules[g->nrules].prio) == -1)
			return err_set(e, "portal: gateway `%s`: priority "
			    "`%s` is not a number", g->name,
			    err_quote(q, num, strlen(num)));
		g->nrules++;
	}
	return 0;
}

_Static_assert(PORTAL_DESC_MAX >= PORTAL_NAME_MAX,
    "a gateway's name fits where its description goes");

static int
portal_entry(const xmlNode *n, struct portal_policy *p, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];
	struct portal_gw *g;

	if (p->ngw == PORTAL_GW_MAX)
		return err_set(e, "portal: more than %d gateways",
		    PORTAL_GW_MAX);
	g = &p->gw[p->ngw];
	if (xml_attr(n, "name", g->name, sizeof(g->name)) == -1 ||
	    !portal_name_ok(g->name))
		return err_set(e, "portal: gateway name `%s` is not a host "
		    "name or address", err_quote(q, g->name, strlen(g->name)));
	for (n = xml_child(n); n != NULL; n = xml_next(n)) {
		if (xml_is(n, "description") &&
		    xml_text(n, g->desc, sizeof(g->desc), e) == -1)
			return -1;
		if (xml_is(n, "priority-rule") && portal_rules(n, g, e) == -1)
			return -1;
	}
	xml_str_sanitize(g->desc, false);
	if (g->desc[0] == '\0')
		memcpy(g->desc, g->name, strlen(g->name) + 1);
	g->prio = PORTAL_PRIO_NONE;
	p->ngw++;
	return 0;
}

/* gateways/external/list/entry; internal gateways are not used. */
static int
portal_gateways(const xmlNode *n, struct portal_policy *p, struct gp_err *e)
{
	const xmlNode *l, *en;

	for (n = xml_child(n); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "external"))
			continue;
		for (l = xml_child(n); l != NULL; l = xml_next(l)) {
			if (!xml_is(l, "list"))
				continue;
			for (en = xml_child(l); en != NULL; en = xml_next(en))
				if (xml_is(en, "entry") &&
				    portal_entry(en, p, e) == -1)
					return -1;
		}
	}
	return 0;
}

static int
portal_cookie(const xmlNode *n, char *out, size_t outsz, struct gp_err *e)
{
	if (xml_text(n, out, outsz, e) == -1)
		return -1;
	if (strcmp(out, "empty") == 0)
		out[0] = '\0';
	if (!portal_token_ok(out)) {
		secret_wipe(out, outsz);
		return err_set(e, "portal: <%s> has bytes outside base64 and "
		    "URL encoding", (const char *)n->name);
	}
	return 0;
}

/* §4.2: hip-collection/hip-report-interval, in seconds. */
static int
portal_hip(const xmlNode *n, struct portal_policy *p, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX], num[16];

	for (n = xml_child(n); n != NULL; n = xml_next(n)) {
		if (!xml_is(n, "hip-report-interval"))
			continue;
		if (xml_text(n, num, sizeof(num), e) == -1)
			return -1;
		if (xml_str_u32(num, PORTAL_HIP_INTERVAL_MAX_S,
		    &p->hip_interval_s) == -1)
			return err_set(e, "portal: hip-report-interval `%s` "
			    "is not 0 to %d seconds", err_quote(q, num,
			    strlen(num)), PORTAL_HIP_INTERVAL_MAX_S);
	}
	return 0;
}

static int
portal_elem(const xmlNode *n, struct portal_policy *p, struct gp_err *e)
{
	char q[ERR_QUOTE_MAX];

	if (xml_is(n, "version")) {
		if (xml_text(n, p->version, sizeof(p->version), e) == -1)
			return -1;
		if (!portal_token_ok(p->version))
			return err_set(e, "portal: version `%s` is not a "
			    "version", err_quote(q, p->version,
			    strlen(p->version)));
		return 0;
	}
	if (xml_is(n, "portal-name")) {
		if (xml_text(n, p->portal_name, sizeof(p->portal_name),
		    e) == -1)
			return -1;
		xml_str_sanitize(p->portal_name, false);
		return 0;
	}
	if (xml_is(n, "portal-userauthcookie"))
		return portal_cookie(n, p->userauthcookie,
		    sizeof(p->userauthcookie), e);
	if (xml_is(n, "portal-prelogonuserauthcookie"))
		return portal_cookie(n, p->prelogon_cookie,
		    sizeof(p->prelogon_cookie), e);
	if (xml_is(n, "gateways"))
		return portal_gateways(n, p, e);
	if (xml_is(n, "hip-collection"))
		return portal_hip(n, p, e);
	return 0;
}

int
portal_parse(const char *body, size_t len, struct portal_policy *p,
    struct gp_err *e)
{
	xmlDoc *d;
	xmlNode *root, *n;
	int rc = -1;

	secret_wipe(p, sizeof(*p));
	if ((d = xml_read(body, len, XML_MODE_TAGS, "portal", e)) == NULL)
		return -1;
	if ((root = xml_root(d, "policy")) == NULL) {
		err_set(e, "portal: root element is not <policy>");
		goto out;
	}
	for (n = xml_child(root); n != NULL; n = xml_next(n))
		if (portal_elem(n, p, e) == -1)
			goto out;
	portal_scan(p, xml_child(root));
	if (p->ngw == 0)
		err_set(e, "portal: no external gateway in the configuration");
	else
		rc = 0;
out:
	xml_free(d);
	if (rc == -1)
		secret_wipe(p, sizeof(*p));
	return rc;
}
