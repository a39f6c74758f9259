/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the REPORT body [net] builds from its counters
 * (tunnel/netreport.c): the status lines' `drops` sums every drop
 * counter, the receive AQM's drops included and its CE marks not (a
 * marked packet is delivered).
 */
#include <string.h>

#include "tests/unit/t.h"
#include "tunnel/netreport.h"

static void
drops_summed(void)
{
	struct tunnel_stats st;
	struct privsep_report r;

	memset(&st, 0, sizeof(st));
	st.esp_drop[ESP_DROP_ICV] = 1;
	st.esp_drop_inner = 10;
	st.udp_tx_drop = 100;
	st.aqm_drop = 1000;
	st.aqm_mark = 10000;
	netreport_fill(&st, 0, &r);
	T_EQ_UINT(r.drops, 1111);
}

static void
aqm_only(void)
{
	struct tunnel_stats st;
	struct privsep_report r;

	memset(&st, 0, sizeof(st));
	st.aqm_drop = 7;
	netreport_fill(&st, 0, &r);
	T_EQ_UINT(r.drops, 7);
	st.aqm_drop = 0;
	st.aqm_mark = 7;
	netreport_fill(&st, 0, &r);
	T_EQ_UINT(r.drops, 0);
}

int
main(void)
{
	T_RUN(drops_summed);
	T_RUN(aqm_only);
	return T_DONE();
}
