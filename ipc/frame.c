/* SPDX-License-Identifier: ISC */
/*
 * The frame codec and frame I/O between gp-auth and gp-tunnel (see
 * frame.h). gp-auth encodes; gp-tunnel decodes bytes from a pipe or socket
 * that it must treat as hostile: every length is checked before use and
 * anything unexpected is an error, never a guess.
 */
#include <sys/types.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "ipc/bytes.h"
#include "ipc/fdio.h"

/* A CONFIG with every field at its maximum is one frame. */
_Static_assert(FRAME_CONFIG_MAX_BYTES <= FRAME_MAX_BODY_BYTES,
    "a maximal CONFIG does not fit a frame");
/* The table keeps FK_STR maxima in 16 bits, as the wire keeps lengths. */
_Static_assert(CFG_AUTHCOOKIE_MAX <= UINT16_MAX, "authcookie limit");
/* A stalled reader gets as long on a full pipe as a started frame. */
_Static_assert(FDIO_WRITE_STALL_MS == FRAME_READ_TIMEOUT_MS,
    "write stall limit");

/* The kinds of value a CONFIG field may hold; all integers big-endian. */
enum fkind {
	FK_STR,		/* 1..max bytes, no NUL, no terminator */
	FK_PIN,		/* exactly CFG_PIN_BYTES */
	FK_KEY,		/* 1..CFG_KEY_MAX raw bytes, length per algorithm */
	FK_U8,
	FK_U16,
	FK_U32,
	FK_ADDR,	/* family u8 (4|6) + 4 or 16 bytes */
	FK_PREFIX,	/* FK_ADDR + prefixlen u8 */
	FK_ROUTE	/* FK_PREFIX + flag u8 (0 include, 1 exclude) */
};

#define F_REQ		0x01	/* must be present */
#define F_ESP		0x02	/* part of the ESP SA: sent iff esp.present */
#define F_ESP_REQ	0x04	/* must be present when any F_ESP field is */
#define F_EKEY		0x08	/* length from config_enc_key_len() */
#define F_AKEY		0x10	/* length from config_mac_key_len() */
#define F_PROXY		0x20	/* the proxy: all four or none */

struct frame_field {
	uint16_t	 tag;
	const char	*name;
	enum fkind	 kind;
	uint16_t	 max;	/* FK_STR: most bytes */
	uint16_t	 cap;	/* repeatable: most entries; 0: at most once */
	uint8_t		 family; /* addresses: the one allowed, 0: 4 or 6 */
	uint8_t		 flags;	/* F_* */
	size_t		 off;	/* member (first element) in gp_config */
	size_t		 size;	/* size of the member (or one element) */
	size_t		 aux;	/* FK_PREFIX: prefixlen; repeatable: count */
};

#define M(m)	offsetof(struct gp_config, m), \
		sizeof(((struct gp_config *)0)->m)
#define E(m)	offsetof(struct gp_config, m), \
		sizeof(((struct gp_config *)0)->m[0])
#define A(m)	offsetof(struct gp_config, m)

/*
 * CONFIG field order: the encoder writes fields in this order, ascending
 * tags, entries of a repeatable field next to each other; the decoder
 * insists on the same order, so each config has exactly one encoding.
 * ESP keys come after esp_enc/esp_mac, and their lengths are checked
 * against the algorithms once the whole body is read.
 * Each row is written once: FRAME_FIELDS(X) expands below into the table
 * and into one _Static_assert per row that ties the row's kind (and an
 * FK_STR's max) to the size of the member the row names.
 */
