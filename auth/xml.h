/* SPDX-License-Identifier: ISC */
/*
 * libxml2 and text helpers shared by gp-auth's pure parsers. Input is
 * untrusted: documents are read from memory with no network, no DTD, no
 * entity expansion, a size, depth and element cap, and errors silenced.
 */
#ifndef GPVPN_AUTH_XML_H
#define GPVPN_AUTH_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "ipc/err.h"

#define XML_DEPTH_MAX		32	/* our documents need < 8 */
#define XML_ELEMS_MAX		20000	/* > CFG_ROUTES_MAX plus slack */

enum xml_mode {
	XML_MODE_STRICT = 0,	/* well-formed or rejected */
	XML_MODE_TAGS,		/* getconfig: mismatched end tags close */
	XML_MODE_RECOVER	/* 2FA challenge: libxml2 recover mode */
};

/*
 * Parse body (at most PARSE_BODY_MAX bytes, no NUL, no DOCTYPE or
 * entity declaration). what names the document in errors. Returns the
 * document, to be released with xml_free(), or NULL with e set.
 */
xmlDoc	*xml_read(const char *body, size_t len, enum xml_mode mode,
	    const char *what, struct gp_err *e);
void	 xml_free(xmlDoc *d);

/* The root element if its name is name, else NULL. */
xmlNode	*xml_root(xmlDoc *d, const char *name);
/* First element child / next element sibling, or NULL. */
xmlNode	*xml_child(const xmlNode *n);
xmlNode	*xml_next(const xmlNode *n);
bool	 xml_is(const xmlNode *n, const char *name);
/*
 * The text of element n: its text and CDATA children, trimmed of ASCII
 * white space. -1 with e naming the element if it has element children
 * or the text does not fit in outsz (including the NUL).
 */
int	 xml_text(const xmlNode *n, char *out, size_t outsz,
	    struct gp_err *e);
/* The value of attribute name on n, copied as xml_text does. 0, or -1
 * when absent or too long. */
int	 xml_attr(const xmlNode *n, const char *name, char *out,
	    size_t outsz);

/* The index of n's name in names[0..count), or -1. */
int	 xml_find(const xmlNode *n, const char *const *names, int count);
/*
 * Element n's text as a number in 0..max into *v (0 when empty: not
 * given). -1 with e, in what's name (the document), when it is not.
 */
int	 xml_u32(const xmlNode *n, const char *what, uint32_t max,
	    uint32_t *v, struct gp_err *e);

/* Text checks used by the parsers. */
bool	 xml_str_printable(const char *s);	/* no C0/DEL, valid UTF-8 */
/* Replace control characters and bad UTF-8 with '?', keeping '\n' if
 * keep_nl; trims white space at both ends. */
void	 xml_str_sanitize(char *s, bool keep_nl);
/* Decimal digits only, 1..10 of them, value <= max. */
int	 xml_str_u32(const char *s, uint32_t max, uint32_t *out);
/* Remove ASCII white space at both ends, in place. */
void	 xml_str_trim(char *s);

#endif
