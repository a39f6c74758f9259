/* SPDX-License-Identifier: ISC */
/*
 * libxml2 wrapper and text helpers for gp-auth's parsers (see xml.h).
 * Every document is untrusted: size and NUL checks, DOCTYPE rejection and
 * a depth and element cap come before any parser looks at a node.
 */
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "ipc/limits.h"
#include "ipc/textenc.h"
#include "xml.h"

#define XML_U32_TEXT_MAX	256	/* what xml_u32 reads: padding too */

/* What the silent error handler saw while one document was parsed. */
struct xml_errs {
	enum xml_mode	mode;
	int		n;		/* errors seen */
	int		bad;		/* errors this mode does not forgive */
	int		line;		/* of the first unforgiven error */
	char		msg[96];
};

static void
xml_silent(void *ctx, const char *fmt, ...)
{
	(void)ctx;
	(void)fmt;
}

static void
xml_silent_s(void *ctx, xmlErrorPtr err)
{
	(void)ctx;
	(void)err;
}

static bool
xml_forgiven(enum xml_mode mode, int code)
{
	switch (mode) {
	case XML_MODE_TAGS:
		return code == XML_ERR_TAG_NAME_MISMATCH;
	case XML_MODE_RECOVER:
		/* Extra roots and runaway nesting are never forgiven. */
		return code != XML_ERR_DOCUMENT_END &&
		    code != XML_ERR_INTERNAL_ERROR &&
		    code != XML_ERR_ENTITY_LOOP &&
		    code != XML_ERR_UNDECLARED_ENTITY &&
		    code != XML_WAR_UNDECLARED_ENTITY;
	default:
		return false;
	}
}

static void
xml_collect(void *ctx, xmlErrorPtr err)
{
	xmlParserCtxtPtr p = ctx;
	struct xml_errs *x = p->_private;
	size_t n;

	if (x == NULL || err == NULL || err->level == XML_ERR_WARNING)
		return;
	x->n++;
	if (xml_forgiven(x->mode, err->code))
		return;
	if (x->bad++ != 0)
		return;
	x->line = err->line;
	if (err->message == NULL)
		return;
	n = strcspn(err->message, "\n");
	if (n >= sizeof(x->msg))
		n = sizeof(x->msg) - 1;
	memcpy(x->msg, err->message, n);
	x->msg[n] = '\0';
}

/* Looks for "<!" + DOCTYPE/ENTITY in any case, anywhere. */
static bool
xml_has_decl(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 < len; i++) {
		if (p[i] != '<' || p[i + 1] != '!')
			continue;
		if (strncasecmp(p + i + 2, "DOCTYPE", 7) == 0 ||
		    strncasecmp(p + i + 2, "ENTITY", 6) == 0)
			return true;
	}
	return false;
}

static int
xml_precheck(const char *body, size_t len, const char *what,
    struct gp_err *e)
{
	if (len == 0)
		return err_set(e, "%s: empty body", what);
	if (len > PARSE_BODY_MAX)
		return err_set(e, "%s: body of %zu bytes is over the %d-byte "
		    "limit", what, len, PARSE_BODY_MAX);
	if (memchr(body, '\0', len) != NULL)
		return err_set(e, "%s: body contains a NUL byte", what);
	if (xml_has_decl(body, len))
		return err_set(e, "%s: DOCTYPE or ENTITY declarations are "
		    "not accepted", what);
	return 0;
}

static int
xml_bad_node(const xmlNode *n)
{
	switch (n->type) {
	case XML_DTD_NODE:
	case XML_ENTITY_REF_NODE:
	case XML_ENTITY_NODE:
	case XML_ENTITY_DECL:
	case XML_XINCLUDE_START:
	case XML_XINCLUDE_END:
	case XML_DOCUMENT_TYPE_NODE:
		return 1;
	default:
		return 0;
	}
}

