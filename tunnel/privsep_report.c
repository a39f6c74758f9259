/* SPDX-License-Identifier: ISC */
/*
 * REPORT, the one privsep message with a structured body (privsep.h):
 * [net]'s transport, SA age and counters, which [priv] writes as
 * --status-fd lines. Both processes link it; [priv] decodes what an
 * attacker may own, so every field is range-checked.
 */
#include <stdint.h>

#include "tunnel/privsep.h"

static int
privsep_put_u64(struct buf *out, uint64_t v)
{
	if (buf_put_u32(out, (uint32_t)(v >> 32)) == -1 ||
	    buf_put_u32(out, (uint32_t)v) == -1)
		return -1;
	return 0;
}

static int
privsep_get_u64(struct buf *in, uint64_t *v)
{
	uint32_t hi, lo;

	if (buf_get_u32(in, &hi) == -1 || buf_get_u32(in, &lo) == -1)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
privsep_report_put(struct buf *out, const struct privsep_report *r)
{
	const uint64_t c[] = { r->tx_pkts, r->tx_bytes, r->rx_pkts,
	    r->rx_bytes, r->drops, r->reconnects, r->rekeys,
	    r->esp_fallbacks, r->aqm_drops, r->aqm_marks };
	size_t i;

	if (buf_put_u8(out, r->xport) == -1 || buf_put_u8(out, r->why) == -1 ||
	    buf_put_u16(out, 0) == -1 || buf_put_u32(out, r->sa_age_s) == -1)
		return -1;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (privsep_put_u64(out, c[i]) == -1)
			return -1;
	return 0;
}

int
privsep_report_get(struct buf *in, struct privsep_report *r,
    struct gp_err *e)
{
	uint64_t *c[] = { &r->tx_pkts, &r->tx_bytes, &r->rx_pkts,
	    &r->rx_bytes, &r->drops, &r->reconnects, &r->rekeys,
	    &r->esp_fallbacks, &r->aqm_drops, &r->aqm_marks };
	uint16_t zero;
	size_t i;

	if (buf_get_u8(in, &r->xport) == -1 || buf_get_u8(in, &r->why) == -1 ||
	    buf_get_u16(in, &zero) == -1 || buf_get_u32(in, &r->sa_age_s) == -1)
		return err_set(e, "privsep: REPORT: short body");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		if (privsep_get_u64(in, c[i]) == -1)
			return err_set(e, "privsep: REPORT: short body");
	if (r->xport >= PS_XPORTS)
		return err_set(e, "privsep: REPORT: transport `%u`",
		    (unsigned)r->xport);
	if (r->why >= PS_WHYS)
		return err_set(e, "privsep: REPORT: reason `%u`",
		    (unsigned)r->why);
	if (zero != 0)
		return err_set(e, "privsep: REPORT: reserved `%u`",
		    (unsigned)zero);
	if (r->xport != PS_XPORT_ESP && r->sa_age_s != PRIVSEP_SA_NONE)
		return err_set(e, "privsep: REPORT: SA age `%u` without ESP",
		    (unsigned)r->sa_age_s);
	return 0;
}

const char *
privsep_xport_name(uint8_t xport)
{
	switch (xport) {
	case PS_XPORT_ESP:
		return "esp";
	case PS_XPORT_HTTPS:
		return "https";
	default:
		return "none";
	}
}
