/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the [priv] <-> [net] messages of gp-tunnel
 * (tunnel/privsep.c): the codec round trip, every malformed message
 * refused, the permission table, and the socketpair I/O including an
 * oversized record. Test code only.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/buf.h"
#include "tunnel/privsep.h"
#include "t.h"

/* out->body views a static copy that outlives the encode buffer. */
static int
roundtrip(const struct privsep_msg *in, struct privsep_msg *out)
{
	static uint8_t copy[PRIVSEP_MAX_BYTES];
	struct buf b;
	struct gp_err e = { "" };
	int r;

	if (buf_init(&b, PRIVSEP_MAX_BYTES) == -1)
		return -1;
	r = privsep_encode(in, &b, &e);
	if (r == 0) {
		memcpy(copy, buf_ptr(&b), buf_avail(&b));
		r = privsep_decode(copy, buf_avail(&b), out, &e);
	}
	buf_free(&b);
	return r;
}

static void
test_roundtrip(void)
{
	static const uint8_t cfg[] = { 0, 1, 0, 3, 'a', 'b', 'c' };
	struct privsep_msg m, o;

	memset(&m, 0, sizeof(m));
	m.type = PS_TRANSPORT_UP;
	m.mtu = 1400;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.type, PS_TRANSPORT_UP);
	T_EQ_INT(o.mtu, 1400);
	m.type = PS_SET_MTU;
	m.mtu = 576;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.mtu, 576);
	m.type = PS_EXIT;
	m.status = 2;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.status, 2);
	m.type = PS_STOP;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.type, PS_STOP);
	m.type = PS_RECONNECTING;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.type, PS_RECONNECTING);
	m.type = PS_RECONNECTED;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.type, PS_RECONNECTED);
	m.type = PS_RETRY;
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(o.type, PS_RETRY);
	m.type = PS_CONFIG;
	buf_view(&m.body, cfg, sizeof(cfg));
	T_EQ_INT(roundtrip(&m, &o), 0);
	T_EQ_INT(buf_avail(&o.body), sizeof(cfg));
	T_EQ_MEM(buf_ptr(&o.body), cfg, sizeof(cfg));
}

static void
test_encode_refuses(void)
{
	struct privsep_msg m;
	struct buf b;
	struct gp_err e = { "" };

	memset(&m, 0, sizeof(m));
	buf_view(&m.body, NULL, 0);
	T_EQ_INT(buf_init(&b, PRIVSEP_MAX_BYTES), 0);
	m.type = 0;
	T_EQ_INT(privsep_encode(&m, &b, &e), -1);
	m.type = PS_TYPES;
	T_EQ_INT(privsep_encode(&m, &b, &e), -1);
	m.type = PS_CONFIG;		/* empty */
	T_EQ_INT(privsep_encode(&m, &b, &e), -1);
	buf_free(&b);
}

/* hdr: magic, type, z8, z16, len; then body bytes. */
static int
dec(uint32_t magic, uint8_t type, uint8_t z8, uint32_t len,
    const uint8_t *body, size_t blen, char *why)
{
	uint8_t p[12 + PRIVSEP_REPORT_BYTES];
	struct privsep_msg m;
	struct gp_err e = { "" };
	int r;

	p[0] = magic >> 24;
	p[1] = magic >> 16;
	p[2] = magic >> 8;
	p[3] = (uint8_t)magic;
	p[4] = type;
	p[5] = z8;
	p[6] = p[7] = 0;
	p[8] = len >> 24;
	p[9] = len >> 16;
	p[10] = len >> 8;
	p[11] = (uint8_t)len;
	if (blen > 0)
		memcpy(p + 12, body, blen);
	r = privsep_decode(p, 12 + blen, &m, &e);
	snprintf(why, GP_ERR_MAX, "%s", e.msg);
	return r;
}

