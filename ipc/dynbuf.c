/* SPDX-License-Identifier: ISC */
/*
 * Bounded string appenders (see dynbuf.h), linked into every process.
 * What is appended is the caller's, often a secret: storage is wiped
 * whenever it is released, moved or reset.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"

#define DYNBUF_MIN_ALLOC	64

void
dynbuf_init(struct dynbuf *d, size_t max)
{
	memset(d, 0, sizeof(*d));
	d->max = max;
}

void
dynbuf_fixed(struct dynbuf *d, char *mem, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->mem = mem;
	d->cap = size;
	d->max = size;
	d->fixed = 1;
	if (size > 0)
		mem[0] = '\0';
}

/* Room for n more bytes and the NUL; the old storage is wiped on a move. */
static int
dynbuf_room(struct dynbuf *d, size_t n)
{
	size_t want, cap;
	char *mem;

	if (d->max == 0 || n > d->max - 1 - d->len)
		return -1;
	want = d->len + n + 1;
	if (want <= d->cap)
		return 0;
	if (d->fixed)
		return -1;
	cap = d->cap < DYNBUF_MIN_ALLOC ? DYNBUF_MIN_ALLOC : d->cap;
	while (cap < want && cap <= d->max / 2)
		cap *= 2;
	if (cap < want || cap > d->max)
		cap = d->max;
	if ((mem = malloc(cap)) == NULL)
		return -1;
	if (d->mem != NULL) {
		memcpy(mem, d->mem, d->len + 1);
		explicit_bzero(d->mem, d->cap);
		free(d->mem);
	} else
		mem[0] = '\0';
	d->mem = mem;
	d->cap = cap;
	return 0;
}

int
dynbuf_add(struct dynbuf *d, const void *p, size_t n)
{
	if (dynbuf_room(d, n) == -1)
		return -1;
	if (n > 0)
		memcpy(d->mem + d->len, p, n);
	d->len += n;
	d->mem[d->len] = '\0';
	return 0;
}

int
dynbuf_addstr(struct dynbuf *d, const char *s)
{
	return dynbuf_add(d, s, strlen(s));
}

int
dynbuf_addf(struct dynbuf *d, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || dynbuf_room(d, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(d->mem + d->len, d->cap - d->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= d->cap - d->len) {
		explicit_bzero(d->mem + d->len, d->cap - d->len);
		return -1;
	}
	d->len += (size_t)n;
	return 0;
}

const char *
dynbuf_str(const struct dynbuf *d)
{
	return d->mem != NULL && d->cap > 0 ? d->mem : "";
}

size_t
dynbuf_len(const struct dynbuf *d)
{
	return d->len;
}

void
dynbuf_truncate(struct dynbuf *d, size_t n)
{
	if (n >= d->len)
		return;
	explicit_bzero(d->mem + n, d->len - n);
	d->len = n;
}

void
dynbuf_reset(struct dynbuf *d)
{
	if (d->mem != NULL && d->cap > 0)
		explicit_bzero(d->mem, d->len + 1);
	d->len = 0;
}

void
dynbuf_free(struct dynbuf *d)
{
	if (d->mem != NULL && d->cap > 0)
		explicit_bzero(d->mem, d->cap);
	d->len = 0;
	if (d->fixed)
		return;
	free(d->mem);
	d->mem = NULL;
	d->cap = 0;
}

char *
dynbuf_take(struct dynbuf *d)
{
	char *s;

	if (d->fixed)
		return NULL;
	if ((s = d->mem) == NULL && (s = calloc(1, 1)) == NULL)
		return NULL;
	d->mem = NULL;
	d->len = 0;
	d->cap = 0;
	return s;
}
