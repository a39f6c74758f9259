/* SPDX-License-Identifier: ISC */
/*
 * The [priv] <-> [net] messages of gp-tunnel (privsep.h): codec, the
 * permission table and the socketpair I/O. Both processes link it; what
 * [priv] receives is untrusted, since [net] handles hostile network
 * bytes and may be owned by an attacker.
 */
#include <sys/prctl.h>
#include <sys/socket.h>

#include <errno.h>
#include <string.h>

#include "ipc/config.h"
#include "tunnel/privsep.h"

/*
 * Who may receive what, when. [priv]: TRANSPORT_UP once, before the
 * connect script; SET_MTU only once running; NEED_CONFIG while starting
 * or running; RECONNECTING once running (again while reconnecting: one
 * per attempt), RECONNECTED only while reconnecting; EXIT at any time;
 * while stopping, what [net] sent before it saw STOP; REPORT at any
 * time (a status line each: [net] sends them on events only). [net]: GO once;
 * CONFIG (rekey) and STATS at any time before STOP; RETRY once running
 * (late answers included); STOP at any time. Everything else is fatal.
 */
static const bool privsep_table[2][PS_STATES][PS_TYPES] = {
	[0] = {		/* to [net] */
		[PS_ST_STARTING] = { [PS_GO] = true, [PS_CONFIG] = true,
		    [PS_STATS] = true, [PS_STOP] = true },
		[PS_ST_RUNNING] = { [PS_CONFIG] = true, [PS_STATS] = true,
		    [PS_RETRY] = true, [PS_STOP] = true },
		[PS_ST_RECONNECTING] = { [PS_CONFIG] = true,
		    [PS_STATS] = true, [PS_RETRY] = true, [PS_STOP] = true },
		[PS_ST_STOPPING] = { [PS_STOP] = true },
	},
	[1] = {		/* to [priv] */
		[PS_ST_STARTING] = { [PS_TRANSPORT_UP] = true,
		    [PS_NEED_CONFIG] = true, [PS_EXIT] = true,
		    [PS_REPORT] = true },
		[PS_ST_RUNNING] = { [PS_SET_MTU] = true,
		    [PS_NEED_CONFIG] = true, [PS_RECONNECTING] = true,
		    [PS_EXIT] = true, [PS_REPORT] = true },
		[PS_ST_RECONNECTING] = { [PS_SET_MTU] = true,
		    [PS_NEED_CONFIG] = true, [PS_RECONNECTING] = true,
		    [PS_RECONNECTED] = true, [PS_EXIT] = true,
		    [PS_REPORT] = true },
		[PS_ST_STOPPING] = { [PS_SET_MTU] = true,
		    [PS_NEED_CONFIG] = true, [PS_RECONNECTING] = true,
		    [PS_RECONNECTED] = true, [PS_EXIT] = true,
		    [PS_REPORT] = true },
	},
};

bool
privsep_allowed(bool to_priv, enum privsep_state st, uint8_t type)
{
	if ((unsigned)st >= PS_STATES || type == 0 || type >= PS_TYPES)
		return false;
	return privsep_table[to_priv ? 1 : 0][st][type];
}

const char *
privsep_type_name(uint8_t type)
{
	static const char *const names[PS_TYPES] = {
		[PS_TRANSPORT_UP] = "TRANSPORT_UP", [PS_SET_MTU] = "SET_MTU",
		[PS_NEED_CONFIG] = "NEED_CONFIG", [PS_EXIT] = "EXIT",
		[PS_GO] = "GO", [PS_CONFIG] = "CONFIG", [PS_STATS] = "STATS",
		[PS_STOP] = "STOP", [PS_RECONNECTING] = "RECONNECTING",
		[PS_RECONNECTED] = "RECONNECTED", [PS_RETRY] = "RETRY",
		[PS_REPORT] = "REPORT",
	};

	if (type == 0 || type >= PS_TYPES)
		return "unknown";
	return names[type];
}

