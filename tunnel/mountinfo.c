/* SPDX-License-Identifier: ISC */
/*
 * The /proc/self/mountinfo parser (mountinfo.h): pure and bounded, bytes
 * read only through the checked buffer. gp-tunnel [priv] runs it at
 * start-up, before its sandbox, on text from the kernel that it still
 * treats as untrusted: a malformed line is an error, not a guess.
 */
#include <sys/mount.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ipc/buf.h"
#include "tunnel/mountinfo.h"

/* The fields before the optional ones, and after the "-" separator. */
#define MI_F_ID		0
#define MI_F_PARENT	1
#define MI_F_DEV	2
#define MI_F_POINT	4
#define MI_F_OPTIONS	5
#define MI_FIXED	6
#define MI_AFTER_SEP	3	/* type, source, super options */

struct mi_field {
	size_t	off;
	size_t	n;
};

struct mi_line {
	struct buf	 b;	/* a view on the whole line */
	struct mi_field	 f[MOUNTINFO_FIELDS_MAX];
	unsigned	 n;
};

static const struct {
	const char	*name;
	unsigned long	 flag;
} mi_options[] = {
	{ "ro", MS_RDONLY },
	{ "rw", 0 },
	{ "nosuid", MS_NOSUID },
	{ "nodev", MS_NODEV },
	{ "noexec", MS_NOEXEC },
	{ "nosymfollow", MS_NOSYMFOLLOW },
	{ "noatime", MS_NOATIME },
	{ "nodiratime", MS_NODIRATIME },
	{ "relatime", MS_RELATIME },
};

static int
mi_bad(struct gp_err *e, const char *what, const struct mi_line *l,
    unsigned i)
{
	char q[ERR_QUOTE_MAX];
	const char *p = (const char *)l->b.data;

	if (i >= l->n)
		return err_set(e, "mountinfo: %s", what);
	return err_set(e, "mountinfo: %s: `%s'", what,
	    err_quote(q, p + l->f[i].off, l->f[i].n));
}

/* Fields are separated by one space; none is empty; no control bytes. */
static int
mi_split(struct mi_line *l, struct gp_err *e)
{
	size_t start = 0;
	uint8_t c;

	l->n = 0;
	for (;;) {
		bool end = buf_get_u8(&l->b, &c) == -1;

		if (!end && c != ' ') {
			if (c < 0x20 || c == 0x7f)
				return err_set(e, "mountinfo: control byte "
				    "0x%02x at offset %zu", c, l->b.off - 1);
			continue;
		}
		if (l->b.off - (end ? 0 : 1) == start)
			return err_set(e, "mountinfo: empty field at offset "
			    "%zu", start);
		if (l->n == MOUNTINFO_FIELDS_MAX)
			return err_set(e, "mountinfo: more than %d fields",
			    MOUNTINFO_FIELDS_MAX);
		l->f[l->n].off = start;
		l->f[l->n].n = l->b.off - (end ? 0 : 1) - start;
		l->n++;
		start = l->b.off;
		if (end)
			return 0;
	}
}

/* Digits only, or digits:digits for the device. */
static bool
mi_numeric(const struct mi_line *l, unsigned i, bool dev)
{
	struct buf b;
	unsigned colons = 0, digits = 0;
	uint8_t c;

	buf_view(&b, l->b.data + l->f[i].off, l->f[i].n);
	while (buf_get_u8(&b, &c) == 0) {
		if (c == ':' && dev && digits > 0 && colons == 0) {
			colons++;
			digits = 0;
		} else if (c >= '0' && c <= '9' && digits < 10) {
			digits++;
		} else {
			return false;
		}
	}
	return digits > 0 && colons == (dev ? 1U : 0U);
}

static bool
mi_is(const struct mi_line *l, unsigned i, const char *s)
{
	return l->f[i].n == strlen(s) &&
	    memcmp(l->b.data + l->f[i].off, s, l->f[i].n) == 0;
}

