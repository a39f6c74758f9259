/* SPDX-License-Identifier: ISC */
/*
 * The transport state machine of gp-tunnel (see transport.h): pure code
 * on the caller's clock, so the timings of PROTOCOL.md §7.8 are tested
 * with fake time. The inner-packet check reads untrusted (decrypted)
 * bytes through the checked buffer.
 */
#include "ipc/buf.h"
#include "tunnel/transport.h"

#define XPORT_IP4_HDR_BYTES	20
#define XPORT_IP6_HDR_BYTES	40

static int64_t
xport_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static void
xport_probe_from(struct xport *x, int64_t now)
{
	x->probing = true;
	x->probe_end = now + XPORT_PROBE_WINDOW_MS;
	x->next_probe = now;
}

void
xport_init(struct xport *x, int64_t now, bool esp)
{
	x->state = XPORT_PROBING;
	x->probing = false;
	x->dpd_out = x->grace = x->drop_esp = x->suspect = false;
	x->probe_end = x->next_probe = x->last_rx = now;
	x->grace_end = x->suspect_end = 0;
	if (esp)
		xport_probe_from(x, now);
}

/* Probes at now, +1 s, +2 s... until the window ends. */
static enum xport_action
xport_tick_probe(struct xport *x, int64_t now, enum xport_action end)
{
	if (now >= x->probe_end) {
		x->probing = false;
		return end;
	}
	if (now >= x->next_probe) {
		x->next_probe = now + XPORT_PROBE_INTERVAL_MS;
		return XPORT_SEND_PROBE;
	}
	return XPORT_NONE;
}

/* After a pause: a ping at once and every XPORT_SUSPECT_PING_MS, and
 * the transport is given up (not just ESP: the network may have moved)
 * if nothing comes back in time. */
static enum xport_action
xport_tick_suspect(struct xport *x, int64_t now)
{
	if (now >= x->suspect_end) {
		xport_down(x);
		return XPORT_RECONNECT;
	}
	if (now >= x->next_probe) {
		x->next_probe = now + XPORT_SUSPECT_PING_MS;
		return XPORT_SEND_PROBE;
	}
	return XPORT_NONE;
}

/* DPD: a ping after XPORT_DPD_MS of silence, then every retry period;
 * dead after XPORT_DEAD_MS. Leaving ESP hands over to HTTPS. */
static enum xport_action
xport_tick_esp(struct xport *x, int64_t now)
{
	if (x->drop_esp) {
		x->drop_esp = false;
		x->state = XPORT_HTTPS;
		return XPORT_OPEN_HTTPS;
	}
	if (x->suspect)
		return xport_tick_suspect(x, now);
	if (now - x->last_rx >= XPORT_DEAD_MS) {
		x->state = XPORT_HTTPS;
		return XPORT_ESP_DEAD;
	}
	if (now - x->last_rx < XPORT_DPD_MS)
		return XPORT_NONE;
	if (!x->dpd_out || now >= x->next_probe) {
		x->dpd_out = true;
		x->next_probe = now + XPORT_DPD_RETRY_MS;
		return XPORT_SEND_PROBE;
	}
	return XPORT_NONE;
}

enum xport_action
xport_tick(struct xport *x, int64_t now)
{
	enum xport_action a = XPORT_NONE;

	if (x->grace && now >= x->grace_end) {
		x->grace = false;
		return XPORT_GRACE_OVER;
	}
	switch (x->state) {
	case XPORT_PROBING:
		a = xport_tick_probe(x, now, XPORT_OPEN_HTTPS);
		if (a == XPORT_OPEN_HTTPS)
			x->state = XPORT_HTTPS;
		break;
	case XPORT_ESP:
		a = xport_tick_esp(x, now);
		break;
	case XPORT_HTTPS:
		if (x->probing)
			a = xport_tick_probe(x, now, XPORT_STOP_PROBING);
		break;
	case XPORT_DOWN:
		break;
	}
	return a;
}

