/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the UDP_GRO split of gp-tunnel [net]
 * (tunnel/espgro.c): the first bytes are a control buffer as the kernel
 * might fill it (cmsg headers included), the rest a received
 * super-datagram; every datagram handed out must lie inside it. The
 * receive stamp of the AQM (tunnel/rxaqm.c) is parsed from the same
 * control bytes: in range or -1, and no read outside them.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel/espgro.h"
#include "tunnel/rxaqm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CTL	(2 * (ESPGRO_CTL_BYTES + RXAQM_CTL_BYTES))

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *ctl;
	struct espgro_iter it;
	struct msghdr m;
	uint8_t *copy, *d;
	size_t len, n, total = 0, count = 0, seg;
	int64_t stamp;

	if (size < 1)
		return 0;
	n = data[0] % (FUZZ_CTL + 1);
	if (size - 1 < n)
		return 0;
	/* Exact size on the heap (malloc aligns it), so ASan sees any
	 * read past the control data. */
	if ((ctl = malloc(n == 0 ? 1 : n)) == NULL)
		return 0;
	memcpy(ctl, data + 1, n);
	memset(&m, 0, sizeof(m));
	m.msg_control = n > 0 ? ctl : NULL;
	m.msg_controllen = n;
	seg = espgro_segsize(&m);
	stamp = rxaqm_stamp(&m);
	free(ctl);
	if (stamp < -1)
		abort();
	if (seg >= ESPGRO_MAX_BYTES)
		abort();
	size -= 1 + n;
	if ((copy = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(copy, data + 1 + n, size);
	espgro_begin(&it, copy, size, seg);
	while (espgro_next(&it, &d, &len)) {
		if (d != copy + total || len == 0 || total + len > size ||
		    (seg != 0 && len > seg))
			abort();
		total += len;
		memset(d, 0xa5, len);	/* ASan: inside the buffer */
		count++;
	}
	if (total != size || (seg != 0 && count != (size + seg - 1) / seg))
		abort();
	free(copy);
	return 0;
}
