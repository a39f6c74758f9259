/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for GPST framing (tunnel/gpst.c): header encoding, and the
 * reassembler fed every kind of split of hostile and valid streams
 * (THREATS.md 17). Test code only; the streams are made up here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/gpst.h"
#include "t.h"

#define MAX_EVENTS	32
#define STREAM_MAX	(5 * (GPST_HDR_BYTES + GPST_MAX_PAYLOAD))

struct event {
	int		kind;
	size_t		len;
	uint16_t	ethertype;
	uint32_t	sum;	/* of the packet bytes */
};

struct events {
	size_t		n;
	struct event	ev[MAX_EVENTS];
};

static uint8_t stream[STREAM_MAX];
static struct gpst_rx rx;

static uint32_t
sum(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261U;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619U;
	return h;
}

/* Append a frame: header fields as given, then payload. */
static size_t
put_frame(uint8_t *out, uint32_t magic, uint16_t type, uint16_t len,
    uint8_t b8, const uint8_t *payload, size_t plen)
{
	uint8_t h[GPST_HDR_BYTES] = {
		(uint8_t)(magic >> 24), (uint8_t)(magic >> 16),
		(uint8_t)(magic >> 8), (uint8_t)magic,
		(uint8_t)(type >> 8), (uint8_t)type,
		(uint8_t)(len >> 8), (uint8_t)len, b8, 0, 0, 0, 0, 0, 0, 0
	};

	memcpy(out, h, sizeof(h));
	if (plen > 0)
		memcpy(out + sizeof(h), payload, plen);
	return sizeof(h) + plen;
}

/* An IP packet of len bytes whose length field agrees (or is off by d). */
static void
make_ip(uint8_t *p, size_t len, int v, int d)
{
	size_t i, f;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + len);
	p[0] = v == 4 ? 0x45 : 0x60;
	f = (v == 4 ? len : len - 40) + (size_t)d;
	if (v == 4) {
		p[2] = (uint8_t)(f >> 8);
		p[3] = (uint8_t)f;
	} else {
		p[4] = (uint8_t)(f >> 8);
		p[5] = (uint8_t)f;
	}
}

static size_t
put_ip_frame(uint8_t *out, int v, size_t len)
{
	static uint8_t pkt[GPST_MAX_PAYLOAD];

	make_ip(pkt, len, v, 0);
	return put_frame(out, GPST_MAGIC, v == 4 ? GPST_ETH_IPV4 :
	    GPST_ETH_IPV6, (uint16_t)len, 1, pkt, len);
}

static size_t
put_keepalive(uint8_t *out)
{
	return put_frame(out, GPST_MAGIC, 0, 0, 0, NULL, 0);
}

/* Feed one chunk; record everything that comes out. */
static void
feed(const uint8_t *p, size_t n, struct events *out)
{
	struct gpst_pkt pkt;
	struct gp_err e;
	struct buf in;
	int r;

	buf_view(&in, p, n);
	while ((r = gpst_rx_next(&rx, &in, &pkt, &e)) != GPST_RX_MORE) {
		if (out->n < MAX_EVENTS) {
			out->ev[out->n].kind = r;
			out->ev[out->n].len = pkt.len;
			out->ev[out->n].ethertype = pkt.ethertype;
			out->ev[out->n].sum = pkt.data ?
			    sum(pkt.data, pkt.len) : 0;
		}
		out->n++;
		if (r == GPST_RX_FATAL)
			break;
	}
}

static int
events_equal(const struct events *a, const struct events *b)
{
	return a->n == b->n && memcmp(a->ev, b->ev,
	    (a->n < MAX_EVENTS ? a->n : MAX_EVENTS) * sizeof(a->ev[0])) == 0;
}

static size_t
multi_stream(int big)
{
	size_t n = 0;

	n += put_ip_frame(stream + n, 4, 60);
	n += put_keepalive(stream + n);
	n += put_ip_frame(stream + n, 6, 100);
	if (big)
		n += put_ip_frame(stream + n, 4, GPST_MAX_PAYLOAD);
	n += put_ip_frame(stream + n, 4, 20);
	n += put_ip_frame(stream + n, 6, 40);
	return n;
}

static void
whole(const uint8_t *p, size_t n, struct events *ev)
{
	memset(ev, 0, sizeof(*ev));
	gpst_rx_init(&rx);
	feed(p, n, ev);
}

