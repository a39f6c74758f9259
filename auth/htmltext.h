/* SPDX-License-Identifier: ISC */
/*
 * Decoders for the text of gp-auth's HTML and JavaScript 2FA challenges
 * (PROTOCOL.md §5.5 syntaxes 2 and 3): HTML entities and JS string
 * literals. Their input is an untrusted server body; they do no I/O.
 */
#ifndef GPVPN_HTMLTEXT_H
#define GPVPN_HTMLTEXT_H

#include <stddef.h>

#include "ipc/cursor.h"

/*
 * Decodes the named entities &quot; &amp; &lt; &gt; &apos; &nbsp; and
 * numeric ones (&#65; &#x41;, at most 13 bytes, no NUL, no surrogate)
 * to UTF-8 in place; anything else stays as it is. s holds len bytes
 * and room for a NUL, written after the result. Returns the new length.
 */
size_t	htmltext_entities(char *s, size_t len);

/*
 * The JS string literal at c (a ' or " quoted string, escapes \n \t \r
 * and \<any byte> for that byte) into out as a C string. 0, or -1 when
 * c is at no quote or the literal is unterminated, holds a NUL or does
 * not fit outsz: nothing consumed and out "" (if outsz > 0).
 */
int	htmltext_js_string(struct cursor *c, char *out, size_t outsz);

enum htmltext_js {
	HTMLTEXT_JS_ABSENT = 0,	/* no `name = ` in the text */
	HTMLTEXT_JS_FOUND,	/* out holds the decoded string */
	HTMLTEXT_JS_NOT_STRING,	/* `name = ` not followed by a quote */
	HTMLTEXT_JS_BAD		/* unterminated, or does not fit outsz */
};

/*
 * The first `name = "..."` in text with name a whole word (not after a
 * letter, digit or '_') and '=' not '=='; its string decoded into out.
 */
enum htmltext_js htmltext_js_assign(const char *text, size_t len,
	    const char *name, char *out, size_t outsz);

#endif
