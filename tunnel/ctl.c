/* SPDX-License-Identifier: ISC */
/*
 * The control stream of gp-tunnel (see ctl.h): the first CONFIG, [priv]'s
 * incremental reader for the frames after it, and the --dump printer.
 * Runs in the privileged process; the frames are untrusted and pass
 * frame_decode_hdr and frame_decode_config (config_validate).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ipc/frame.h"
#include "ipc/log.h"
#include "ipc/secret.h"
#include "tunnel/ctl.h"

static const char *
ctl_type_name(uint8_t type)
{
	const char *name = frame_type_name(type);

	return name != NULL ? name : "unknown";
}

/* 1 with a frame (free body after), 0 on a clean EOF, -1 on error
 * (errno EINTR: a signal came before the first byte). */
static int
ctl_read(int fd, struct frame_hdr *h, struct buf *body, struct gp_err *e)
{
	int r, saved;

	memset(h, 0, sizeof(*h));
	buf_view(body, NULL, 0);
	r = frame_read(fd, h, body, e);
	saved = errno;
	if (r != 1)
		buf_free(body);
	errno = saved;
	return r;
}

/* A new config from a CONFIG body, validated; NULL with e set. */
static struct gp_config *
ctl_decode(struct buf *body, struct gp_err *e)
{
	struct gp_config *c;

	if ((c = config_new()) == NULL) {
		err_set(e, "config: out of memory");
		return NULL;
	}
	if (frame_decode_config(body, c, e) == -1) {
		config_free(c);
		return NULL;
	}
	return c;
}

int
ctl_read_first(int fd, struct gp_config **cfg, struct gp_err *e)
{
	struct frame_hdr h;
	struct buf body;
	int r;

	*cfg = NULL;
	r = ctl_read(fd, &h, &body, e);
	if (r != 1)
		return r;
	if (h.type != FRAME_CONFIG) {
		buf_free(&body);
		return err_set(e, "first frame: expected CONFIG, got %s (%u)",
		    ctl_type_name(h.type), (unsigned)h.type);
	}
	*cfg = ctl_decode(&body, e);
	buf_free(&body);
	return *cfg == NULL ? -1 : 1;
}

