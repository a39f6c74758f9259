/* SPDX-License-Identifier: ISC */
/*
 * Checked text cursors: the text twin of the byte buffer (buf.h), in the
 * shape of curl's strparse. Used by every process on untrusted text. A
 * cursor is a view on bytes it does not own; a call that fails consumes
 * nothing, and a span it hands out is a cursor of its own.
 */
#ifndef GPVPN_CURSOR_H
#define GPVPN_CURSOR_H

#include <stddef.h>
#include <stdint.h>

struct cursor {
	const char	*p;	/* start of the bytes (not NUL-terminated) */
	size_t		 len;	/* bytes in the view */
	size_t		 off;	/* read position, 0 <= off <= len */
};

void	cur_init(struct cursor *c, const char *p, size_t len);
size_t	cur_left(const struct cursor *c);
int	cur_eof(const struct cursor *c);
/* The bytes at the read position (cur_left() of them). */
const char *cur_ptr(const struct cursor *c);

/* The next byte as an unsigned char, or -1 at the end. */
int	cur_peek(const struct cursor *c);
/* The byte i ahead of the read position, or -1 past the end. */
int	cur_peek_at(const struct cursor *c, size_t i);
/* The byte just before the read position, or -1 at the start. */
int	cur_prev(const struct cursor *c);
/* Consume and return the next byte, or -1 at the end. */
int	cur_next(struct cursor *c);

/* Skip n bytes: 0, or -1 (nothing consumed) when fewer are left. */
int	cur_skip(struct cursor *c, size_t n);
/* Consume the next byte if it is ch: 1 consumed, 0 not. */
int	cur_skip_char(struct cursor *c, int ch);
/* Consume lit if it comes next (ASCII case folded for _icase): 1 or 0. */
int	cur_skip_lit(struct cursor *c, const char *lit);
int	cur_skip_lit_icase(struct cursor *c, const char *lit);
/* Skip spaces, tabs, CR and LF; returns how many. */
size_t	cur_skip_ws(struct cursor *c);

/*
 * The take calls hand out a span (a cursor over the bytes taken) and
 * advance past it. On failure out is an empty span, nothing consumed.
 */
int	cur_take(struct cursor *c, size_t n, struct cursor *out);
/* The bytes before stop (stop not consumed); -1 when stop is absent. */
int	cur_take_until(struct cursor *c, int stop, struct cursor *out);
/* The longest run of bytes pred accepts; -1 when it is empty. */
int	cur_take_while(struct cursor *c, int (*pred)(int), struct cursor *out);
/* The rest of the bytes (possibly none); always 0. */
int	cur_take_rest(struct cursor *c, struct cursor *out);

/* Advance to the start of needle: 0, or -1 (unchanged) when absent. */
int	cur_find(struct cursor *c, const char *needle);

/*
 * An unsigned number in base 10 or 16: at least one digit, no sign,
 * space or prefix, at most max. 0, or -1 (v = 0, nothing consumed).
 */
int	cur_u32(struct cursor *c, int base, uint32_t max, uint32_t *v);

/*
 * The unread bytes of span as a C string: -1 when they hold a NUL or do
 * not fit with the terminator (out is then "", if outsz > 0).
 */
int	cur_copy(const struct cursor *span, char *out, size_t outsz);

/* Predicates for cur_take_while, on ASCII only (no locale). */
int	cur_is_digit(int ch);
int	cur_is_xdigit(int ch);
int	cur_is_alnum(int ch);

#endif
