/* SPDX-License-Identifier: ISC */
/*
 * The ESP send arena's layout (tunnel/session_espio.c, issue 11 item 4):
 * a batch of MTU-sized packets sealed into it lies packed in its head,
 * each datagram aligned and apart from the next, and a batch of the
 * largest inner packets still fits. Drives session_espio_seal directly
 * on a session_esp with a real outbound SA.
 */
#define _GNU_SOURCE

#include <stdlib.h>
#include <string.h>

#include "tunnel/esp.h"
#include "tunnel/session_esp_int.h"
#include "tunnel/session.h"
#include "tunnel/transport.h"
#include "t.h"

static struct tunnel_stats stats;

static void
env_drop(struct transport_env *env, const char *why)
{
	(void)env;
	(void)why;
}

static int
env_event(struct transport_env *env, enum transport_event ev, int64_t now)
{
	(void)env;
	(void)ev;
	(void)now;
	return 0;
}

/* One batch of inner packets of n bytes each: all sealed. */
static void
seal_batch(struct session_esp *x, size_t n)
{
	unsigned k;
	uint8_t *d;

	for (k = 0; k < SESSION_ESP_BATCH; k++) {
		d = session_espio_slot(x, k);
		memset(d + ESP_HEADROOM, 0x45, n);
		T_CHECK(session_espio_seal(x, k, n));
	}
}

/* The batch's datagrams: aligned, in order, not overlapping, inside the
 * arena; the end of the last, returned. */
static size_t
check_layout(const struct session_esp *x)
{
	const struct session_esp_vec *v = &x->vtx;
	size_t off, end = 0;
	unsigned k;

	for (k = 0; k < SESSION_ESP_BATCH; k++) {
		off = (size_t)((const uint8_t *)v->iov[k].iov_base -
		    v->arena);
		T_CHECK(off % SESSION_ESP_ALIGN == 0);
		T_CHECK(off >= end);
		end = off + v->iov[k].iov_len;
		T_CHECK(end <= sizeof(v->arena));
		T_CHECK(v->msg[k].msg_hdr.msg_iov == &v->iov[k]);
	}
	return end;
}

static void
packed(void)
{
	struct gp_config *c = config_new();
	struct transport_env env;
	struct session_io io;
	struct session_esp *x = calloc(1, sizeof(*x));
	struct gp_err e = { "" };
	size_t end;

	T_REQUIRE(c != NULL && x != NULL);
	c->esp.present = true;
	c->esp.enc = CFG_ENC_AES128_CBC;
	c->esp.mac = CFG_MAC_SHA1_96;
	c->esp.spi_c2s = 0x1000;
	memset(c->esp.ekey_c2s, 0x11, 16);
	memset(c->esp.akey_c2s, 0x22, 20);
	memset(&io, 0, sizeof(io));
	io.cfg = c;
	io.tun_fd = -1;
	memset(&env, 0, sizeof(env));
	env.io = &io;
	env.st = &stats;
	env.drop = env_drop;
	env.event = env_event;
	x->env = &env;
	x->udp_fd = -1;
	x->sa_out = esp_sa_new(&c->esp, 1, &e);
	T_REQUIRE(x->sa_out != NULL);

	/* 32 packets of 1400 bytes: ~1.5 KiB each, 48 KiB in all (fixed
	 * 16 KiB slots made it 500 KiB, one or two pages touched each). */
	seal_batch(x, 1400);
	end = check_layout(x);
	T_CHECK(end <= SESSION_ESP_BATCH * (size_t)1536);
	/* A batch of the largest inner packets still fits. */
	seal_batch(x, SESSION_ESP_INNER_MAX);
	end = check_layout(x);
	T_CHECK(end > (SESSION_ESP_BATCH - 1) * (size_t)SESSION_ESP_INNER_MAX);
	T_CHECK(stats.tx_pkts == 2 * SESSION_ESP_BATCH);
	esp_sa_free(x->sa_out);
	free(x);
	config_free(c);
}

int
main(void)
{
	T_RUN(packed);
	return T_DONE();
}
