/* SPDX-License-Identifier: ISC */
/*
 * GPST framing (see gpst.h), used by gp-tunnel's packet loop. Pure: bytes
 * in, packets and error records out, no I/O and no allocation. The stream
 * comes from the gateway and is untrusted; it is read through struct buf.
 */
#include <stdbool.h>
#include <string.h>

#include "ipc/buf.h"
#include "ipc/bytes.h"
#include "tunnel/gpst.h"

#define GPST_IPV4_HDR_MIN	20
#define GPST_IPV6_HDR_BYTES	40
#define GPST_RESERVED_BYTES	8

struct gpst_hdr {
	uint16_t	ethertype;
	uint16_t	len;
	uint8_t		reserved[GPST_RESERVED_BYTES];
};

/* Field order: magic u32, EtherType u16, length u16, 8 reserved bytes. */
static int
gpst_hdr_decode(const uint8_t *p, struct gpst_hdr *h, struct gp_err *e)
{
	struct buf b;
	uint32_t magic;

	buf_view(&b, p, GPST_HDR_BYTES);
	if (buf_get_u32(&b, &magic) == -1 ||
	    buf_get_u16(&b, &h->ethertype) == -1 ||
	    buf_get_u16(&b, &h->len) == -1 ||
	    buf_get_bytes(&b, h->reserved, sizeof(h->reserved)) == -1)
		return err_set(e, "gpst: short header");
	if (magic != GPST_MAGIC)
		return err_set(e, "gpst: bad magic `%08x`, stream out of step",
		    magic);
	if (h->len > GPST_MAX_PAYLOAD)
		return err_set(e, "gpst: frame length `%u` over %u", h->len,
		    GPST_MAX_PAYLOAD);
	return 0;
}

/* Record why a frame is dropped; the value of the expression says so. */
#define GPST_DROP(e, ...)	((void)err_set((e), __VA_ARGS__), \
				    GPST_RX_DROPPED)

/* The IPv4 total length or IPv6 payload length must match the frame. */
static int
gpst_check_ip(uint16_t ethertype, struct buf *pl, struct gp_err *e)
{
	size_t len = buf_avail(pl);
	uint16_t field = 0;
	uint8_t vb = 0;

	if (buf_get_u8(pl, &vb) == -1)
		return GPST_DROP(e, "gpst: empty data frame");
	if (ethertype == GPST_ETH_IPV4) {
		if (vb >> 4 != 4)
			return GPST_DROP(e, "gpst: IP version `%u` in an IPv4 "
			    "frame", vb >> 4);
		if (len < GPST_IPV4_HDR_MIN || buf_skip(pl, 1) == -1 ||
		    buf_get_u16(pl, &field) == -1)
			return GPST_DROP(e, "gpst: IPv4 packet of `%u` bytes "
			    "is too short", (unsigned)len);
		if (field != len)
			return GPST_DROP(e, "gpst: IPv4 total length `%u` but "
			    "frame length %u", field, (unsigned)len);
		return GPST_RX_PACKET;
	}
	if (vb >> 4 != 6)
		return GPST_DROP(e, "gpst: IP version `%u` in an IPv6 "
		    "frame", vb >> 4);
	if (len < GPST_IPV6_HDR_BYTES || buf_skip(pl, 3) == -1 ||
	    buf_get_u16(pl, &field) == -1)
		return GPST_DROP(e, "gpst: IPv6 packet of `%u` bytes is too "
		    "short", (unsigned)len);
	if ((size_t)field + GPST_IPV6_HDR_BYTES != len)
		return GPST_DROP(e, "gpst: IPv6 payload length `%u` but frame "
		    "length %u", field, (unsigned)len);
	return GPST_RX_PACKET;
}

/* A whole frame with a valid header: what is it, and do we keep it? */
static int
gpst_classify(const struct gpst_hdr *h, const struct buf *payload,
    struct gpst_pkt *p, struct gp_err *e)
{
	struct buf pl = *payload;
	int r;

	switch (h->ethertype) {
	case GPST_ETH_KEEPALIVE:
		if (h->len != 0)
			return GPST_DROP(e, "gpst: keepalive with a `%u`-byte "
			    "payload", h->len);
		if (!bytes_all_zero(h->reserved, sizeof(h->reserved)))
			return GPST_DROP(e, "gpst: keepalive with non-zero "
			    "bytes 8..15");
		return GPST_RX_KEEPALIVE;
	case GPST_ETH_IPV4:
	case GPST_ETH_IPV6:
		r = gpst_check_ip(h->ethertype, &pl, e);
		if (r != GPST_RX_PACKET)
			return r;
		p->data = buf_ptr(payload);
		p->len = buf_avail(payload);
		p->ethertype = h->ethertype;
		return GPST_RX_PACKET;
	default:
		return GPST_DROP(e, "gpst: unknown EtherType `0x%04x` "
		    "(%u bytes)", h->ethertype, h->len);
	}
}