static void
test_decode_refuses(void)
{
	static const uint8_t mtu1400[] = { 0, 0, 5, 0x78 };
	static const uint8_t mtu100[] = { 0, 0, 0, 100 };
	static const uint8_t mtu_huge[] = { 0, 1, 0, 0 };
	static const uint8_t st3[] = { 3 };
	char why[GP_ERR_MAX];
	struct privsep_msg m;
	struct gp_err e = { "" };

	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_SET_MTU, 0, 4, mtu1400, 4, why), 0);
	T_EQ_INT(dec(0x12345678, PS_SET_MTU, 0, 4, mtu1400, 4, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_SET_MTU, 1, 4, mtu1400, 4, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, 0, 0, 0, NULL, 0, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, 99, 0, 0, NULL, 0, why), -1);
	T_STREQ(why, "privsep: unknown type 99");
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_SET_MTU, 0, 4, mtu100, 4, why), -1);
	T_STREQ(why, "privsep: SET_MTU: MTU 100 outside 576..9000");
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_TRANSPORT_UP, 0, 4, mtu_huge, 4,
	    why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_EXIT, 0, 1, st3, 1, why), -1);
	T_STREQ(why, "privsep: EXIT: status 3 outside 0..2");
	/* Lengths: short, long, trailing bytes, a lying header. */
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_SET_MTU, 0, 3, mtu1400, 3, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_STOP, 0, 0, st3, 1, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_STOP, 0, 1, st3, 1, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_EXIT, 0, 2, st3, 1, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_CONFIG, 0, 0, NULL, 0, why), -1);
	/* The reconnect messages are empty, fixed-size. */
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_RECONNECTING, 0, 0, NULL, 0, why),
	    0);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_RECONNECTING, 0, 1, st3, 1, why),
	    -1);
	T_STREQ(why, "privsep: RECONNECTING: body of 1 bytes (1 sent)");
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_RECONNECTED, 0, 4, mtu1400, 4, why),
	    -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_RETRY, 0, 1, st3, 1, why), -1);
	T_EQ_INT(dec(PRIVSEP_MAGIC, PS_TYPES, 0, 0, NULL, 0, why), -1);
	T_EQ_INT(privsep_decode(mtu1400, sizeof(mtu1400), &m, &e), -1);
}

/* REPORT: the counters round-trip; every field is checked. */
static void
test_report(void)
{
	uint8_t body[PRIVSEP_REPORT_BYTES];
	char why[GP_ERR_MAX];
	struct privsep_msg m, o;

	memset(&m, 0, sizeof(m));
	m.type = PS_REPORT;
	m.rep.xport = PS_XPORT_ESP;
	m.rep.why = PS_WHY_ASKED;
	m.rep.sa_age_s = 12;
	m.rep.tx_pkts = 1;
	m.rep.rx_bytes = UINT64_MAX;
	m.rep.esp_fallbacks = 0x100000002ULL;
	m.rep.aqm_drops = 0x300000004ULL;
	m.rep.aqm_marks = 5;
	T_CHECK(roundtrip(&m, &o) == 0 && o.type == PS_REPORT &&
	    o.rep.xport == PS_XPORT_ESP && o.rep.why == PS_WHY_ASKED &&
	    o.rep.sa_age_s == 12 && o.rep.tx_pkts == 1 &&
	    o.rep.rx_bytes == UINT64_MAX &&
	    o.rep.esp_fallbacks == 0x100000002ULL &&
	    o.rep.aqm_drops == 0x300000004ULL && o.rep.aqm_marks == 5);
	memset(body, 0, sizeof(body));
	body[0] = PS_XPORT_ESP;
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES, body,
	    PRIVSEP_REPORT_BYTES, why) == 0);
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES - 1,
	    body, PRIVSEP_REPORT_BYTES - 1, why) == -1);
	body[0] = PS_XPORTS;
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES, body,
	    PRIVSEP_REPORT_BYTES, why) == -1);
	T_STREQ(why, "privsep: REPORT: transport `3`");
	body[0] = PS_XPORT_HTTPS;
	body[1] = PS_WHYS;
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES, body,
	    PRIVSEP_REPORT_BYTES, why) == -1);
	T_STREQ(why, "privsep: REPORT: reason `4`");
	body[1] = 0;
	body[3] = 1;
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES, body,
	    PRIVSEP_REPORT_BYTES, why) == -1);
	body[3] = 0;
	body[7] = 5;	/* an SA age over HTTPS */
	T_CHECK(dec(PRIVSEP_MAGIC, PS_REPORT, 0, PRIVSEP_REPORT_BYTES, body,
	    PRIVSEP_REPORT_BYTES, why) == -1);
	T_STREQ(why, "privsep: REPORT: SA age `5` without ESP");
	/* [priv] takes it in every state; [net] never. */
	T_CHECK(privsep_allowed(true, PS_ST_STARTING, PS_REPORT));
	T_CHECK(privsep_allowed(true, PS_ST_RUNNING, PS_REPORT));
	T_CHECK(privsep_allowed(true, PS_ST_RECONNECTING, PS_REPORT));
	T_CHECK(privsep_allowed(true, PS_ST_STOPPING, PS_REPORT));
	T_CHECK(!privsep_allowed(false, PS_ST_RUNNING, PS_REPORT));
}

