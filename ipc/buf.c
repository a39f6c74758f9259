/* SPDX-License-Identifier: ISC */
/*
 * Checked byte buffers (see buf.h). Runs in every process; the bytes held
 * are untrusted, so every getter checks the length before it reads.
 * Writable buffers live in secret memory, since frames hold secrets.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "secret.h"

void
buf_view(struct buf *b, const void *p, size_t len)
{
	b->mem = NULL;
	b->data = p;
	b->off = 0;
	b->len = len;
	b->max = len;
}

int
buf_init(struct buf *b, size_t max)
{
	buf_view(b, NULL, 0);
	/* Writers carry frames, and frames carry the cookie and ESP keys. */
	b->mem = secret_alloc(max);
	if (b->mem == NULL)
		return -1;
	b->data = b->mem;
	b->max = max;
	return 0;
}

void
buf_free(struct buf *b)
{
	if (b->mem != NULL)
		secret_free(b->mem, b->max);
	buf_view(b, NULL, 0);
}

void
buf_reset(struct buf *b)
{
	if (b->mem != NULL)
		explicit_bzero(b->mem, b->len);
	b->off = 0;
	b->len = 0;
}

size_t
buf_avail(const struct buf *b)
{
	return b->len - b->off;
}

const uint8_t *
buf_ptr(const struct buf *b)
{
	return b->data + b->off;
}

int
buf_skip(struct buf *b, size_t n)
{
	if (n > buf_avail(b))
		return -1;
	b->off += n;
	return 0;
}

int
buf_get_bytes(struct buf *b, void *out, size_t n)
{
	if (n > buf_avail(b)) {
		memset(out, 0, n);
		return -1;
	}
	memcpy(out, b->data + b->off, n);
	b->off += n;
	return 0;
}

int
buf_get_u8(struct buf *b, uint8_t *v)
{
	return buf_get_bytes(b, v, 1);
}

int
buf_get_u16(struct buf *b, uint16_t *v)
{
	uint8_t p[2];

	*v = 0;
	if (buf_get_bytes(b, p, sizeof(p)) == -1)
		return -1;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int
buf_get_u32(struct buf *b, uint32_t *v)
{
	uint8_t p[4];

	*v = 0;
	if (buf_get_bytes(b, p, sizeof(p)) == -1)
		return -1;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
buf_get_view(struct buf *b, struct buf *sub, size_t n)
{
	buf_view(sub, NULL, 0);
	if (n > buf_avail(b))
		return -1;
	buf_view(sub, b->data + b->off, n);
	b->off += n;
	return 0;
}

int
buf_view_rest(const struct buf *b, struct buf *rest)
{
	buf_view(rest, NULL, 0);
	if (b->off > b->len)
		return -1;
	if (b->len > b->off)
		buf_view(rest, b->data + b->off, b->len - b->off);
	return 0;
}

int
buf_get_str(struct buf *b, size_t n, char *out, size_t outsz)
{
	if (outsz > 0)
		memset(out, 0, outsz);
	if (n >= outsz || n > buf_avail(b))
		return -1;
	if (memchr(b->data + b->off, '\0', n) != NULL)
		return -1;
	memcpy(out, b->data + b->off, n);
	b->off += n;
	return 0;
}

int
buf_put_bytes(struct buf *b, const void *p, size_t n)
{
	if (b->mem == NULL || n > b->max - b->len)
		return -1;
	if (n > 0)
		memcpy(b->mem + b->len, p, n);
	b->len += n;
	return 0;
}

int
buf_put_u8(struct buf *b, uint8_t v)
{
	return buf_put_bytes(b, &v, 1);
}

int
buf_put_u16(struct buf *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, p, sizeof(p));
}

int
buf_put_u32(struct buf *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	return buf_put_bytes(b, p, sizeof(p));
}

int
buf_poke_u16(struct buf *b, size_t pos, uint16_t v)
{
	if (b->mem == NULL || pos > b->len || b->len - pos < 2)
		return -1;
	b->mem[pos] = (uint8_t)(v >> 8);
	b->mem[pos + 1] = (uint8_t)v;
	return 0;
}

int
buf_poke_u32(struct buf *b, size_t pos, uint32_t v)
{
	if (b->mem == NULL || pos > b->len || b->len - pos < 4)
		return -1;
	b->mem[pos] = (uint8_t)(v >> 24);
	b->mem[pos + 1] = (uint8_t)(v >> 16);
	b->mem[pos + 2] = (uint8_t)(v >> 8);
	b->mem[pos + 3] = (uint8_t)v;
	return 0;
}
