/* SPDX-License-Identifier: ISC */
/*
 * The size limits the pure response parsers of gp-auth share (prelogin,
 * login, errors, portal): the longest server text, label or field each
 * keeps. The texts they bound come from untrusted servers.
 */
#ifndef GPVPN_AUTH_PARSELIM_H
#define GPVPN_AUTH_PARSELIM_H

#define PARSE_TEXT_MAX		512		/* messages, labels */
#define PARSE_SAML_MAX		(64 * 1024)
#define PARSE_NAME_MAX		128
#define PARSE_INPUTSTR_MAX	256

#endif
