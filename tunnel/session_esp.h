/* SPDX-License-Identifier: ISC */
/*
 * The ESP transport of gp-tunnel's packet loop (PROTOCOL.md §7): made
 * here, then driven only through its transport_ops. Runs in [net]; the
 * datagrams it reads are untrusted and never leave it undecrypted.
 */
#ifndef GPVPN_TUNNEL_SESSION_ESP_H
#define GPVPN_TUNNEL_SESSION_ESP_H

#include "tunnel/transport_ops.h"

extern const struct transport_ops session_esp_ops;

/* NULL when out of memory. */
void	*session_esp_new(struct transport_env *env);

#endif