/* \ooo (three octal digits, not \000) is the kernel's escape. */
static int
mi_unescape(const struct mi_line *l, unsigned i, char *out, size_t outsz)
{
	struct buf b;
	size_t o = 0;
	uint8_t c, d[3];
	unsigned v, k;

	buf_view(&b, l->b.data + l->f[i].off, l->f[i].n);
	while (buf_get_u8(&b, &c) == 0) {
		if (c == '\\') {
			if (buf_get_bytes(&b, d, sizeof(d)) == -1)
				return -1;
			for (v = 0, k = 0; k < 3; k++) {
				if (d[k] < '0' || d[k] > '7')
					return -1;
				v = v * 8 + (unsigned)(d[k] - '0');
			}
			if (v == 0 || v > 0xff)
				return -1;
			c = (uint8_t)v;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return o > 0 && out[0] == '/' ? 0 : -1;
}

/* Comma-separated names; the known ones set their flag. */
static int
mi_options_parse(const struct mi_line *l, unsigned i, unsigned long *flags)
{
	struct buf b;
	size_t start = 0, k, j;
	uint8_t c;
	bool end;

	*flags = 0;
	buf_view(&b, l->b.data + l->f[i].off, l->f[i].n);
	do {
		end = buf_get_u8(&b, &c) == -1;
		if (!end && c != ',')
			continue;
		k = b.off - (end ? 0 : 1) - start;
		if (k == 0)
			return -1;
		for (j = 0; j < sizeof(mi_options) / sizeof(mi_options[0]);
		    j++)
			if (strlen(mi_options[j].name) == k &&
			    memcmp(b.data + start, mi_options[j].name, k) == 0)
				*flags |= mi_options[j].flag;
		start = b.off;
	} while (!end);
	return 0;
}

int
mountinfo_parse_line(const char *line, size_t len, struct mountinfo_ent *m,
    struct gp_err *e)
{
	struct mi_line l;
	unsigned sep;

	memset(m, 0, sizeof(*m));
	if (len > MOUNTINFO_LINE_MAX)
		return err_set(e, "mountinfo: a line of %zu bytes (at most "
		    "%d)", len, MOUNTINFO_LINE_MAX);
	buf_view(&l.b, line, len);
	if (mi_split(&l, e) == -1)
		return -1;
	for (sep = MI_FIXED; sep < l.n && !mi_is(&l, sep, "-"); sep++)
		continue;
	if (sep == l.n || l.n - sep - 1 != MI_AFTER_SEP)
		return mi_bad(e, "expected 6 fields, optional ones, `-' "
		    "and 3 more", &l, l.n - 1);
	if (!mi_numeric(&l, MI_F_ID, false))
		return mi_bad(e, "bad mount ID", &l, MI_F_ID);
	if (!mi_numeric(&l, MI_F_PARENT, false))
		return mi_bad(e, "bad parent ID", &l, MI_F_PARENT);
	if (!mi_numeric(&l, MI_F_DEV, true))
		return mi_bad(e, "bad major:minor", &l, MI_F_DEV);
	if (mi_unescape(&l, MI_F_POINT, m->point, sizeof(m->point)) == -1) {
		memset(m, 0, sizeof(*m));
		return mi_bad(e, "bad mount point", &l, MI_F_POINT);
	}
	if (mi_options_parse(&l, MI_F_OPTIONS, &m->flags) == -1) {
		memset(m, 0, sizeof(*m));
		return mi_bad(e, "bad mount options", &l, MI_F_OPTIONS);
	}
	return 0;
}

int
mountinfo_parse(const char *text, size_t len,
    int (*fn)(const struct mountinfo_ent *m, void *arg, struct gp_err *e),
    void *arg, struct gp_err *e)
{
	struct mountinfo_ent m;
	const char *nl;
	size_t off = 0, n;
	unsigned no = 0;
	struct gp_err le = { "" };

	while (off < len) {
		no++;
		nl = memchr(text + off, '\n', len - off);
		if (nl == NULL)
			return err_set(e, "mountinfo line %u: no newline", no);
		n = (size_t)(nl - (text + off));
		if (mountinfo_parse_line(text + off, n, &m, &le) == -1)
			return err_set(e, "line %u: %s", no, le.msg);
		if (fn(&m, arg, e) == -1)
			return -1;
		off += n + 1;
	}
	return 0;
}
