/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for gp-tunnel's control stream (tunnel/ctl.c) over a pipe:
 * the first frame must be a valid CONFIG; later CONFIG frames rekey unless
 * they move the tunnel or the gateway; SHUTDOWN and EOF stop cleanly;
 * anything malformed stops as an error; --dump redacts secrets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/config.h"
#include "ipc/frame.h"
#include "ipc/log.h"
#include "tunnel/ctl.h"
#include "fixture_config.h"
#include "t.h"

#define COOKIE	"c0ffee0123456789abcdef0123456789"

static struct gp_config *
test_config(void)
{
	struct gp_config *c = fx_config(COOKIE, "198.18.10.5");

	fx_addr(&c->ip6, "fd00::c6a0");
	c->ip6_prefixlen = 64;
	c->n_dns = 1;
	fx_addr(&c->dns[0], "198.18.0.53");
	c->timeout_s = 3600;
	return c;
}

static void
put_frame(int fd, uint8_t type, const struct gp_config *c)
{
	struct gp_err e = { "" };
	struct buf body;

	if (buf_init(&body, FRAME_MAX_BODY_BYTES) == -1)
		exit(2);
	if (c != NULL && frame_encode_config(c, &body, &e) == -1) {
		fprintf(stderr, "encode: %s\n", e.msg);
		exit(2);
	}
	if (frame_write(fd, type, &body, &e) == -1) {
		fprintf(stderr, "write: %s\n", e.msg);
		exit(2);
	}
	buf_free(&body);
}

static void
put_raw(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		exit(2);
}

static void
first_ok(void)
{
	struct gp_config *c = test_config(), *got = NULL;
	struct gp_err e = { "" };
	int p[2];

	T_EQ_INT(pipe(p), 0);
	put_frame(p[1], FRAME_CONFIG, c);
	close(p[1]);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), 1);
	T_REQUIRE(got != NULL);
	T_EQ_INT(got->ip4.bytes[3], 5);
	T_EQ_INT(got->timeout_s, 3600);
	T_STREQ(got->authcookie, COOKIE);
	config_free(got);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), 0);
	T_CHECK(got == NULL);
	close(p[0]);
	config_free(c);
}

static void
first_bad(void)
{
	static const uint8_t junk[12] = "GPVN\x09\x01\0\0\0\0\0\0";
	static const uint8_t cut[14] = "GPVN\x01\x01\0\0\0\0\0\x64zz";
	struct gp_config *got = NULL;
	struct gp_err e = { "" };
	int p[2];

	T_EQ_INT(pipe(p), 0);
	put_frame(p[1], FRAME_SHUTDOWN, NULL);
	close(p[1]);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), -1);
	T_CHECK(got == NULL);
	T_CHECK(strstr(e.msg, "expected CONFIG") != NULL);
	close(p[0]);

	T_EQ_INT(pipe(p), 0);	/* wrong version */
	put_raw(p[1], junk, sizeof(junk));
	close(p[1]);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), -1);
	T_CHECK(got == NULL);
	close(p[0]);

	T_EQ_INT(pipe(p), 0);	/* 100-byte body cut after 2 */
	put_raw(p[1], cut, sizeof(cut));
	close(p[1]);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), -1);
	T_CHECK(got == NULL);
	close(p[0]);
}

static void
first_eof(void)
{
	struct gp_config *got = NULL;
	struct gp_err e = { "" };
	int p[2];

	T_EQ_INT(pipe(p), 0);
	close(p[1]);
	T_EQ_INT(ctl_read_first(p[0], &got, &e), 0);
	T_CHECK(got == NULL);
	close(p[0]);
}

/* Each change that a rekey may not make, and one it may. */
static void
rekey_refused(void)
{
	struct gp_config *live = test_config(), *next;
	struct gp_err e;
	int i;

	for (i = 0; i < 5; i++) {
		next = test_config();
		if (i == 0)
			next->ip4.bytes[3] = 6;
		else if (i == 1)
			next->ip6_prefixlen = 120;
		else if (i == 2)
			next->gw_pin[0] ^= 1;
		else if (i == 3)
			next->gw_port = 8443;
		else
			next->proxy.type = CFG_PROXY_HTTP;
		memset(&e, 0, sizeof(e));
		T_EQ_INT(ctl_rekey_check(live, next, &e), -1);
		T_CHECK(strstr(e.msg, "rekey") != NULL);
		config_free(next);
	}
	next = test_config();
	next->timeout_s = 7200;
	next->n_dns = 0;
	T_EQ_INT(ctl_rekey_check(live, next, &e), 0);
	config_free(next);
	config_free(live);
}