#define FRAME_FIELDS(X)							\
	X(1, "gw_host", FK_STR, CFG_HOST_MAX, 0, 0, F_REQ, M(gw_host), 0) \
	/* Absent only behind a proxy that resolves gw_host (config.c). */ \
	X(2, "gw_addr", FK_ADDR, 0, 0, 0, 0, M(gw_addr), 0)		\
	X(3, "gw_port", FK_U16, 0, 0, 0, F_REQ, M(gw_port), 0)		\
	X(4, "gw_pin", FK_PIN, 0, 0, 0, F_REQ, M(gw_pin), 0)		\
	X(5, "tunnel_path", FK_STR, CFG_PATH_MAX, 0, 0, F_REQ,		\
	    M(tunnel_path), 0)						\
	X(6, "authcookie", FK_STR, CFG_AUTHCOOKIE_MAX, 0, 0, F_REQ,	\
	    M(authcookie), 0)						\
	X(7, "user", FK_STR, CFG_USER_MAX, 0, 0, F_REQ, M(user), 0)	\
	X(8, "ip4", FK_PREFIX, 0, 0, CFG_AF_INET, 0, M(ip4),		\
	    A(ip4_prefixlen))						\
	X(9, "ip6", FK_PREFIX, 0, 0, CFG_AF_INET6, 0, M(ip6),		\
	    A(ip6_prefixlen))						\
	X(10, "mtu", FK_U16, 0, 0, 0, 0, M(mtu), 0)			\
	X(11, "dns", FK_ADDR, 0, CFG_DNS_MAX, 0, 0, E(dns), A(n_dns))	\
	X(12, "nbns", FK_ADDR, 0, CFG_NBNS_MAX, 0, 0, E(nbns), A(n_nbns)) \
	X(13, "suffix", FK_STR, CFG_HOST_MAX, CFG_SUFFIX_MAX, 0, 0,	\
	    E(suffix), A(n_suffix))					\
	X(14, "route", FK_ROUTE, 0, CFG_ROUTES_MAX, 0, 0, E(routes),	\
	    A(n_routes))						\
	X(15, "timeout_s", FK_U32, 0, 0, 0, 0, M(timeout_s), 0)		\
	X(16, "lifetime_s", FK_U32, 0, 0, 0, 0, M(lifetime_s), 0)	\
	X(17, "idle_timeout_s", FK_U32, 0, 0, 0, 0, M(idle_timeout_s), 0) \
	X(18, "esp_enc", FK_U8, 0, 0, 0, F_ESP | F_ESP_REQ, M(esp.enc), 0) \
	X(19, "esp_mac", FK_U8, 0, 0, 0, F_ESP | F_ESP_REQ, M(esp.mac), 0) \
	X(20, "esp_udp_port", FK_U16, 0, 0, 0, F_ESP | F_ESP_REQ,	\
	    M(esp.udp_port), 0)						\
	X(21, "esp_spi_c2s", FK_U32, 0, 0, 0, F_ESP | F_ESP_REQ,	\
	    M(esp.spi_c2s), 0)						\
	X(22, "esp_spi_s2c", FK_U32, 0, 0, 0, F_ESP | F_ESP_REQ,	\
	    M(esp.spi_s2c), 0)						\
	X(23, "esp_ekey_c2s", FK_KEY, 0, 0, 0,				\
	    F_ESP | F_ESP_REQ | F_EKEY, M(esp.ekey_c2s), 0)		\
	X(24, "esp_ekey_s2c", FK_KEY, 0, 0, 0,				\
	    F_ESP | F_ESP_REQ | F_EKEY, M(esp.ekey_s2c), 0)		\
	X(25, "esp_akey_c2s", FK_KEY, 0, 0, 0,				\
	    F_ESP | F_ESP_REQ | F_AKEY, M(esp.akey_c2s), 0)		\
	X(26, "esp_akey_s2c", FK_KEY, 0, 0, 0,				\
	    F_ESP | F_ESP_REQ | F_AKEY, M(esp.akey_s2c), 0)		\
	X(27, "esp_magic4", FK_ADDR, 0, 0, CFG_AF_INET, F_ESP,		\
	    M(esp.magic4), 0)						\
	X(28, "esp_magic6", FK_ADDR, 0, 0, CFG_AF_INET6, F_ESP,		\
	    M(esp.magic6), 0)						\
	X(29, "proxy_type", FK_U8, 0, 0, 0, F_PROXY, M(proxy.type), 0)	\
	X(30, "proxy_addr", FK_ADDR, 0, 0, 0, F_PROXY, M(proxy.addr), 0) \
	X(31, "proxy_port", FK_U16, 0, 0, 0, F_PROXY, M(proxy.port), 0)	\
	X(32, "proxy_target", FK_STR, CFG_HOST_MAX, 0, 0, F_PROXY,	\
	    M(proxy.target), 0)						\
	/* end of FRAME_FIELDS */

/*
 * The member size a kind needs: an FK_STR holds max bytes and the NUL,
 * only an FK_STR has a max, and a number is exactly as wide as on the
 * wire (the codec memcpy's it), so a wrong kind or member fails here.
 */