static void
encode(void)
{
	static const uint8_t ka[GPST_HDR_BYTES] = { 0x1a, 0x2b, 0x3c, 0x4d };
	static const uint8_t h4[GPST_HDR_BYTES] = { 0x1a, 0x2b, 0x3c, 0x4d,
	    0x08, 0x00, 0x00, 0x3c, 1 };
	static const uint8_t h6[GPST_HDR_BYTES] = { 0x1a, 0x2b, 0x3c, 0x4d,
	    0x86, 0xdd, 0x40, 0x00, 1 };
	uint8_t h[GPST_HDR_BYTES], pkt[GPST_MAX_PAYLOAD + 1] = { 0x45 };
	struct gp_err e;

	gpst_encode_keepalive(h);
	T_EQ_MEM(h, ka, sizeof(h));
	T_EQ_INT(gpst_encode(h, pkt, 60, &e), 0);
	T_EQ_MEM(h, h4, sizeof(h));
	pkt[0] = 0x60;
	T_EQ_INT(gpst_encode(h, pkt, GPST_MAX_PAYLOAD, &e), 0);
	T_EQ_MEM(h, h6, sizeof(h));
	T_EQ_INT(gpst_encode(h, pkt, GPST_MAX_PAYLOAD + 1, &e), -1);
	T_EQ_INT(gpst_encode(h, pkt, 0, &e), -1);
	pkt[0] = 0x50;
	T_EQ_INT(gpst_encode(h, pkt, 60, &e), -1);
	T_CHECK(strstr(e.msg, "version") != NULL);
	pkt[0] = 0x00;
	T_EQ_INT(gpst_encode(h, pkt, 60, &e), -1);
}

static void
one_chunk(void)
{
	struct events ev;
	size_t n = multi_stream(1);

	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 6);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[0].len, 60);
	T_EQ_INT(ev.ev[0].ethertype, GPST_ETH_IPV4);
	T_EQ_INT(ev.ev[1].kind, GPST_RX_KEEPALIVE);
	T_EQ_INT(ev.ev[2].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[2].len, 100);
	T_EQ_INT(ev.ev[2].ethertype, GPST_ETH_IPV6);
	T_EQ_INT(ev.ev[3].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[3].len, GPST_MAX_PAYLOAD);
	T_EQ_INT(ev.ev[4].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[4].len, 20);
	T_EQ_INT(ev.ev[5].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[5].len, 40);
	T_EQ_INT(ev.ev[0].sum, sum(stream + GPST_HDR_BYTES, 60));
}

static void
byte_by_byte(void)
{
	struct events ref, ev;
	size_t i, n = multi_stream(1);

	whole(stream, n, &ref);
	memset(&ev, 0, sizeof(ev));
	gpst_rx_init(&rx);
	for (i = 0; i < n; i++)
		feed(stream + i, 1, &ev);
	T_CHECK(events_equal(&ref, &ev));
	T_EQ_INT(rx.have, 0);
}

/* Every way of cutting the stream into three chunks. */
static void
every_split(void)
{
	struct events ref, ev;
	size_t i, j, n = multi_stream(0), bad = 0;

	whole(stream, n, &ref);
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			memset(&ev, 0, sizeof(ev));
			gpst_rx_init(&rx);
			feed(stream, i, &ev);
			feed(stream + i, j - i, &ev);
			feed(stream + j, n - j, &ev);
			bad += !events_equal(&ref, &ev);
		}
	}
	T_EQ_INT(bad, 0);
}

static void
random_splits(void)
{
	struct events ref, ev;
	size_t off, k, n = multi_stream(1), bad = 0;
	unsigned round;

	whole(stream, n, &ref);
	srand(12345);
	for (round = 0; round < 2000; round++) {
		memset(&ev, 0, sizeof(ev));
		gpst_rx_init(&rx);
		for (off = 0; off < n; off += k) {
			k = (size_t)rand() % (round % 2 ? 40 : 20000) + 1;
			if (k > n - off)
				k = n - off;
			feed(stream + off, k, &ev);
		}
		bad += !events_equal(&ref, &ev);
	}
	T_EQ_INT(bad, 0);
}

static void
bad_magic_is_fatal(void)
{
	struct events ev;
	size_t i, n = 0;
	uint8_t pkt[60];

	n += put_ip_frame(stream + n, 4, 60);
	make_ip(pkt, 60, 4, 0);
	n += put_frame(stream + n, 0x1a2b3c4e, GPST_ETH_IPV4, 60, 1, pkt, 60);
	n += put_ip_frame(stream + n, 4, 60);
	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 2);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[1].kind, GPST_RX_FATAL);
	/* dead stays dead */
	feed(stream, 76, &ev);
	T_EQ_INT(ev.n, 3);
	T_EQ_INT(ev.ev[2].kind, GPST_RX_FATAL);
	/* same, a byte at a time: fatal as soon as the header is whole */
	memset(&ev, 0, sizeof(ev));
	gpst_rx_init(&rx);
	for (i = 0; i < 76 + 16; i++)
		feed(stream + i, 1, &ev);
	T_EQ_INT(ev.n, 2);
	T_EQ_INT(ev.ev[1].kind, GPST_RX_FATAL);
}

static void
oversize_is_fatal(void)
{
	struct events ev;
	struct gp_err e;
	size_t n;

	n = put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4, GPST_MAX_PAYLOAD + 1,
	    1, NULL, 0);
	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_FATAL);
	n = put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4, 0xffff, 1, NULL, 0);
	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_FATAL);
	gpst_rx_init(&rx);
	{
		struct gpst_pkt p;
		struct buf in;

		buf_view(&in, stream, n);
		T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_FATAL);
		T_CHECK(strstr(e.msg, "65535") != NULL);
	}
}

