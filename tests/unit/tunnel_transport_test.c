/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the transport state machine (tunnel/transport.c) on fake
 * time: probes at 0, 1, 2... s, HTTPS at 5 s, DPD at 10 and 15 s, dead at
 * 20 s, the rekey grace window and re-probing; after a pause, pings at
 * once and a reconnect 5 s later unless ESP answers; and the inner-packet
 * check.
 */
#include "tunnel/transport.h"
#include "t.h"

/* Run the machine from t0 to t1 in 100 ms steps; record when each action
 * happened (first time only) and count the probes. */
struct trace {
	int64_t	 at[XPORT_ACTIONS];
	int	 probes;
	int64_t	 probe_at[16];
};

static void
run(struct xport *x, int64_t t0, int64_t t1, struct trace *tr)
{
	enum xport_action a;
	int64_t t;

	for (t = t0; t <= t1; t += 100) {
		while ((a = xport_tick(x, t)) != XPORT_NONE) {
			if (tr->at[a] == -1)
				tr->at[a] = t;
			if (a == XPORT_SEND_PROBE && tr->probes < 16)
				tr->probe_at[tr->probes++] = t;
		}
	}
}

static void
trace_init(struct trace *tr)
{
	unsigned i;

	memset(tr, 0, sizeof(*tr));
	for (i = 0; i < sizeof(tr->at) / sizeof(tr->at[0]); i++)
		tr->at[i] = -1;
}

static void
probes_then_https(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	T_STREQ(xport_name(&x), "probing");
	T_EQ_INT(xport_next(&x), 0);
	run(&x, 0, 8000, &tr);
	T_EQ_INT(tr.probes, 5);
	T_EQ_INT(tr.probe_at[0], 0);
	T_EQ_INT(tr.probe_at[1], 1000);
	T_EQ_INT(tr.probe_at[4], 4000);
	T_EQ_INT(tr.at[XPORT_OPEN_HTTPS], 5000);
	T_EQ_INT(x.state, XPORT_HTTPS);
	T_CHECK(!x.probing);
	xport_https_up(&x);
	T_STREQ(xport_name(&x), "https");
	T_EQ_INT(xport_next(&x), INT64_MAX);
}

static void
no_esp_opens_https_at_once(void)
{
	struct xport x;

	xport_init(&x, 500, false);
	T_EQ_INT(xport_next(&x), 500);
	T_EQ_INT(xport_tick(&x, 500), XPORT_OPEN_HTTPS);
	T_EQ_INT(xport_tick(&x, 500), XPORT_NONE);
}

static void
reply_brings_esp_up(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	run(&x, 0, 2500, &tr);
	T_CHECK(!xport_esp_rx(&x, 2600, false));	/* data: not yet */
	T_EQ_INT(x.state, XPORT_PROBING);
	T_CHECK(xport_esp_rx(&x, 2700, true));
	T_EQ_INT(x.state, XPORT_ESP);
	T_CHECK(!xport_esp_rx(&x, 2800, true));	/* only once */
	run(&x, 2800, 8000, &tr);
	T_EQ_INT(tr.at[XPORT_OPEN_HTTPS], -1);
	T_EQ_INT(tr.probes, 3);
}

/* Silence from 0: DPD pings at 10 and 15 s, dead at 20 s. */
static void
dpd_and_dead(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	(void)xport_tick(&x, 0);
	T_CHECK(xport_esp_rx(&x, 0, true));
	T_EQ_INT(xport_next(&x), 10000);
	run(&x, 100, 25000, &tr);
	T_EQ_INT(tr.probes, 2);
	T_EQ_INT(tr.probe_at[0], 10000);
	T_EQ_INT(tr.probe_at[1], 15000);
	T_EQ_INT(tr.at[XPORT_ESP_DEAD], 20000);
	T_EQ_INT(x.state, XPORT_HTTPS);
}

/* Traffic keeps ESP alive; a DPD reply resets the clock. */
static void
dpd_answered(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	T_CHECK(xport_esp_rx(&x, 0, true));
	run(&x, 0, 12000, &tr);
	T_EQ_INT(tr.probes, 1);
	T_EQ_INT(tr.probe_at[0], 10000);
	(void)xport_esp_rx(&x, 12000, true);
	T_CHECK(!x.dpd_out);
	run(&x, 12100, 21000, &tr);
	T_EQ_INT(tr.probes, 1);
	T_EQ_INT(tr.at[XPORT_ESP_DEAD], -1);
	T_EQ_INT(xport_next(&x), 22000);
}

/* A rekey with ESP up keeps the old inbound SA for the grace window. */
static void
rekey_grace(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	T_CHECK(xport_esp_rx(&x, 0, true));
	xport_rekey(&x, 3000, true);
	T_CHECK(x.grace);
	T_EQ_INT(x.state, XPORT_ESP);
	T_EQ_INT(xport_next(&x), 10000);	/* DPD comes first */
	(void)xport_esp_rx(&x, 9000, false);
	run(&x, 3000, 14000, &tr);
	T_EQ_INT(tr.at[XPORT_GRACE_OVER], 13000);
	T_CHECK(!x.grace);
	T_EQ_INT(x.state, XPORT_ESP);
}

/* A rekey whose config has no ESP any more leaves ESP at once. */
static void
rekey_without_esp(void)
{
	struct xport x;

	xport_init(&x, 0, true);
	T_CHECK(xport_esp_rx(&x, 0, true));
	xport_rekey(&x, 1000, false);
	T_EQ_INT(xport_next(&x), 0);
	T_EQ_INT(xport_tick(&x, 1000), XPORT_OPEN_HTTPS);
	T_EQ_INT(x.state, XPORT_HTTPS);
}