void
gpst_rx_init(struct gpst_rx *r)
{
	r->have = 0;
	r->want = GPST_HDR_BYTES;
	r->dead = 0;
}

static int
gpst_rx_fatal(struct gpst_rx *r)
{
	r->dead = 1;
	r->have = 0;
	return GPST_RX_FATAL;
}

/* Fast path: nothing held and the whole frame lies in the input. */
static int
gpst_rx_inplace(struct gpst_rx *r, struct buf *in, struct gpst_pkt *p,
    struct gp_err *e)
{
	struct gpst_hdr h;
	struct buf payload;

	if (gpst_hdr_decode(buf_ptr(in), &h, e) == -1)
		return gpst_rx_fatal(r);
	if (buf_avail(in) - GPST_HDR_BYTES < h.len)
		return GPST_RX_MORE;	/* not whole: take the slow path */
	(void)buf_skip(in, GPST_HDR_BYTES);
	(void)buf_get_view(in, &payload, h.len);
	return gpst_classify(&h, &payload, p, e);
}

int
gpst_rx_next(struct gpst_rx *r, struct buf *in, struct gpst_pkt *p,
    struct gp_err *e)
{
	struct gpst_hdr h;
	struct buf payload;
	size_t take;
	int res;

	memset(p, 0, sizeof(*p));
	if (r->dead)
		return err_set(e, "gpst: stream already out of step");
	if (r->have == 0 && buf_avail(in) >= GPST_HDR_BYTES) {
		res = gpst_rx_inplace(r, in, p, e);
		if (res != GPST_RX_MORE)
			return res;
	}
	while (r->have < r->want) {
		take = r->want - r->have;
		if (take > buf_avail(in))
			take = buf_avail(in);
		if (take == 0)
			return GPST_RX_MORE;
		(void)buf_get_bytes(in, r->buf + r->have, take);
		r->have += take;
		if (r->want != GPST_HDR_BYTES || r->have != GPST_HDR_BYTES)
			continue;
		if (gpst_hdr_decode(r->buf, &h, e) == -1)
			return gpst_rx_fatal(r);
		r->want = GPST_HDR_BYTES + h.len;
	}
	(void)gpst_hdr_decode(r->buf, &h, e);	/* valid: checked above */
	buf_view(&payload, r->buf + GPST_HDR_BYTES, h.len);
	r->have = 0;
	r->want = GPST_HDR_BYTES;
	return gpst_classify(&h, &payload, p, e);
}

static void
gpst_put_hdr(uint8_t *h, uint16_t ethertype, uint16_t len, uint8_t b8)
{
	h[0] = (uint8_t)(GPST_MAGIC >> 24);
	h[1] = (uint8_t)(GPST_MAGIC >> 16);
	h[2] = (uint8_t)(GPST_MAGIC >> 8);
	h[3] = (uint8_t)GPST_MAGIC;
	h[4] = (uint8_t)(ethertype >> 8);
	h[5] = (uint8_t)ethertype;
	h[6] = (uint8_t)(len >> 8);
	h[7] = (uint8_t)len;
	memset(h + 8, 0, GPST_RESERVED_BYTES);
	h[8] = b8;
}

int
gpst_encode(uint8_t hdr[GPST_HDR_BYTES], const uint8_t *pkt, size_t len,
    struct gp_err *e)
{
	uint16_t ethertype;

	if (len == 0 || len > GPST_MAX_PAYLOAD)
		return err_set(e, "gpst: cannot frame a %zu-byte packet", len);
	switch (pkt[0] >> 4) {
	case 4:
		ethertype = GPST_ETH_IPV4;
		break;
	case 6:
		ethertype = GPST_ETH_IPV6;
		break;
	default:
		return err_set(e, "gpst: IP version `%u` in an outgoing packet",
		    (unsigned)(pkt[0] >> 4));
	}
	gpst_put_hdr(hdr, ethertype, (uint16_t)len, 1);
	return 0;
}

void
gpst_encode_keepalive(uint8_t hdr[GPST_HDR_BYTES])
{
	gpst_put_hdr(hdr, GPST_ETH_KEEPALIVE, 0, 0);
}