/* The body length each type must have; -1: CONFIG's 1..max. */
static long
privsep_body_len(uint8_t type)
{
	switch (type) {
	case PS_TRANSPORT_UP:
	case PS_SET_MTU:
		return 4;
	case PS_EXIT:
		return 1;
	case PS_REPORT:
		return PRIVSEP_REPORT_BYTES;
	case PS_CONFIG:
		return -1;
	default:
		return 0;
	}
}

int
privsep_encode(const struct privsep_msg *m, struct buf *out,
    struct gp_err *e)
{
	long want = m->type > 0 && m->type < PS_TYPES ?
	    privsep_body_len(m->type) : -2;
	size_t blen = want >= 0 ? (size_t)want : buf_avail(&m->body);

	buf_reset(out);
	if (want == -2)
		return err_set(e, "privsep: cannot encode type %u",
		    (unsigned)m->type);
	if (want == -1 && (blen == 0 || blen > PRIVSEP_MAX_BODY_BYTES))
		return err_set(e, "privsep: CONFIG body of %zu bytes", blen);
	if (buf_put_u32(out, PRIVSEP_MAGIC) == -1 ||
	    buf_put_u8(out, m->type) == -1 || buf_put_u8(out, 0) == -1 ||
	    buf_put_u16(out, 0) == -1 || buf_put_u32(out, (uint32_t)blen) == -1)
		return err_set(e, "privsep: header does not fit");
	if (m->type == PS_TRANSPORT_UP || m->type == PS_SET_MTU) {
		if (buf_put_u32(out, m->mtu) == -1)
			return err_set(e, "privsep: body does not fit");
	} else if (m->type == PS_EXIT) {
		if (buf_put_u8(out, (uint8_t)m->status) == -1)
			return err_set(e, "privsep: body does not fit");
	} else if (m->type == PS_REPORT) {
		if (privsep_report_put(out, &m->rep) == -1)
			return err_set(e, "privsep: REPORT does not fit");
	} else if (want == -1 &&
	    buf_put_bytes(out, buf_ptr(&m->body), blen) == -1)
		return err_set(e, "privsep: CONFIG does not fit");
	return 0;
}

static int
privsep_decode_body(struct buf *in, struct privsep_msg *m, uint32_t len,
    struct gp_err *e)
{
	uint32_t mtu;
	uint8_t st;

	switch (m->type) {
	case PS_TRANSPORT_UP:
	case PS_SET_MTU:
		(void)buf_get_u32(in, &mtu);
		if (mtu < CFG_MTU_MIN || mtu > CFG_MTU_MAX)
			return err_set(e, "privsep: %s: MTU %u outside "
			    "%u..%u", privsep_type_name(m->type),
			    (unsigned)mtu, CFG_MTU_MIN, CFG_MTU_MAX);
		m->mtu = mtu;
		return 0;
	case PS_EXIT:
		(void)buf_get_u8(in, &st);
		if (st > 2)
			return err_set(e, "privsep: EXIT: status %u outside "
			    "0..2", (unsigned)st);
		m->status = st;
		return 0;
	case PS_CONFIG:
		return buf_get_view(in, &m->body, len);
	case PS_REPORT:
		return privsep_report_get(in, &m->rep, e);
	default:
		return 0;
	}
}

int
privsep_decode(const uint8_t *p, size_t len, struct privsep_msg *m,
    struct gp_err *e)
{
	struct buf in;
	uint32_t magic, blen;
	uint16_t zero16;
	uint8_t zero8;
	long want;

