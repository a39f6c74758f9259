/* SPDX-License-Identifier: ISC */
/*
 * The failure record of gp-auth's login steps: a failure's message is
 * logged (or, while the failover decides, noted only) and kept with its
 * exit status and its facts for the failover. Runs in gp-auth; the texts
 * recorded may quote untrusted servers, already made printable.
 */
#ifndef GPVPN_AUTH_FLOW_FAIL_H
#define GPVPN_AUTH_FLOW_FAIL_H

#include "auth/errors.h"
#include "auth/flow_int.h"

/* Log the failure (or note it only, with f->defer_err), keep it in
 * f->why and f->fail, set f->status; returns -1. flow_fail's kind is
 * GWFAIL_OTHER: a failure the failover does not move on from. */
int	flow_fail(struct flow *f, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	flow_fail_as(struct flow *f, enum gw_fail_kind kind, int status,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Not an error yet (the caller may try something else): the message in
 * f->why and at info level, f->status FLOW_EXIT_ERR; f->fail stays. */
void	flow_fail_note(struct flow *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An HTTP answer's facts into f->fail (GWFAIL_ANSWER), before the
 * check that may fail on them. */
void	flow_fail_answer(struct flow *f, long status, bool has_text,
	    enum gp_error_class cls, const char *text);

#endif
