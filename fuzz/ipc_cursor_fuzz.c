/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the text cursor (ipc/cursor.c): the first bytes
 * pick a sequence of calls, the rest is the text. Every call must stay in
 * the view, and every call that fails must leave the cursor unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/cursor.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_span(const struct cursor *c, const struct cursor *before,
    const struct cursor *s, int rc)
{
	if (c->off > c->len || c->len != before->len || c->p != before->p)
		abort();
	if (rc == -1 && c->off != before->off)
		abort();
	if (rc == 0 && (s->p != before->p + before->off || s->off != 0 ||
	    s->len != c->off - before->off))
		abort();
}

static int
one_call(struct cursor *c, int op, int arg, struct cursor *s)
{
	static const char *lits[] = { "", "<", "&amp;", "respStatus", "\0" };
	char out[16];
	uint32_t v;

	switch (op % 10) {
	case 0: return cur_skip(c, (size_t)arg % 8);
	case 1: return cur_skip_char(c, arg) == 1 ? 0 : -1;
	case 2: return cur_skip_lit(c, lits[arg % 5]) == 1 ? 0 : -1;
	case 3: return cur_skip_lit_icase(c, lits[arg % 5]) == 1 ? 0 : -1;
	case 4: (void)cur_skip_ws(c); return 0;
	case 5: return cur_take(c, (size_t)arg % 16, s);
	case 6: return cur_take_until(c, arg, s);
	case 7: return cur_take_while(c, cur_is_alnum, s);
	case 8: return cur_find(c, lits[arg % 5]);
	default:
		if (cur_copy(c, out, sizeof(out)) == 0 &&
		    strlen(out) != cur_left(c))
			abort();
		return cur_u32(c, arg % 2 ? 16 : 10, (uint32_t)arg << 8, &v);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c, before, s;
	size_t nops, i;
	int rc;

	if (size < 1)
		return 0;
	nops = data[0] % 16;
	if (size < 1 + 2 * nops)
		return 0;
	cur_init(&c, (const char *)data + 1 + 2 * nops, size - 1 - 2 * nops);
	for (i = 0; i < nops; i++) {
		before = c;
		cur_init(&s, "", 0);
		rc = one_call(&c, data[1 + 2 * i], data[2 + 2 * i], &s);
		if ((data[1 + 2 * i] % 10) >= 5 &&
		    (data[1 + 2 * i] % 10) <= 7)
			check_span(&c, &before, &s, rc);
		else if (c.off > c.len || (rc == -1 && c.off != before.off))
			abort();
	}
	return 0;
}
