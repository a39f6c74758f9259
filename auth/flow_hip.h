/* SPDX-License-Identifier: ISC */
/*
 * gp-auth's HIP step (PROTOCOL.md §11.1): ask hipreportcheck.esp whether
 * the gateway wants a report, and send one (hip.c) if it does. Runs in
 * gp-auth; the answers are untrusted, and every failure here is a
 * warning: access may be restricted, the tunnel still comes up.
 */
#ifndef GPVPN_AUTH_FLOW_HIP_H
#define GPVPN_AUTH_FLOW_HIP_H

#include "auth/flow_int.h"

enum flow_hip_res {
	FLOW_HIP_NOT_NEEDED,	/* the gateway wants no report */
	FLOW_HIP_SENT,		/* a report went and was accepted */
	FLOW_HIP_FAILED		/* warned: access may be restricted */
};

enum flow_hip_res flow_hip_run(struct flow *f);

#endif
