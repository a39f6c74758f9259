/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the failure record of gp-auth's login steps
 * (auth/flow_fail.c): what a failure leaves for the failover and the
 * exit status, and what a note ("not that interface") leaves alone.
 * Test code only; the texts imitate a server's.
 */
#include <stdlib.h>
#include <string.h>

#include "auth/flow_fail.h"
#include "t.h"

static struct flow *
flow_zero(void)
{
	struct flow *f = calloc(1, sizeof(*f));

	if (f == NULL)
		abort();
	f->defer_err = true;	/* at debug: keeps the test's output quiet */
	return f;
}

/* A plain failure: GWFAIL_OTHER, its status and message. */
static void
fail_other(void)
{
	struct flow *f = flow_zero();

	f->fail.kind = GWFAIL_ANSWER;
	f->fail.status = 500;
	T_EQ_INT(flow_fail(f, FLOW_EXIT_COOKIE, "x: %s %d", "why", 7), -1);
	T_EQ_INT(f->status, FLOW_EXIT_COOKIE);
	T_STREQ(f->why, "x: why 7");
	T_EQ_INT(f->fail.kind, GWFAIL_OTHER);
	T_EQ_INT(f->fail.status, 0);	/* the old answer is gone */
	free(f);
}

/* An answer's facts stay under the failure that names them. */
static void
fail_answer(void)
{
	struct flow *f = flow_zero();

	flow_fail_answer(f, 503, true, GP_ERRCLASS_GENERIC, "busy");
	f->sent_challenge = true;
	T_EQ_INT(flow_fail_as(f, GWFAIL_ANSWER, FLOW_EXIT_ERR, "login: the "
	    "server says `%s`", "busy"), -1);
	T_EQ_INT(f->fail.kind, GWFAIL_ANSWER);
	T_EQ_INT(f->fail.status, 503);
	T_CHECK(f->fail.has_text);
	T_STREQ(f->fail.text, "busy");
	T_CHECK(f->fail.challenged);
	T_STREQ(f->why, "login: the server says `busy`");
	flow_fail_answer(f, 200, false, GP_ERRCLASS_GENERIC, NULL);
	T_CHECK(!f->fail.has_text);
	T_STREQ(f->fail.text, "");
	free(f);
}

/* Another kind resets the answer; the 2FA mark follows the attempt. */
static void
fail_kinds(void)
{
	struct flow *f = flow_zero();

	flow_fail_answer(f, 512, false, GP_ERRCLASS_GENERIC, NULL);
	T_EQ_INT(flow_fail_as(f, GWFAIL_TRANSPORT, FLOW_EXIT_ERR, "tls"), -1);
	T_EQ_INT(f->fail.kind, GWFAIL_TRANSPORT);
	T_EQ_INT(f->fail.status, 0);
	T_CHECK(!f->fail.challenged);
	free(f);
}

/* "Does not exist": kept and logged, but f->fail is the answer's. */
static void
note(void)
{
	struct flow *f = flow_zero();

	f->status = FLOW_EXIT_COOKIE;
	flow_fail_answer(f, 200, true, GP_ERRCLASS_WRONG_INTERFACE,
	    "Gateway does not exist");
	flow_fail_note(f, "prelogin: the server says `%s`", "x");
	T_EQ_INT(f->status, FLOW_EXIT_ERR);
	T_STREQ(f->why, "prelogin: the server says `x`");
	T_EQ_INT(f->fail.kind, GWFAIL_ANSWER);
	T_EQ_INT(f->fail.cls, GP_ERRCLASS_WRONG_INTERFACE);
	free(f);
}

int
main(void)
{
	T_RUN(fail_other);
	T_RUN(fail_answer);
	T_RUN(fail_kinds);
	T_RUN(note);
	return T_DONE();
}
