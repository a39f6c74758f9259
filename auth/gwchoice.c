/*
 * Gateway choice from the portal's list (PROTOCOL.md §4.3) for gp-auth:
 * region priority order and --authgroup matching, as pure functions.
 * The list comes from an untrusted portal, already checked by portal.c.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "portal.h"

static uint32_t
gwchoice_prio(const struct portal_gw *g, const char *region)
{
	uint32_t best = PORTAL_PRIO_NONE;
	size_t i;

	for (i = 0; i < g->nrules; i++) {
		if (strcmp(g->rules[i].region, "Any") != 0 &&
		    (region[0] == '\0' ||
		    strcmp(g->rules[i].region, region) != 0))
			continue;
		if (g->rules[i].prio < best)
			best = g->rules[i].prio;
	}
	return best;
}

/* Insertion sort: stable, and the list is short (PORTAL_GW_MAX). */
void
portal_sort(struct portal_policy *p, const char *region)
{
	struct portal_gw tmp;
	size_t i, j;

	for (i = 0; i < p->ngw; i++)
		p->gw[i].prio = gwchoice_prio(&p->gw[i], region);
	for (i = 1; i < p->ngw; i++) {
		tmp = p->gw[i];
		for (j = i; j > 0 && p->gw[j - 1].prio > tmp.prio; j--)
			p->gw[j] = p->gw[j - 1];
		p->gw[j] = tmp;
	}
}

/* "`a`, `b`, ..." of every description, for the error message. */
static void
gwchoice_list(const struct portal_policy *p, char *out, size_t outsz)
{
	size_t i, o = 0;
	int n;

	out[0] = '\0';
	for (i = 0; i < p->ngw && o < outsz; i++) {
		n = snprintf(out + o, outsz - o, "%s`%s`", i > 0 ? ", " : "",
		    p->gw[i].desc);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

int
portal_match(const struct portal_policy *p, const char *label,
    size_t *idx, struct gp_err *e)
{
	char list[GP_ERR_MAX];
	size_t i, n = 0, len = strlen(label);

	for (i = 0; i < p->ngw; i++)
		if (strcasecmp(p->gw[i].desc, label) == 0) {
			*idx = i;
			return 0;
		}
	for (i = 0; len > 0 && i < p->ngw; i++)
		if (strncasecmp(p->gw[i].desc, label, len) == 0) {
			*idx = i;
			n++;
		}
	if (n == 1)
		return 0;
	gwchoice_list(p, list, sizeof(list));
	return err_set(e, "--authgroup `%.64s` %s; the portal offers %s",
	    label, n == 0 ? "matches no gateway" : "is ambiguous", list);
}