#define FKIND_SIZE_OK(kind, max, size)					\
	(((kind) == FK_STR) == ((max) != 0) &&				\
	((kind) == FK_STR ? (size) == (size_t)(max) + 1 :		\
	(kind) == FK_PIN ? (size) == CFG_PIN_BYTES :			\
	(kind) == FK_KEY ? (size) == CFG_KEY_MAX :			\
	(kind) == FK_U8 ? (size) == 1 :					\
	(kind) == FK_U16 ? (size) == 2 :				\
	(kind) == FK_U32 ? (size) == 4 :				\
	(kind) == FK_ROUTE ? (size) == sizeof(struct cfg_route) :	\
	(size) == sizeof(struct cfg_addr)))

/* The ROW and CHECK indirection expands M() and E() into off, size. */
#define FIELD_ROW(tag, name, kind, max, cap, fam, flags, off, size, aux) \
	{ tag, name, kind, max, cap, fam, flags, off, size, aux },
#define FIELD_CHECK(tag, name, kind, max, cap, fam, flags, off, size, aux) \
	_Static_assert(FKIND_SIZE_OK(kind, max, size), "frame field `"	\
	    name "`: its kind does not fit the size of its member");
#define ROW(...)	FIELD_ROW(__VA_ARGS__)
#define CHECK(...)	FIELD_CHECK(__VA_ARGS__)

FRAME_FIELDS(CHECK)

static const struct frame_field frame_fields[] = {
	FRAME_FIELDS(ROW)
};

#undef CHECK
#undef ROW

#define N_FIELDS	(sizeof(frame_fields) / sizeof(frame_fields[0]))

/* What the decoder has seen so far, per index into frame_fields. */
struct frame_dec {
	uint8_t		seen[N_FIELDS];
	uint16_t	len[N_FIELDS];	/* last value length (keys) */
	size_t		last;		/* index of the previous field */
};

const char *
frame_type_name(uint8_t type)
{
	switch (type) {
	case FRAME_CONFIG:
		return "CONFIG";
	case FRAME_SHUTDOWN:
		return "SHUTDOWN";
	case FRAME_STATUS:
		return "STATUS";
	case FRAME_NEED_CONFIG:
		return "NEED_CONFIG";
	default:
		return NULL;
	}
}

/* Header checks shared by the encoder and the decoder. */
static int
frame_check_hdr(uint8_t type, uint16_t flags, uint32_t length,
    struct gp_err *e)
{
	const char *name = frame_type_name(type);

	if (name == NULL)
		return err_set(e, "frame: unknown type `%u`", type);
	if (flags != 0)
		return err_set(e, "frame: flags `0x%04x` must be 0", flags);
	if (length > FRAME_MAX_BODY_BYTES)
		return err_set(e, "frame: length `%u` over %u bytes",
		    (unsigned)length, FRAME_MAX_BODY_BYTES);
	if ((type == FRAME_SHUTDOWN || type == FRAME_NEED_CONFIG) &&
	    length != 0)
		return err_set(e, "frame: %s with length `%u`, must be 0",
		    name, (unsigned)length);
	return 0;
}

static int
frame_pack_hdr(uint8_t out[FRAME_HDR_BYTES], uint8_t type, size_t length,
    struct gp_err *e)
{
	if (length > FRAME_MAX_BODY_BYTES)
		return err_set(e, "frame: length `%zu` over %u bytes",
		    length, FRAME_MAX_BODY_BYTES);
	if (frame_check_hdr(type, 0, (uint32_t)length, e) == -1)
		return -1;
	out[0] = (uint8_t)(FRAME_MAGIC >> 24);
	out[1] = (uint8_t)(FRAME_MAGIC >> 16);
	out[2] = (uint8_t)(FRAME_MAGIC >> 8);
	out[3] = (uint8_t)FRAME_MAGIC;
	out[4] = FRAME_VERSION;
	out[5] = type;
	out[6] = 0;
	out[7] = 0;
	out[8] = (uint8_t)(length >> 24);
	out[9] = (uint8_t)(length >> 16);
	out[10] = (uint8_t)(length >> 8);
	out[11] = (uint8_t)length;
	return 0;
}

/* Header: magic u32 | version u8 | type u8 | flags u16 | length u32. */
int
frame_encode(uint8_t type, const struct buf *body, struct buf *out,
    struct gp_err *e)
{
	uint8_t hdr[FRAME_HDR_BYTES];
	size_t len = body != NULL ? buf_avail(body) : 0;
	size_t start = out->len;

	if (frame_pack_hdr(hdr, type, len, e) == -1)
		return -1;
	if (buf_put_bytes(out, hdr, sizeof(hdr)) == -1 ||
	    (len > 0 && buf_put_bytes(out, buf_ptr(body), len) == -1)) {
		if (out->mem != NULL)
			explicit_bzero(out->mem + start, out->len - start);
		out->len = start;
		return err_set(e, "frame: %zu bytes do not fit the output",
		    sizeof(hdr) + len);
	}
	return 0;
}