	memset(m, 0, sizeof(*m));
	buf_view(&m->body, NULL, 0);
	buf_view(&in, p, len);
	if (len > PRIVSEP_MAX_BYTES)
		return err_set(e, "privsep: message of %zu bytes", len);
	if (buf_get_u32(&in, &magic) == -1 || buf_get_u8(&in, &m->type) ==
	    -1 || buf_get_u8(&in, &zero8) == -1 ||
	    buf_get_u16(&in, &zero16) == -1 || buf_get_u32(&in, &blen) == -1)
		return err_set(e, "privsep: short message (%zu bytes)", len);
	if (magic != PRIVSEP_MAGIC || zero8 != 0 || zero16 != 0)
		return err_set(e, "privsep: bad header (magic %08x)",
		    (unsigned)magic);
	if (m->type == 0 || m->type >= PS_TYPES)
		return err_set(e, "privsep: unknown type %u",
		    (unsigned)m->type);
	want = privsep_body_len(m->type);
	if (blen != buf_avail(&in) || (want >= 0 && blen != (uint32_t)want) ||
	    (want == -1 && blen == 0))
		return err_set(e, "privsep: %s: body of %u bytes (%zu sent)",
		    privsep_type_name(m->type), (unsigned)blen,
		    buf_avail(&in));
	return privsep_decode_body(&in, m, blen, e);
}

int
privsep_send(int fd, const struct privsep_msg *m, struct gp_err *e)
{
	struct buf out;
	ssize_t n;
	int r = -1;

	if (buf_init(&out, PRIVSEP_MAX_BYTES) == -1)
		return err_set(e, "privsep: out of memory");
	if (privsep_encode(m, &out, e) == -1)
		goto out;
	do
		n = send(fd, buf_ptr(&out), buf_avail(&out), MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		err_set(e, "privsep: send %s: %s", privsep_type_name(m->type),
		    strerror(errno));
	else if ((size_t)n != buf_avail(&out))
		err_set(e, "privsep: send %s: short",
		    privsep_type_name(m->type));
	else
		r = 0;
out:
	buf_free(&out);
	return r;
}

int
privsep_send_type(int fd, uint8_t type, struct gp_err *e)
{
	struct privsep_msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	buf_view(&m.body, NULL, 0);
	return privsep_send(fd, &m, e);
}

int
privsep_recv(int fd, uint8_t *buf, struct privsep_msg *m, struct gp_err *e)
{
	ssize_t n;

	n = recv(fd, buf, PRIVSEP_MAX_BYTES + 1, MSG_TRUNC | MSG_DONTWAIT);
	if (n == 0)
		return 0;
	if (n == -1) {
		int saved = errno;

		err_set(e, "privsep: recv: %s", strerror(errno));
		errno = saved;
		return -1;
	}
	if ((size_t)n > PRIVSEP_MAX_BYTES) {
		errno = EMSGSIZE;
		return err_set(e, "privsep: message of %zd bytes, more than "
		    "%u", n, (unsigned)PRIVSEP_MAX_BYTES);
	}
	if (privsep_decode(buf, (size_t)n, m, e) == -1) {
		errno = EPROTO;
		return -1;
	}
	return 1;
}

static char	*privsep_argv_start;
static size_t	 privsep_argv_len;

void
privsep_title_init(int argc, char **argv)
{
	char *end;
	int i;

	if (argc < 1 || argv[0] == NULL)
		return;
	end = argv[0] + strlen(argv[0]) + 1;
	/* Only the contiguous run of strings the kernel laid out. */
	for (i = 1; i < argc && argv[i] == end; i++)
		end = argv[i] + strlen(argv[i]) + 1;
	privsep_argv_start = argv[0];
	privsep_argv_len = (size_t)(end - argv[0]);
}

void
privsep_set_title(const char *title)
{
	size_t n;

	(void)prctl(PR_SET_NAME, (unsigned long)title, 0, 0, 0);
	if (privsep_argv_start == NULL || privsep_argv_len < 2)
		return;
	n = strlen(title);
	if (n > privsep_argv_len - 1)
		n = privsep_argv_len - 1;
	memset(privsep_argv_start, 0, privsep_argv_len);
	memcpy(privsep_argv_start, title, n);
}