static bool
ctl_addr_eq(const struct cfg_addr *a, const struct cfg_addr *b)
{
	return a->family == b->family &&
	    memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

/*
 * The routes and the interface were set up for the old addresses, and the
 * TLS context is pinned to the old gateway key: changing either needs a
 * new gp-tunnel, not a rekey.
 */
int
ctl_rekey_check(const struct gp_config *old, const struct gp_config *new,
    struct gp_err *e)
{
	if (!ctl_addr_eq(&old->ip4, &new->ip4) ||
	    old->ip4_prefixlen != new->ip4_prefixlen)
		return err_set(e, "rekey: tunnel IPv4 address changed");
	if (!ctl_addr_eq(&old->ip6, &new->ip6) ||
	    old->ip6_prefixlen != new->ip6_prefixlen)
		return err_set(e, "rekey: tunnel IPv6 address changed");
	if (!ctl_addr_eq(&old->gw_addr, &new->gw_addr) ||
	    old->gw_port != new->gw_port ||
	    !secret_equal(old->gw_pin, new->gw_pin, CFG_PIN_BYTES))
		return err_set(e, "rekey: gateway address, port or pin "
		    "changed");
	if (!config_proxy_same(old, new))
		return err_set(e, "rekey: the proxy changed");
	return 0;
}

bool
ctl_fd_can_reply(int fd)
{
	struct stat sb;
	int type = 0, fl;
	socklen_t len = sizeof(type);

	if (fstat(fd, &sb) == -1 || !S_ISSOCK(sb.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == -1 ||
	    type != SOCK_STREAM)
		return false;
	fl = fcntl(fd, F_GETFL);
	return fl != -1 && (fl & O_ACCMODE) != O_RDONLY;
}

uint8_t *
ctl_reader_dest(struct ctl_reader *r, size_t *n)
{
	if (r->got < FRAME_HDR_BYTES) {
		*n = FRAME_HDR_BYTES - r->got;
		return r->hdr + r->got;
	}
	*n = r->h.length - (r->got - FRAME_HDR_BYTES);
	return r->body.mem + (r->got - FRAME_HDR_BYTES);
}

/* The header is in: check it before allocating its body. */
static int
rd_header(struct ctl_reader *r, struct gp_err *e)
{
	struct buf hb;

	buf_view(&hb, r->hdr, sizeof(r->hdr));
	if (frame_decode_hdr(&hb, &r->h, e) == -1)
		return -1;
	if (r->h.length > 0 && buf_init(&r->body, r->h.length) == -1)
		return err_set(e, "frame: out of memory");
	return 0;
}

/* A whole frame goes to the caller; the reader starts afresh. */
static enum ctl_rd
rd_take(struct ctl_reader *r, struct frame_hdr *h, struct buf *body)
{
	*h = r->h;
	*body = r->body;
	body->len = r->h.length;
	buf_view(&r->body, NULL, 0);
	r->got = 0;
	memset(&r->h, 0, sizeof(r->h));
	explicit_bzero(r->hdr, sizeof(r->hdr));
	return CTL_RD_FRAME;
}

enum ctl_rd
ctl_reader_step(struct ctl_reader *r, int fd, int64_t now_ms,
    struct frame_hdr *h, struct buf *body, struct gp_err *e)
{
	uint8_t *dst;
	size_t n;
	ssize_t k;

	memset(h, 0, sizeof(*h));
	buf_view(body, NULL, 0);
	dst = ctl_reader_dest(r, &n);
	k = read(fd, dst, n);
	if (k == -1 && (errno == EINTR || errno == EAGAIN ||
	    errno == EWOULDBLOCK))
		return CTL_RD_MORE;
	if (k == -1) {
		err_set(e, "frame: read: %s", strerror(errno));
		return CTL_RD_ERROR;
	}
	return ctl_reader_took(r, (size_t)k, now_ms, h, body, e);
}

enum ctl_rd
ctl_reader_took(struct ctl_reader *r, size_t k, int64_t now_ms,
    struct frame_hdr *h, struct buf *body, struct gp_err *e)
{
	memset(h, 0, sizeof(*h));
	buf_view(body, NULL, 0);
	if (k == 0 && r->got == 0)
		return CTL_RD_EOF;
	if (k == 0) {
		err_set(e, "frame: end of stream after %zu bytes of a frame",
		    r->got);
		return CTL_RD_ERROR;
	}
	if (r->got == 0)
		r->start_ms = now_ms;
	r->got += k;
	if (r->got == FRAME_HDR_BYTES && rd_header(r, e) == -1)
		return CTL_RD_ERROR;
	if (r->got < FRAME_HDR_BYTES ||
	    r->got < FRAME_HDR_BYTES + r->h.length)
		return CTL_RD_MORE;
	return rd_take(r, h, body);
}

bool
ctl_reader_expired(const struct ctl_reader *r, int64_t now_ms,
    int timeout_ms, struct gp_err *e)
{
	if (r->got == 0 || now_ms - r->start_ms < timeout_ms)
		return false;
	err_set(e, "frame: not complete within %d ms (%zu bytes)",
	    timeout_ms, r->got);
	return true;
}

void
ctl_reader_free(struct ctl_reader *r)
{
	buf_free(&r->body);
	explicit_bzero(r, sizeof(*r));
}

static int
ctl_dump_one(FILE *out, unsigned n, const struct frame_hdr *h,
    struct buf *body, struct gp_err *e)
{
	struct gp_config *c;

	fprintf(out, "frame %u: %s, %u bytes\n", n, ctl_type_name(h->type),
	    (unsigned)h->length);
	if (h->type == FRAME_SHUTDOWN || h->type == FRAME_NEED_CONFIG) {
		if (h->length != 0)
			return err_set(e, "%s: body of %u bytes",
			    ctl_type_name(h->type), (unsigned)h->length);
		return 0;
	}
	if (h->type != FRAME_CONFIG)
		return 0;
	if ((c = ctl_decode(body, e)) == NULL)
		return -1;
	config_print(out, c, true);
	config_free(c);
	return 0;
}

/* After the first CONFIG of a live gp-auth (a pipe or a socket, not a
 * recorded file): why the dump does not return yet. */
static void
ctl_dump_live_note(int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1 || S_ISREG(st.st_mode))
		return;
	log_info("--dump: gp-auth stays for the session and sends its rekeys "
	    "here; the stream ends, and so does --dump, when gp-auth logs "
	    "out (Ctrl-C, or SIGTERM to gp-auth)");
}

int
ctl_dump(int fd, FILE *out, struct gp_err *e)
{
	struct frame_hdr h;
	struct buf body;
	unsigned n;
	int r;

	for (n = 0;;) {
		r = ctl_read(fd, &h, &body, e);
		if (r == 0)
			break;
		if (r == -1)
			return -1;
		r = ctl_dump_one(out, ++n, &h, &body, e);
		buf_free(&body);
		if (r == -1)
			return -1;
		fflush(out);
		/* The stream's last frame, as for gp-tunnel itself. */
		if (h.type == FRAME_SHUTDOWN)
			break;
		if (n == 1 && h.type == FRAME_CONFIG)
			ctl_dump_live_note(fd);
	}
	if (n == 0)
		fprintf(out, "no frames\n");
	return 0;
}
