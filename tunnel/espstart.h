/* SPDX-License-Identifier: ISC */
/*
 * ESP started in [priv]: the UDP socket, both SAs and the first probe,
 * made as soon as the first CONFIG has passed the policy, before the tun
 * device, the file-system view, the fork and [net]'s sandbox, which took
 * 8 to 10 ms before [net] sent its first probe (measured with
 * `BENCH_CONNECT=1 make bench`). The gateway's answer waits in the
 * socket's queue until [net], which adopts the socket, the SAs and the
 * probe count, reads it. [priv] only sends: it never reads the socket,
 * and closes its copies at the fork.
 */
#ifndef GPVPN_TUNNEL_ESPSTART_H
#define GPVPN_TUNNEL_ESPSTART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "ipc/config.h"
#include "tunnel/esp.h"
#include "tunnel/magic.h"

/* A probe datagram, the largest (IPv6) ping included. */
#define ESPSTART_PROBE_BYTES	\
	(ESP_HEADROOM + MAGIC_PING6_BYTES + ESP_TAILROOM)

struct espstart {
	int		 udp_fd;	/* -1: nothing started */
	struct esp_sa	*sa_out, *sa_in;
	uint16_t	 probe_seq;	/* the next probe's */
	unsigned	 probes;	/* sent so far */
};

/* Nothing started. */
void	espstart_init(struct espstart *s);
/*
 * [priv]: socket (owned by uid and gid, [net]'s), SAs and one probe,
 * when ESP can be used with c. On any failure nothing is kept and [net]
 * starts ESP itself (and says why).
 */
void	espstart_send(struct espstart *s, const struct gp_config *c,
	    bool no_esp, uid_t uid, gid_t gid);
/* Closed and wiped: [priv] after the fork; [net] once it adopted them
 * or found no use for them. */
void	espstart_drop(struct espstart *s);
/*
 * Why ESP cannot be used with c; NULL: it can. Shared with [net]'s
 * transport, so both sides decide alike.
 */
const char *espstart_unusable(const struct gp_config *c, bool no_esp);
/*
 * Magic-ping probe seq (PROTOCOL.md §7), encrypted with sa into buf
 * (cap bytes, ESP headroom included); returns the datagram's length, or
 * 0 if it cannot be built.
 */
size_t	espstart_probe(const struct gp_config *c, struct esp_sa *sa,
	    uint16_t seq, uint8_t *buf, size_t cap);

#endif
