/* SPDX-License-Identifier: ISC */
/*
 * Set-up code out of gp-tunnel [net]'s resident set (see codetrim.h).
 * Runs in [net] inside its sandbox (madvise is allowed there), once the
 * session is set up. It reads only the dynamic loader's tables of this
 * process, through dl_iterate_phdr: no file, no syscall but madvise.
 */
#define _GNU_SOURCE	/* dl_iterate_phdr */

#include <sys/auxv.h>
#include <sys/mman.h>

#include <elf.h>
#include <link.h>
#include <unistd.h>

#include "tunnel/codetrim.h"

/* The vDSO's headers lie within its first pages. */
#define CODETRIM_VDSO_SPAN	(64 * 1024)

struct codetrim_acc {
	uintptr_t	vdso;
	uintptr_t	page;
	size_t		bytes;
};

static bool
codetrim_is_vdso(const struct dl_phdr_info *obj, uintptr_t vdso)
{
	uintptr_t ph = (uintptr_t)obj->dlpi_phdr;

	return vdso != 0 && ph >= vdso && ph - vdso < CODETRIM_VDSO_SPAN;
}

static bool
codetrim_textrel(const struct dl_phdr_info *obj)
{
	const ElfW(Dyn) *d;
	ElfW(Half) k;

	for (k = 0; k < obj->dlpi_phnum; k++) {
		if (obj->dlpi_phdr[k].p_type != PT_DYNAMIC)
			continue;
		d = (const ElfW(Dyn) *)(obj->dlpi_addr +
		    obj->dlpi_phdr[k].p_vaddr);
		for (; d->d_tag != DT_NULL; d++)
			if (d->d_tag == DT_TEXTREL || (d->d_tag == DT_FLAGS &&
			    (d->d_un.d_val & DF_TEXTREL) != 0))
				return true;
	}
	return false;
}

bool
codetrim_object_ok(const struct dl_phdr_info *obj, uintptr_t vdso)
{
	return !codetrim_is_vdso(obj, vdso) && !codetrim_textrel(obj);
}

/* One segment: only whole pages inside it, and never writable (code
 * and read-only constants), so no page the loader wrote (relocations,
 * RELRO, which lies in a writable segment) is touched. */
static void
codetrim_segment(struct codetrim_acc *a, const struct dl_phdr_info *obj,
    const ElfW(Phdr) *p)
{
	uintptr_t lo, hi, len;

	if (p->p_type != PT_LOAD || (p->p_flags & PF_W) != 0)
		return;
	len = p->p_filesz < p->p_memsz ? p->p_filesz : p->p_memsz;
	lo = obj->dlpi_addr + p->p_vaddr;
	hi = lo + len;
	lo = (lo + a->page - 1) & ~(a->page - 1);
	hi &= ~(a->page - 1);
	if (hi <= lo)
		return;
	if (madvise((void *)lo, hi - lo, MADV_DONTNEED) == 0)
		a->bytes += hi - lo;
}

static int
codetrim_object(struct dl_phdr_info *obj, size_t size, void *arg)
{
	struct codetrim_acc *a = arg;
	ElfW(Half) k;

	(void)size;
	if (!codetrim_object_ok(obj, a->vdso))
		return 0;
	for (k = 0; k < obj->dlpi_phnum; k++)
		codetrim_segment(a, obj, &obj->dlpi_phdr[k]);
	return 0;
}

size_t
codetrim_run(void)
{
	struct codetrim_acc a;
	long page = sysconf(_SC_PAGESIZE);

	if (page <= 0 || (page & (page - 1)) != 0)
		return 0;
	a.vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);
	a.page = (uintptr_t)page;
	a.bytes = 0;
	(void)dl_iterate_phdr(codetrim_object, &a);
	return a.bytes;
}
