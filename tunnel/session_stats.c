/* SPDX-License-Identifier: ISC */
/*
 * The counters of gp-tunnel's packet loop as one log line (on SIGUSR1
 * and at exit): traffic per transport, drops by reason, probes, DPD and
 * rekeys. Runs in [net]; it reads only its own counters.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ipc/clock.h"
#include "ipc/log.h"
#include "tunnel/session.h"

/* "12" seconds since the SA came in, or "-" without one. */
static const char *
session_stats_sa_age(const struct tunnel_stats *st, char *out, size_t len)
{
	if (st->sa_since_ms == 0)
		snprintf(out, len, "-");
	else
		snprintf(out, len, "%" PRId64,
		    (clock_now_ms() - st->sa_since_ms) / 1000);
	return out;
}

void
session_stats_log(const struct tunnel_stats *st)
{
	const uint64_t *d = st->esp_drop;
	char age[24];

	log_info("stats: tx %" PRIu64 " packets %" PRIu64 " bytes, rx %"
	    PRIu64 " packets %" PRIu64 " bytes; transport %s, SA age %s s;"
	    " esp tx %" PRIu64 "/%" PRIu64 " rx %" PRIu64 "/%" PRIu64
	    " gro %" PRIu64 " gso %" PRIu64 " tso %" PRIu64 " coal %" PRIu64
	    " udp-coal %" PRIu64 " tx-turn %" PRIu64 " aqm drop %" PRIu64
	    " mark %" PRIu64
	    ", probes %" PRIu64
	    " replies %" PRIu64
	    "; esp drops: bad ICV %" PRIu64 ", replay %" PRIu64
	    ", bad padding %" PRIu64
	    ", wrong SPI %" PRIu64 ", too short %" PRIu64 ", bad next header %"
	    PRIu64 ", bad inner %" PRIu64 ", too large %" PRIu64 ", early %"
	    PRIu64 "; udp tx drops %" PRIu64 ", reopens %" PRIu64 "; esp "
	    "fallbacks %" PRIu64 ", deaths %" PRIu64 ", rekeys %" PRIu64
	    "; https: keepalive tx %" PRIu64 " rx %" PRIu64 ", dropped %"
	    PRIu64 " bad frames %" PRIu64 " tun full, reconnects %" PRIu64,
	    st->tx_pkts, st->tx_bytes, st->rx_pkts, st->rx_bytes,
	    st->transport[0] != '\0' ? st->transport : "none",
	    session_stats_sa_age(st, age, sizeof(age)),
	    st->esp_tx_pkts, st->esp_tx_bytes, st->esp_rx_pkts,
	    st->esp_rx_bytes, st->esp_rx_gro,
	    st->esp_tx_gso, st->tun_tso, st->tun_coal, st->tun_coal_udp,
	    st->tx_turn_max, st->aqm_drop,
	    st->aqm_mark, st->probes_tx,
	    st->probe_replies,
	    d[ESP_DROP_ICV], d[ESP_DROP_REPLAY], d[ESP_DROP_PAD],
	    d[ESP_DROP_SPI], d[ESP_DROP_SHORT], d[ESP_DROP_NEXTHDR],
	    st->esp_drop_inner, st->esp_drop_big, st->esp_drop_early,
	    st->udp_tx_drop, st->udp_reopens, st->esp_fallbacks,
	    st->esp_deaths, st->rekeys, st->keepalive_tx, st->keepalive_rx,
	    st->drop_bad_frame, st->drop_tun_full, st->reconnects);
}
