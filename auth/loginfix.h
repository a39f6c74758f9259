/* SPDX-License-Identifier: ISC */
/*
 * The login body fixer of gp-auth (PROTOCOL.md §2): servers send a lone
 * '&' or '<' inside a 2FA challenge's <respmsg>, which no XML parser
 * takes. The body is untrusted; the fixer only escapes, never drops.
 */
#ifndef GPVPN_LOGINFIX_H
#define GPVPN_LOGINFIX_H

#include <stddef.h>

/*
 * A copy of body with every '&' that opens no reference made "&amp;" and
 * every '<' that opens no markup made "&lt;". NUL-terminated, its length
 * in *outlen; the caller frees it. NULL when out of memory.
 */
char	*loginfix_body(const char *body, size_t len, size_t *outlen);

#endif
