/* SPDX-License-Identifier: ISC */
/*
 * The HIP runner's messages (see hipmsg.h for the layout), encoded and
 * decoded through the checked buffer. Runs in gp-auth and in its runner
 * child; every decoder treats its message as untrusted.
 */
#include <string.h>

#include "ipc/secret.h"
#include "auth/hipmsg.h"

_Static_assert(HIP_RUN_REQ_MAX <= UINT16_MAX, "a request string fits u16");

static const char *const hipmsg_names[HIPMSG_ARGS] = {
	"cookie", "client-ip", "client-ipv6", "md5", "client-os",
	"app-version"
};

int
hipmsg_encode_req(const struct hip_run_req *q, struct buf *out,
    struct gp_err *e)
{
	const char *a[HIPMSG_ARGS] = { q->cookie, q->ip4, q->ip6, q->md5,
	    q->client_os, q->app_version };
	size_t n, total = 0;
	int i;

	for (i = 0; i < HIPMSG_ARGS; i++)
		total += strlen(a[i]) + 1;
	if (total > HIP_RUN_REQ_MAX)
		return err_set(e, "hip: script arguments too long");
	if (buf_put_u8(out, HIPMSG_REQUEST) == -1)
		return err_set(e, "hip: no room for the request");
	for (i = 0; i < HIPMSG_ARGS; i++) {
		n = strlen(a[i]);
		if (buf_put_u16(out, (uint16_t)n) == -1 ||
		    buf_put_bytes(out, a[i], n) == -1)
			return err_set(e, "hip: no room for the request");
	}
	return 0;
}

static int
hipmsg_type(struct buf *b, uint8_t want, const char *what,
    struct gp_err *e)
{
	uint8_t t;

	if (buf_get_u8(b, &t) == -1)
		return err_set(e, "hip: empty runner %s", what);
	if (t != want)
		return err_set(e, "hip: runner %s has type `%u`, not `%u`",
		    what, t, want);
	return 0;
}

/* One request string into q->mem at *off. */
static int
hipmsg_arg(struct buf *b, int i, struct hipmsg_args *q, size_t *off,
    struct gp_err *e)
{
	uint16_t n;

	if (buf_get_u16(b, &n) == -1 || n > buf_avail(b))
		return err_set(e, "hip: runner request ends in %s",
		    hipmsg_names[i]);
	if (buf_get_str(b, n, q->mem + *off, sizeof(q->mem) - *off) == -1)
		return err_set(e, "hip: runner request %s of `%u` bytes has "
		    "a NUL or leaves no room", hipmsg_names[i], n);
	q->a[i] = q->mem + *off;
	*off += (size_t)n + 1;
	return 0;
}

static void
hipmsg_args_clear(struct hipmsg_args *q)
{
	int i;

	secret_wipe(q->mem, sizeof(q->mem));
	for (i = 0; i < HIPMSG_ARGS; i++)
		q->a[i] = q->mem;
}

int
hipmsg_decode_req(const void *msg, size_t len, struct hipmsg_args *q,
    struct gp_err *e)
{
	struct buf b;
	size_t off = 0;
	int i;

	hipmsg_args_clear(q);
	buf_view(&b, msg, len);
	if (len > HIPMSG_REQ_MAX) {
		err_set(e, "hip: runner request of `%zu` bytes is over %d",
		    len, HIPMSG_REQ_MAX);
		goto fail;
	}
	if (hipmsg_type(&b, HIPMSG_REQUEST, "request", e) == -1)
		goto fail;
	for (i = 0; i < HIPMSG_ARGS; i++)
		if (hipmsg_arg(&b, i, q, &off, e) == -1)
			goto fail;
	if (buf_avail(&b) != 0) {
		err_set(e, "hip: runner request has `%zu` bytes left over",
		    buf_avail(&b));
		goto fail;
	}
	return 0;
fail:
	hipmsg_args_clear(q);
	return -1;
}

int
hipmsg_encode_reply(uint8_t status, const char *report, size_t len,
    struct buf *out, struct gp_err *e)
{
	if (status > HIPMSG_STATUS_LAST)
		return err_set(e, "hip: runner status `%u` is unknown",
		    status);
	if (status != HIPMSG_OK)
		len = 0;
	if (len > HIPMSG_REPORT_MAX)
		return err_set(e, "hip: report of `%zu` bytes is over %d",
		    len, HIPMSG_REPORT_MAX);
	if (buf_put_u8(out, HIPMSG_REPLY) == -1 ||
	    buf_put_u8(out, status) == -1 ||
	    buf_put_u32(out, (uint32_t)len) == -1 ||
	    buf_put_bytes(out, report, len) == -1)
		return err_set(e, "hip: no room for the reply");
	return 0;
}

/* Status and length, checked against each other and what follows. */
static int
hipmsg_reply_hdr(struct buf *b, uint8_t *status, uint32_t *n,
    struct gp_err *e)
{
	if (hipmsg_type(b, HIPMSG_REPLY, "reply", e) == -1)
		return -1;
	if (buf_get_u8(b, status) == -1 || buf_get_u32(b, n) == -1)
		return err_set(e, "hip: runner reply ends in its header");
	if (*status > HIPMSG_STATUS_LAST)
		return err_set(e, "hip: runner status `%u` is unknown",
		    *status);
	if (*n > HIPMSG_REPORT_MAX || (*status != HIPMSG_OK && *n != 0))
		return err_set(e, "hip: runner report length `%u` is over "
		    "%d or comes with status `%u`", *n, HIPMSG_REPORT_MAX,
		    *status);
	if (*n != buf_avail(b))
		return err_set(e, "hip: runner report length `%u` but `%zu` "
		    "bytes follow", *n, buf_avail(b));
	return 0;
}

int
hipmsg_decode_reply(const void *msg, size_t len, uint8_t *status,
    char *out, size_t outsz, struct gp_err *e)
{
	struct buf b;
	uint32_t n;

	*status = HIPMSG_FAILED;
	if (outsz > 0)
		out[0] = '\0';
	if (len > HIPMSG_REPLY_MAX)
		return err_set(e, "hip: runner reply of `%zu` bytes is over "
		    "%d", len, HIPMSG_REPLY_MAX);
	buf_view(&b, msg, len);
	if (hipmsg_reply_hdr(&b, status, &n, e) == -1) {
		*status = HIPMSG_FAILED;
		return -1;
	}
	if (buf_get_str(&b, n, out, outsz) == -1) {
		*status = HIPMSG_FAILED;
		return err_set(e, "hip: the script's report is too large or "
		    "has a NUL byte");
	}
	return 0;
}