/* Same layout as frame_encode(); in advances only on success. */
int
frame_decode_hdr(struct buf *in, struct frame_hdr *h, struct gp_err *e)
{
	struct buf b = *in;
	uint32_t magic, length;
	uint16_t flags;
	uint8_t version, type;

	memset(h, 0, sizeof(*h));
	if (buf_avail(&b) < FRAME_HDR_BYTES)
		return err_set(e, "frame: header truncated at %zu of %u bytes",
		    buf_avail(&b), FRAME_HDR_BYTES);
	(void)buf_get_u32(&b, &magic);
	(void)buf_get_u8(&b, &version);
	(void)buf_get_u8(&b, &type);
	(void)buf_get_u16(&b, &flags);
	(void)buf_get_u32(&b, &length);
	if (magic != FRAME_MAGIC)
		return err_set(e, "frame: bad magic `0x%08x`",
		    (unsigned)magic);
	if (version != FRAME_VERSION)
		return err_set(e, "frame: version `%u`, expected %u", version,
		    FRAME_VERSION);
	if (frame_check_hdr(type, flags, length, e) == -1)
		return -1;
	h->type = type;
	h->flags = flags;
	h->length = length;
	*in = b;
	return 0;
}

/* Member i of field f inside c (i > 0 only for repeatable fields). */
static uint8_t *
field_ptr(const struct frame_field *f, struct gp_config *c, size_t i)
{
	return (uint8_t *)c + f->off + i * f->size;
}

static const uint8_t *
field_cptr(const struct frame_field *f, const struct gp_config *c, size_t i)
{
	return (const uint8_t *)c + f->off + i * f->size;
}

static unsigned *
field_count(const struct frame_field *f, struct gp_config *c)
{
	return (unsigned *)(void *)((uint8_t *)c + f->aux);
}

static unsigned
field_ccount(const struct frame_field *f, const struct gp_config *c)
{
	unsigned n;

	memcpy(&n, (const uint8_t *)c + f->aux, sizeof(n));
	return n;
}

/* The bytes after the address: prefixlen, then the route flag. */
static size_t
addr_extra(enum fkind kind)
{
	if (kind == FK_PREFIX)
		return 1;
	if (kind == FK_ROUTE)
		return 2;
	return 0;
}

static int
get_addr(const struct frame_field *f, struct buf *v, uint8_t *dst,
    struct gp_config *c, struct gp_err *e)
{
	struct cfg_addr *a = (struct cfg_addr *)(void *)dst;
	struct cfg_route *r = (struct cfg_route *)(void *)dst;
	size_t n, want;
	uint8_t fam, plen, flag;

	if (buf_get_u8(v, &fam) == -1 || (n = config_addr_len(fam)) == 0)
		return err_set(e, "field `%s`: family `%u` is not 4 or 6",
		    f->name, fam);
	if (f->family != 0 && fam != f->family)
		return err_set(e, "field `%s`: family `%u`, expected %u",
		    f->name, fam, f->family);
	want = n + addr_extra(f->kind);
	if (buf_avail(v) != want)
		return err_set(e, "field `%s`: length `%zu`, expected %zu "
		    "for family %u", f->name, v->len, want + 1, fam);
	a->family = fam;
	(void)buf_get_bytes(v, a->bytes, n);
	if (f->kind == FK_PREFIX) {
		(void)buf_get_u8(v, &plen);
		*((uint8_t *)c + f->aux) = plen;
	} else if (f->kind == FK_ROUTE) {
		(void)buf_get_u8(v, &r->prefixlen);
		(void)buf_get_u8(v, &flag);
		if (flag > 1)
			return err_set(e, "field `%s`: flag `%u` is not 0 "
			    "(include) or 1 (exclude)", f->name, flag);
		r->exclude = flag == 1;
	}
	return 0;
}

static int
get_fixed(const struct frame_field *f, struct buf *v, uint8_t *dst,
    size_t n, struct gp_err *e)
{
	uint16_t u16;
	uint32_t u32;

	if (buf_avail(v) != n)
		return err_set(e, "field `%s`: length `%zu`, expected %zu",
		    f->name, buf_avail(v), n);
	if (f->kind == FK_U16) {
		(void)buf_get_u16(v, &u16);
		memcpy(dst, &u16, sizeof(u16));
	} else if (f->kind == FK_U32) {
		(void)buf_get_u32(v, &u32);
		memcpy(dst, &u32, sizeof(u32));
	} else
		(void)buf_get_bytes(v, dst, n);
	return 0;
}

