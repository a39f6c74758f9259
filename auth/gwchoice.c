/* SPDX-License-Identifier: ISC */
/*
 * Gateway choice from the portal's list (PROTOCOL.md §4.3) for gp-auth:
 * region priority order, --authgroup matching, which failures move on to
 * the next gateway and the order by probe time, as pure functions. The
 * list comes from an untrusted portal, already checked by portal.c.
 */
#define _GNU_SOURCE	/* strcasestr */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gwchoice.h"
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
gwchoice_sort(struct portal_policy *p, const char *region)
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
gwchoice_match(const struct portal_policy *p, const char *label,
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

/*
 * Words of a refusal about the user rather than the gateway: another
 * gateway would refuse the same, and count one more failed try against
 * the account.
 */
static const char *const gwchoice_user_words[] = {
	"password", "passcode", "credential", "user name", "username",
	"authentication fail", "account", "locked", "one-time", "token",
	"challenge", NULL
};

static bool
gwchoice_about_user(const char *text)
{
	size_t i;

	for (i = 0; gwchoice_user_words[i] != NULL; i++)
		if (strcasestr(text, gwchoice_user_words[i]) != NULL)
			return true;
	return false;
}

/* An HTTP status or §2 text (PROTOCOL.md §2): NULL to move on. */
static const char *
gwchoice_answer(const struct gw_fail *g)
{
	if (g->status == 512 || g->status == 401)
		return "the credentials were refused";
	if (g->status == 513)
		return "the client certificate was refused";
	if (!g->has_text)
		return NULL;
	if (g->cls == GP_ERRCLASS_COOKIE_REJECTED)
		return "the server says a retry will not help";
	if (g->cls == GP_ERRCLASS_WRONG_INTERFACE)
		return NULL;
	if (g->challenged)
		return "the challenge answer was refused";
	if (gwchoice_about_user(g->text))
		return "the refusal is about the user, not the gateway";
	return NULL;
}

bool
gwchoice_failover(const struct gw_fail *g, const char **why_not)
{
	*why_not = NULL;
	switch (g->kind) {
	case GWFAIL_RESOLVE:
	case GWFAIL_TRANSPORT:
	case GWFAIL_MALFORMED:
		return true;
	case GWFAIL_ANSWER:
		*why_not = gwchoice_answer(g);
		return *why_not == NULL;
	case GWFAIL_OTHER:
		break;
	}
	*why_not = "the failure is not the gateway's";
	return false;
}

size_t
gwchoice_ties(const struct portal_policy *p)
{
	size_t n = 0;

	while (n < p->ngw && p->gw[n].prio == p->gw[0].prio)
		n++;
	return n;
}

void
gwchoice_order(const int32_t *ms, size_t n, size_t *order)
{
	int32_t best = GWCHOICE_NO_ANSWER;
	size_t i, j, o = 0, first;

	for (i = 0; i < n; i++)
		if (ms[i] >= 0 && (best < 0 || ms[i] < best))
			best = ms[i];
	/* The fastest and its ties, in the portal's order. */
	for (i = 0; i < n && best >= 0; i++)
		if (ms[i] >= 0 && ms[i] - best <= GWCHOICE_TIE_MS)
			order[o++] = i;
	/* The slower answers: insertion sort by time, stable. */
	first = o;
	for (i = 0; i < n && best >= 0; i++) {
		if (ms[i] < 0 || ms[i] - best <= GWCHOICE_TIE_MS)
			continue;
		for (j = o; j > first && ms[order[j - 1]] > ms[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		o++;
	}
	for (i = 0; i < n; i++)
		if (ms[i] < 0)
			order[o++] = i;
}
