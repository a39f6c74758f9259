/* SPDX-License-Identifier: ISC */
/*
 * The loop's side of the transport interface (tunnel/session_switch.c):
 * two fake transports behind transport_ops record what the loop asks of
 * them when ESP comes up, runs out of sequence numbers, dies, or gets
 * new keys, so the hand-overs are checked without sockets. Test code
 * only.
 */
#include <stdio.h>
#include <string.h>

#include "tests/unit/t.h"
#include "tunnel/session_int.h"

struct fake {
	const char		*name;
	enum transport_state	 state;
	int			 open_rc;	/* what open returns */
	int			 rekey_rc;	/* what ctl(REKEY*) returns */
	unsigned		 mtu;
};

static char calls[512];
static unsigned need_configs;

static void
note(const struct fake *f, const char *what)
{
	size_t n = strlen(calls);

	snprintf(calls + n, sizeof(calls) - n, "%s%s:%s", n > 0 ? " " : "",
	    f->name, what);
}

static int
fake_open(void *t, enum transport_open how, int64_t now)
{
	struct fake *f = t;

	(void)now;
	note(f, how == TRANSPORT_OPEN_NEW ? "open-new" : "open-again");
	if (f->open_rc == SESSION_GO)
		f->state = TRANSPORT_READY;
	return f->open_rc;
}

static size_t
fake_pollfds(void *t, struct pollfd *pfd, size_t n)
{
	(void)t;
	pfd[0].fd = -1;
	return n;
}

static int
fake_rx(void *t, const struct pollfd *pfd, int64_t now)
{
	(void)t;
	(void)pfd;
	(void)now;
	return SESSION_GO;
}

static int
fake_tx(void *t, int64_t now, bool tun)
{
	(void)t;
	(void)now;
	(void)tun;
	return SESSION_GO;
}

static int
fake_timers(void *t, int64_t now, int64_t *next)
{
	(void)t;
	(void)now;
	*next = INT64_MAX;
	return SESSION_GO;
}

static int
fake_ctl(void *t, enum transport_ctl c, int64_t now)
{
	struct fake *f = t;
	static const char *names[] = { "probe", "grace-over", "suspect",
	    "rekey", "rekey-live" };

	(void)now;
	note(f, names[c]);
	if (c == TRANSPORT_CTL_REKEY || c == TRANSPORT_CTL_REKEY_LIVE)
		return f->rekey_rc;
	return SESSION_GO;
}

static enum transport_state
fake_state(const void *t)
{
	return ((const struct fake *)t)->state;
}

static unsigned
fake_mtu(const void *t)
{
	return ((const struct fake *)t)->mtu;
}

static void
fake_close(void *t, enum transport_close how)
{
	struct fake *f = t;
	static const char *names[] = { "close-keep", "close-handover",
	    "close-all" };

	note(f, names[how]);
	f->state = TRANSPORT_CLOSED;
}

static void
fake_free(void *t)
{
	(void)t;
}

static const struct transport_ops fake_ops = {
	.name = "fake",
	.open = fake_open,
	.pollfds = fake_pollfds,
	.rx = fake_rx,
	.tx = fake_tx,
	.timers = fake_timers,
	.ctl = fake_ctl,
	.state = fake_state,
	.mtu = fake_mtu,
	.close = fake_close,
	.free = fake_free,
};

static void
on_need_config(void *arg)
{
	(void)arg;
	need_configs++;
}

static struct gp_config cfg;
static struct session_io io;
static struct tunnel_stats st;
static struct session s;
static struct fake esp, https;

/* A started session; ESP probing, HTTPS closed. */
static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&io, 0, sizeof(io));
	memset(&st, 0, sizeof(st));
	memset(&s, 0, sizeof(s));
	calls[0] = '\0';
	need_configs = 0;
	io.cfg = &cfg;
	io.need_config = on_need_config;
	s.io = &io;
	s.st = &st;
	s.started = true;
	esp = (struct fake){ "esp", TRANSPORT_READY, SESSION_GO, 1, 1400 };
	https = (struct fake){ "https", TRANSPORT_CLOSED, SESSION_GO, -1,
	    1300 };
	s.slot[SESSION_ESP] = (struct session_slot){ .ops = &fake_ops,
	    .t = &esp, .s = &s };
	s.slot[SESSION_HTTPS] = (struct session_slot){ .ops = &fake_ops,
	    .t = &https, .s = &s };
	s.slot[SESSION_ESP].env.event = session_switch_event;
	xport_init(&s.xp, 1000, true);
}