/* Secret-safe: no message here quotes a value, it may be the cookie. */
static int
get_value(const struct frame_field *f, struct buf *v, uint8_t *dst,
    struct gp_config *c, struct gp_err *e)
{
	size_t n = buf_avail(v);

	switch (f->kind) {
	case FK_STR:
		if (n == 0 || n > f->max)
			return err_set(e, "field `%s`: length `%zu`, expected "
			    "1..%u", f->name, n, f->max);
		if (buf_get_str(v, n, (char *)dst, f->size) == -1)
			return err_set(e, "field `%s`: contains a NUL byte",
			    f->name);
		return 0;
	case FK_KEY:
		if (n == 0 || n > CFG_KEY_MAX)
			return err_set(e, "field `%s`: length `%zu`, expected "
			    "1..%u", f->name, n, CFG_KEY_MAX);
		return get_fixed(f, v, dst, n, e);
	case FK_PIN:
		return get_fixed(f, v, dst, CFG_PIN_BYTES, e);
	case FK_U8:
		return get_fixed(f, v, dst, 1, e);
	case FK_U16:
		return get_fixed(f, v, dst, 2, e);
	case FK_U32:
		return get_fixed(f, v, dst, 4, e);
	case FK_ADDR:
	case FK_PREFIX:
	case FK_ROUTE:
		return get_addr(f, v, dst, c, e);
	}
	return err_set(e, "field `%s`: bad table entry", f->name);
}

static const struct frame_field *
field_find(uint16_t tag, size_t *idx)
{
	size_t i;

	for (i = 0; i < N_FIELDS; i++) {
		if (frame_fields[i].tag == tag) {
			*idx = i;
			return &frame_fields[i];
		}
	}
	return NULL;
}

/* Duplicates, order and caps, checked before the value is stored. */
static int
field_admit(const struct frame_field *f, size_t i, struct frame_dec *d,
    struct gp_config *c, struct gp_err *e)
{
	if (d->seen[i] && f->cap == 0)
		return err_set(e, "field `%s`: duplicate", f->name);
	if (d->seen[i] && d->last != i)
		return err_set(e, "field `%s`: entries not contiguous",
		    f->name);
	if (i < d->last)
		return err_set(e, "field `%s`: out of order after `%s`",
		    f->name, frame_fields[d->last].name);
	if (f->cap != 0 && *field_count(f, c) >= f->cap)
		return err_set(e, "field `%s`: more than %u entries", f->name,
		    f->cap);
	return 0;
}

/* One field: tag u16 | length u16 | value. */
static int
decode_field(struct buf *body, struct frame_dec *d, struct gp_config *c,
    struct gp_err *e)
{
	const struct frame_field *f;
	struct buf v;
	size_t off = body->off, i = 0, n = 0;
	uint16_t tag, len;

	if (buf_get_u16(body, &tag) == -1 || buf_get_u16(body, &len) == -1)
		return err_set(e, "CONFIG: field header truncated at offset "
		    "%zu", off);
	if ((f = field_find(tag, &i)) == NULL)
		return err_set(e, "CONFIG: unknown field tag `%u` at offset "
		    "%zu", tag, off);
	if (buf_get_view(body, &v, len) == -1)
		return err_set(e, "field `%s`: length `%u` but %zu bytes left",
		    f->name, len, buf_avail(body));
	if (field_admit(f, i, d, c, e) == -1)
		return -1;
	if (f->cap != 0)
		n = *field_count(f, c);
	if (get_value(f, &v, field_ptr(f, c, n), c, e) == -1)
		return -1;
	if (f->cap != 0)
		(*field_count(f, c))++;
	d->seen[i] = 1;
	d->len[i] = len;
	d->last = i;
	return 0;
}

static int
key_len_ok(const struct frame_field *f, size_t i, const struct frame_dec *d,
    size_t want, struct gp_err *e)
{
	if (d->len[i] != want)
		return err_set(e, "field `%s`: `%u` bytes, the algorithm needs "
		    "%zu", f->name, d->len[i], want);
	return 0;
}

/* The algorithms are known and each key is as long as its one needs. */
static int
decode_esp_keys(const struct frame_dec *d, const struct gp_config *c,
    struct gp_err *e)
{
	const struct frame_field *f;
	size_t i, want;