/* Iterative walk: no recursion on attacker-controlled depth. */
static int
xml_check_tree(xmlDoc *d, const char *what, struct gp_err *e)
{
	xmlNode *n = d->children;
	unsigned depth = 0, elems = 0;

	if (d->intSubset != NULL || d->extSubset != NULL)
		return err_set(e, "%s: DOCTYPE is not accepted", what);
	while (n != NULL) {
		if (xml_bad_node(n))
			return err_set(e, "%s: DTD or entity node is not "
			    "accepted", what);
		if (n->type == XML_ELEMENT_NODE && ++elems > XML_ELEMS_MAX)
			return err_set(e, "%s: more than %d elements", what,
			    XML_ELEMS_MAX);
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			if (++depth > XML_DEPTH_MAX)
				return err_set(e, "%s: nested deeper than %d",
				    what, XML_DEPTH_MAX);
			n = n->children;
			continue;
		}
		while (n->next == NULL && n->parent != NULL &&
		    n->parent != (xmlNode *)d) {
			n = n->parent;
			depth--;
		}
		n = n->next;
	}
	return 0;
}

static xmlDoc *
xml_parse(const char *body, size_t len, enum xml_mode mode,
    struct xml_errs *x)
{
	xmlParserCtxtPtr p;
	xmlDoc *d = NULL;
	/* NODICT: text is never interned, so xml_free can wipe it. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | XML_PARSE_NODICT;

	if (mode != XML_MODE_STRICT)
		opts |= XML_PARSE_RECOVER;
	xmlInitParser();
	/* Thread-local defaults: nothing of libxml2's reaches stderr. */
	xmlSetGenericErrorFunc(NULL, xml_silent);
	xmlSetStructuredErrorFunc(NULL, xml_silent_s);
	p = xmlCreateMemoryParserCtxt(body, (int)len);
	if (p == NULL)
		return NULL;
	xmlCtxtUseOptions(p, opts);
	p->_private = x;
	p->sax->serror = xml_collect;
	p->vctxt.error = xml_silent;
	p->vctxt.warning = xml_silent;
	(void)xmlParseDocument(p);
	d = p->myDoc;
	p->myDoc = NULL;
	if (d != NULL && mode == XML_MODE_STRICT && !p->wellFormed &&
	    x->bad == 0)
		x->bad = 1;
	xmlFreeParserCtxt(p);
	return d;
}

/*
 * libxml2 drops entity references, even &amp;, once it knows a document
 * is broken; so a well-formed document is always read strictly, and only
 * a broken one in the lenient mode the caller allows.
 */
static xmlDoc *
xml_parse_best(const char *body, size_t len, enum xml_mode mode,
    struct xml_errs *x)
{
	xmlDoc *d;

	memset(x, 0, sizeof(*x));
	x->mode = XML_MODE_STRICT;
	d = xml_parse(body, len, XML_MODE_STRICT, x);
	if (mode == XML_MODE_STRICT || (d != NULL && x->bad == 0))
		return d;
	xml_free(d);
	memset(x, 0, sizeof(*x));
	x->mode = mode;
	return xml_parse(body, len, mode, x);
}

xmlDoc *
xml_read(const char *body, size_t len, enum xml_mode mode,
    const char *what, struct gp_err *e)
{
	struct xml_errs x;
	char q[ERR_QUOTE_MAX];
	xmlDoc *d;

	if (xml_precheck(body, len, what, e) == -1)
		return NULL;
	/* Some servers start with a line break; libxml2 would refuse. */
	while (len > 0 && (*body == ' ' || *body == '\t' || *body == '\r' ||
	    *body == '\n')) {
		body++;
		len--;
	}
	d = xml_parse_best(body, len, mode, &x);
	if (d == NULL || x.bad != 0) {
		xml_free(d);
		if (x.bad == 0)
			return err_set(e, "%s: not XML", what), NULL;
		err_set(e, "%s: bad XML at line %d: %s", what, x.line,
		    err_quote(q, x.msg, strlen(x.msg)));
		return NULL;
	}
	if (xml_check_tree(d, what, e) == -1 ||
	    xmlDocGetRootElement(d) == NULL) {
		if (xmlDocGetRootElement(d) == NULL)
			err_set(e, "%s: no root element", what);
		xml_free(d);
		return NULL;
	}
	return d;
}