static int
esp_event(enum transport_event ev, int64_t now)
{
	struct transport_env *env = &s.slot[SESSION_ESP].env;

	return env->event(env, ev, now);
}

/* A probe reply brings ESP up: HTTPS handed over, ESP's MTU taken. */
static void
esp_up_hands_over(void)
{
	setup();
	https.state = TRANSPORT_READY;
	T_CHECK(session_switch_carrier(&s) == &s.slot[SESSION_HTTPS]);
	T_EQ_INT(esp_event(TRANSPORT_EV_RX, 1100), 0);
	T_EQ_INT(esp_event(TRANSPORT_EV_RX_REPLY, 1200), 1);
	T_EQ_INT(esp_event(TRANSPORT_EV_RX_REPLY, 1300), 0);
	T_EQ_INT(esp_event(TRANSPORT_EV_UP, 1300), 0);
	T_STREQ(calls, "https:close-handover");
	T_EQ_INT(s.mtu, 1400);
	T_EQ_INT(s.xp.state, XPORT_ESP);
	T_CHECK(session_switch_carrier(&s) == &s.slot[SESSION_ESP]);
}

/* Out of sequence numbers: HTTPS, the keys dropped once it is open,
 * one NEED_CONFIG. */
static void
exhausted_falls_back(void)
{
	setup();
	(void)esp_event(TRANSPORT_EV_RX_REPLY, 1100);
	T_EQ_INT(esp_event(TRANSPORT_EV_EXHAUSTED, 1200), 0);
	T_EQ_INT(esp_event(TRANSPORT_EV_EXHAUSTED, 1200), 0);
	T_CHECK(s.want_config);
	T_EQ_INT(session_switch_timers(&s, 1300), SESSION_GO);
	T_STREQ(calls, "esp:close-keep https:open-again esp:close-all");
	T_EQ_INT(need_configs, 1);
	T_CHECK(!s.want_config);
	T_EQ_INT(s.xp.state, XPORT_HTTPS);
	T_EQ_INT(s.mtu, 1300);
	T_CHECK(session_switch_carrier(&s) == &s.slot[SESSION_HTTPS]);
}

/* ESP silent, and HTTPS does not open: the keys stay for a retry. */
static void
dead_esp_https_fails(void)
{
	setup();
	(void)esp_event(TRANSPORT_EV_RX_REPLY, 1100);
	https.open_rc = SESSION_RECONNECT;
	T_EQ_INT(session_switch_timers(&s, 1100 + XPORT_DEAD_MS),
	    SESSION_RECONNECT);
	T_STREQ(calls, "esp:close-keep https:open-again");
	T_EQ_INT(need_configs, 0);
	T_EQ_INT(st.esp_deaths, 1);
}

/* No reply in the probe window: HTTPS, counted as a fallback. */
static void
probes_unanswered(void)
{
	setup();
	T_EQ_INT(session_switch_timers(&s, 1000), SESSION_GO);
	T_STREQ(calls, "esp:probe");
	calls[0] = '\0';
	T_EQ_INT(session_switch_timers(&s, 1000 + XPORT_PROBE_WINDOW_MS),
	    SESSION_GO);
	T_STREQ(calls, "esp:close-keep https:open-again esp:close-all");
	T_EQ_INT(st.esp_fallbacks, 1);
	T_EQ_INT(need_configs, 0);
}

/* New keys while ESP carries: REKEY_LIVE, then the grace window. */
static void
rekey_live(void)
{
	setup();
	(void)esp_event(TRANSPORT_EV_RX_REPLY, 1100);
	session_switch_rekey(&s, 2000);
	T_STREQ(calls, "esp:rekey-live");
	T_CHECK(s.xp.grace);
	calls[0] = '\0';
	T_EQ_INT(session_switch_timers(&s, 2000 + XPORT_GRACE_MS),
	    SESSION_GO);
	T_CHECK(strncmp(calls, "esp:grace-over", 14) == 0);
	setup();
	esp.rekey_rc = -1;
	session_switch_rekey(&s, 2000);
	T_STREQ(calls, "esp:rekey");
	T_CHECK(!s.xp.grace);
}

int
main(void)
{
	T_RUN(esp_up_hands_over);
	T_RUN(exhausted_falls_back);
	T_RUN(dead_esp_https_fails);
	T_RUN(probes_unanswered);
	T_RUN(rekey_live);
	return T_DONE();
}