/* A dropped frame leaves the stream in step: the next one arrives. */
static void
expect_drop_then_packet(size_t n, const char *why)
{
	struct events ev;
	struct gpst_pkt p;
	struct gp_err e;
	struct buf in;
	size_t i;

	n += put_ip_frame(stream + n, 4, 20);
	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 2);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_DROPPED);
	T_EQ_INT(ev.ev[1].kind, GPST_RX_PACKET);
	T_EQ_INT(ev.ev[1].len, 20);
	memset(&ev, 0, sizeof(ev));
	gpst_rx_init(&rx);
	for (i = 0; i < n; i++)
		feed(stream + i, 1, &ev);
	T_EQ_INT(ev.n, 2);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_DROPPED);
	gpst_rx_init(&rx);
	buf_view(&in, stream, n);
	T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_DROPPED);
	if (strstr(e.msg, why) == NULL) {
		fprintf(stderr, "  message `%s` lacks `%s`\n", e.msg, why);
		t_failed_now = 1;
	}
}

static void
ipv4_length_mismatch(void)
{
	uint8_t pkt[60];

	make_ip(pkt, 60, 4, -10);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4,
	    60, 1, pkt, 60), "total length `50`");
	make_ip(pkt, 60, 4, 1);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4,
	    60, 1, pkt, 60), "total length");
	make_ip(pkt, 19, 4, 0);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4,
	    19, 1, pkt, 19), "too short");
}

static void
ipv6_and_version_mismatch(void)
{
	uint8_t pkt[60];

	make_ip(pkt, 60, 6, 4);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV6,
	    60, 1, pkt, 60), "payload length");
	make_ip(pkt, 39, 6, 0);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV6,
	    39, 1, pkt, 39), "too short");
	make_ip(pkt, 60, 6, 0);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4,
	    60, 1, pkt, 60), "IP version `6`");
	make_ip(pkt, 60, 4, 0);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV6,
	    60, 1, pkt, 60), "IP version `4`");
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, GPST_ETH_IPV4,
	    0, 1, NULL, 0), "empty");
}

static void
unknown_ethertype(void)
{
	uint8_t pkt[28];

	make_ip(pkt, 28, 4, 0);
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, 0x0806, 28, 1,
	    pkt, 28), "EtherType `0x0806`");
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, 0xffff, 0, 1,
	    NULL, 0), "EtherType `0xffff`");
}

static void
bad_keepalives(void)
{
	uint8_t junk[4] = { 1, 2, 3, 4 };
	size_t n;

	n = put_frame(stream, GPST_MAGIC, 0, 0, 0, NULL, 0);
	stream[15] = 1;
	expect_drop_then_packet(n, "non-zero");
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, 0, 0, 1, NULL,
	    0), "non-zero");
	expect_drop_then_packet(put_frame(stream, GPST_MAGIC, 0, 4, 0, junk,
	    4), "payload");
}

/* Documented leniency: bytes 8..15 of a data frame are not checked. */
static void
data_reserved_bytes_ignored(void)
{
	struct events ev;
	size_t n = put_ip_frame(stream, 4, 40);

	memset(stream + 8, 0xee, 8);
	whole(stream, n, &ev);
	T_EQ_INT(ev.n, 1);
	T_EQ_INT(ev.ev[0].kind, GPST_RX_PACKET);
}

static void
packet_points_into_input_or_buffer(void)
{
	struct gpst_pkt p;
	struct gp_err e;
	struct buf in;
	size_t n = put_ip_frame(stream, 4, 40);

	gpst_rx_init(&rx);
	buf_view(&in, stream, n);
	T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_PACKET);
	T_CHECK(p.data == stream + GPST_HDR_BYTES);
	T_EQ_INT(p.len, 40);
	T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_MORE);
	T_CHECK(p.data == NULL);
	T_EQ_INT(p.len, 0);
	buf_view(&in, stream, 10);
	T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_MORE);
	buf_view(&in, stream + 10, n - 10);
	T_EQ_INT(gpst_rx_next(&rx, &in, &p, &e), GPST_RX_PACKET);
	T_CHECK(p.data == rx.buf + GPST_HDR_BYTES);
	T_EQ_INT(p.len, 40);
	T_EQ_MEM(p.data, stream + GPST_HDR_BYTES, 40);
}

int
main(void)
{
	T_RUN(encode);
	T_RUN(one_chunk);
	T_RUN(byte_by_byte);
	T_RUN(every_split);
	T_RUN(random_splits);
	T_RUN(bad_magic_is_fatal);
	T_RUN(oversize_is_fatal);
	T_RUN(ipv4_length_mismatch);
	T_RUN(ipv6_and_version_mismatch);
	T_RUN(unknown_ethertype);
	T_RUN(bad_keepalives);
	T_RUN(data_reserved_bytes_ignored);
	T_RUN(packet_points_into_input_or_buffer);
	return T_DONE();
}