/* Text nodes may hold ESP keys: wipe them before libxml2 frees them. */
void
xml_free(xmlDoc *d)
{
	xmlNode *n;

	if (d == NULL)
		return;
	n = d->children;
	while (n != NULL) {
		if (n->content != NULL && (n->type == XML_TEXT_NODE ||
		    n->type == XML_CDATA_SECTION_NODE) &&
		    (d->dict == NULL || !xmlDictOwns(d->dict, n->content)))
			explicit_bzero(n->content, xmlStrlen(n->content));
		if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
			n = n->children;
			continue;
		}
		while (n->next == NULL && n->parent != NULL &&
		    n->parent != (xmlNode *)d)
			n = n->parent;
		n = n->next;
	}
	xmlFreeDoc(d);
}

xmlNode *
xml_root(xmlDoc *d, const char *name)
{
	xmlNode *r = xmlDocGetRootElement(d);

	return xml_is(r, name) ? r : NULL;
}

bool
xml_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
xml_next(const xmlNode *n)
{
	for (n = n->next; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (xmlNode *)n;
	return NULL;
}

xmlNode *
xml_child(const xmlNode *n)
{
	xmlNode *c = n->children;

	if (c == NULL || c->type == XML_ELEMENT_NODE)
		return c;
	return xml_next(c);
}

static int
xml_copy(char *out, size_t outsz, size_t *o, const char *s)
{
	size_t n = strlen(s);

	if (n >= outsz - *o)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

int
xml_text(const xmlNode *n, char *out, size_t outsz, struct gp_err *e)
{
	const xmlNode *c;
	size_t o = 0;

	out[0] = '\0';
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			explicit_bzero(out, outsz);
			return err_set(e, "%s: unexpected element inside",
			    n->name);
		}
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		if (c->content == NULL)
			continue;
		/* Leading blanks may be trimmed later; count them anyway. */
		if (xml_copy(out, outsz, &o, (const char *)c->content) == -1) {
			explicit_bzero(out, outsz);
			return err_set(e, "%s: value longer than %zu bytes",
			    n->name, outsz - 1);
		}
	}
	xml_str_trim(out);
	return 0;
}

int
xml_attr(const xmlNode *n, const char *name, char *out, size_t outsz)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	size_t o = 0;
	int rc;

	out[0] = '\0';
	if (v == NULL)
		return -1;
	rc = xml_copy(out, outsz, &o, (const char *)v);
	xmlFree(v);
	if (rc == 0)
		xml_str_trim(out);
	return rc;
}

static bool
xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
xml_str_trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && xml_blank(s[n - 1]))
		s[--n] = '\0';
	while (xml_blank(s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
}

/* Length of the UTF-8 sequence at p (1-4) in a C string, or 0 if
 * invalid or a C1 control. */
static size_t
xml_utf8_len(const unsigned char *p)
{
	uint32_t cp;
	size_t n;

	n = utf8_seq_len(p, strnlen((const char *)p, 4), &cp);
	if (n == 0 || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

bool
xml_str_printable(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f || (n = xml_utf8_len(p)) == 0)
			return false;
		p += n;
	}
	return true;
}

void
xml_str_sanitize(char *s, bool keep_nl)
{
	unsigned char *p = (unsigned char *)s;
	size_t n;

	while (*p != '\0') {
		if (*p == '\n' && keep_nl)
			n = 1;
		else if (*p < 0x20 || *p == 0x7f)
			n = 0;
		else
			n = xml_utf8_len(p);
		if (n == 0)
			*p++ = '?';
		else
			p += n;
	}
	xml_str_trim(s);
}

int
xml_str_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	*out = 0;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int
xml_find(const xmlNode *n, const char *const *names, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (xml_is(n, names[i]))
			return i;
	return -1;
}

int
xml_u32(const xmlNode *n, const char *what, uint32_t max, uint32_t *v,
    struct gp_err *e)
{
	char s[XML_U32_TEXT_MAX], q[ERR_QUOTE_MAX];

	*v = 0;
	if (xml_text(n, s, sizeof(s), e) == -1)
		return -1;
	if (s[0] == '\0')
		return 0;	/* empty: not given */
	if (xml_str_u32(s, max, v) == -1)
		return err_set(e, "%s: %s `%s` is not a number in 0..%u", what,
		    n->name, err_quote(q, s, strlen(s)), max);
	return 0;
}