	if (config_enc_key_len(c->esp.enc) == 0)
		return err_set(e, "field `esp_enc`: unknown algorithm `%u`",
		    c->esp.enc);
	if (config_mac_key_len(c->esp.mac) == 0)
		return err_set(e, "field `esp_mac`: unknown algorithm `%u`",
		    c->esp.mac);
	for (i = 0; i < N_FIELDS; i++) {
		f = &frame_fields[i];
		if (f->kind != FK_KEY)
			continue;
		want = (f->flags & F_EKEY) ? config_enc_key_len(c->esp.enc) :
		    config_mac_key_len(c->esp.mac);
		if (key_len_ok(f, i, d, want, e) == -1)
			return -1;
	}
	return 0;
}

/* After the last field: required fields, the ESP SA and the proxy as
 * wholes. */
static int
decode_finish(const struct frame_dec *d, struct gp_config *c,
    struct gp_err *e)
{
	const struct frame_field *f;
	size_t i;
	bool esp = false, proxy = false;

	for (i = 0; i < N_FIELDS; i++) {
		if (d->seen[i] && (frame_fields[i].flags & F_ESP))
			esp = true;
		if (d->seen[i] && (frame_fields[i].flags & F_PROXY))
			proxy = true;
	}
	for (i = 0; i < N_FIELDS; i++) {
		f = &frame_fields[i];
		if (!d->seen[i] && ((f->flags & F_REQ) ||
		    (esp && (f->flags & F_ESP_REQ)) ||
		    (proxy && (f->flags & F_PROXY))))
			return err_set(e, "field `%s`: missing", f->name);
	}
	/* gp-tunnel pins its TLS to this key: a frame must carry one. */
	if (bytes_all_zero(c->gw_pin, sizeof(c->gw_pin)))
		return err_set(e, "field `gw_pin`: all zero (no pin)");
	c->esp.present = esp;
	return esp ? decode_esp_keys(d, c, e) : 0;
}

/*
 * Fields in frame_fields[] order (see above it). Every failure wipes all
 * of *c, so no partial configuration survives a bad frame.
 */
int
frame_decode_config(struct buf *body, struct gp_config *c,
    struct gp_err *e)
{
	struct frame_dec d;

	explicit_bzero(c, sizeof(*c));
	memset(&d, 0, sizeof(d));
	while (buf_avail(body) > 0) {
		if (decode_field(body, &d, c, e) == -1)
			goto out_wipe;
	}
	if (decode_finish(&d, c, e) == -1 || config_validate(c, e) == -1)
		goto out_wipe;
	return 0;
out_wipe:
	explicit_bzero(c, sizeof(*c));
	return -1;
}

/* The encoded length of a key: what its algorithm needs, else all of it. */
static size_t
key_len(const struct frame_field *f, const struct gp_config *c)
{
	size_t n;

	if (f->flags & F_EKEY)
		n = config_enc_key_len(c->esp.enc);
	else
		n = config_mac_key_len(c->esp.mac);
	return n != 0 ? n : CFG_KEY_MAX;
}

/*
 * Required fields always go, so that the decoder names what is wrong with
 * them; ESP fields go iff esp.present, proxy fields iff it has a type;
 * other zero or empty ones do not.
 */
static bool
field_wanted(const struct frame_field *f, const struct gp_config *c,
    const uint8_t *src)
{
	bool addr = f->kind == FK_ADDR || f->kind == FK_PREFIX ||
	    f->kind == FK_ROUTE;

	if (f->cap != 0 || (f->flags & F_REQ))
		return true;
	if ((f->flags & F_ESP) && !c->esp.present)
		return false;
	if (f->flags & F_PROXY)
		return c->proxy.type != CFG_PROXY_NONE;
	if (addr)
		return ((const struct cfg_addr *)(const void *)src)->family !=
		    CFG_AF_NONE;
	if (f->flags & F_ESP)
		return true;
	if (f->kind == FK_STR)
		return src[0] != '\0';
	return !bytes_all_zero(src, f->size);
}