int64_t
xport_next(const struct xport *x)
{
	int64_t next = INT64_MAX;

	if (x->grace)
		next = x->grace_end;
	if (x->state == XPORT_ESP) {
		if (x->drop_esp)
			return 0;
		if (x->suspect)
			return xport_min(next, xport_min(x->next_probe,
			    x->suspect_end));
		next = xport_min(next, x->last_rx + XPORT_DEAD_MS);
		next = xport_min(next, x->dpd_out ? x->next_probe :
		    x->last_rx + XPORT_DPD_MS);
	} else if (x->state == XPORT_DOWN)
		return next;
	else if (x->state == XPORT_PROBING && !x->probing)
		next = xport_min(next, x->probe_end);
	else if (x->probing) {
		next = xport_min(next, x->probe_end);
		next = xport_min(next, x->next_probe);
	}
	return next;
}

bool
xport_esp_rx(struct xport *x, int64_t now, bool probe_reply)
{
	x->last_rx = now;
	x->dpd_out = false;
	x->suspect = false;
	if (!probe_reply || !x->probing || x->state == XPORT_ESP)
		return false;
	x->state = XPORT_ESP;
	x->probing = false;
	return true;
}

void
xport_https_up(struct xport *x)
{
	x->state = XPORT_HTTPS;
}

void
xport_suspect(struct xport *x, int64_t now)
{
	if (x->state != XPORT_ESP)
		return;
	x->suspect = true;
	x->suspect_end = now + XPORT_SUSPECT_WAIT_MS;
	x->next_probe = now;
}

void
xport_down(struct xport *x)
{
	x->state = XPORT_DOWN;
	x->probing = x->dpd_out = x->suspect = x->drop_esp = false;
}

void
xport_rekey(struct xport *x, int64_t now, bool esp)
{
	if (x->state == XPORT_DOWN)
		return;		/* the next xport_init takes the keys */
	if (x->state == XPORT_ESP) {
		if (esp) {
			x->grace = true;
			x->grace_end = now + XPORT_GRACE_MS;
		} else
			x->drop_esp = true;
		return;
	}
	if (esp)
		xport_probe_from(x, now);
	else if (x->probing || x->state == XPORT_PROBING)
		x->probe_end = now;	/* the next tick ends probing */
}

const char *
xport_name(const struct xport *x)
{
	switch (x->state) {
	case XPORT_ESP:
		return "esp";
	case XPORT_HTTPS:
		return x->probing ? "https+probing" : "https";
	case XPORT_DOWN:
		return "none";
	default:
		return "probing";
	}
}

static bool
xport_ip4_ok(struct buf *b, uint8_t vihl, size_t len)
{
	uint16_t total;

	if (len < XPORT_IP4_HDR_BYTES || (size_t)(vihl & 0x0f) * 4 <
	    XPORT_IP4_HDR_BYTES || (size_t)(vihl & 0x0f) * 4 > len)
		return false;
	if (buf_skip(b, 1) == -1 || buf_get_u16(b, &total) == -1)
		return false;
	return total == len;
}

static bool
xport_ip6_ok(struct buf *b, size_t len)
{
	uint16_t payload;

	if (len < XPORT_IP6_HDR_BYTES)
		return false;
	if (buf_skip(b, 3) == -1 || buf_get_u16(b, &payload) == -1)
		return false;
	return payload != 0 && (size_t)payload + XPORT_IP6_HDR_BYTES == len;
}

bool
xport_inner_ok(const uint8_t *pkt, size_t len)
{
	struct buf b;
	uint8_t v;

	buf_view(&b, pkt, len);
	if (buf_get_u8(&b, &v) == -1)
		return false;
	if (v >> 4 == 4)
		return xport_ip4_ok(&b, v, len);
	if (v >> 4 == 6)
		return xport_ip6_ok(&b, len);
	return false;
}
