/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the /proc/self/mountinfo parser
 * (tunnel/mountinfo.c): the input is untrusted text, parsed as one line
 * and as a whole file. A parsed entry must hold an absolute point and
 * only the flags the parser knows; a refusal must say why.
 */
#include <sys/mount.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_KNOWN_FLAGS	(MS_RDONLY | MS_NOSUID | MS_NODEV | \
				 MS_NOEXEC | MS_NOSYMFOLLOW | MS_NOATIME | \
				 MS_NODIRATIME | MS_RELATIME)

static struct mountinfo_ent fuzz_m;

static void
fuzz_check(const struct mountinfo_ent *m)
{
	size_t n = strnlen(m->point, sizeof(m->point));

	if (n == 0 || n == sizeof(m->point) || m->point[0] != '/' ||
	    (m->flags & ~(unsigned long)FUZZ_KNOWN_FLAGS) != 0)
		abort();
}

static int
fuzz_each(const struct mountinfo_ent *m, void *arg, struct gp_err *e)
{
	(void)arg;
	(void)e;
	fuzz_check(m);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gp_err e = { "" };
	unsigned i;

	if (mountinfo_parse_line((const char *)data, size, &fuzz_m,
	    &e) == 0) {
		fuzz_check(&fuzz_m);
	} else {
		if (e.msg[0] == '\0' || fuzz_m.flags != 0)
			abort();
		for (i = 0; i < sizeof(fuzz_m.point); i++)
			if (fuzz_m.point[i] != '\0')
				abort();
	}
	e.msg[0] = '\0';
	if (mountinfo_parse((const char *)data, size, fuzz_each, NULL,
	    &e) == -1 && e.msg[0] == '\0')
		abort();
	return 0;
}
