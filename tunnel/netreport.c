/* SPDX-License-Identifier: ISC */
/*
 * The REPORT body from [net]'s counters (netreport.h). Runs in gp-tunnel
 * [net]; it reads only its own counters, which hold no secret.
 */
#include <string.h>

#include "tunnel/netreport.h"

static uint8_t
netreport_xport(const char *name)
{
	if (strcmp(name, "esp") == 0)
		return PS_XPORT_ESP;
	if (strncmp(name, "https", 5) == 0)	/* "https+probing" too */
		return PS_XPORT_HTTPS;
	return PS_XPORT_NONE;
}

static uint64_t
netreport_drops(const struct tunnel_stats *st)
{
	uint64_t sum = st->drop_bad_frame + st->drop_tun_full +
	    st->esp_drop_inner + st->esp_drop_big + st->esp_drop_early +
	    st->udp_tx_drop + st->aqm_drop;
	size_t i;

	for (i = 0; i < ESP_DROP_REASONS; i++)
		sum += st->esp_drop[i];
	return sum;
}

void
netreport_fill(const struct tunnel_stats *st, int64_t now_ms,
    struct privsep_report *r)
{
	int64_t age;

	memset(r, 0, sizeof(*r));
	r->xport = netreport_xport(st->transport);
	r->sa_age_s = PRIVSEP_SA_NONE;
	if (r->xport == PS_XPORT_ESP && st->sa_since_ms != 0) {
		age = (now_ms - st->sa_since_ms) / 1000;
		r->sa_age_s = age < 0 ? 0 : age >= PRIVSEP_SA_NONE ?
		    PRIVSEP_SA_NONE - 1 : (uint32_t)age;
	}
	r->tx_pkts = st->tx_pkts;
	r->tx_bytes = st->tx_bytes;
	r->rx_pkts = st->rx_pkts;
	r->rx_bytes = st->rx_bytes;
	r->drops = netreport_drops(st);
	r->reconnects = st->reconnects;
	r->rekeys = st->rekeys;
	r->esp_fallbacks = st->esp_fallbacks;
	r->aqm_drops = st->aqm_drop;
	r->aqm_marks = st->aqm_mark;
}