static int
put_addr(const struct frame_field *f, const uint8_t *src,
    const struct gp_config *c, struct buf *b, struct gp_err *e)
{
	const struct cfg_addr *a = (const struct cfg_addr *)(const void *)src;
	const struct cfg_route *r;
	size_t n = config_addr_len(a->family);

	if (n == 0)
		return err_set(e, "field `%s`: family `%u` is not 4 or 6",
		    f->name, a->family);
	if (buf_put_u8(b, a->family) == -1 ||
	    buf_put_bytes(b, a->bytes, n) == -1)
		return -1;
	if (f->kind == FK_PREFIX)
		return buf_put_u8(b, *((const uint8_t *)c + f->aux));
	if (f->kind != FK_ROUTE)
		return 0;
	r = (const struct cfg_route *)(const void *)src;
	if (buf_put_u8(b, r->prefixlen) == -1)
		return -1;
	return buf_put_u8(b, r->exclude ? 1 : 0);
}

static int
put_value(const struct frame_field *f, const uint8_t *src,
    const struct gp_config *c, struct buf *b, struct gp_err *e)
{
	uint16_t u16;
	uint32_t u32;
	size_t n;

	switch (f->kind) {
	case FK_STR:
		n = strnlen((const char *)src, f->size);
		if (n == 0 || n > f->max)
			return err_set(e, "field `%s`: length `%zu`, expected "
			    "1..%u", f->name, n, f->max);
		return buf_put_bytes(b, src, n);
	case FK_PIN:
		return buf_put_bytes(b, src, CFG_PIN_BYTES);
	case FK_KEY:
		return buf_put_bytes(b, src, key_len(f, c));
	case FK_U8:
		return buf_put_u8(b, src[0]);
	case FK_U16:
		memcpy(&u16, src, sizeof(u16));
		return buf_put_u16(b, u16);
	case FK_U32:
		memcpy(&u32, src, sizeof(u32));
		return buf_put_u32(b, u32);
	case FK_ADDR:
	case FK_PREFIX:
	case FK_ROUTE:
		return put_addr(f, src, c, b, e);
	}
	return err_set(e, "field `%s`: bad table entry", f->name);
}

/* tag u16 | length u16 (patched once the value is written) | value */
static int
put_field(const struct frame_field *f, const uint8_t *src,
    const struct gp_config *c, struct buf *b, struct gp_err *e)
{
	size_t pos = b->len;

	e->msg[0] = '\0';
	if (buf_put_u16(b, f->tag) == -1 || buf_put_u16(b, 0) == -1 ||
	    put_value(f, src, c, b, e) == -1) {
		if (e->msg[0] == '\0')
			err_set(e, "field `%s`: CONFIG body over %zu bytes",
			    f->name, b->max);
		return -1;
	}
	return buf_poke_u16(b, pos + 2, (uint16_t)(b->len - pos - 4));
}

static int
encode_field(const struct frame_field *f, const struct gp_config *c,
    struct buf *b, struct gp_err *e)
{
	unsigned i, n = 1;

	if (f->cap != 0) {
		n = field_ccount(f, c);
		if (n > f->cap)
			return err_set(e, "field `%s`: `%u` entries, at most "
			    "%u", f->name, n, f->cap);
	}
	for (i = 0; i < n; i++) {
		if (!field_wanted(f, c, field_cptr(f, c, i)))
			continue;
		if (put_field(f, field_cptr(f, c, i), c, b, e) == -1)
			return -1;
	}
	return 0;
}

/*
 * Fields in frame_fields[] order (see above it). No validation here:
 * gp-auth runs config_validate() first, and gp-tunnel rejects what does
 * not decode. body must be a writer (buf_init); a failure leaves it as it
 * was, with the partial bytes wiped.
 */
int
frame_encode_config(const struct gp_config *c, struct buf *body,
    struct gp_err *e)
{
	size_t i, start = body->len;

	if (body->mem == NULL)
		return err_set(e, "CONFIG: output is not a writable buffer");
	for (i = 0; i < N_FIELDS; i++) {
		if (encode_field(&frame_fields[i], c, body, e) == -1) {
			explicit_bzero(body->mem + start, body->len - start);
			body->len = start;
			return -1;
		}
	}
	return 0;
}

/* Frame I/O. Every -1 sets errno: EINTR only for an idle interrupt. */
struct frame_rd {
	int		fd;
	int		timeout_ms;
	struct timespec	start;		/* when the first byte came */
	size_t		total;		/* bytes of this frame so far */
};

static int
fail_errno(int err, int rc)
{
	errno = err;
	return rc;
}

static long long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)(now.tv_sec - t->tv_sec) * 1000 +
	    (now.tv_nsec - t->tv_nsec) / 1000000;
}

/*
 * Wait until fd is readable (or has hung up). Before the first byte there
 * is no deadline and a signal ends the wait with EINTR, so the caller can
 * look at its stop flag; after it, signals are retried and the frame must
 * be done within timeout_ms of its first byte.
 */