/* A CONFIG frame of c, then a SHUTDOWN, as the bytes of one stream. */
static void
config_then_shutdown(struct buf *all, const struct gp_config *c)
{
	int p[2];

	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(buf_init(all, 2 * FRAME_MAX_BODY_BYTES), 0);
	put_frame(p[1], FRAME_CONFIG, c);
	put_frame(p[1], FRAME_SHUTDOWN, NULL);
	close(p[1]);
	all->len = (size_t)read(p[0], all->mem, all->max);
	close(p[0]);
}

/* [priv]'s reader: a CONFIG then a SHUTDOWN fed one byte at a time
 * come out whole, and each step returns at once. */
static void
reader_bytewise(void)
{
	struct ctl_reader r;
	struct gp_config *c = test_config(), *got = config_new();
	struct frame_hdr h;
	struct buf all, body;
	struct gp_err e = { "" };
	enum ctl_rd rd = CTL_RD_MORE;
	size_t i, frames = 0;
	int p[2];

	memset(&r, 0, sizeof(r));
	config_then_shutdown(&all, c);
	for (i = 0; i < all.len; i++) {
		T_EQ_INT(pipe(p), 0);
		T_EQ_INT(write(p[1], all.mem + i, 1), 1);
		rd = ctl_reader_step(&r, p[0], 1000, &h, &body, &e);
		close(p[0]);
		close(p[1]);
		if (rd == CTL_RD_MORE)
			continue;
		T_EQ_INT(rd, CTL_RD_FRAME);
		if (frames++ == 0) {
			T_EQ_INT(h.type, FRAME_CONFIG);
			T_EQ_INT(frame_decode_config(&body, got, &e), 0);
			T_STREQ(got->authcookie, COOKIE);
		} else {
			T_EQ_INT(h.type, FRAME_SHUTDOWN);
			T_EQ_INT(h.length, 0);
		}
		buf_free(&body);
	}
	T_EQ_INT(frames, 2);
	T_EQ_INT(r.got, 0);
	ctl_reader_free(&r);
	buf_free(&all);
	config_free(got);
	config_free(c);
}

/* A half header waits, then expires; a bad one or an end mid-frame is
 * an error; an end between frames is EOF. */
static void
reader_partial(void)
{
	static const uint8_t junk[12] = "GPVN\x09\x01\0\0\0\0\0\0";
	struct ctl_reader r;
	struct frame_hdr h;
	struct buf body;
	struct gp_err e = { "" };
	int p[2];

	memset(&r, 0, sizeof(r));
	T_EQ_INT(pipe(p), 0);
	T_EQ_INT(write(p[1], junk, 5), 5);
	T_EQ_INT(ctl_reader_step(&r, p[0], 1000, &h, &body, &e),
	    CTL_RD_MORE);
	T_CHECK(!ctl_reader_expired(&r, 1999, 1000, &e));
	T_CHECK(ctl_reader_expired(&r, 2000, 1000, &e));
	T_STREQ(e.msg, "frame: not complete within 1000 ms (5 bytes)");
	T_EQ_INT(write(p[1], junk + 5, 7), 7);
	T_EQ_INT(ctl_reader_step(&r, p[0], 2000, &h, &body, &e),
	    CTL_RD_ERROR);
	T_CHECK(strstr(e.msg, "version") != NULL);
	ctl_reader_free(&r);
	T_EQ_INT(write(p[1], junk, 3), 3);
	close(p[1]);
	T_EQ_INT(ctl_reader_step(&r, p[0], 0, &h, &body, &e), CTL_RD_MORE);
	T_EQ_INT(ctl_reader_step(&r, p[0], 0, &h, &body, &e),
	    CTL_RD_ERROR);
	T_CHECK(strstr(e.msg, "after 3 bytes") != NULL);
	ctl_reader_free(&r);
	T_EQ_INT(ctl_reader_step(&r, p[0], 0, &h, &body, &e), CTL_RD_EOF);
	close(p[0]);
}

/* Bytes that came without a read(): the same stream, 7 bytes at a time
 * through ctl_reader_dest/ctl_reader_took, gives the same frames; an
 * end (0 bytes) is EOF between frames and an error inside one. */