/* ESP abandoned: a new CONFIG probes again while HTTPS runs; no reply
 * in 5 s stops probing; a reply moves to ESP. */
static void
rekey_reprobes(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	run(&x, 0, 5000, &tr);
	xport_https_up(&x);
	xport_rekey(&x, 60000, true);
	T_STREQ(xport_name(&x), "https+probing");
	trace_init(&tr);
	run(&x, 60000, 70000, &tr);
	T_EQ_INT(tr.probes, 5);
	T_EQ_INT(tr.probe_at[0], 60000);
	T_EQ_INT(tr.at[XPORT_STOP_PROBING], 65000);
	T_EQ_INT(x.state, XPORT_HTTPS);
	T_CHECK(!x.probing);
	T_CHECK(!xport_esp_rx(&x, 70000, true));	/* not probing */
	xport_rekey(&x, 80000, true);
	trace_init(&tr);
	run(&x, 80000, 81500, &tr);
	T_CHECK(xport_esp_rx(&x, 81600, true));
	T_STREQ(xport_name(&x), "esp");
}

/* A rekey during the start probes restarts the 5 s window. */
static void
rekey_while_probing(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	run(&x, 0, 3000, &tr);
	xport_rekey(&x, 3000, true);
	run(&x, 3100, 9000, &tr);
	T_EQ_INT(tr.at[XPORT_OPEN_HTTPS], 8000);
}

/* ESP up, last heard at 1 s; a pause ends at 40 s: no ESP_DEAD for the
 * silence it caused, but pings at 40, 41... s and RECONNECT at 45 s,
 * after which nothing happens until the caller starts over. */
static void
suspect_unanswered(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	T_CHECK(xport_esp_rx(&x, 1000, true));
	xport_suspect(&x, 40000);
	T_EQ_INT(xport_next(&x), 40000);
	run(&x, 40000, 50000, &tr);
	T_EQ_INT(tr.at[XPORT_ESP_DEAD], -1);
	T_EQ_INT(tr.probes, 5);
	T_EQ_INT(tr.probe_at[0], 40000);
	T_EQ_INT(tr.probe_at[4], 44000);
	T_EQ_INT(tr.at[XPORT_RECONNECT], 40000 + XPORT_SUSPECT_WAIT_MS);
	T_EQ_INT(x.state, XPORT_DOWN);
	T_STREQ(xport_name(&x), "none");
	T_EQ_INT(xport_next(&x), INT64_MAX);
	xport_rekey(&x, 50000, true);		/* no probing of its own */
	T_EQ_INT(xport_tick(&x, 60000), XPORT_NONE);
	xport_init(&x, 60000, true);		/* the reconnect attempt */
	T_EQ_INT(xport_tick(&x, 60000), XPORT_SEND_PROBE);
}

/* An answer to the ping clears it: DPD times from then on. */
static void
suspect_answered(void)
{
	struct xport x;
	struct trace tr;

	trace_init(&tr);
	xport_init(&x, 0, true);
	T_CHECK(xport_esp_rx(&x, 1000, true));
	xport_suspect(&x, 40000);
	T_EQ_INT(xport_tick(&x, 40000), XPORT_SEND_PROBE);
	T_CHECK(!xport_esp_rx(&x, 40300, true));
	T_CHECK(!x.suspect);
	T_EQ_INT(x.state, XPORT_ESP);
	run(&x, 40400, 50000, &tr);
	T_EQ_INT(tr.at[XPORT_RECONNECT], -1);
	T_EQ_INT(tr.probes, 0);
	T_EQ_INT(xport_next(&x), 50300);	/* the next DPD */
}

/* Only ESP is pinged here; HTTPS is the session's (session_recon.c). */
static void
suspect_not_esp(void)
{
	struct xport x;

	xport_init(&x, 0, false);
	T_EQ_INT(xport_tick(&x, 0), XPORT_OPEN_HTTPS);
	xport_https_up(&x);
	xport_suspect(&x, 30000);
	T_CHECK(!x.suspect);
	T_EQ_INT(xport_tick(&x, 40000), XPORT_NONE);
}

static void
inner_packets(void)
{
	uint8_t p4[28] = { 0x45, 0, 0, 28 };
	uint8_t p6[48] = { 0x60, 0, 0, 0, 0, 8, 17, 64 };

	T_CHECK(xport_inner_ok(p4, sizeof(p4)));
	T_CHECK(!xport_inner_ok(p4, 27));		/* length disagrees */
	T_CHECK(!xport_inner_ok(p4, 19));
	p4[0] = 0x44;					/* IHL 4 */
	T_CHECK(!xport_inner_ok(p4, sizeof(p4)));
	p4[0] = 0x48;					/* IHL 8: 32 > 28 */
	T_CHECK(!xport_inner_ok(p4, sizeof(p4)));
	T_CHECK(xport_inner_ok(p6, sizeof(p6)));
	T_CHECK(!xport_inner_ok(p6, 47));
	p6[5] = 0;					/* jumbo: no */
	T_CHECK(!xport_inner_ok(p6, 40));
	p6[0] = 0x50;
	T_CHECK(!xport_inner_ok(p6, sizeof(p6)));
	T_CHECK(!xport_inner_ok(p6, 0));
}

int
main(void)
{
	T_RUN(probes_then_https);
	T_RUN(no_esp_opens_https_at_once);
	T_RUN(reply_brings_esp_up);
	T_RUN(dpd_and_dead);
	T_RUN(dpd_answered);
	T_RUN(rekey_grace);
	T_RUN(rekey_without_esp);
	T_RUN(rekey_reprobes);
	T_RUN(rekey_while_probing);
	T_RUN(suspect_unanswered);
	T_RUN(suspect_answered);
	T_RUN(suspect_not_esp);
	T_RUN(inner_packets);
	return T_DONE();
}
