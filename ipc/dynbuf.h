/* SPDX-License-Identifier: ISC */
/*
 * Bounded string appenders in the style of curl's dynbuf, for every
 * gpvpn process. A dynbuf has a ceiling fixed when it is set up (heap
 * storage that grows up to it, or the caller's array); an append that
 * would pass it fails and leaves the contents as they were.
 */
#ifndef GPVPN_DYNBUF_H
#define GPVPN_DYNBUF_H

#include <stddef.h>

struct dynbuf {
	char	*mem;	/* NUL-terminated text, NULL until the first add */
	size_t	 len;	/* bytes held, without the NUL */
	size_t	 cap;	/* bytes allocated (or the caller's size) */
	size_t	 max;	/* ceiling, the NUL included */
	int	 fixed;	/* 1: mem is the caller's and never grows */
};

/* Heap storage growing up to max bytes with the NUL; no allocation yet. */
void	dynbuf_init(struct dynbuf *d, size_t max);
/* The caller's size bytes at mem, never grown; mem[0] is set to 0. */
void	dynbuf_fixed(struct dynbuf *d, char *mem, size_t size);
/* 0, or -1 when the ceiling would be passed or on ENOMEM (unchanged). */
int	dynbuf_add(struct dynbuf *d, const void *p, size_t n);
int	dynbuf_addstr(struct dynbuf *d, const char *s);
int	dynbuf_addf(struct dynbuf *d, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Always NUL-terminated; "" when empty. */
const char *dynbuf_str(const struct dynbuf *d);
size_t	dynbuf_len(const struct dynbuf *d);
/* Back to empty; the old bytes are wiped. */
void	dynbuf_reset(struct dynbuf *d);
/* Wipes the storage (it may hold secrets) and frees heap storage. */
void	dynbuf_free(struct dynbuf *d);
/*
 * Heap mode: the string for the caller to free(), d left empty. NULL in
 * fixed mode or when an empty string cannot be allocated.
 */
char	*dynbuf_take(struct dynbuf *d);
/* Drop the bytes after the first n (wiped); n > len is a no-op. */
void	dynbuf_truncate(struct dynbuf *d, size_t n);

#endif
