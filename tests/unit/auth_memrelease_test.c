/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of gp-auth's RSS reading (auth/memrelease.c): the numbers
 * from /proc/self/statm agree with /proc/self/status's VmRSS and RssAnon,
 * and 2 MiB touched and then unmapped show in the anonymous figure and
 * go from it. Test code only.
 */
#include <sys/mman.h>

#include <stdio.h>
#include <string.h>

#include "auth/memrelease.h"
#include "t.h"

#define MB2	(2 * 1024 * 1024)

/* A KiB field of /proc/self/status, or 0. */
static unsigned long long
status_kib(const char *field)
{
	char line[256];
	unsigned long long v = 0;
	size_t n = strlen(field);
	FILE *f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			(void)sscanf(line + n + 1, "%llu", &v);
	fclose(f);
	return v;
}

static void
agrees_with_status(void)
{
	struct memrelease_rss m;
	unsigned long long rss, anon;

	/* Once before, so that both paths' code is already mapped. */
	T_REQUIRE(memrelease_rss(&m) == 0);
	(void)status_kib("VmRSS");
	rss = status_kib("VmRSS");
	anon = status_kib("RssAnon");
	T_REQUIRE(memrelease_rss(&m) == 0);
	printf("# status: VmRSS %llu RssAnon %llu KiB; memrelease_rss: "
	    "%llu, %llu KiB\n", rss, anon, (unsigned long long)m.rss_kib,
	    (unsigned long long)m.anon_kib);
	/* Both read a moment apart: within 64 KiB of each other. */
	T_TRUE(m.rss_kib + 64 >= rss && m.rss_kib <= rss + 64);
	T_TRUE(m.anon_kib + 64 >= anon && m.anon_kib <= anon + 64);
	T_TRUE(m.anon_kib < m.rss_kib);
}

static void
follows_anonymous_memory(void)
{
	struct memrelease_rss a, b, c;
	unsigned char *p;

	T_REQUIRE(memrelease_rss(&a) == 0);
	p = mmap(NULL, MB2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_REQUIRE(p != MAP_FAILED);
	memset(p, 0x5a, MB2);
	T_REQUIRE(memrelease_rss(&b) == 0);
	T_TRUE(b.anon_kib >= a.anon_kib + 2000);
	munmap(p, MB2);
	T_REQUIRE(memrelease_rss(&c) == 0);
	T_TRUE(c.anon_kib + 2000 <= b.anon_kib);
}

int
main(void)
{
	T_RUN(agrees_with_status);
	T_RUN(follows_anonymous_memory);
	return T_DONE();
}