static void
reader_took(void)
{
	struct ctl_reader r;
	struct gp_config *c = test_config();
	struct frame_hdr h;
	struct buf all, body;
	struct gp_err e = { "" };
	enum ctl_rd rd;
	uint8_t *dst;
	size_t off = 0, n, k, types = 0;

	memset(&r, 0, sizeof(r));
	config_then_shutdown(&all, c);
	while (off < all.len) {
		dst = ctl_reader_dest(&r, &n);
		T_CHECK(n > 0);
		k = n < 7 ? n : 7;
		k = k < all.len - off ? k : all.len - off;
		memcpy(dst, all.mem + off, k);
		off += k;
		rd = ctl_reader_took(&r, k, 1000, &h, &body, &e);
		T_CHECK(rd == CTL_RD_MORE || rd == CTL_RD_FRAME);
		if (rd == CTL_RD_FRAME) {
			types = types * 16 + h.type;
			buf_free(&body);
		}
	}
	T_EQ_INT(types, FRAME_CONFIG * 16 + FRAME_SHUTDOWN);
	T_EQ_INT(ctl_reader_took(&r, 0, 0, &h, &body, &e), CTL_RD_EOF);
	dst = ctl_reader_dest(&r, &n);
	memcpy(dst, all.mem, 3);
	T_EQ_INT(ctl_reader_took(&r, 3, 0, &h, &body, &e), CTL_RD_MORE);
	T_EQ_INT(ctl_reader_took(&r, 0, 0, &h, &body, &e), CTL_RD_ERROR);
	T_CHECK(strstr(e.msg, "after 3 bytes") != NULL);
	ctl_reader_free(&r);
	buf_free(&all);
	config_free(c);
}

static void
dump_redacts(void)
{
	struct gp_config *c = test_config();
	struct gp_err e = { "" };
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int p[2];

	T_EQ_INT(pipe(p), 0);
	put_frame(p[1], FRAME_CONFIG, c);
	put_frame(p[1], FRAME_SHUTDOWN, NULL);
	close(p[1]);
	out = open_memstream(&text, &len);
	T_REQUIRE(out != NULL);
	T_EQ_INT(ctl_dump(p[0], out, &e), 0);
	fclose(out);
	T_REQUIRE(text != NULL);
	T_CHECK(strstr(text, "frame 1: CONFIG") != NULL);
	T_CHECK(strstr(text, "frame 2: SHUTDOWN") != NULL);
	T_CHECK(strstr(text, "redacted") != NULL);
	T_CHECK(strstr(text, COOKIE) == NULL);
	T_CHECK(strstr(text, "198.18.10.5") != NULL);
	free(text);
	close(p[0]);
	config_free(c);
}

/* SHUTDOWN is the stream's end: nothing after it is read or printed,
 * even if the writer goes on (issue 12: --dump did not return). */
static void
dump_stops_at_shutdown(void)
{
	struct gp_config *c = test_config();
	struct gp_err e = { "" };
	char *text = NULL, rest;
	size_t len = 0;
	FILE *out;
	int p[2];

	T_EQ_INT(pipe(p), 0);
	put_frame(p[1], FRAME_CONFIG, c);
	put_frame(p[1], FRAME_SHUTDOWN, NULL);
	put_frame(p[1], FRAME_CONFIG, c);
	close(p[1]);
	out = open_memstream(&text, &len);
	T_REQUIRE(out != NULL);
	T_EQ_INT(ctl_dump(p[0], out, &e), 0);
	fclose(out);
	T_REQUIRE(text != NULL);
	T_CHECK(strstr(text, "frame 2: SHUTDOWN, 0 bytes\n") != NULL);
	T_CHECK(strstr(text, "frame 3") == NULL);
	/* The third frame is still in the pipe: it was not read. */
	T_EQ_INT(read(p[0], &rest, 1), 1);
	free(text);
	close(p[0]);
	config_free(c);
}

int
main(void)
{
	log_init("tunnel_ctl_test", -1);
	T_RUN(first_ok);
	T_RUN(first_bad);
	T_RUN(first_eof);
	T_RUN(rekey_refused);
	T_RUN(reader_bytewise);
	T_RUN(reader_partial);
	T_RUN(reader_took);
	T_RUN(dump_redacts);
	T_RUN(dump_stops_at_shutdown);
	return T_DONE();
}