static void
test_table(void)
{
	/* [priv]: TRANSPORT_UP only while starting; SET_MTU not before. */
	T_CHECK(privsep_allowed(true, PS_ST_STARTING, PS_TRANSPORT_UP));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_TRANSPORT_UP));
	T_CHECK(!privsep_allowed(true, PS_ST_STARTING, PS_SET_MTU));
	T_CHECK(privsep_allowed(true, PS_ST_RUNNING, PS_SET_MTU));
	T_CHECK(privsep_allowed(true, PS_ST_STOPPING, PS_EXIT));
	/* [priv] never takes what only [net] receives. */
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_CONFIG));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_GO));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_STOP));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, 0));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_TYPES));
	T_CHECK(!privsep_allowed(true, PS_STATES, PS_EXIT));
	/* [net]: GO once, nothing but STOP once stopping. */
	T_CHECK(privsep_allowed(false, PS_ST_STARTING, PS_GO));
	T_CHECK(!privsep_allowed(false, PS_ST_RUNNING, PS_GO));
	T_CHECK(privsep_allowed(false, PS_ST_RUNNING, PS_CONFIG));
	T_CHECK(!privsep_allowed(false, PS_ST_STOPPING, PS_CONFIG));
	T_CHECK(!privsep_allowed(false, PS_ST_RUNNING, PS_EXIT));
	/* Reconnect: RECONNECTING once running, again while reconnecting;
	 * RECONNECTED only after it; RETRY only to [net], not before GO. */
	T_CHECK(!privsep_allowed(true, PS_ST_STARTING, PS_RECONNECTING));
	T_CHECK(privsep_allowed(true, PS_ST_RUNNING, PS_RECONNECTING));
	T_CHECK(privsep_allowed(true, PS_ST_RECONNECTING, PS_RECONNECTING));
	T_CHECK(!privsep_allowed(true, PS_ST_STARTING, PS_RECONNECTED));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_RECONNECTED));
	T_CHECK(privsep_allowed(true, PS_ST_RECONNECTING, PS_RECONNECTED));
	T_CHECK(privsep_allowed(true, PS_ST_STOPPING, PS_RECONNECTED));
	T_CHECK(privsep_allowed(true, PS_ST_RECONNECTING, PS_SET_MTU));
	T_CHECK(privsep_allowed(true, PS_ST_RECONNECTING, PS_EXIT));
	T_CHECK(!privsep_allowed(true, PS_ST_RECONNECTING, PS_TRANSPORT_UP));
	T_CHECK(!privsep_allowed(true, PS_ST_RUNNING, PS_RETRY));
	T_CHECK(!privsep_allowed(false, PS_ST_STARTING, PS_RETRY));
	T_CHECK(privsep_allowed(false, PS_ST_RECONNECTING, PS_RETRY));
	T_CHECK(privsep_allowed(false, PS_ST_RUNNING, PS_RETRY));
	T_CHECK(!privsep_allowed(false, PS_ST_STOPPING, PS_RETRY));
	T_CHECK(privsep_allowed(false, PS_ST_RECONNECTING, PS_CONFIG));
	T_CHECK(privsep_allowed(false, PS_ST_RECONNECTING, PS_STOP));
	T_CHECK(!privsep_allowed(false, PS_ST_RUNNING, PS_RECONNECTING));
	T_CHECK(!privsep_allowed(false, PS_ST_RECONNECTING, PS_GO));
	T_STREQ(privsep_type_name(PS_RECONNECTING), "RECONNECTING");
	T_STREQ(privsep_type_name(PS_RETRY), "RETRY");
	T_STREQ(privsep_type_name(PS_NEED_CONFIG), "NEED_CONFIG");
	T_STREQ(privsep_type_name(200), "unknown");
}

static void
test_socketpair(void)
{
	static uint8_t rbuf[PRIVSEP_MAX_BYTES + 1];
	static uint8_t big[PRIVSEP_MAX_BYTES + 100];
	struct privsep_msg m;
	struct gp_err e = { "" };
	int sp[2];

	T_EQ_INT(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
	T_EQ_INT(privsep_recv(sp[1], rbuf, &m, &e), -1);
	T_EQ_INT(errno, EAGAIN);
	memset(&m, 0, sizeof(m));
	m.type = PS_TRANSPORT_UP;
	m.mtu = 1406;
	T_EQ_INT(privsep_send(sp[0], &m, &e), 0);
	T_EQ_INT(privsep_send_type(sp[0], PS_NEED_CONFIG, &e), 0);
	T_EQ_INT(privsep_recv(sp[1], rbuf, &m, &e), 1);
	T_EQ_INT(m.type, PS_TRANSPORT_UP);
	T_EQ_INT(m.mtu, 1406);
	T_EQ_INT(privsep_recv(sp[1], rbuf, &m, &e), 1);
	T_EQ_INT(m.type, PS_NEED_CONFIG);
	/* An oversized record is refused, not truncated. */
	memset(big, 0, sizeof(big));
	T_EQ_INT(send(sp[0], big, sizeof(big), 0), (ssize_t)sizeof(big));
	T_EQ_INT(privsep_recv(sp[1], rbuf, &m, &e), -1);
	T_EQ_INT(errno, EMSGSIZE);
	close(sp[0]);
	T_EQ_INT(privsep_recv(sp[1], rbuf, &m, &e), 0);
	close(sp[1]);
}

int
main(void)
{
	T_RUN(test_roundtrip);
	T_RUN(test_encode_refuses);
	T_RUN(test_decode_refuses);
	T_RUN(test_table);
	T_RUN(test_report);
	T_RUN(test_socketpair);
	return T_DONE();
}
