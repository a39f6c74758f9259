/*
 * A tiny unit-test helper: each test is a function; T_RUN prints
 * "ok - name" or "not ok - name" (TAP style) and tests/run.sh counts them.
 * Test code only; never linked into the programs.
 */
#ifndef GPVPN_T_H
#define GPVPN_T_H

#include <stdio.h>
#include <string.h>

static int t_failed_now;
static int t_failures;

#define T_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "  %s:%d: check failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		t_failed_now = 1;					\
	}								\
} while (0)

#define T_STREQ(a, b) do {						\
	const char *t_a_ = (a), *t_b_ = (b);				\
	if (t_a_ == NULL || t_b_ == NULL || strcmp(t_a_, t_b_) != 0) {	\
		fprintf(stderr, "  %s:%d: \"%s\" != \"%s\"\n",		\
		    __FILE__, __LINE__, t_a_ ? t_a_ : "(null)",	\
		    t_b_ ? t_b_ : "(null)");				\
		t_failed_now = 1;					\
	}								\
} while (0)

#define T_RUN(fn) do {							\
	t_failed_now = 0;						\
	fn();								\
	printf("%s - %s\n", t_failed_now ? "not ok" : "ok", #fn);	\
	t_failures += t_failed_now;					\
} while (0)

#define T_DONE() (t_failures != 0)

#endif
