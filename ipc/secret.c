/* SPDX-License-Identifier: ISC */
/*
 * Secret storage (see secret.h). Runs in every process. Pages come from
 * mmap so that madvise(MADV_DONTDUMP) and mlock apply to them alone; the
 * fuzz and coverage builds (GPVPN_FUZZ) take the heap instead, see below.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef GPVPN_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

#include "log.h"
#include "secret.h"

#ifdef GPVPN_FUZZ
/*
 * Fuzz builds: the heap, so that AddressSanitizer guards each secret to
 * the byte (an mmap'ed one is only guarded to the page), and no
 * mmap/munmap pair, with its TLB shootdown, per parsed input.
 */
void *
secret_alloc(size_t n)
{
	return calloc(1, n == 0 ? 1 : n);
}

void
secret_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n == 0 ? 1 : n);
	free(p);
}
#else
#ifdef GPVPN_SANITIZER
/*
 * LeakSanitizer scans the heap, stacks and globals, not mmap'ed pages: a
 * secret holding the only pointer to a heap block (an SA's OpenSSL
 * contexts, made by [priv] before [net]'s sandbox checks for leaks)
 * would look leaked. Each secret is scanned as a root.
 */
#define SECRET_LSAN_ADD(p, n)	__lsan_register_root_region((p), (n))
#define SECRET_LSAN_DEL(p, n)	__lsan_unregister_root_region((p), (n))
#else
#define SECRET_LSAN_ADD(p, n)	((void)0)
#define SECRET_LSAN_DEL(p, n)	((void)0)
#endif

void *
secret_alloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, n, MADV_DONTDUMP);
	/* Best effort: an unprivileged user may be over RLIMIT_MEMLOCK. */
	(void)mlock(p, n);
	SECRET_LSAN_ADD(p, n);
	return p;
}

void
secret_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	if (n == 0)
		n = 1;
	explicit_bzero(p, n);
	SECRET_LSAN_DEL(p, n);
	(void)munlock(p, n);
	(void)munmap(p, n);
}
#endif

void
secret_wipe(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}

bool
secret_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

void
secret_harden_process(void)
{
	struct rlimit rl = { 0, 0 };

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_DUMPABLE)");
	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit(RLIMIT_CORE)");
}
