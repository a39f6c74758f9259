/* SPDX-License-Identifier: ISC */
/*
 * Tests for the HIP runner's messages (auth/hipmsg.c) and the runner
 * itself (auth/hiprun.c): requests and replies round-trip, and every
 * truncated, overlong or garbled message is refused with an error.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/hipmsg.h"
#include "t.h"

static const struct hip_run_req req_std = {
	"portal=p&user=u&domain=&computer=vm", "198.18.0.2", "",
	"0123456789abcdef", "Linux", "6.1.0"
};

/* Encode q into a fresh buffer; -1 (and e) when it does not encode. */
static int
encode_req(const struct hip_run_req *q, struct buf *b, struct gp_err *e)
{
	if (buf_init(b, HIPMSG_REQ_MAX) == -1)
		return -1;
	return hipmsg_encode_req(q, b, e);
}

static void
req_roundtrip(void)
{
	struct hipmsg_args a;
	struct gp_err e;
	struct buf b;

	T_EQ_INT(encode_req(&req_std, &b, &e), 0);
	T_EQ_INT(hipmsg_decode_req(b.data, b.len, &a, &e), 0);
	T_STREQ(a.a[0], req_std.cookie);
	T_STREQ(a.a[1], "198.18.0.2");
	T_STREQ(a.a[2], "");
	T_STREQ(a.a[3], req_std.md5);
	T_STREQ(a.a[4], "Linux");
	T_STREQ(a.a[5], "6.1.0");
	/* type, then six u16 lengths: the layout hipmsg.h promises */
	T_EQ_INT(b.len, 1 + 12 + strlen(req_std.cookie) + 10 + 16 + 5 + 5);
	T_EQ_INT(b.data[0], HIPMSG_REQUEST);
	buf_free(&b);
}

/* The six strings with their NULs fill HIP_RUN_REQ_MAX, or one more. */
static void
req_limit(void)
{
	static char big[HIP_RUN_REQ_MAX];
	struct hip_run_req q = { big, "", "", "", "", "" };
	struct hipmsg_args a;
	struct gp_err e;
	struct buf b;

	memset(big, 'c', sizeof(big) - 6);
	big[sizeof(big) - 6] = '\0';
	T_EQ_INT(encode_req(&q, &b, &e), 0);
	T_EQ_INT(hipmsg_decode_req(b.data, b.len, &a, &e), 0);
	T_EQ_INT(strlen(a.a[0]), sizeof(big) - 6);
	buf_free(&b);
	big[sizeof(big) - 6] = 'c';
	big[sizeof(big) - 5] = '\0';
	T_EQ_INT(encode_req(&q, &b, &e), -1);
	T_STREQ(e.msg, "hip: script arguments too long");
	buf_free(&b);
}

static void
req_truncated(void)
{
	struct hipmsg_args a;
	struct gp_err e;
	struct buf b;
	size_t n;
	int bad = 0;

	T_EQ_INT(encode_req(&req_std, &b, &e), 0);
	for (n = 0; n < b.len; n++) {
		e.msg[0] = '\0';
		if (hipmsg_decode_req(b.data, n, &a, &e) != -1 ||
		    e.msg[0] == '\0' || a.a[0][0] != '\0')
			bad++;
	}
	T_EQ_INT(bad, 0);
	buf_free(&b);
}

static void
req_garbage(void)
{
	static char huge[HIPMSG_REQ_MAX + 1];
	struct hipmsg_args a;
	struct gp_err e;
	struct buf b;
	uint8_t m[512];

	T_EQ_INT(encode_req(&req_std, &b, &e), 0);
	memcpy(m, b.data, b.len);
	m[b.len] = 0;			/* one byte left over */
	T_EQ_INT(hipmsg_decode_req(m, b.len + 1, &a, &e), -1);
	T_STREQ(e.msg, "hip: runner request has `1` bytes left over");
	m[0] = HIPMSG_REPLY;		/* the wrong type */
	T_EQ_INT(hipmsg_decode_req(m, b.len, &a, &e), -1);
	T_STREQ(e.msg, "hip: runner request has type `2`, not `1`");
	m[0] = HIPMSG_REQUEST;
	m[4] = '\0';			/* a NUL in the cookie */
	T_EQ_INT(hipmsg_decode_req(m, b.len, &a, &e), -1);
	T_CHECK(strstr(e.msg, "cookie of `35` bytes has a NUL") != NULL);
	m[4] = 'r';
	m[1] = 0xff;			/* a length past the end */
	T_EQ_INT(hipmsg_decode_req(m, b.len, &a, &e), -1);
	T_STREQ(e.msg, "hip: runner request ends in cookie");
	T_EQ_INT(hipmsg_decode_req(m, 0, &a, &e), -1);
	T_STREQ(e.msg, "hip: empty runner request");
	T_EQ_INT(hipmsg_decode_req(huge, sizeof(huge), &a, &e), -1);
	T_CHECK(strstr(e.msg, "is over") != NULL);
	buf_free(&b);
}