static int
rd_wait(struct frame_rd *r, struct gp_err *e)
{
	struct pollfd p;
	long long left = -1;
	int n, err;

	for (;;) {
		if (r->total > 0) {
			left = r->timeout_ms - ms_since(&r->start);
			if (left <= 0) {
				err_set(e, "frame: not complete within %d ms "
				    "(%zu bytes)", r->timeout_ms, r->total);
				return fail_errno(ETIMEDOUT, -1);
			}
		}
		p.fd = r->fd;
		p.events = POLLIN;
		p.revents = 0;
		n = poll(&p, 1, (int)left);
		if (n > 0)
			return 0;
		if (n == 0 || errno == EINTR) {
			if (n == -1 && r->total == 0) {
				err_set(e, "frame: interrupted");
				return fail_errno(EINTR, -1);
			}
			continue;
		}
		err = errno;
		err_set(e, "frame: poll: %s", strerror(err));
		return fail_errno(err, -1);
	}
}

/* 1: n bytes read; 0: EOF before any byte of the frame; -1: error. */
static int
rd_full(struct frame_rd *r, uint8_t *p, size_t n, struct gp_err *e)
{
	size_t got = 0;
	ssize_t k;
	int err;

	while (got < n) {
		if (rd_wait(r, e) == -1)
			return -1;
		k = read(r->fd, p + got, n - got);
		if (k > 0) {
			if (r->total == 0)
				clock_gettime(CLOCK_MONOTONIC, &r->start);
			got += (size_t)k;
			r->total += (size_t)k;
			continue;
		}
		if (k == 0 && r->total == 0)
			return fail_errno(0, 0);
		if (k == 0) {
			err_set(e, "frame: end of stream after %zu bytes of a "
			    "frame", r->total);
			return fail_errno(EPROTO, -1);
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			continue;
		if (errno == EINTR && r->total > 0)
			continue;
		err = errno;
		err_set(e, "frame: read: %s", strerror(err));
		return fail_errno(err, -1);
	}
	return 1;
}

int
frame_read_deadline(int fd, struct frame_hdr *h, struct buf *body,
    int timeout_ms, struct gp_err *e)
{
	struct frame_rd r = { .fd = fd, .timeout_ms = timeout_ms };
	uint8_t hdr[FRAME_HDR_BYTES];
	struct buf hb;
	int rc, err;

	memset(h, 0, sizeof(*h));
	buf_view(body, NULL, 0);
	if ((rc = rd_full(&r, hdr, sizeof(hdr), e)) != 1)
		return rc;
	buf_view(&hb, hdr, sizeof(hdr));
	if (frame_decode_hdr(&hb, h, e) == -1)
		return fail_errno(EPROTO, -1);
	/* The length is checked: allocating the ceiling is now safe. */
	if (buf_init(body, FRAME_MAX_BODY_BYTES) == -1) {
		memset(h, 0, sizeof(*h));
		err_set(e, "frame: out of memory");
		return fail_errno(ENOMEM, -1);
	}
	if (h->length > 0 && rd_full(&r, body->mem, h->length, e) != 1) {
		err = errno;
		buf_free(body);
		memset(h, 0, sizeof(*h));
		return fail_errno(err, -1);
	}
	body->len = h->length;
	return 1;
}

int
frame_read(int fd, struct frame_hdr *h, struct buf *body, struct gp_err *e)
{
	return frame_read_deadline(fd, h, body, FRAME_READ_TIMEOUT_MS, e);
}

/*
 * Header and body in full, in one write where the descriptor takes it
 * (fdio_write2). A closed reader gives EPIPE only if the caller ignores
 * SIGPIPE, which both programs do at start-up; this file does not use
 * MSG_NOSIGNAL because fd may be a pipe. errno is kept.
 */
int
frame_write(int fd, uint8_t type, const struct buf *body, struct gp_err *e)
{
	uint8_t hdr[FRAME_HDR_BYTES];
	size_t len = body != NULL ? buf_avail(body) : 0;
	char why[GP_ERR_MAX];
	int err;

	if (frame_pack_hdr(hdr, type, len, e) == -1)
		return fail_errno(EINVAL, -1);
	if (fdio_write2(fd, hdr, sizeof(hdr), len > 0 ? buf_ptr(body) : hdr,
	    len, e) == 0)
		return 0;
	err = errno;
	memcpy(why, e->msg, sizeof(why));
	err_set(e, "frame: %s", why);
	return fail_errno(err, -1);
}
