/* SPDX-License-Identifier: ISC */
/*
 * codetrim.c: dropping the loaded objects' code pages leaves a process
 * that still runs (libc and libcrypto give the same answers after), with
 * fewer file pages resident; and objects it must not touch (text
 * relocated in place, the vDSO) are refused.
 */
#define _GNU_SOURCE

#include <openssl/evp.h>

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/codetrim.h"
#include "t.h"

/* RssFile from /proc/self/status, in KiB; -1 if unreadable. */
static long
rss_file_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "RssFile: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* SHA-256("abc") through libcrypto, and libc's qsort and snprintf. */
static void
work(char *out, size_t n)
{
	static const int want[] = { 1, 2, 3, 4 };
	int v[] = { 4, 2, 3, 1 };
	unsigned char md[32];
	unsigned int mdlen = 0;

	T_CHECK(EVP_Digest("abc", 3, md, &mdlen, EVP_sha256(), NULL) == 1);
	T_CHECK(mdlen == 32);
	qsort(v, 4, sizeof(v[0]), cmp_int);
	T_CHECK(memcmp(v, want, sizeof(v)) == 0);
	snprintf(out, n, "%02x%02x%02x%02x", md[0], md[1], md[30], md[31]);
}

static void
still_runs_and_shrinks(void)
{
	char before[16], after[16];
	long f0, f1;
	size_t dropped;

	work(before, sizeof(before));
	T_STREQ(before, "ba7815ad");
	f0 = rss_file_kib();
	dropped = codetrim_run();
	f1 = rss_file_kib();
	printf("# dropped %zu KiB; RssFile %ld -> %ld KiB\n",
	    dropped / 1024, f0, f1);
	T_CHECK(dropped >= 64 * 1024);
	T_CHECK(f0 > 0 && f1 >= 0 && f1 < f0);
	work(after, sizeof(after));
	T_STREQ(after, before);
}

static void
refuses_textrel_and_vdso(void)
{
	ElfW(Dyn) plain[] = { { DT_FLAGS, { DF_BIND_NOW } },
	    { DT_NULL, { 0 } } };
	ElfW(Dyn) textrel[] = { { DT_TEXTREL, { 0 } }, { DT_NULL, { 0 } } };
	ElfW(Dyn) flags[] = { { DT_FLAGS, { DF_TEXTREL } },
	    { DT_NULL, { 0 } } };
	ElfW(Phdr) ph;
	struct dl_phdr_info obj;

	memset(&ph, 0, sizeof(ph));
	memset(&obj, 0, sizeof(obj));
	ph.p_type = PT_DYNAMIC;
	obj.dlpi_phdr = &ph;
	obj.dlpi_phnum = 1;
	ph.p_vaddr = (ElfW(Addr))plain;
	T_CHECK(codetrim_object_ok(&obj, 0));
	ph.p_vaddr = (ElfW(Addr))textrel;
	T_CHECK(!codetrim_object_ok(&obj, 0));
	ph.p_vaddr = (ElfW(Addr))flags;
	T_CHECK(!codetrim_object_ok(&obj, 0));
	ph.p_vaddr = (ElfW(Addr))plain;
	T_CHECK(!codetrim_object_ok(&obj, (uintptr_t)&ph - 64));
}

int
main(void)
{
	T_RUN(still_runs_and_shrinks);
	T_RUN(refuses_textrel_and_vdso);
	return T_DONE();
}
