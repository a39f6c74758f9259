/* SPDX-License-Identifier: ISC */
/*
 * The error documents of gp-auth's servers (PROTOCOL.md §2):
 * <response status="error"><error>TEXT</error></response> and friends,
 * found and classed by a pure parser. The body is untrusted; the text
 * comes back printable.
 */
#ifndef GPVPN_AUTH_ERRORS_H
#define GPVPN_AUTH_ERRORS_H

#include <stdbool.h>
#include <stddef.h>

enum gp_error_class {
	GP_ERRCLASS_GENERIC = 0,
	GP_ERRCLASS_WRONG_INTERFACE,	/* gateway/portal does not exist */
	GP_ERRCLASS_COOKIE_REJECTED	/* fatal, exit 2 */
};
/* True and the text when body is an error document. */
bool	errors_parse(const char *body, size_t len, char *text,
	    size_t textsz, enum gp_error_class *cls);

#endif