/* A request whose strings overflow mem: lengths that each fit u16. */
static void
req_overlong_fields(void)
{
	static uint8_t m[HIPMSG_REQ_MAX];
	struct hipmsg_args a;
	struct gp_err e;
	size_t n = HIP_RUN_REQ_MAX - 1;	/* with its NUL: no room left */

	memset(m, 'x', sizeof(m));
	m[0] = HIPMSG_REQUEST;
	m[1] = (uint8_t)(n >> 8);
	m[2] = (uint8_t)n;
	m[3 + n] = 0;
	m[4 + n] = 1;			/* client-ip: one byte, no room */
	T_EQ_INT(hipmsg_decode_req(m, 6 + n, &a, &e), -1);
	T_CHECK(strstr(e.msg, "client-ip of `1` bytes") != NULL);
	T_EQ_INT(a.a[0][0], '\0');
}

static int
encode_reply(uint8_t st, const char *r, size_t len, struct buf *b)
{
	struct gp_err e;

	if (buf_init(b, HIPMSG_REPLY_MAX) == -1)
		return -1;
	return hipmsg_encode_reply(st, r, len, b, &e);
}

static void
reply_roundtrip(void)
{
	static char out[HIPGEN_REPORT_MAX];
	static char big[HIPMSG_REPORT_MAX + 1];
	struct gp_err e;
	struct buf b;
	uint8_t st;

	T_EQ_INT(encode_reply(HIPMSG_OK, "<hip-report/>", 13, &b), 0);
	T_EQ_INT(b.len, 6 + 13);
	T_EQ_INT(hipmsg_decode_reply(b.data, b.len, &st, out, sizeof(out),
	    &e), 0);
	T_EQ_INT(st, HIPMSG_OK);
	T_STREQ(out, "<hip-report/>");
	buf_free(&b);
	T_EQ_INT(encode_reply(HIPMSG_TIMEOUT, "ignored", 7, &b), 0);
	T_EQ_INT(b.len, 6);		/* no report with a failure */
	T_EQ_INT(hipmsg_decode_reply(b.data, b.len, &st, out, sizeof(out),
	    &e), 0);
	T_EQ_INT(st, HIPMSG_TIMEOUT);
	T_STREQ(out, "");
	buf_free(&b);
	memset(big, 'r', sizeof(big));	/* the largest report, and one more */
	T_EQ_INT(encode_reply(HIPMSG_OK, big, HIPMSG_REPORT_MAX, &b), 0);
	T_EQ_INT(hipmsg_decode_reply(b.data, b.len, &st, out, sizeof(out),
	    &e), 0);
	T_EQ_INT(strlen(out), HIPMSG_REPORT_MAX);
	buf_free(&b);
	T_EQ_INT(encode_reply(HIPMSG_OK, big, sizeof(big), &b), -1);
	buf_free(&b);
	T_EQ_INT(encode_reply(HIPMSG_STATUS_LAST + 1, "", 0, &b), -1);
	buf_free(&b);
}

static void
reply_truncated(void)
{
	struct gp_err e;
	struct buf b;
	char out[64];
	uint8_t st;
	size_t n;
	int bad = 0;

	T_EQ_INT(encode_reply(HIPMSG_OK, "<hip-report/>", 13, &b), 0);
	for (n = 0; n < b.len; n++) {
		e.msg[0] = '\0';
		st = HIPMSG_OK;
		if (hipmsg_decode_reply(b.data, n, &st, out, sizeof(out),
		    &e) != -1 || e.msg[0] == '\0' || st != HIPMSG_FAILED ||
		    out[0] != '\0')
			bad++;
	}
	T_EQ_INT(bad, 0);
	buf_free(&b);
}

static void
reply_garbage(void)
{
	static char huge[HIPMSG_REPLY_MAX + 1];
	uint8_t m[32] = { HIPMSG_REPLY, HIPMSG_OK, 0, 0, 0, 3, 'a', 0, 'c' };
	struct gp_err e;
	char out[4];
	uint8_t st;

	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), -1);
	T_STREQ(e.msg, "hip: the script's report is too large or has a NUL "
	    "byte");
	m[7] = 'b';
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), 0);
	T_STREQ(out, "abc");
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, 3, &e), -1);
	T_EQ_INT(hipmsg_decode_reply(m, 10, &st, out, sizeof(out), &e), -1);
	T_STREQ(e.msg, "hip: runner report length `3` but `4` bytes follow");
	m[1] = HIPMSG_STATUS_LAST + 1;
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), -1);
	T_STREQ(e.msg, "hip: runner status `5` is unknown");
	m[1] = HIPMSG_FAILED;		/* a report with a failure */
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), -1);
	T_EQ_INT(st, HIPMSG_FAILED);
	m[1] = HIPMSG_OK;
	m[2] = 0x7f;			/* a length over the maximum */
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), -1);
	T_CHECK(strstr(e.msg, "is over") != NULL);
	m[2] = 0;
	m[0] = HIPMSG_REQUEST;
	T_EQ_INT(hipmsg_decode_reply(m, 9, &st, out, sizeof(out), &e), -1);
	T_STREQ(e.msg, "hip: runner reply has type `1`, not `2`");
	T_EQ_INT(hipmsg_decode_reply(huge, sizeof(huge), &st, out,
	    sizeof(out), &e), -1);
	T_CHECK(strstr(e.msg, "is over") != NULL);
}

int
main(void)
{
	T_RUN(req_roundtrip);
	T_RUN(req_limit);
	T_RUN(req_truncated);
	T_RUN(req_garbage);
	T_RUN(req_overlong_fields);
	T_RUN(reply_roundtrip);
	T_RUN(reply_truncated);
	T_RUN(reply_garbage);
	return T_DONE();
}
