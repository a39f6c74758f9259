/* SPDX-License-Identifier: ISC */
/*
 * gp-auth between the requests of its session (see memrelease.h). What
 * stays: libcurl's handle with its cookie jar and connection (TLS buffers
 * released while idle, http.c), the CA store, libxml2's global state
 * (the rekey parses a getconfig again). What goes: the 1 MiB locked
 * response buffer of each handle, the portal's policy (300 KiB, locked)
 * and the heap's free pages. Runs in gp-auth; /proc/self/status is the
 * kernel's, read with a bounded parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/memrelease.h"
#include "ipc/fdio.h"
#include "ipc/log.h"

#define MEMRELEASE_STATUS	"/proc/self/status"
#define MEMRELEASE_STATUS_MAX	8192	/* the file is about 1.5 KiB */

/* The KiB of the line "\nNAME:\t   N kB" in text; -1 if none. */
static int
memrelease_field(const char *text, const char *name, uint64_t *v)
{
	const char *p = strstr(text, name);
	char *end;

	if (p == NULL)
		return -1;
	p += strlen(name);
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 10);
	return errno != 0 || strncmp(end, " kB", 3) != 0 ? -1 : 0;
}

/* status, not statm: statm's counters may lag by a per-CPU batch. */
int
memrelease_rss(struct memrelease_rss *m)
{
	struct gp_err e;
	char *buf;
	ssize_t n;
	int fd, rc = -1;

	if ((buf = malloc(MEMRELEASE_STATUS_MAX)) == NULL)
		return -1;
	if ((fd = open(MEMRELEASE_STATUS, O_RDONLY | O_CLOEXEC)) != -1) {
		n = fdio_read_all(fd, buf, MEMRELEASE_STATUS_MAX - 1, &e);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			rc = memrelease_field(buf, "\nVmRSS:", &m->rss_kib) ==
			    0 && memrelease_field(buf, "\nRssAnon:",
			    &m->anon_kib) == 0 ? 0 : -1;
		}
	}
	free(buf);
	return rc;
}

void
memrelease_idle(struct flow *f, const char *when)
{
	struct memrelease_rss m;

	flow_idle(f);
	(void)malloc_trim(0);
	if (memrelease_rss(&m) == -1) {
		log_debug("RSS after %s: %s unreadable", when,
		    MEMRELEASE_STATUS);
		return;
	}
	log_debug("RSS %llu KiB after %s (anonymous %llu KiB)",
	    (unsigned long long)m.rss_kib, when,
	    (unsigned long long)m.anon_kib);
}
