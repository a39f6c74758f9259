/* SPDX-License-Identifier: ISC */
/*
 * The failure record of gp-auth's login steps (see flow_fail.h). Runs in
 * gp-auth; server texts reach it already made printable (errors.c), and
 * no caller passes a secret in a message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "auth/flow_fail.h"
#include "ipc/log.h"

/* The message into f->why and the log (at debug while the gateway loop
 * of flow_failover.c reports failures itself); the kind into f->fail. */
static int
flow_fail_v(struct flow *f, enum gw_fail_kind kind, int status,
    const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	(void)vsnprintf(f->why, sizeof(f->why), fmt, aq);
	va_end(aq);
	log_vmsg(f->defer_err ? LOG_LVL_DEBUG : LOG_LVL_ERR, fmt, ap);
	if (kind != GWFAIL_ANSWER) {
		memset(&f->fail, 0, sizeof(f->fail));
		f->fail.kind = kind;
	}
	f->fail.challenged = f->sent_challenge;
	f->status = status;
	return -1;
}

int
flow_fail(struct flow *f, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)flow_fail_v(f, GWFAIL_OTHER, status, fmt, ap);
	va_end(ap);
	return -1;
}

int
flow_fail_as(struct flow *f, enum gw_fail_kind kind, int status,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)flow_fail_v(f, kind, status, fmt, ap);
	va_end(ap);
	return -1;
}

void
flow_fail_note(struct flow *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	f->status = FLOW_EXIT_ERR;
	log_info("%s", f->why);
}

void
flow_fail_answer(struct flow *f, long status, bool has_text,
    enum gp_error_class cls, const char *text)
{
	struct gw_fail *g = &f->fail;

	memset(g, 0, sizeof(*g));
	g->kind = GWFAIL_ANSWER;
	g->status = status;
	g->has_text = has_text;
	g->cls = cls;
	if (has_text)
		snprintf(g->text, sizeof(g->text), "%s", text);
}
