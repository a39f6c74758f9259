/* SPDX-License-Identifier: ISC */
/*
 * The messages between gp-auth and its HIP runner child (hiprun.c), one
 * per SOCK_SEQPACKET datagram. gp-auth trusts no reply (the script's
 * output) and the runner no request beyond what these decoders check.
 */
#ifndef GPVPN_HIPMSG_H
#define GPVPN_HIPMSG_H

#include <stddef.h>
#include <stdint.h>

#include "auth/cookie.h"
#include "auth/hipgen.h"
#include "ipc/buf.h"
#include "ipc/err.h"

/* What crosses to the runner: non-secret values only (hiprun.h). */
#define HIP_RUN_REQ_MAX		(COOKIE_STR_MAX + 256)

struct hip_run_req {
	const char	*cookie;	/* cookie_format_hip() */
	const char	*ip4, *ip6;	/* "" if none */
	const char	*md5;
	const char	*client_os;
	const char	*app_version;
};

/*
 * In the frame style: fields in network order, each with its maximum,
 * and nothing left over.
 *
 *   request: type u8 (1) | 6 x { length u16 | bytes }
 *            cookie, client-ip, client-ipv6, md5, client-os, app-version
 *   reply:   type u8 (2) | status u8 | length u32 | report bytes
 *
 * The six request strings hold no NUL and, each with a NUL, fit in
 * HIP_RUN_REQ_MAX together. A reply's report holds no NUL, and is empty
 * unless the status is HIPMSG_OK.
 */
#define HIPMSG_REQUEST		1
#define HIPMSG_REPLY		2
#define HIPMSG_ARGS		6
#define HIPMSG_REQ_MAX		(1 + 2 * HIPMSG_ARGS + HIP_RUN_REQ_MAX)
#define HIPMSG_REPORT_MAX	(HIPGEN_REPORT_MAX - 1)	/* no NUL */
#define HIPMSG_REPLY_MAX	(1 + 1 + 4 + HIPMSG_REPORT_MAX)

enum hipmsg_status {
	HIPMSG_OK = 0,
	HIPMSG_FAILED,		/* non-zero exit or crash */
	HIPMSG_TIMEOUT,
	HIPMSG_TOO_LARGE,
	HIPMSG_EXEC,		/* could not be run */
	HIPMSG_STATUS_LAST = HIPMSG_EXEC
};

/* A decoded request: a[i] are C strings in mem. */
struct hipmsg_args {
	const char	*a[HIPMSG_ARGS];
	char		 mem[HIP_RUN_REQ_MAX];
};

/* out: a buffer of at least HIPMSG_REQ_MAX bytes (buf_init). */
int	hipmsg_encode_req(const struct hip_run_req *q, struct buf *out,
	    struct gp_err *e);
/* On failure every a[i] is "" and mem is wiped. */
int	hipmsg_decode_req(const void *msg, size_t len, struct hipmsg_args *q,
	    struct gp_err *e);

/* out: a buffer of at least HIPMSG_REPLY_MAX bytes. */
int	hipmsg_encode_reply(uint8_t status, const char *report, size_t len,
	    struct buf *out, struct gp_err *e);
/*
 * *status, and for HIPMSG_OK the report as a C string in out. On
 * failure *status is HIPMSG_FAILED and out is "".
 */
int	hipmsg_decode_reply(const void *msg, size_t len, uint8_t *status,
	    char *out, size_t outsz, struct gp_err *e);

#endif
