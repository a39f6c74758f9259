/* SPDX-License-Identifier: ISC */
/*
 * Golden tests for portal_parse (auth/portal.c) and unit tests of the
 * gateway choice (auth/gwchoice.c). Test code; the inputs in
 * tests/data/portal/ imitate untrusted portals.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/gwchoice.h"
#include "auth/portal.h"
#include "golden.h"
#include "t.h"

static void
print_portal(FILE *fp, const char *body, size_t len)
{
	struct portal_policy *p = portal_new();
	struct gp_err e = { "" };
	size_t i, j;

	if (portal_parse(body, len, p, &e) == -1) {
		fprintf(fp, "error: %s\n", e.msg);
		portal_free(p);
		return;
	}
	golden_str(fp, "version", p->version);
	golden_str(fp, "portal_name", p->portal_name);
	golden_str(fp, "userauthcookie", p->userauthcookie);
	golden_str(fp, "prelogon_cookie", p->prelogon_cookie);
	golden_str(fp, "ignored", p->ignored);
	if (p->hip_interval_s != 0)	/* older .ok files predate it */
		fprintf(fp, "hip_interval_s: %u\n", p->hip_interval_s);
	gwchoice_sort(p, "Earth");
	for (i = 0; i < p->ngw; i++) {
		fprintf(fp, "gw %zu prio(Earth) %u\n", i, p->gw[i].prio);
		golden_str(fp, "  name", p->gw[i].name);
		golden_str(fp, "  desc", p->gw[i].desc);
		for (j = 0; j < p->gw[i].nrules; j++)
			fprintf(fp, "  rule %s=%u\n", p->gw[i].rules[j].region,
			    p->gw[i].rules[j].prio);
	}
	portal_free(p);
}

static struct portal_policy *
three(void)
{
	static const char *const desc[] = { "Mars", "Earth East",
	    "Earth West" };
	struct portal_policy *p = portal_new();
	size_t i;

	p->ngw = 3;
	for (i = 0; i < 3; i++) {
		snprintf(p->gw[i].desc, PORTAL_DESC_MAX, "%s", desc[i]);
		snprintf(p->gw[i].name, PORTAL_NAME_MAX, "10.0.0.%zu", i);
	}
	return p;
}

static void
sort_region(void)
{
	struct portal_policy *p = three();

	/* Mars: Any=5; East: Earth=3, Any=9; West: Earth=1 */
	p->gw[0].nrules = 1;
	snprintf(p->gw[0].rules[0].region, PARSE_NAME_MAX, "Any");
	p->gw[0].rules[0].prio = 5;
	p->gw[1].nrules = 2;
	snprintf(p->gw[1].rules[0].region, PARSE_NAME_MAX, "Earth");
	p->gw[1].rules[0].prio = 3;
	snprintf(p->gw[1].rules[1].region, PARSE_NAME_MAX, "Any");
	p->gw[1].rules[1].prio = 9;
	p->gw[2].nrules = 1;
	snprintf(p->gw[2].rules[0].region, PARSE_NAME_MAX, "Earth");
	p->gw[2].rules[0].prio = 1;
	gwchoice_sort(p, "Earth");
	T_STREQ(p->gw[0].desc, "Earth West");
	T_STREQ(p->gw[1].desc, "Earth East");
	T_STREQ(p->gw[2].desc, "Mars");
	gwchoice_sort(p, "");		/* no region: only Any counts */
	T_STREQ(p->gw[0].desc, "Mars");
	T_EQ_INT(p->gw[0].prio, 5);
	T_EQ_INT(p->gw[1].prio, 9);
	T_STREQ(p->gw[2].desc, "Earth West");
	T_EQ_INT(p->gw[2].prio, PORTAL_PRIO_NONE);
	gwchoice_sort(p, "Pluto");	/* stable among equals */
	T_STREQ(p->gw[0].desc, "Mars");
	portal_free(p);
}

static void
match_label(void)
{
	struct portal_policy *p = three();
	struct gp_err e = { "" };
	size_t i = 99;

	T_EQ_INT(gwchoice_match(p, "mars", &i, &e), 0);
	T_EQ_INT(i, 0);
	T_EQ_INT(gwchoice_match(p, "EARTH w", &i, &e), 0);
	T_EQ_INT(i, 2);
	T_EQ_INT(gwchoice_match(p, "Earth West", &i, &e), 0);
	T_EQ_INT(i, 2);
	T_EQ_INT(gwchoice_match(p, "earth", &i, &e), -1);
	T_CHECK(strstr(e.msg, "ambiguous") != NULL);
	T_CHECK(strstr(e.msg, "`Earth East`") != NULL);
	T_EQ_INT(gwchoice_match(p, "Venus", &i, &e), -1);
	T_CHECK(strstr(e.msg, "matches no gateway") != NULL);
	T_CHECK(strstr(e.msg, "`Mars`") != NULL);
	T_EQ_INT(gwchoice_match(p, "", &i, &e), -1);
	/* an exact match wins over being a prefix of another */
	snprintf(p->gw[1].desc, PORTAL_DESC_MAX, "Earth");
	T_EQ_INT(gwchoice_match(p, "earth", &i, &e), 0);
	T_EQ_INT(i, 1);
	portal_free(p);
}

int
main(void)
{
	int bad = golden_dir("portal", print_portal);

	T_RUN(sort_region);
	T_RUN(match_label);
	return T_DONE() || bad != 0;
}
