/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for saml.c (gp-auth): the decoded saml-request is the
 * input, base64-encoded into a prelogin as prelogin_parse leaves it, then
 * read as a POST form (the cursor scan for the action URL) and as a
 * REDIRECT URL, and turned into the hand-over text. Input is arbitrary,
 * as from a hostile server; any crash, leak or sanitizer report is a bug.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/saml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct prelogin p;
	static char text[SAML_TEXT_MAX];
	char url[SAML_URL_MAX];
	struct gw_target t;
	enum saml_kind kind;
	struct gp_err e;

	if (size == 0 || (size + 2) / 3 * 4 >= sizeof(p.saml_request))
		return 0;
	memset(&p, 0, sizeof(p));
	(void)EVP_EncodeBlock((unsigned char *)p.saml_request, data,
	    (int)size);
	p.saml = true;
	memset(&t, 0, sizeof(t));
	snprintf(t.host, sizeof(t.host), "gw.example");
	t.port = 443;
	snprintf(p.saml_method, sizeof(p.saml_method), "POST");
	(void)saml_target(&p, &kind, url, sizeof(url), &e);
	(void)saml_text(&p, &t, "portal", "Linux", text, sizeof(text), &e);
	snprintf(p.saml_method, sizeof(p.saml_method), "REDIRECT");
	(void)saml_target(&p, &kind, url, sizeof(url), &e);
	(void)saml_text(&p, &t, "gateway", "Mac", text, 300, &e);
	return 0;
}
