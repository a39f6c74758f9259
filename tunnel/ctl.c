/*
 * The control stream of gp-tunnel (see ctl.h): the first CONFIG, rekeys,
 * SHUTDOWN, and the --dump printer. Runs in the privileged process; the
 * frames are untrusted and pass frame_decode_config (config_validate).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>

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

void
ctl_need_config(void *arg)
{
	struct ctl *x = arg;
	struct gp_err e = { "" };

	if (!x->can_reply)
		return;
	if (frame_write(x->fd, FRAME_NEED_CONFIG, NULL, &e) == -1) {
		log_warn("control stream: NEED_CONFIG: %s", e.msg);
		x->can_reply = false;
		return;
	}
	log_info("asked gp-auth for a new configuration (NEED_CONFIG)");
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

int
ctl_dump(int fd, FILE *out, struct gp_err *e)
{
	struct frame_hdr h;
	struct buf body;
	unsigned n;
	int r;

	for (n = 1;; n++) {
		r = ctl_read(fd, &h, &body, e);
		if (r == 0)
			break;
		if (r == -1)
			return -1;
		r = ctl_dump_one(out, n, &h, &body, e);
		buf_free(&body);
		if (r == -1)
			return -1;
		fflush(out);
	}
	if (n == 1)
		fprintf(out, "no frames\n");
	return 0;
}
