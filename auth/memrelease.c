/* SPDX-License-Identifier: ISC */
/*
 * gp-auth between the requests of its session (see memrelease.h). What
 * stays: libcurl's handle with its cookie jar and connection (TLS buffers
 * released while idle, http.c), the CA store, libxml2's global state
 * (the rekey parses a getconfig again). What goes: the 1 MiB locked
 * response buffer of each handle and the heap's free pages. Runs in
 * gp-auth; /proc/self/statm is the kernel's, read with a bounded parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth/memrelease.h"
#include "ipc/log.h"

#define MEMRELEASE_STATM	"/proc/self/statm"
#define MEMRELEASE_STATM_MAX	160	/* 7 numbers of at most 20 digits */

/* The next decimal field of s, moved past it; -1 if none. */
static int
memrelease_field(const char **s, uint64_t *v)
{
	char *end;

	while (**s == ' ')
		(*s)++;
	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	*v = strtoull(*s, &end, 10);
	if (errno != 0)
		return -1;
	*s = end;
	return 0;
}

int
memrelease_rss(struct memrelease_rss *m)
{
	char buf[MEMRELEASE_STATM_MAX];
	const char *p = buf;
	uint64_t size, res, shared, kib;
	ssize_t n;
	long page;
	int fd;

	if ((fd = open(MEMRELEASE_STATM, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || (page = sysconf(_SC_PAGESIZE)) <= 0)
		return -1;
	buf[n] = '\0';
	/* size resident shared: pages; shared is what files back */
	if (memrelease_field(&p, &size) == -1 ||
	    memrelease_field(&p, &res) == -1 ||
	    memrelease_field(&p, &shared) == -1 || shared > res)
		return -1;
	kib = (uint64_t)page / 1024;
	m->rss_kib = res * kib;
	m->anon_kib = (res - shared) * kib;
	return 0;
}

void
memrelease_idle(struct flow *f, const char *when)
{
	struct memrelease_rss m;

	flow_idle(f);
	(void)malloc_trim(0);
	if (memrelease_rss(&m) == -1) {
		log_debug("RSS after %s: %s unreadable", when,
		    MEMRELEASE_STATM);
		return;
	}
	log_debug("RSS %llu KiB after %s (anonymous %llu KiB)",
	    (unsigned long long)m.rss_kib, when,
	    (unsigned long long)m.anon_kib);
}
