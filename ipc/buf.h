/* SPDX-License-Identifier: ISC */
/*
 * Checked byte buffers: the only way gpvpn reads untrusted bytes.
 * Used by every process. A buffer has a ceiling set when it is created;
 * getters zero their output on failure and advance only on success.
 */
#ifndef GPVPN_BUF_H
#define GPVPN_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t		*mem;	/* owned storage (writer), NULL for a view */
	const uint8_t	*data;	/* start of the bytes */
	size_t		 off;	/* read cursor */
	size_t		 len;	/* bytes held */
	size_t		 max;	/* ceiling, fixed at creation */
};

/* A read-only view on bytes the caller owns. */
void	buf_view(struct buf *b, const void *p, size_t len);
/* A writable buffer of at most max bytes, in secret memory (secret.h). */
int	buf_init(struct buf *b, size_t max);
void	buf_free(struct buf *b);
void	buf_reset(struct buf *b);

size_t	buf_avail(const struct buf *b);
const uint8_t *buf_ptr(const struct buf *b);
int	buf_skip(struct buf *b, size_t n);

int	buf_get_u8(struct buf *b, uint8_t *v);
int	buf_get_u16(struct buf *b, uint16_t *v);	/* network order */
int	buf_get_u32(struct buf *b, uint32_t *v);	/* network order */
int	buf_get_bytes(struct buf *b, void *out, size_t n);
/* Take the next n bytes as a view of their own. */
int	buf_get_view(struct buf *b, struct buf *sub, size_t n);
/*
 * A view on the bytes not yet read, b left as it is: for a decoder that
 * hands the rest on. -1 (and an empty view) only if b is inconsistent.
 */
int	buf_view_rest(const struct buf *b, struct buf *rest);
/*
 * Take the next n bytes as a C string: no NUL inside, n < outsz.
 * out is NUL-terminated on success and all zero on failure.
 */
int	buf_get_str(struct buf *b, size_t n, char *out, size_t outsz);

int	buf_put_u8(struct buf *b, uint8_t v);
int	buf_put_u16(struct buf *b, uint16_t v);
int	buf_put_u32(struct buf *b, uint32_t v);
int	buf_put_bytes(struct buf *b, const void *p, size_t n);
/* Overwrite a u16/u32 already written at offset pos (length back-patch). */
int	buf_poke_u16(struct buf *b, size_t pos, uint16_t v);
int	buf_poke_u32(struct buf *b, size_t pos, uint32_t v);

#endif
